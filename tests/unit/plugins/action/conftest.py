"""Run tiny playbooks with the real ansible-playbook, on the direct path or the module path."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

from tests.ansible_env import clean_ansible_environment

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
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


def controller_code() -> ModuleType:
    """The direct-execution helper, imported only when a test runs (see ``module_context_kept``)."""
    return importlib.import_module("ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct")


@pytest.fixture(autouse=True)
def module_context_kept() -> Iterator[None]:
    """Put back ansible-core's process-wide "controller" flag after each test.

    Importing controller code sets it, and from then on module_utils send warnings to the controller's display
    instead of the module result, which would break the in-process module tests that run later in this process.
    """
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core before 2.19 has no such flag
        yield
        return
    was_controller = getattr(_internal, "is_controller", False)
    yield
    _internal.is_controller = was_controller


@dataclass(frozen=True)
class PlaybookRun:
    returncode: int
    stdout: str
    stderr: str
    results: Mapping[str, Any]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


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
    command = [str(ANSIBLE_PLAYBOOK), str(playbook_file), "-e", f"results_file={results_file}"]
    command += ["-e", f"ansible_python_interpreter={sys.executable}"]
    if verbosity:
        command.append("-" + "v" * verbosity)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=clean_ansible_environment(workdir),
        cwd=workdir,
        timeout=300,
        check=False,
    )
    results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}
    return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, results)


@pytest.fixture
def playbook_runner(tmp_path: Path) -> Callable[..., PlaybookRun]:
    """``run(tasks, direct, play_vars=None, verbosity=0)`` in a folder of this test's own."""

    def run(tasks: Sequence[Mapping[str, Any]], direct: bool, *args: Any, **kwargs: Any) -> PlaybookRun:
        return run_playbook(tmp_path / ("direct" if direct else "module"), tasks, direct, *args, **kwargs)

    return run
