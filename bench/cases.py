# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The playbook-driven cases: single tasks, the full job, and the fleet.

Every timed job gets its own company in the emulator (``smtp_scope="company"``), so the emulator's request log
tells exactly which requests each job made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.harness import Ansible, JobTiming, import_tasks, job_timings, local_inventory, sentinel_task
from bench.stats import Summary
from tests.emulator.server import EmulatorServer
from tests.support.modules import API_PASSWORD, API_USER
from tests.support.request_log import requests_by_company

# What every company stores at the start (Flexi element names), and the task options that match it exactly.
STORED = {
    "host": "smtp.example.com",
    "port": "465",
    "username": "flexi@example.com",
    "password": "stored-smtp-secret",
    "defaultFrom": "ABRA Flexi & Co <flexi@example.com>",
    "encryptionMode": "SSL",
}
SAME = {
    "host": "smtp.example.com",
    "port": 465,
    "username": "flexi@example.com",
    "default_from": "ABRA Flexi & Co <flexi@example.com>",
    "encryption_mode": "SSL",
}
# A change of three of the five fields (the others stay equal, so both sides must compare field by field).
DIFFERENT = {**SAME, "host": "smtp2.example.com", "port": 587, "encryption_mode": "STARTTLS"}


@dataclass(frozen=True)
class Kind:
    """One kind of timed job: which task file, which settings, and what it is compared with."""

    name: str
    label: str
    task_file: str | None  # None: the ansible.builtin.ping floor
    settings: Mapping[str, Any] | None = None

    @property
    def changes(self) -> bool:
        return self.settings is DIFFERENT


PING = Kind("ping", "ansible.builtin.ping (floor: any module task)", None)
URI_GET = Kind("uri_get", "ansible.builtin.uri GET", "uri_get.yml")
FLEXI_NOOP = Kind("flexi_noop", "abraflexi.flexi.flexi_smtp", "flexi_smtp.yml", SAME)
URI_NOOP = Kind("uri_noop", "uri: GET + compare + conditional PUT", "uri_job.yml", SAME)
FLEXI_CHANGE = Kind("flexi_change", "abraflexi.flexi.flexi_smtp", "flexi_smtp.yml", DIFFERENT)
URI_CHANGE = Kind("uri_change", "uri: GET + compare + conditional PUT", "uri_job.yml", DIFFERENT)
TASK_KINDS = (PING, URI_GET, FLEXI_NOOP, URI_NOOP, FLEXI_CHANGE, URI_CHANGE)
WARMUP = "warmup"


def company_for(kind: str, job: Any) -> str:
    return f"{kind}_{job}"


def companies_for_tasks(rounds: int) -> list[str]:
    jobs = [WARMUP, *range(rounds)]
    return [company_for(kind.name, job) for kind in TASK_KINDS if kind.task_file for job in jobs]


def fleet_company(index: int) -> str:
    return f"fleet_{index:03d}"


def play_vars(url: str) -> dict[str, Any]:
    return {"flexi_url": url, "flexi_username": API_USER, "flexi_password": API_PASSWORD}


def _job_task(kind: Kind, job: Any) -> dict[str, Any]:
    if kind.task_file is None:
        return {
            "name": f"{kind.name} {job}",
            "ansible.builtin.ping": {},
            "vars": {"bench_case": kind.name, "bench_job": job},
        }
    task_vars: dict[str, Any] = {"flexi_company": company_for(kind.name, job)}
    if kind.settings is not None:
        task_vars["smtp"] = dict(kind.settings)
    return import_tasks(kind.task_file, kind.name, job, task_vars)


@dataclass(frozen=True)
class KindResult:
    kind: Kind
    tasks_per_job: int
    timing: Summary
    requests_per_job: tuple[tuple[str, ...], ...]
    changed: tuple[bool, ...]
    rounds: tuple[int, ...]  # the round of each sample, to pair it with the other side's job of the same round

    def per_round(self) -> dict[int, float]:
        return dict(zip(self.rounds, self.timing.samples))

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.kind.label,
            "tasks_per_job": self.tasks_per_job,
            "rounds": list(self.rounds),
            "seconds": self.timing.as_dict(),
            "requests_per_job": [list(requests) for requests in self.requests_per_job],
            "changed": list(self.changed),
        }


def run_task_cases(ansible: Ansible, emulator: EmulatorServer, rounds: int) -> dict[str, KindResult]:
    """Cases 1 and 2 in one play on one host: every kind once per round, in an order that rotates each round.

    Interleaving puts both sides of each comparison under the same load; a warm-up round (not counted) pays the
    one-off AnsiballZ build of each module first.
    """
    kinds = list(TASK_KINDS)
    tasks = [_job_task(kind, WARMUP) for kind in kinds]
    for round_index in range(rounds):
        shift = round_index % len(kinds)
        tasks += [_job_task(kind, round_index) for kind in kinds[shift:] + kinds[:shift]]
    tasks.append(sentinel_task())
    log_start = len(emulator.requests)
    run = ansible.run(
        "tasks",
        {
            "name": "Single tasks and full jobs",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": play_vars(emulator.url),
            "tasks": tasks,
        },
    )
    requests = requests_by_company(emulator.requests[log_start:])
    jobs = [job for job in job_timings(run.tasks) if job.job != WARMUP]
    return {kind.name: _kind_result(kind, [job for job in jobs if job.case == kind.name], requests) for kind in kinds}


def _kind_result(kind: Kind, jobs: Sequence[JobTiming], requests: Mapping[str, list[str]]) -> KindResult:
    if any("failed" in job.statuses or "unreachable" in job.statuses for job in jobs):
        raise RuntimeError(f"a {kind.name} job failed")
    if any(job.changed != kind.changes for job in jobs):
        raise RuntimeError(f"a {kind.name} job reported changed={not kind.changes}; the comparison would be unfair")
    return KindResult(
        kind=kind,
        tasks_per_job=max(job.tasks for job in jobs),
        timing=Summary.of(job.seconds for job in jobs),
        requests_per_job=tuple(tuple(requests.get(company_for(kind.name, job.job), ())) for job in jobs),
        changed=tuple(job.changed for job in jobs),
        rounds=tuple(job.job for job in jobs),
    )


@dataclass(frozen=True)
class FleetResult:
    hosts: int
    forks: int
    wall: Summary
    span: Summary
    requests_per_host: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "hosts": self.hosts,
            "forks": self.forks,
            "wall": self.wall.as_dict(),
            "task_span": self.span.as_dict(),
            "requests_per_host": sorted(set(self.requests_per_host)),
        }


def run_fleet(
    ansible: Ansible, emulator: EmulatorServer, sizes: Sequence[int], forks_options: Sequence[int], repetitions: int
) -> list[FleetResult]:
    """Case 3: one no-op flexi_smtp task on N hosts (each its own company), with several forks settings.

    The repetitions go round all combinations in turn, so slow phases of the shared machine spread over all.
    """
    walls: dict[tuple[int, int], list[float]] = defaultdict(list)
    spans: dict[tuple[int, int], list[float]] = defaultdict(list)
    counts: dict[tuple[int, int], list[int]] = defaultdict(list)
    for repetition in range(repetitions):
        for hosts in sizes:
            for forks in forks_options:
                inventory = local_inventory(
                    {f"flexi-{index:03d}": {"flexi_company": fleet_company(index)} for index in range(hosts)}
                )
                task = import_tasks("flexi_smtp.yml", "fleet", repetition, {"smtp": dict(SAME)})
                play = {
                    "name": "Fleet",
                    "hosts": "all",
                    "gather_facts": False,
                    "vars": play_vars(emulator.url),
                    "tasks": [task],
                }
                log_start = len(emulator.requests)
                run = ansible.run(f"fleet-{hosts}-f{forks}", play, inventory=inventory, forks=forks)
                (timed,) = [task for task in run.tasks if task.case == "fleet"]
                if len(timed.results) != hosts or any(result.status != "ok" for result in timed.results.values()):
                    raise RuntimeError(f"fleet run with {hosts} hosts did not succeed everywhere")
                walls[hosts, forks].append(run.wall)
                spans[hosts, forks].append(timed.finished - timed.started)
                requests = requests_by_company(emulator.requests[log_start:])
                counts[hosts, forks].extend(len(requests.get(fleet_company(index), ())) for index in range(hosts))
    return [
        FleetResult(
            hosts, forks, Summary.of(walls[hosts, forks]), Summary.of(spans[hosts, forks]), tuple(counts[hosts, forks])
        )
        for hosts in sizes
        for forks in forks_options
    ]
