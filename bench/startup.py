# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Case 4: the module process on its own, as the host runs it, without the controller around it.

One playbook run with ANSIBLE_KEEP_REMOTE_FILES=1 leaves the real AnsiballZ payloads (module, module_utils and
arguments in one file) behind. Each payload is then run directly, several times, against the emulator:
process wall time, time from process start to the first request line reaching the emulator, TCP connections and
HTTP requests per run (both from the emulator's request log), and ``python -X importtime`` of the same payload.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bench.cases import DIFFERENT, SAME, STORED, play_vars
from bench.harness import Ansible, import_tasks
from bench.stats import Summary
from tests.emulator.server import EmulatorServer
from tests.support.request_log import connections_by_company, requests_by_company

STARTUP_COMPANIES = ("startup_noop", "startup_change", "startup_get")
# Imports shown in the report (first import of each; cumulative microseconds include what they import).
KEY_IMPORTS = (
    "ansible.module_utils.basic",
    "ansible.module_utils.urls",
    "requests",
    "urllib3",
    "charset_normalizer",
    "idna",
    "certifi",
    "http.cookiejar",
    "lxml.etree",
    "ssl",
    "http.client",
    "email.message",
    "ansible_collections.abraflexi.flexi.plugins.module_utils._client",
    "ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml",
    "ansible_collections.abraflexi.flexi.plugins.module_utils._mail_check",
    "ansible_collections.abraflexi.flexi.plugins.module_utils._redact",
)
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass(frozen=True)
class Payload:
    """One kept AnsiballZ payload and what it should do against the emulator."""

    name: str
    label: str
    path: Path
    company: str
    restore: bool  # put STORED back before each run, so a "change" payload changes every time


class PayloadRun(NamedTuple):
    """One direct run of a payload."""

    process: float  # seconds from spawning the process to its exit
    first_request: float  # seconds from spawning the process to its first request line reaching the emulator
    connections: int
    requests: tuple[str, ...]


class ImportRun(NamedTuple):
    """One -X importtime run of a payload, in seconds."""

    total: float  # sum of the cumulative times of the top-level imports
    key: dict[str, float]  # KEY_IMPORTS name -> cumulative time of its first import
    top: dict[str, float]  # top-level import -> cumulative time


@dataclass(frozen=True)
class PayloadResult:
    payload: Payload
    process: Summary
    first_request: Summary
    connections: tuple[int, ...]
    requests: tuple[tuple[str, ...], ...]
    imports_total: Summary
    key_imports: Mapping[str, float]  # name -> median cumulative seconds
    top_imports: Sequence[tuple[str, float]]  # top-level imports by median cumulative seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.payload.label,
            "process_seconds": self.process.as_dict(),
            "start_to_first_request_seconds": self.first_request.as_dict(),
            "connections_per_run": sorted(set(self.connections)),
            "requests_per_run": sorted({", ".join(requests) for requests in self.requests}),
            "import_time_total_seconds": self.imports_total.as_dict(),
            "key_imports_seconds": dict(self.key_imports),
            "top_level_imports_seconds": [list(item) for item in self.top_imports],
        }


def keep_payloads(ansible: Ansible, emulator: EmulatorServer) -> list[Payload]:
    """Run the three tasks once with kept remote files and return their payloads."""
    keep_dir = ansible.workdir / "kept-payloads"
    tasks = [
        import_tasks("flexi_smtp.yml", "startup", "noop", {"flexi_company": "startup_noop", "smtp": dict(SAME)}),
        import_tasks("flexi_smtp.yml", "startup", "change", {"flexi_company": "startup_change", "smtp": DIFFERENT}),
        import_tasks("uri_get.yml", "startup", "get", {"flexi_company": "startup_get"}),
    ]
    play = {
        "name": "Keep payloads",
        "hosts": "localhost",
        "gather_facts": False,
        # The payloads exist only on the module path.
        "vars": {**play_vars(emulator.url), "abraflexi_direct_execution": False},
        "tasks": tasks,
    }
    ansible.run(
        "keep-payloads", play, extra_env={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TEMP": str(keep_dir)}
    )
    emulator.state.store("startup_change", **STORED)
    # One temporary folder per task, named ansible-tmp-<time>-...; their order is the task order.
    folders = sorted(keep_dir.glob("ansible-tmp-*"), key=lambda folder: float(folder.name.split("-")[2]))
    files = [next(folder.glob("AnsiballZ_*.py")) for folder in folders]
    names = [path.name for path in files]
    if names != ["AnsiballZ_flexi_smtp.py", "AnsiballZ_flexi_smtp.py", "AnsiballZ_uri.py"]:
        raise RuntimeError(f"unexpected kept payloads: {names}")
    return [
        Payload("flexi_noop", "flexi_smtp, no change", files[0], "startup_noop", restore=False),
        Payload("flexi_change", "flexi_smtp, change", files[1], "startup_change", restore=True),
        Payload("uri_get", "uri GET", files[2], "startup_get", restore=False),
    ]


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "PYTHON"))}


def _run_once(payload: Payload, emulator: EmulatorServer) -> PayloadRun:
    if payload.restore:
        emulator.state.store(payload.company, **STORED)
    log_start = len(emulator.requests)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, str(payload.path)], capture_output=True, env=_environment(), timeout=120, check=False
    )
    process = time.monotonic() - started
    result = json.loads(completed.stdout)
    if completed.returncode != 0 or result.get("failed"):
        raise RuntimeError(f"{payload.name} failed: {completed.stdout[-2000:]!r} {completed.stderr[-2000:]!r}")
    logged = emulator.requests[log_start:]
    requests = requests_by_company(logged).get(payload.company, [])
    connections = connections_by_company(logged).get(payload.company, 0)
    first_request = min(request.arrived_at for request in logged) - started
    return PayloadRun(process, first_request, connections, tuple(requests))


def _import_times(payload: Payload, emulator: EmulatorServer) -> ImportRun:
    """Total, key (first import, cumulative) and top-level import times of one -X importtime run."""
    if payload.restore:
        emulator.state.store(payload.company, **STORED)
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", str(payload.path)],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=120,
        check=False,
    )
    key: dict[str, float] = {}
    top: dict[str, float] = {}
    for line in completed.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        cumulative, indent, name = int(match.group(2)) / 1e6, len(match.group(3)), match.group(4)
        if name in KEY_IMPORTS and name not in key:
            key[name] = cumulative
        if indent == 1:  # one space after "|": imported by the payload itself, not by another module
            top[name] = top.get(name, 0.0) + cumulative
    return ImportRun(sum(top.values()), key, top)


def run_startup(
    ansible: Ansible, emulator: EmulatorServer, repetitions: int, import_repetitions: int
) -> list[PayloadResult]:
    """Case 4: run each kept payload directly, interleaved, then with -X importtime."""
    payloads = keep_payloads(ansible, emulator)
    measured: dict[str, list[PayloadRun]] = {payload.name: [] for payload in payloads}
    for repetition in range(repetitions):
        shift = repetition % len(payloads)
        for payload in payloads[shift:] + payloads[:shift]:
            measured[payload.name].append(_run_once(payload, emulator))
    imports = {
        payload.name: [_import_times(payload, emulator) for _repetition in range(import_repetitions)]
        for payload in payloads
    }
    results = []
    for payload in payloads:
        runs = measured[payload.name]
        import_runs = imports[payload.name]
        key_names = {name for run in import_runs for name in run.key}
        top_names = {name for run in import_runs for name in run.top}
        key = {
            name: Summary.of(run.key.get(name, 0.0) for run in import_runs).median
            for name in KEY_IMPORTS
            if name in key_names
        }
        top = sorted(
            ((name, Summary.of(run.top.get(name, 0.0) for run in import_runs).median) for name in top_names),
            key=lambda item: item[1],
            reverse=True,
        )
        results.append(
            PayloadResult(
                payload=payload,
                process=Summary.of(run.process for run in runs),
                first_request=Summary.of(run.first_request for run in runs),
                connections=tuple(run.connections for run in runs),
                requests=tuple(run.requests for run in runs),
                imports_total=Summary.of(run.total for run in import_runs),
                key_imports=key,
                top_imports=top[:12],
            )
        )
    return results
