"""Fixtures for the drift report tests: ansible-playbook runs against the emulated fleet (tests/audit/lab.py).

The check-mode audit of ``examples/audit_smtp.yml`` runs once per session and several test modules read its report.
Reports and screenshots are also copied to tests/output/audit/ (kept as CI artifacts) and listed at the end of the
pytest run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.audit.lab import AuditLab
from tests.audit.playbook_runs import (
    AUDIT_PLAYBOOK,
    CALLBACK,
    REPORT_FILES,
    AuditRun,
    ansible_environment,
    artifacts_written,
    keep_artifact,
    run_playbook,
)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if artifacts_written:
        terminalreporter.section("drift report artifacts")
        for path in artifacts_written:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="session")
def audit_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditLab]:
    with AuditLab(tmp_path_factory.mktemp("audit-lab")) as lab:
        yield lab


@pytest.fixture(scope="session")
def audit_run(audit_lab: AuditLab, tmp_path_factory: pytest.TempPathFactory) -> AuditRun:
    """examples/audit_smtp.yml over the fleet, callback enabled and its folder set by the environment."""
    workdir = tmp_path_factory.mktemp("audit-run")
    report_dir = workdir / "report"
    environment = ansible_environment(
        workdir, ANSIBLE_CALLBACKS_ENABLED=CALLBACK, ABRAFLEXI_DRIFT_REPORT_DIR=str(report_dir)
    )
    run = run_playbook(AUDIT_PLAYBOOK, audit_lab.inventory_path, workdir, report_dir, (), environment, audit_lab)
    for form in REPORT_FILES:
        if run.report_file(form).is_file():
            keep_artifact(run.report_file(form))
    return run
