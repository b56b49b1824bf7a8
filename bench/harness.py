# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Both sides of every comparison run through this harness: the real ansible-playbook, this interpreter, an empty
ansible.cfg, ``connection: local``, ``gather_facts: false``, and the task timings of the bench_timer callback."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from tests.support.ansible import ANSIBLE_PLAYBOOK, clean_ansible_environment

BENCH_DIR = Path(__file__).resolve().parent
SENTINEL_CASE = "sentinel"


@dataclass(frozen=True)
class Summary:
    """Repeated measurements of one thing (seconds unless said otherwise): min and median, as other work shares the
    machine and a mean would mislead."""

    n: int
    min: float
    median: float
    samples: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        samples = tuple(values)
        return cls(len(samples), min(samples), statistics.median(samples), samples)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


def rotated(items: Sequence[Any], index: int) -> list[Any]:
    """``items`` starting at ``index`` (modulo their number): an order that changes every round."""
    shift = index % len(items)
    return [*items[shift:], *items[:shift]]


class HostResult(NamedTuple):
    at: float  # time.monotonic() of its arrival
    status: str  # ok, skipped, failed or unreachable
    changed: bool


@dataclass(frozen=True)
class TaskTiming:
    case: str | None  # the task's bench_case
    job: Any  # its bench_job
    started: float  # time.monotonic()
    results: Mapping[str, HostResult]  # by host name

    @property
    def span(self) -> float:
        """From the task's start to the last host's result."""
        return max((result.at for result in self.results.values()), default=self.started) - self.started


@dataclass(frozen=True)
class TimedRun:
    stdout: str
    wall: float
    tasks: Sequence[TaskTiming]
    cpu_seconds: float  # user + system time of ansible-playbook and every process it waited for
    peak_rss_mib: float  # resident memory of the largest of those processes

    def timed(self, case: str) -> TaskTiming:
        (task,) = [task for task in self.tasks if task.case == case]
        return task


class JobTiming(NamedTuple):
    case: str
    job: Any
    tasks: int
    seconds: float
    results: tuple[HostResult, ...]


class Ansible:
    """Writes playbooks and inventories into a work folder and runs them in a clean, deterministic environment."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self._counter = 0

    def write(self, stem: str, document: Any) -> Path:
        """Write a playbook or inventory as JSON (which YAML reads)."""
        self._counter += 1
        path = self.workdir / f"{self._counter:03d}-{stem}.yml"
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
        return path

    def run(
        self, stem: str, play: Mapping[str, Any], inventory: Mapping[str, Any] | None = None, forks: int = 5, **env: str
    ) -> TimedRun:
        """Run one play (without an inventory, on localhost); a run that fails or warns raises RuntimeError."""
        playbook = self.write(stem, [dict(play)])
        inventory_path = self.write(f"{stem}-inventory", inventory or local_inventory({"localhost": {}}))
        events = self.workdir / f"{playbook.stem}-events.json"
        command = (str(ANSIBLE_PLAYBOOK), "-i", str(inventory_path), "-f", str(forks), str(playbook))
        environment = clean_ansible_environment(
            self.workdir,
            ANSIBLE_CALLBACK_PLUGINS=str(BENCH_DIR / "callback_plugins"),
            **{"ANSIBLE_CALLBACKS_ENABLED": "bench_timer", "BENCH_TIMER_OUT": str(events), **env},
        )
        output_path = self.workdir / f"{playbook.stem}.output"
        started = time.monotonic()
        with output_path.open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=output, env=environment, cwd=self.workdir)
            # wait4 gives the resource use of ansible-playbook and of every process it started and waited for.
            _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        returncode = os.waitstatus_to_exitcode(status)
        stdout = output_path.read_text(encoding="utf-8", errors="replace")
        if returncode != 0 or "WARNING]" in stdout:  # a broken run must not be timed
            raise RuntimeError(
                f"ansible-playbook failed or warned (rc={returncode}):\n$ {' '.join(command)}\n{stdout[-9000:]}"
            )
        tasks = [
            TaskTiming(
                task["case"], task["job"], task["started"], {h: HostResult(*r) for h, r in task["results"].items()}
            )
            for task in json.loads(events.read_text(encoding="utf-8"))
        ]
        # ru_maxrss is in KiB on Linux.
        return TimedRun(stdout, wall, tasks, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def local_inventory(hosts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A YAML inventory whose hosts all run their tasks on this machine with this interpreter."""
    connection = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    return {"all": {"vars": connection, "hosts": {name: dict(host_vars) for name, host_vars in hosts.items()}}}


def job_timings(tasks: Sequence[TaskTiming]) -> list[JobTiming]:
    """Consecutive tasks of one (case, job), from the job's first start to the next job's: everything the controller
    spends on it (templating, skipped tasks, results). The play ends with sentinel_task() so the last job has an end."""
    groups = [list(group) for _key, group in itertools.groupby(tasks, key=lambda task: (task.case, task.job))]
    return [
        JobTiming(
            group[0].case,
            group[0].job,
            len(group),
            following[0].started - group[0].started,
            tuple(result for task in group for result in task.results.values()),
        )
        for group, following in zip(groups, groups[1:])
        if group[0].case not in (None, SENTINEL_CASE)
    ]


def import_tasks(file_name: str, case: str, job: Any, task_vars: Mapping[str, Any]) -> dict[str, Any]:
    """A static import of bench/tasks/<file_name> tagged for bench_timer (static: no run-time include cost)."""
    return {
        "name": f"{case} {job}",
        "ansible.builtin.import_tasks": str(BENCH_DIR / "tasks" / file_name),
        "vars": {"bench_case": case, "bench_job": job, **task_vars},
    }


def sentinel_task() -> dict[str, Any]:
    return {"name": "End", "ansible.builtin.debug": {"msg": "done"}, "vars": {"bench_case": SENTINEL_CASE}}
