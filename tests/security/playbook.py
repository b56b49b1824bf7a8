"""Run a generated playbook through the real ``ansible-playbook`` and collect everything it left behind.

Used by the secrets harness here and by tests/concurrency. Secrets travel only in an extra-vars file (mode 0600),
never on the command line or in the playbook text; each run gets its own ansible.cfg, log file and temp dirs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from tests.support.ansible import PlaybookRun, clean_ansible_environment, run_ansible_playbook


def ansible_environment(workdir: Path) -> dict[str, str]:
    """A clean environment: no user config, no ABRAFLEXI_* from the caller, plain output, a log file in workdir."""
    return clean_ansible_environment(
        workdir, ANSIBLE_LOG_PATH=str(workdir / "ansible.log"), ANSIBLE_HOST_KEY_CHECKING="0"
    )


def save_results_task(names: Sequence[str], results_file: Path) -> dict[str, Any]:
    """A task writing the results registered as ``outcome_<name>`` to results_file, even in check mode."""
    content = "{{ {" + ", ".join(f"'{name}': outcome_{name} | default(none)" for name in names) + "} | to_json }}"
    return {
        "name": "Save the registered results",
        "ansible.builtin.copy": {"content": content, "dest": str(results_file), "mode": "0600"},
        "check_mode": False,
        "diff": False,
    }


def run_playbook(
    workdir: Path,
    plays: list[dict[str, Any]],
    extra_vars: Mapping[str, Any],
    inventory: str | Mapping[str, Any] = "localhost,",
    options: Sequence[str] = (),
    results_file: Path | None = None,
) -> PlaybookRun:
    """Write plays, vars (0600) and inventory into workdir, run ansible-playbook, return what it produced."""
    playbook = workdir / "playbook.yml"
    playbook.write_text(yaml.safe_dump(plays, sort_keys=False, allow_unicode=True), encoding="utf-8")
    vars_file = workdir / "vars.json"
    vars_file.touch(mode=0o600)
    vars_file.write_text(json.dumps({"ansible_python_interpreter": sys.executable, **extra_vars}), encoding="utf-8")
    if isinstance(inventory, str):
        inventory_arg = inventory
    else:
        inventory_file = workdir / "inventory.yml"
        inventory_file.write_text(json.dumps(inventory), encoding="utf-8")
        inventory_arg = str(inventory_file)
    return run_ansible_playbook(
        ("-i", inventory_arg, str(playbook), "-e", f"@{vars_file}", *options),
        workdir,
        ansible_environment(workdir),
        results_file,
    )
