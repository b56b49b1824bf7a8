"""Fixtures for the drift report's unit tests: flexi_smtp results as the drift_report callback receives them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
TASK = "Outgoing mail goes through the company mail server"


def _flexi_result(before: dict[str, Any], after: dict[str, Any], changed: bool | None = None, **extra: Any) -> dict:
    differs = before != after
    return {
        "changed": differs if changed is None else changed,
        "diff": {"before": before, "after": after},
        "invocation": {"module_args": {"url": "https://flexi.example.com:5434", "company": "demo_s_r_o_"}},
        **extra,
    }


def _one_host_report(result: dict[str, Any], outcome: str = "ok", check_mode: bool = True, host: str = "flexi-a"):
    collector = DriftCollector()
    collector.add_result(host, TASK, outcome, result, check_mode)
    return collector.report(now=NOW)


# Session scope: the factories keep no state, and hypothesis tests may use them.


@pytest.fixture(scope="session")
def flexi_result() -> Callable[..., dict[str, Any]]:
    """Return a factory: ``flexi_result(before, after, changed=None, **extra)`` gives a flexi_smtp result."""
    return _flexi_result


@pytest.fixture(scope="session")
def one_host_report() -> Callable[..., dict[str, Any]]:
    """Return a factory: ``one_host_report(result, outcome="ok", check_mode=True, host="flexi-a")`` gives the report
    of a run where that one host gave that one result."""
    return _one_host_report
