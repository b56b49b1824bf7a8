# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Case 4: the real AnsiballZ payloads (kept by ANSIBLE_KEEP_REMOTE_FILES=1) run directly, without the controller,
against the emulator, then under ``python -X importtime``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.cases import DIFFERENT, SAME, STORED, play
from bench.harness import Ansible, Summary, import_tasks, rotated
from tests.emulator.server import EmulatorServer
from tests.support.request_log import connections_by_company, requests_by_company

# name, label, task file, company, settings; a payload that changes its company gets STORED back before each run.
PAYLOADS = (
    ("flexi_noop", "flexi_smtp, no change", "flexi_smtp.yml", "startup_noop", SAME),
    ("flexi_change", "flexi_smtp, change", "flexi_smtp.yml", "startup_change", DIFFERENT),
    ("uri_get", "uri GET", "uri_get.yml", "startup_get", SAME),
)
STARTUP_COMPANIES = tuple(company for _name, _label, _file, company, _settings in PAYLOADS)
# Imports shown in the report (first import of each; cumulative microseconds include what they import).
KEY_IMPORTS = (
    *("ansible.module_utils.basic", "ansible.module_utils.urls", "requests", "urllib3", "charset_normalizer"),
    *("idna", "certifi", "http.cookiejar", "lxml.etree", "ssl", "http.client", "email.message"),
    *(f"ansible_collections.abraflexi.flexi.plugins.module_utils.{name}"
      for name in ("_client", "_settings_xml", "_mail_check", "_redact")),
)  # fmt: skip
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass(frozen=True)
class Payload:
    name: str
    label: str
    path: Path
    company: str
    restore: bool  # put STORED back before each run, so a "change" payload changes every time


@dataclass(frozen=True)
class PayloadResult:
    payload: Payload
    process: Summary  # seconds from spawning the process to its exit
    first_request: Summary  # seconds from spawning the process to its first request line reaching the emulator
    connections: tuple[int, ...]
    requests: tuple[tuple[str, ...], ...]
    imports_total: Summary  # sum of the cumulative times of the top-level imports
    key_imports: Mapping[str, float]  # KEY_IMPORTS name -> median cumulative seconds of its first import
    top_imports: Sequence[tuple[str, float]]  # top-level imports by median cumulative seconds


def keep_payloads(ansible: Ansible, emulator: EmulatorServer) -> list[Payload]:
    """Run the tasks once on the module path (the only one with payloads) with kept remote files."""
    keep_dir = ansible.workdir / "kept-payloads"
    tasks = [
        import_tasks(task_file, "startup", name, {"flexi_company": company, "smtp": dict(settings)})
        for name, _label, task_file, company, settings in PAYLOADS
    ]
    kept = play("Keep payloads", emulator.url, tasks, abraflexi_direct_execution=False)
    ansible.run("keep-payloads", kept, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TEMP=str(keep_dir))
    # One temporary folder per task, named ansible-tmp-<time>-...; their order is the task order.
    folders = sorted(keep_dir.glob("ansible-tmp-*"), key=lambda folder: float(folder.name.split("-")[2]))
    files = [next(folder.glob("AnsiballZ_*.py")) for folder in folders]
    if [path.name for path in files] != ["AnsiballZ_flexi_smtp.py", "AnsiballZ_flexi_smtp.py", "AnsiballZ_uri.py"]:
        raise RuntimeError(f"unexpected kept payloads: {files}")
    return [
        Payload(name, label, path, company, restore=settings is DIFFERENT)
        for (name, label, _file, company, settings), path in zip(PAYLOADS, files)
    ]


def _run(payload: Payload, emulator: EmulatorServer, *options: str) -> tuple[float, float, str]:
    """Run the payload: when it started, its seconds and its stderr."""
    if payload.restore:
        emulator.state.store(payload.company, **STORED)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "PYTHON"))}
    started = time.monotonic()
    command = [sys.executable, *options, str(payload.path)]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)
    seconds = time.monotonic() - started
    if completed.returncode != 0 or json.loads(completed.stdout).get("failed"):
        raise RuntimeError(f"{payload.name} failed: {completed.stdout[-2000:]!r} {completed.stderr[-2000:]!r}")
    return started, seconds, completed.stderr


def _import_times(stderr: str) -> tuple[dict[str, float], dict[str, float]]:
    """Key (first import, cumulative) and top-level import seconds of one -X importtime run."""
    key: dict[str, float] = {}
    top: dict[str, float] = {}
    for match in filter(None, map(_IMPORT_LINE.match, stderr.splitlines())):
        cumulative, indent, name = int(match.group(2)) / 1e6, len(match.group(3)), match.group(4)
        if name in KEY_IMPORTS and name not in key:
            key[name] = cumulative
        if indent == 1:  # one space after "|": imported by the payload itself, not by another module
            top[name] = top.get(name, 0.0) + cumulative
    return key, top


def _medians(runs: Sequence[Mapping[str, float]], names: Iterable[str]) -> dict[str, float]:
    """Name -> the median of its seconds over the runs (0 in a run without it)."""
    return {name: Summary.of(seconds.get(name, 0.0) for seconds in runs).median for name in names}


def run_startup(
    ansible: Ansible, emulator: EmulatorServer, repetitions: int, import_repetitions: int
) -> list[PayloadResult]:
    """Run each kept payload directly, interleaved, then with -X importtime."""
    payloads = keep_payloads(ansible, emulator)
    runs: dict[str, list[tuple[float, float, int, tuple[str, ...]]]] = {payload.name: [] for payload in payloads}
    for repetition in range(repetitions):
        for payload in rotated(payloads, repetition):
            log_start = len(emulator.requests)
            started, process, _stderr = _run(payload, emulator)
            logged = emulator.requests[log_start:]
            requests = tuple(requests_by_company(logged).get(payload.company, []))
            connections = connections_by_company(logged).get(payload.company, 0)
            first_request = min(request.arrived_at for request in logged) - started
            runs[payload.name].append((process, first_request, connections, requests))
    results = []
    for payload in payloads:
        imports = [
            _import_times(_run(payload, emulator, "-X", "importtime")[2]) for _repeat in range(import_repetitions)
        ]
        key, top = zip(*imports)
        top_medians = _medians(top, {name for times in top for name in times})
        process, first_request, connections, requests = zip(*runs[payload.name])
        results.append(
            PayloadResult(
                payload,
                Summary.of(process),
                Summary.of(first_request),
                connections,
                requests,
                imports_total=Summary.of(sum(times.values()) for times in top),
                key_imports=_medians(key, [name for name in KEY_IMPORTS if any(name in times for times in key)]),
                top_imports=sorted(top_medians.items(), key=lambda item: item[1], reverse=True)[:12],
            )
        )
    return results
