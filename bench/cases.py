# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cases 1 to 3: single tasks, the whole job, the fleet. Every timed job has its own company in the emulator
(``smtp_scope="company"``), so its request log tells which requests each job made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.harness import Ansible, Summary, import_tasks, job_timings, local_inventory, rotated, sentinel_task
from tests.emulator.server import EmulatorServer
from tests.support.modules import API_PASSWORD, API_USER
from tests.support.request_log import requests_by_company

# The task options, and what every company stores at the start (Flexi element names), which they match exactly.
SAME = {"host": "smtp.example.com", "port": 465, "username": "flexi@example.com",
        "default_from": "ABRA Flexi & Co <flexi@example.com>", "encryption_mode": "SSL"}  # fmt: skip
STORED = {"host": SAME["host"], "port": "465", "username": SAME["username"], "password": "stored-smtp-secret",
          "defaultFrom": SAME["default_from"], "encryptionMode": "SSL"}  # fmt: skip
# A change of three of the five fields (the others stay equal, so both sides must compare field by field).
DIFFERENT = {**SAME, "host": "smtp2.example.com", "port": 587, "encryption_mode": "STARTTLS"}


@dataclass(frozen=True)
class Kind:
    """One kind of timed job: which task file, which settings, and what it is compared with."""

    name: str
    label: str
    task_file: str | None  # None: a floor task (ansible.builtin.ping or ansible.builtin.debug)
    settings: Mapping[str, Any] | None = None
    direct: bool | None = None  # flexi_smtp: the direct path (True) or the module path (False)


DIRECT, MODULE, URI_JOB = "abraflexi.flexi.flexi_smtp, direct", "abraflexi.flexi.flexi_smtp, module", "uri_job.yml"
URI_JOB_LABEL = "uri: GET + compare + conditional PUT"
TASK_KINDS = (
    Kind("ping", "ansible.builtin.ping (floor: any module task)", None),
    Kind("debug", "ansible.builtin.debug (floor: any task)", None),
    Kind("uri_get", "ansible.builtin.uri GET", "uri_get.yml"),
    Kind("flexi_noop", MODULE, "flexi_smtp.yml", SAME, direct=False),
    Kind("flexi_noop_direct", DIRECT, "flexi_smtp.yml", SAME, direct=True),
    Kind("uri_noop", URI_JOB_LABEL, URI_JOB, SAME),
    Kind("flexi_change", MODULE, "flexi_smtp.yml", DIFFERENT, direct=False),
    Kind("flexi_change_direct", DIRECT, "flexi_smtp.yml", DIFFERENT, direct=True),
    Kind("uri_change", URI_JOB_LABEL, URI_JOB, DIFFERENT),
)
WARMUP = "warmup"


def companies_for_tasks(rounds: int) -> list[str]:
    return [f"{kind.name}_{job}" for kind in TASK_KINDS if kind.task_file for job in (WARMUP, *range(rounds))]


def fleet_company(index: int) -> str:
    return f"fleet_{index:03d}"


def play(name: str, url: str, tasks: list[dict[str, Any]], hosts: str = "localhost", **extra: Any) -> dict[str, Any]:
    """A play of ``tasks`` against the emulator at ``url``; ``extra`` adds play variables (or check_mode)."""
    check_mode = extra.pop("check_mode", False)
    connection = {"flexi_url": url, "flexi_username": API_USER, "flexi_password": API_PASSWORD}
    return {"name": name, "hosts": hosts, "gather_facts": False, "check_mode": check_mode,
            "vars": {**connection, **extra}, "tasks": tasks}  # fmt: skip


def _job_task(kind: Kind, job: Any) -> dict[str, Any]:
    if kind.task_file is None:
        action = {"ansible.builtin.debug": {"msg": "floor"}} if kind.name == "debug" else {"ansible.builtin.ping": {}}
        return {"name": f"{kind.name} {job}", **action, "vars": {"bench_case": kind.name, "bench_job": job}}
    task_vars: dict[str, Any] = {"flexi_company": f"{kind.name}_{job}"}
    if kind.settings is not None:
        task_vars["smtp"] = dict(kind.settings)
    if kind.direct is not None:
        task_vars["abraflexi_direct_execution"] = kind.direct
    return import_tasks(kind.task_file, kind.name, job, task_vars)


@dataclass(frozen=True)
class KindResult:
    kind: Kind
    tasks_per_job: int
    timing: Summary
    requests_per_job: tuple[tuple[str, ...], ...]
    rounds: tuple[int, ...]  # the round of each sample, to pair it with the other side's job of the same round


def run_task_cases(ansible: Ansible, emulator: EmulatorServer, rounds: int) -> dict[str, KindResult]:
    """Cases 1 and 2 in one play on one host: every kind once per round, in an order that rotates each round, so
    both sides of a comparison share the load; a warm-up round (not counted) pays each module's AnsiballZ build."""
    tasks = [_job_task(kind, WARMUP) for kind in TASK_KINDS]
    for round_index in range(rounds):
        tasks += [_job_task(kind, round_index) for kind in rotated(TASK_KINDS, round_index)]
    log_start = len(emulator.requests)
    run = ansible.run("tasks", play("Single tasks and full jobs", emulator.url, [*tasks, sentinel_task()]))
    requests = requests_by_company(emulator.requests[log_start:])
    timed = [job for job in job_timings(run.tasks) if job.job != WARMUP]
    results = {}
    for kind in TASK_KINDS:
        jobs = [job for job in timed if job.case == kind.name]
        if any(result.status in ("failed", "unreachable") for job in jobs for result in job.results):
            raise RuntimeError(f"a {kind.name} job failed")
        changes = kind.settings is DIFFERENT
        if any(any(result.changed for result in job.results) != changes for job in jobs):
            raise RuntimeError(f"a {kind.name} job reported changed={not changes}; the comparison would be unfair")
        results[kind.name] = KindResult(
            kind=kind,
            tasks_per_job=max(job.tasks for job in jobs),
            timing=Summary.of(job.seconds for job in jobs),
            requests_per_job=tuple(tuple(requests.get(f"{kind.name}_{job.job}", ())) for job in jobs),
            rounds=tuple(job.job for job in jobs),
        )
    return results


@dataclass(frozen=True)
class FleetResult:
    hosts: int
    forks: int
    direct: bool
    wall: Summary
    span: Summary
    cpu: Summary  # user + system seconds of ansible-playbook and every process it started
    peak_rss: Summary  # MiB of the largest single process among them
    requests_per_host: tuple[int, ...]


def fleet_inventory(hosts: int) -> dict[str, Any]:
    """``hosts`` inventory hosts, each with its own company."""
    return local_inventory({f"flexi-{index:04d}": {"flexi_company": fleet_company(index)} for index in range(hosts)})


def run_fleet(
    ansible: Ansible, emulator: EmulatorServer, sizes: Sequence[int], forks_options: Sequence[int], repetitions: int
) -> list[FleetResult]:
    """Case 3: one no-op flexi_smtp task on N hosts, for each forks setting and path. The repetitions go round all
    combinations in turn, so slow phases of the shared machine spread over all."""
    runs = defaultdict(list)  # (hosts, forks, direct) -> its runs
    counts = defaultdict(list)  # (hosts, forks, direct) -> the requests of every host in every run
    combinations = [(hosts, forks, direct) for hosts in sizes for forks in forks_options for direct in (False, True)]
    for repetition in range(repetitions):
        for hosts, forks, direct in combinations:
            task = import_tasks(
                "flexi_smtp.yml", "fleet", repetition, {"smtp": SAME, "abraflexi_direct_execution": direct}
            )
            log_start = len(emulator.requests)
            fleet_play = play("Fleet", emulator.url, [task], hosts="all")
            run = ansible.run(
                f"fleet-{hosts}-f{forks}-{'direct' if direct else 'module'}", fleet_play, fleet_inventory(hosts), forks
            )
            results = run.timed("fleet").results
            if len(results) != hosts or any(result.status != "ok" for result in results.values()):
                raise RuntimeError(f"fleet run with {hosts} hosts did not succeed everywhere")
            runs[hosts, forks, direct].append(run)
            requests = requests_by_company(emulator.requests[log_start:])
            counts[hosts, forks, direct].extend(len(requests.get(fleet_company(index), ())) for index in range(hosts))
    return [
        FleetResult(
            *key,
            wall=Summary.of(run.wall for run in runs[key]),
            span=Summary.of(run.timed("fleet").span for run in runs[key]),
            cpu=Summary.of(run.cpu_seconds for run in runs[key]),
            peak_rss=Summary.of(run.peak_rss_mib for run in runs[key]),
            requests_per_host=tuple(counts[key]),
        )
        for key in combinations
    ]
