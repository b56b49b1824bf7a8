"""Run a generated playbook through the real ``ansible-playbook`` and collect everything it left behind.

Used by the secrets harness here and by tests/concurrency. Secrets travel only in an extra-vars file (mode 0600),
never on the command line or in the playbook text; each run gets its own ansible.cfg, log file and temp dirs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.ansible_env import clean_ansible_environment

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
RUN_TIMEOUT = 600  # seconds; a generous bound on shared CI machines, never reached by a healthy run


@dataclass(frozen=True)
class PlaybookRun:
    """What one ansible-playbook run printed and logged, and the registered results it saved."""

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    log: str
    results: dict[str, Any]
    results_text: str

    @property
    def everything(self) -> str:
        """All text the run produced: stdout, stderr, the ansible log and the saved results."""
        return "\n".join((self.stdout, self.stderr, self.log, self.results_text))

    def describe(self) -> str:
        """The command and the end of its output, for assertion messages."""
        return f"$ {' '.join(self.command)}\n--- stdout (end) ---\n{self.stdout[-8000:]}\n--- stderr ---\n{self.stderr}"


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
    command = (str(ANSIBLE_PLAYBOOK), "-i", inventory_arg, str(playbook), "-e", f"@{vars_file}", *options)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=ansible_environment(workdir),
        cwd=workdir,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    log_file = workdir / "ansible.log"
    results_text = results_file.read_text(encoding="utf-8") if results_file and results_file.exists() else ""
    return PlaybookRun(
        command=command,
        returncode=completed.returncode,
        stdout=completed.stdout,
        stderr=completed.stderr,
        log=log_file.read_text(encoding="utf-8") if log_file.exists() else "",
        results=json.loads(results_text) if results_text else {},
        results_text=results_text,
    )
