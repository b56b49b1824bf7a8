"""Run the scenario roles through the real ``ansible-playbook`` against the emulator and SMTP sinks.

Each is a role under ``roles/`` that ``play_role.yml`` includes. Each runs once normally and once with
``--check --diff``, on the direct path (the modules' code in the controller, the default on localhost) and on the
module path (``abraflexi_direct_execution=false``), every run against a lab of its own (``lab.py``), so the runs
go in parallel. Every run must pass without a warning and without any secret in its output; after a check run no
emulator may have seen a write or a test mail request.

Only the runs the selected tests need are made: ``-k flexi_smtp_info-`` (or ``make role ROLE=flexi_smtp_info``)
runs just that role's four runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from tests.integration.lab import Lab, running_lab
from tests.support.ansible import PlaybookRun
from tests.support.secrets import output_forms

pytestmark = pytest.mark.integration

TARGETS = ("flexi_smtp", "flexi_smtp_info", "module_defaults")
# module_defaults sets ABRAFLEXI_PASSWORD with the task keyword `environment:`; at -vvv ansible-core itself prints
# that environment in its EXEC lines, so that target runs at normal verbosity (the collection cannot prevent it).
VERBOSITY = {"flexi_smtp": 3, "flexi_smtp_info": 3, "module_defaults": 0}
# Playbook runs at a time: each mostly waits on module subprocesses, so a few more than the cores pays off.
PARALLEL_RUNS = int(os.environ.get("INTEGRATION_PARALLEL_RUNS", str((os.cpu_count() or 1) + 1)))

# With TEST_MODULE_PYTHON (a matrix cell) the modules must run on that Python, so only the module path runs.
PATHS = ("module",) if os.environ.get("TEST_MODULE_PYTHON") else ("direct", "module")

RunKey = tuple[str, bool, str]  # (target, check mode, path)
NORMAL_RUNS = [(target, False, path) for target in TARGETS for path in PATHS]
CHECK_RUNS = [(target, True, path) for target in TARGETS for path in PATHS]
RUN_IDS = [f"{target}-{path}" for target in TARGETS for path in PATHS]


@pytest.fixture(scope="module")
def target_runs(request, tmp_path_factory) -> Iterator[dict[RunKey, tuple[PlaybookRun, Lab]]]:
    """The runs the selected tests need (their `run_key`), each against its own lab, all at once, in parallel."""
    keys = selected_runs(request.session)
    with ExitStack() as stack:
        labs = {
            key: stack.enter_context(
                running_lab(tmp_path_factory.mktemp(f"{key[0]}-{'check' if key[1] else 'run'}-{key[2]}"))
            )
            for key in keys
        }

        def run(key: RunKey) -> PlaybookRun:
            target, check, path = key
            verbosity = 0 if check else VERBOSITY[target]
            return labs[key].run_target(target, check=check, verbosity=verbosity, direct=path == "direct")

        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            runs = dict(zip(keys, pool.map(run, keys)))
        yield {key: (runs[key], labs[key]) for key in keys}


def selected_runs(session: pytest.Session) -> list[RunKey]:
    """The run_key of every selected test."""
    keys = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "run_key" in callspec.params:
            keys.add(callspec.params["run_key"])
    return sorted(keys)


def assert_clean_run(run: PlaybookRun, lab: Lab) -> None:
    """Passed, reached the end, no warning, no secret in any spelling."""
    assert run.returncode == 0, run.describe()
    recap = re.search(r"^localhost\s*: ok=(\d+)\s+changed=\d+\s+unreachable=0\s+failed=0\b", run.stdout, re.M)
    assert recap and int(recap.group(1)) > 0, run.describe()
    warnings = [line for line in run.output.splitlines() if "WARNING]" in line]
    assert warnings == [], run.describe()
    for secret in lab.secrets:
        for form in output_forms(secret):
            assert form not in run.output, f"a secret appeared in the output (as {form!r} of one)"


@pytest.mark.parametrize("run_key", NORMAL_RUNS, ids=RUN_IDS)
def test_target_passes_without_warnings_or_secrets_in_output(target_runs, run_key):
    run, lab = target_runs[run_key]

    assert_clean_run(run, lab)
    assert lab.control.all_requests(), "the target never reached an emulator"


@pytest.mark.parametrize("run_key", CHECK_RUNS, ids=RUN_IDS)
def test_target_in_check_mode_writes_nothing_and_sends_no_test_mail(target_runs, run_key):
    run, lab = target_runs[run_key]

    assert_clean_run(run, lab)
    assert lab.writes() == []
    assert lab.test_mails() == []
    assert lab.control.all_requests(), "the target never reached an emulator"


@pytest.mark.parametrize("run_key", [("flexi_smtp", False, path) for path in PATHS], ids=PATHS)
def test_normal_run_writes_and_sends_test_mails(target_runs, run_key):
    lab = target_runs[run_key][1]

    assert lab.writes(), "the normal run never wrote: the check-mode assertions would prove nothing"
    assert lab.test_mails(), "the normal run never sent a test mail"


@pytest.mark.parametrize("run_key", [("flexi_smtp", True, path) for path in PATHS], ids=PATHS)
def test_check_run_shows_the_diff_with_the_password_only_as_changed(target_runs, run_key):
    run = target_runs[run_key][0]

    assert task_output(run, "Run flexi_smtp: partial update").startswith(PARTIAL_UPDATE_DIFF), run.describe()
    assert '+    "password": "<changed>",' in task_output(run, "Run flexi_smtp: on_create, no password stored")


PARTIAL_UPDATE_DIFF = """--- before
+++ after
@@ -1,4 +1,4 @@
 {
-    "encryption_mode": "SSL",
-    "port": 465
+    "encryption_mode": "STARTTLS",
+    "port": 587
 }
"""


def task_output(run: PlaybookRun, task_name: str) -> str:
    """What the default callback printed for the first task of that name (the lines after its header)."""
    header = re.search(rf"^TASK \[[^\]]*: {re.escape(task_name)}\] \**$", run.stdout, re.M)
    assert header, f"no task {task_name!r} in the output"
    rest = run.stdout[header.end() + 1 :]
    following = re.search(r"^TASK \[", rest, re.M)
    return rest[: following.start()] if following else rest
