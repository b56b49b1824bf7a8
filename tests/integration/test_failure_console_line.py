"""A failure prints the same console line on both execution paths, on every ansible-core at hand."""

from __future__ import annotations

import json
import re
import sys

import pytest

from tests.support.ansible import ANSIBLE_BIN, MATRIX_ANSIBLE_BIN, clean_ansible_environment, run_ansible_playbook
from tests.support.collection import REPO_ROOT

# ansible-core 2.21 (the lint venv) with the module libraries of the matrix's Python 3.13, so direct execution applies.
CORE_221 = (REPO_ROOT / ".venv-tools" / "bin", REPO_ROOT / ".tmp/matrix/modules-3.13/lib/python3.13/site-packages")
CONTROLLERS = {
    "this venv": (ANSIBLE_BIN, None),
    "matrix cell": (MATRIX_ANSIBLE_BIN, None),
    "ansible-core 2.21": CORE_221,
}
# Two timeouts, so ansible-core does not fold the second error line into the first as a repeat.
TIMEOUTS = {"on the direct path": 99998, "on the module path": 99999}


def playbook() -> list[dict]:
    tasks = [
        {
            "name": name,
            "abraflexi.flexi.flexi_smtp_info": {"url": "http://127.0.0.1:9", "company": "x", "timeout": TIMEOUTS[name]},
            "vars": {"abraflexi_direct_execution": direct},
            "ignore_errors": True,
        }
        for name, direct in (("on the direct path", True), ("on the module path", False))
    ]
    return [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def failure_lines(output: str) -> list[str]:
    """The lines ansible-core prints for a failed task."""
    lines = [line for line in output.splitlines() if re.match(r"(\[ERROR\]|fatal:|Task failed)", line)]
    return [re.sub(r"9999[89]", "N", line) for line in lines]


@pytest.mark.parametrize("controller", CONTROLLERS)
def test_failure_line_is_the_same_on_both_paths(controller, tmp_path):
    bin_dir, libraries = CONTROLLERS[controller]
    if not (bin_dir / "ansible-playbook").exists() or (libraries is not None and not libraries.exists()):
        pytest.skip(f"no {controller} here")
    if controller == "matrix cell" and bin_dir == ANSIBLE_BIN:
        pytest.skip("no matrix cell: the venv running the tests is the only controller")
    python = sys.executable if libraries is None else str(REPO_ROOT / ".tmp/matrix/modules-3.13/bin/python")
    (tmp_path / "play.yml").write_text(json.dumps(playbook()))
    environment = clean_ansible_environment(tmp_path, **({"PYTHONPATH": str(libraries)} if libraries else {}))
    arguments = ["-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={python}", "play.yml"]

    run = run_ansible_playbook(arguments, tmp_path, environment, ansible_bin=bin_dir)

    direct, module = (failure_lines(part) for part in run.output.split("TASK [on the module path]"))
    assert direct, run.describe()
    assert direct == module, run.describe()
    assert "Action failed" not in run.output
