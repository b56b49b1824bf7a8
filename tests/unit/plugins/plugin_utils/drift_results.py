"""flexi_smtp results as the drift_report callback receives them, and the report of one host's result."""

from __future__ import annotations

import datetime
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
TASK = "Outgoing mail goes through the company mail server"


def flexi_result(before: dict[str, Any], after: dict[str, Any], changed: bool | None = None, **extra: Any) -> dict:
    differs = before != after
    return {
        "changed": differs if changed is None else changed,
        "diff": {"before": before, "after": after},
        "invocation": {"module_args": {"url": "https://flexi.example.com:5434", "company": "demo_s_r_o_"}},
        **extra,
    }


def one_host_report(result: dict[str, Any], outcome: str = "ok", check_mode: bool = True, host: str = "flexi-a"):
    collector = DriftCollector()
    collector.add_result(host, TASK, outcome, result, check_mode)
    return collector.report(now=NOW)
