"""`make demo` (python -m tests.demo) tells its story and exits 0."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.collection import REPO_ROOT

pytestmark = pytest.mark.integration

# What the demo does not check itself: the example's own message, and the mail as the SMTP server received it.
KEY_LINES = (
    "Test mail sent to it-team@example.com",
    "Subject: Testovací email",
    "(over TLS, logged in as flexi@example.com)",
)


def test_demo_runs_check_real_and_rerun_and_shows_the_test_mail():
    completed = subprocess.run(
        [sys.executable, "-m", "tests.demo"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    for line in KEY_LINES:
        assert line in completed.stdout, f"missing {line!r} in:\n{completed.stdout}"
