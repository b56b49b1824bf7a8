"""Tiny playbooks for the direct execution tests, run with the real ansible-playbook on either path."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.support.ansible import ANSIBLE_PLAYBOOK, PlaybookRun, clean_ansible_environment, run_ansible_playbook

API_USER = "admin"
API_PASSWORD = "Api-s3cret-direct%&<x"
SMTP_PASSWORD = "Smtp-s3cret-direct%&<x"
STORED = {
    "host": "smtp.example.com",
    "port": "465",
    "username": "flexi@example.com",
    "password": "stored-smtp-secret",
    "defaultFrom": "ABRA Flexi <flexi@example.com>",
    "encryptionMode": "SSL",
}
PATHS = {"direct": True, "module": False}

needs_ansible_playbook = pytest.mark.skipif(
    not ANSIBLE_PLAYBOOK.exists(), reason="ansible-playbook is not installed beside this Python"
)


def registered_names(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The names the tasks register, blocks included."""
    names = []
    for task in tasks:
        names += registered_names(task.get("block", []))
        if "register" in task:
            names.append(task["register"])
    return names


def playbook(tasks: Sequence[Mapping[str, Any]], direct: bool, play_vars: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One play on localhost; every registered result is written to results.json by a last task."""
    registered = registered_names(tasks)
    dump = {
        "name": "Keep the registered results",
        "ansible.builtin.copy": {
            "content": "{{ {" + ", ".join(f"'{name}': {name}" for name in registered) + "} | to_json }}",
            "dest": "{{ results_file }}",
            "mode": "0600",
        },
    }
    return [
        {
            "name": "Direct execution scenarios",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"abraflexi_direct_execution": direct, **play_vars},
            "tasks": [*tasks, *([dump] if registered else [])],
        }
    ]


def run_playbook(
    workdir: Path,
    tasks: Sequence[Mapping[str, Any]],
    direct: bool,
    play_vars: Mapping[str, Any] | None = None,
    verbosity: int = 0,
) -> PlaybookRun:
    """Run tasks on localhost (implicit local connection) on the chosen path; return output and results."""
    workdir.mkdir(parents=True, exist_ok=True)
    results_file = workdir / "results.json"
    playbook_file = workdir / "playbook.yml"
    playbook_file.write_text(json.dumps(playbook(tasks, direct, play_vars or {}), indent=1), encoding="utf-8")
    arguments = [str(playbook_file), "-e", f"results_file={results_file}"]
    arguments += ["-e", f"ansible_python_interpreter={sys.executable}"]
    if verbosity:
        arguments.append("-" + "v" * verbosity)
    return run_ansible_playbook(arguments, workdir, clean_ansible_environment(workdir), results_file, timeout=300)
