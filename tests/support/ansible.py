"""The one way tests and the benchmark start ansible-playbook: a clean environment, a bounded run, its output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.collection import install

ANSIBLE_BIN = Path(sys.executable).parent
ANSIBLE_PLAYBOOK = ANSIBLE_BIN / "ansible-playbook"
RUN_TIMEOUT = 600  # seconds; a generous bound on shared CI machines, never reached by a healthy run


@dataclass(frozen=True)
class PlaybookRun:
    """What one ansible-playbook run printed, logged (``ANSIBLE_LOG_PATH``) and saved as results (if asked)."""

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    log: str = ""
    results_text: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def everything(self) -> str:
        """All text the run produced: stdout, stderr, the ansible log and the saved results."""
        return "\n".join((self.stdout, self.stderr, self.log, self.results_text))

    @property
    def results(self) -> dict[str, Any]:
        return json.loads(self.results_text) if self.results_text else {}

    def describe(self) -> str:
        """The command and the end of its output, for assertion messages."""
        return (
            f"$ {' '.join(self.command)}\n--- stdout (end) ---\n{self.stdout[-12000:]}\n--- stderr ---\n{self.stderr}"
        )


def run_ansible_playbook(
    arguments: Sequence[str],
    workdir: Path,
    environment: Mapping[str, str] | None = None,
    results_file: Path | None = None,
    timeout: float = RUN_TIMEOUT,
    cwd: Path | None = None,
) -> PlaybookRun:
    """Run ``ansible-playbook ARGUMENTS`` in cwd or workdir (default environment: ``clean_ansible_environment``)."""
    command = (str(ANSIBLE_PLAYBOOK), *arguments)
    env = dict(environment) if environment is not None else clean_ansible_environment(workdir)
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=cwd or workdir, timeout=timeout, check=False
    )
    log_path = env.get("ANSIBLE_LOG_PATH")
    log = Path(log_path).read_text(encoding="utf-8") if log_path and Path(log_path).exists() else ""
    results_text = results_file.read_text(encoding="utf-8") if results_file and results_file.exists() else ""
    return PlaybookRun(command, completed.returncode, completed.stdout, completed.stderr, log, results_text)


def clean_ansible_environment(
    workdir: Path, config: Path | None = None, *, silence_inventory_warnings: bool = True, **extra: str
) -> dict[str, str]:
    """This process's environment without ANSIBLE_* and ABRAFLEXI_*, plus settings that make a run repeatable.

    ``config`` or an empty ansible.cfg, never the user's; Ansible's folders inside ``workdir``; this checkout as the
    collection; plain output. ``silence_inventory_warnings`` is for runs whose inventory is implicit on purpose.
    """
    if config is None:
        config = workdir / "ansible.cfg"
        config.touch()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "ABRAFLEXI_"))}
    environment.update(
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_COLLECTIONS_PATH=str(install()),
        ANSIBLE_HOME=str(workdir / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-local"),
        ANSIBLE_REMOTE_TEMP=str(workdir / "ansible-remote"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        PYTHONUNBUFFERED="1",
    )
    if silence_inventory_warnings:
        environment.update(ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    environment.update(extra)
    return environment
