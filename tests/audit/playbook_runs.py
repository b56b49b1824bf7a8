"""The drift report tests' playbook runs, their reports, and tests/output/audit/ for the files worth keeping as CI
artifacts (listed at the end of the pytest run by tests/audit/conftest.py)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.ansible import PlaybookRun
from tests.support.collection import REPO_ROOT

ARTIFACTS = REPO_ROOT / "tests" / "output" / "audit"
CALLBACK = "abraflexi.flexi.drift_report"
REPORT_FILES = {"json": "drift-report.json", "markdown": "drift-report.md", "html": "drift-report.html"}

artifacts_written: list[Path] = []


@dataclass(frozen=True)
class AuditRun(PlaybookRun):
    """A playbook run with the drift report it wrote."""

    report_dir: Path = Path()

    def report_file(self, form: str) -> Path:
        return self.report_dir / REPORT_FILES[form]

    def report_text(self, form: str) -> str:
        return self.report_file(form).read_text(encoding="utf-8")

    def report(self) -> dict[str, Any]:
        return json.loads(self.report_text("json"))


def keep_artifact(source: Path, name: str | None = None) -> Path:
    """Copy a file to tests/output/audit/ and list it at the end of the pytest run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    destination = ARTIFACTS / (name or source.name)
    if source.resolve() != destination.resolve():
        shutil.copyfile(source, destination)
    if destination not in artifacts_written:
        artifacts_written.append(destination)
    return destination
