"""Fixtures for the drift report tests: the check-mode audit of docs/drift-audit.md, run as the guide says.

The audit runs once per session and several test modules read its report. Reports and screenshots are also copied
to tests/output/audit/ (kept as CI artifacts) and listed at the end of the pytest run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.audit.playbook_runs import REPORT_FILES, AuditRun, artifacts_written, keep_artifact
from tests.support.ansible import clean_ansible_environment
from tests.support.collection import REPO_ROOT

GUIDE = REPO_ROOT / "docs" / "drift-audit.md"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if artifacts_written:
        terminalreporter.section("drift report artifacts")
        for path in artifacts_written:
            terminalreporter.write_line(str(path))


def guide_commands() -> str:
    """The first ```sh block of the guide's "Try it against an emulated fleet", without `make venv`."""
    section = GUIDE.read_text(encoding="utf-8").split("## Try it against an emulated fleet", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return "\n".join(line for line in block.splitlines() if line.strip() != "make venv")


@pytest.fixture(scope="session")
def audit_run(tmp_path_factory: pytest.TempPathFactory) -> AuditRun:
    """The guide's commands in a shell from the repository root: tests/audit/lab.py starts the fleet and runs
    examples/audit_smtp.yml over it, the callback enabled and its folder set by the environment.

    Two substitutions only: `.venv/bin/` becomes the bin folder of the Python running the tests (make venv made it),
    and `.tmp/` a folder of the test's own, so the run leaves nothing in the checkout.
    """
    workdir = tmp_path_factory.mktemp("audit-run")
    commands = guide_commands().replace(".venv/bin/", f"{Path(sys.executable).parent}/").replace(".tmp/", f"{workdir}/")
    environment = clean_ansible_environment(workdir, silence_inventory_warnings=False)  # the run names every host
    environment.pop("ANSIBLE_COLLECTIONS_PATH")  # the lab sets it, as it does from a fresh clone
    command = ("bash", "-euo", "pipefail", "-c", commands)
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    report_dir = workdir / "flexi-drift-report"
    run = AuditRun(command, completed.returncode, completed.stdout, completed.stderr, report_dir=report_dir)
    for form in REPORT_FILES:
        if run.report_file(form).is_file():
            keep_artifact(run.report_file(form))
    return run
