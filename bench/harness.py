# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run generated playbooks with the real ansible-playbook and read back the task timings of bench_timer.

Both sides of every comparison go through this one harness: same ansible-playbook, same interpreter, an empty
ansible.cfg, ``connection: local``, ``gather_facts: false``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from tests.support.ansible import ANSIBLE_PLAYBOOK, PlaybookRun, clean_ansible_environment

BENCH_DIR = Path(__file__).resolve().parent
SENTINEL_CASE = "sentinel"


class HostResult(NamedTuple):
    """One host's result of a task: when it arrived (time.monotonic()), ok/skipped/failed/unreachable, changed."""

    at: float
    status: str
    changed: bool


@dataclass(frozen=True)
class TaskTiming:
    """One task of a run: its bench_case and bench_job, when it started and each host's result (time.monotonic())."""

    case: str | None
    job: Any
    started: float
    results: Mapping[str, HostResult]  # host name -> its result

    @property
    def span(self) -> float:
        """From the task's start to the last host's result."""
        return max((result.at for result in self.results.values()), default=self.started) - self.started


@dataclass(frozen=True)
class TimedRun(PlaybookRun):
    """What one ansible-playbook run did, and how long it took and what it used."""

    wall: float = 0.0
    tasks: Sequence[TaskTiming] = ()
    cpu_seconds: float = 0.0  # user + system time of ansible-playbook and every process it waited for
    peak_rss_mib: float = 0.0  # resident memory of the largest of those processes

    def timed(self, case: str) -> TaskTiming:
        """The one task of ``case``."""
        (task,) = [task for task in self.tasks if task.case == case]
        return task


@dataclass(frozen=True)
class JobTiming:
    """A group of consecutive tasks with the same bench_case and bench_job, timed start to next start."""

    case: str
    job: Any
    tasks: int
    seconds: float
    statuses: tuple[str, ...]
    changed: bool


class Ansible:
    """Writes playbooks and inventories into a work folder and runs them with a clean, deterministic environment."""

    def __init__(self, workdir: Path, collections_root: Path) -> None:
        self.workdir = workdir
        self.collections_root = collections_root
        workdir.mkdir(parents=True, exist_ok=True)
        self._counter = 0

    def write(self, stem: str, document: Any) -> Path:
        """Write a playbook or inventory as JSON (which YAML reads) and return its path."""
        self._counter += 1
        path = self.workdir / f"{self._counter:03d}-{stem}.yml"
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
        return path

    def run(
        self, stem: str, play: Mapping[str, Any], inventory: Mapping[str, Any] | None = None, forks: int = 5, **env: str
    ) -> TimedRun:
        """Run one play (without an inventory, on localhost only); a run that fails or warns raises RuntimeError."""
        playbook = self.write(stem, [dict(play)])
        inventory_path = self.write(f"{stem}-inventory", inventory or local_inventory({"localhost": {}}))
        events = self.workdir / f"{playbook.stem}-events.json"
        command = (str(ANSIBLE_PLAYBOOK), "-i", str(inventory_path), "-f", str(forks), str(playbook))
        environment = clean_ansible_environment(
            self.workdir,
            ANSIBLE_COLLECTIONS_PATH=str(self.collections_root),
            ANSIBLE_CALLBACK_PLUGINS=str(BENCH_DIR / "callback_plugins"),
            **{"ANSIBLE_CALLBACKS_ENABLED": "bench_timer", "BENCH_TIMER_OUT": str(events), **env},
        )
        outputs = [self.workdir / f"{playbook.stem}.{name}" for name in ("stdout", "stderr")]
        started = time.monotonic()
        with outputs[0].open("wb") as stdout, outputs[1].open("wb") as stderr:
            process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=environment, cwd=self.workdir)
            # wait4 gives the resource use of ansible-playbook and of every process it started and waited for.
            _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        returncode = os.waitstatus_to_exitcode(status)
        stdout_text, stderr_text = (path.read_text(encoding="utf-8", errors="replace") for path in outputs)
        if returncode != 0 or "WARNING]" in stdout_text + stderr_text:  # a broken run must not be timed
            raise RuntimeError(
                f"ansible-playbook failed or warned (rc={returncode}):\n$ {' '.join(command)}\n"
                f"{stdout_text[-6000:]}\n{stderr_text[-3000:]}"
            )
        tasks = [
            TaskTiming(
                task["case"], task["job"], task["started"], {h: HostResult(*r) for h, r in task["results"].items()}
            )
            for task in (json.loads(events.read_text(encoding="utf-8")) if events.exists() else [])
        ]
        return TimedRun(
            command,
            returncode,
            stdout_text,
            stderr_text,
            wall=wall,
            tasks=tasks,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        )


def local_inventory(hosts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A YAML inventory whose hosts all run their tasks on this machine with this interpreter."""
    connection = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    return {"all": {"vars": connection, "hosts": {name: dict(host_vars) for name, host_vars in hosts.items()}}}


def job_timings(tasks: Sequence[TaskTiming]) -> list[JobTiming]:
    """Group consecutive tasks by (case, job); a job lasts from its first task's start to the next job's start.

    Start-to-start includes everything the controller spends on the job (templating, skipped tasks, result
    handling), so jobs of one task and jobs of several tasks are timed the same way. The play must end with a
    sentinel task (bench_case "sentinel") so the last job has an end.
    """
    groups: list[list[TaskTiming]] = []
    for task in tasks:
        if groups and (groups[-1][0].case, groups[-1][0].job) == (task.case, task.job):
            groups[-1].append(task)
        else:
            groups.append([task])
    jobs = []
    for group, following in zip(groups, groups[1:]):
        if group[0].case not in (None, SENTINEL_CASE):
            results = [result for task in group for result in task.results.values()]
            seconds = following[0].started - group[0].started
            statuses = tuple(result.status for result in results)
            changed = any(result.changed for result in results)
            jobs.append(JobTiming(group[0].case, group[0].job, len(group), seconds, statuses, changed))
    return jobs


def import_tasks(file_name: str, case: str, job: Any, task_vars: Mapping[str, Any]) -> dict[str, Any]:
    """A static import of bench/tasks/<file_name> tagged for bench_timer (static: no run-time include cost)."""
    return {
        "name": f"{case} {job}",
        "ansible.builtin.import_tasks": str(BENCH_DIR / "tasks" / file_name),
        "vars": {"bench_case": case, "bench_job": job, **task_vars},
    }


def sentinel_task() -> dict[str, Any]:
    return {"name": "End", "ansible.builtin.debug": {"msg": "done"}, "vars": {"bench_case": SENTINEL_CASE}}
