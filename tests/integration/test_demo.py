"""`make demo` (python -m tests.demo) tells its story and exits 0."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.collection import REPO_ROOT

pytestmark = pytest.mark.integration

KEY_LINES = (
    "Run 1 of 3: --check --diff shows what would change, and writes nothing",
    '+    "password": "<changed>",',
    "Run 2 of 3: for real; Flexi stores the settings and sends its test mail",
    "Test mail sent to it-team@example.com",
    "Run 3 of 3: again; nothing to change, so nothing is written or sent",
    "flexi-demo                 : ok=2    changed=0    unreachable=0    failed=0",
    "To:      it-team@example.com",
    "Subject: Testovací email",
    "Body:    Testovací email ze systému ABRA Flexi.",
    "(over TLS, logged in as flexi@example.com)",
    "Run 1 (check): GET 200 (read the settings)\n",
    "Run 3 (again): GET 200 (read the settings)\n",
    "Demo OK",
)


def test_demo_runs_check_real_and_rerun_and_shows_the_test_mail():
    completed = subprocess.run(
        [sys.executable, "-m", "tests.demo"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    for line in KEY_LINES:
        assert line in completed.stdout, f"missing {line!r} in:\n{completed.stdout}"
    assert "GET 200 (test mail to it-team@example.com)" in completed.stdout.split("Run 2 (for real):")[1]
