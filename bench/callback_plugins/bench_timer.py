# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark-only callback (bench/harness.py): when each task (by its ``bench_case`` and ``bench_job``) started and
each host's result arrived, as JSON in the file named in BENCH_TIMER_OUT."""

from __future__ import annotations

import json
import os
import time
from functools import partialmethod

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._tasks: dict[str, dict] = {}  # task uuid -> its start and its hosts' results, in start order

    def v2_playbook_on_task_start(self, task, is_conditional) -> None:
        task_vars = task.get_vars()
        self._tasks[task._uuid] = {
            "case": task_vars.get("bench_case"),
            "job": task_vars.get("bench_job"),
            "started": time.monotonic(),
            "results": {},
        }

    def _result(self, status: str, result, ignore_errors: bool = False) -> None:
        changed = bool(result.result.get("changed"))
        self._tasks[result.task._uuid]["results"][result.host.get_name()] = (time.monotonic(), status, changed)

    v2_runner_on_ok = partialmethod(_result, "ok")
    v2_runner_on_skipped = partialmethod(_result, "skipped")
    v2_runner_on_failed = partialmethod(_result, "failed")
    v2_runner_on_unreachable = partialmethod(_result, "unreachable")

    def v2_playbook_on_stats(self, stats) -> None:
        with open(os.environ["BENCH_TIMER_OUT"], "w", encoding="utf-8") as out:
            json.dump(list(self._tasks.values()), out)
