"""docs/drift-audit.md: the commands of "Try it against an emulated fleet" produce the report it describes.

The commands are read from the guide itself and run in a shell from the repository root, with two substitutions
only: `.venv/bin/` becomes the bin folder of the Python running the tests (make venv made it), and `.tmp/` a
folder of the test's own, so the run leaves nothing in the checkout. `make venv` is left out: the tests already run
in that environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit.lab import STATUSES
from tests.audit.playbook_runs import ansible_environment
from tests.support.collection import REPO_ROOT

pytestmark = pytest.mark.integration

GUIDE = REPO_ROOT / "docs" / "drift-audit.md"
SECTION = "## Try it against an emulated fleet"


def guide_commands() -> str:
    """The first ```sh block of the section, without `make venv`."""
    section = GUIDE.read_text(encoding="utf-8").split(SECTION, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return "\n".join(line for line in block.splitlines() if line.strip() != "make venv")


def test_guide_commands_write_the_report_it_describes(tmp_path):
    commands = (
        guide_commands().replace(".venv/bin/", f"{Path(sys.executable).parent}/").replace(".tmp/", f"{tmp_path}/")
    )
    environment = ansible_environment(tmp_path)
    environment.pop("ANSIBLE_COLLECTIONS_PATH")  # the lab sets it, as it does from a fresh clone

    completed = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert completed.returncode == 2, completed.stdout + completed.stderr  # two servers fail, as the guide says
    report_dir = tmp_path / "flexi-drift-report"
    for label, name in (("JSON", "json"), ("Markdown", "md"), ("HTML", "html")):
        assert f"Flexi drift report ({label}): {report_dir / f'drift-report.{name}'}" in completed.stdout
    report = json.loads((report_dir / "drift-report.json").read_text(encoding="utf-8"))
    assert {host["host"]: host["status"] for host in report["hosts"]} == STATUSES
