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

from bench.cases import DIFFERENT, SAME, STORED, play
from bench.harness import Ansible, import_tasks
from bench.stats import Summary
from tests.emulator.server import EmulatorServer
from tests.support.request_log import connections_by_company, requests_by_company

STARTUP_COMPANIES = ("startup_noop", "startup_change", "startup_get")
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
    """One kept AnsiballZ payload and what it should do against the emulator."""

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
    """Run the three tasks once with kept remote files and return their payloads."""
    keep_dir = ansible.workdir / "kept-payloads"
    tasks = [
        import_tasks("flexi_smtp.yml", "startup", "noop", {"flexi_company": "startup_noop", "smtp": dict(SAME)}),
        import_tasks("flexi_smtp.yml", "startup", "change", {"flexi_company": "startup_change", "smtp": DIFFERENT}),
        import_tasks("uri_get.yml", "startup", "get", {"flexi_company": "startup_get"}),
    ]
    # The payloads exist only on the module path.
    kept = play("Keep payloads", emulator.url, tasks, abraflexi_direct_execution=False)
    ansible.run("keep-payloads", kept, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TEMP=str(keep_dir))
    emulator.state.store("startup_change", **STORED)
    # One temporary folder per task, named ansible-tmp-<time>-...; their order is the task order.
    folders = sorted(keep_dir.glob("ansible-tmp-*"), key=lambda folder: float(folder.name.split("-")[2]))
    files = [next(folder.glob("AnsiballZ_*.py")) for folder in folders]
    if [path.name for path in files] != ["AnsiballZ_flexi_smtp.py", "AnsiballZ_flexi_smtp.py", "AnsiballZ_uri.py"]:
        raise RuntimeError(f"unexpected kept payloads: {files}")
    return [
        Payload("flexi_noop", "flexi_smtp, no change", files[0], "startup_noop", restore=False),
        Payload("flexi_change", "flexi_smtp, change", files[1], "startup_change", restore=True),
        Payload("uri_get", "uri GET", files[2], "startup_get", restore=False),
    ]


def _run(payload: Payload, emulator: EmulatorServer, *options: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run the payload (after restoring its company if it changes it): the process, when it started, its seconds."""
    if payload.restore:
        emulator.state.store(payload.company, **STORED)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "PYTHON"))}
    started = time.monotonic()
    command = [sys.executable, *options, str(payload.path)]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)
    seconds = time.monotonic() - started
    if completed.returncode != 0 or json.loads(completed.stdout).get("failed"):
        raise RuntimeError(f"{payload.name} failed: {completed.stdout[-2000:]!r} {completed.stderr[-2000:]!r}")
    return completed, started, seconds


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


def run_startup(
    ansible: Ansible, emulator: EmulatorServer, repetitions: int, import_repetitions: int
) -> list[PayloadResult]:
    """Case 4: run each kept payload directly, interleaved, then with -X importtime."""
    payloads = keep_payloads(ansible, emulator)
    runs: dict[str, list[tuple[float, float, int, tuple[str, ...]]]] = {payload.name: [] for payload in payloads}
    for repetition in range(repetitions):
        shift = repetition % len(payloads)
        for payload in payloads[shift:] + payloads[:shift]:
            log_start = len(emulator.requests)
            _completed, started, process = _run(payload, emulator)
            logged = emulator.requests[log_start:]
            requests = tuple(requests_by_company(logged).get(payload.company, []))
            connections = connections_by_company(logged).get(payload.company, 0)
            first_request = min(request.arrived_at for request in logged) - started
            runs[payload.name].append((process, first_request, connections, requests))
    results = []
    for payload in payloads:
        imports = [
            _import_times(_run(payload, emulator, "-X", "importtime")[0].stderr)
            for _repeat in range(import_repetitions)
        ]
        key_names = {name for key, _top in imports for name in key}
        top_names = {name for _key, top in imports for name in top}
        top = {name: Summary.of(top.get(name, 0.0) for _key, top in imports).median for name in top_names}
        process, first_request, connections, requests = zip(*runs[payload.name])
        results.append(
            PayloadResult(
                payload=payload,
                process=Summary.of(process),
                first_request=Summary.of(first_request),
                connections=connections,
                requests=requests,
                imports_total=Summary.of(sum(top.values()) for _key, top in imports),
                key_imports={
                    name: Summary.of(key.get(name, 0.0) for key, _top in imports).median
                    for name in KEY_IMPORTS
                    if name in key_names
                },
                top_imports=sorted(top.items(), key=lambda item: item[1], reverse=True)[:12],
            )
        )
    return results
