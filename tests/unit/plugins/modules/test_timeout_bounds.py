"""`timeout` has a documented maximum, and the deadline's timer thread never prints anything."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._transport import Deadline, WatchedAdapter
from tests.support.paths import PATHS, run_on


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("timeout", [3601, 10000000000000])
def test_timeout_beyond_an_hour_is_refused_before_any_request(timeout, path, emulator, module_args, run_module):
    result = run_on(path, run_module, "flexi_smtp_info", {**module_args, "timeout": timeout})

    assert result["failed"] is True
    assert result["msg"] == f"timeout must be at most 3600 seconds (one hour); got {timeout}."
    assert emulator.requests == []
    assert "Traceback" not in "".join(run_module.outputs)


def test_a_deadline_too_far_for_a_timer_raises_nothing_in_its_thread(monkeypatch):
    raised = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    before = set(threading.enumerate())

    with WatchedAdapter().watch(Deadline(10000000000000)):
        pass
    for thread in set(threading.enumerate()) - before:
        thread.join(5)

    assert raised == []
