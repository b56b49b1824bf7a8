"""Run ansible-playbook for the drift report tests and keep what they produce.

A clean environment per run (no user config, nothing from ANSIBLE_* or ABRAFLEXI_* outside), the run's output and
report, and tests/output/audit/ for the files worth keeping as CI artifacts (listed at the end of the pytest run by
tests/audit/conftest.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ansible_env import clean_ansible_environment
from tests.audit.lab import AuditLab
from tests.collection_path import REPO_ROOT

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
AUDIT_PLAYBOOK = REPO_ROOT / "examples" / "audit_smtp.yml"
ARTIFACTS = REPO_ROOT / "tests" / "output" / "audit"
CALLBACK = "abraflexi.flexi.drift_report"
REPORT_FILES = {"json": "drift-report.json", "markdown": "drift-report.md", "html": "drift-report.html"}

artifacts_written: list[Path] = []


@dataclass(frozen=True)
class PlaybookRun:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    report_dir: Path
    writes: tuple[Any, ...] = field(default=())

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return f"$ {' '.join(self.command)}\n--- stdout ---\n{self.stdout[-12000:]}\n--- stderr ---\n{self.stderr}"

    def report_file(self, form: str) -> Path:
        return self.report_dir / REPORT_FILES[form]

    def report_text(self, form: str) -> str:
        return self.report_file(form).read_text(encoding="utf-8")

    def report(self) -> dict[str, Any]:
        return json.loads(self.report_text("json"))


def ansible_environment(workdir: Path, config: Path | None = None, **extra: str) -> dict[str, str]:
    """A clean environment for ansible-playbook: no user config or ANSIBLE_*/ABRAFLEXI_* from outside.

    Inventory warnings stay on: the audit runs name every host, and their tests assert that nothing warns.
    """
    return clean_ansible_environment(
        workdir, config, silence_inventory_warnings=False, ANSIBLE_HOST_KEY_CHECKING="0", **extra
    )


def run_playbook(
    playbook: Path,
    inventory: Path,
    workdir: Path,
    report_dir: Path,
    arguments: tuple[str, ...] = (),
    environment: Mapping[str, str] | None = None,
    lab: AuditLab | None = None,
) -> PlaybookRun:
    command = [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(playbook), *arguments]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=dict(environment or {}),
        cwd=workdir,
        timeout=300,
        check=False,
    )
    writes = tuple(lab.writes()) if lab is not None else ()
    return PlaybookRun(command, completed.returncode, completed.stdout, completed.stderr, report_dir, writes)


def keep_artifact(source: Path, name: str | None = None) -> Path:
    """Copy a file to tests/output/audit/ and list it at the end of the pytest run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    destination = ARTIFACTS / (name or source.name)
    if source.resolve() != destination.resolve():
        shutil.copyfile(source, destination)
    if destination not in artifacts_written:
        artifacts_written.append(destination)
    return destination
