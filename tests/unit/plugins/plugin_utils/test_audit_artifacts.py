"""The audit as ansible_stats: one top-level key per server, small, no secrets, merged as ansible-core and AWX do."""

from __future__ import annotations

import json
import re

import pytest
from ansible.utils.vars import merge_hash

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import (
    audit_artifacts_wanted,
    audit_stats,
)

from .drift_results import TASK, flexi_result

TARGET = {"url": "https://auditor:Api-s3cret@flexi.example.com:5434", "company": "demo_s_r_o_"}
SHOWN = {"check_mode": True, "url": "https://flexi.example.com:5434", "company": "demo_s_r_o_"}


def stats_of(host: str = "flexi-a", **changes) -> dict:
    before = {"host": "relay.example.com", "port": 587, "password_set": False}
    after = {"host": "smtp.example.com", "port": 587, "password": "<changed>", **changes}
    return audit_stats(host, TASK, flexi_result(before, after, response="<winstrom/>"), True, TARGET)


def merged_run_stats(results: list[dict]) -> dict:
    """What ansible-core's strategy does with aggregate ansible_stats (update_custom_stats: merge_hash)."""
    run: dict = {}
    for stats in results:
        for key, value in stats["data"].items():
            run[key] = merge_hash(run[key], value) if key in run else value
    return run


def test_drifted_server_gives_one_entry_with_only_the_differing_fields_and_no_secret():
    stats = stats_of(smtp_password="Sm7p-s3cret")

    assert "s3cret" not in json.dumps(stats)
    assert stats["aggregate"] is True
    assert stats["per_host"] is False
    ((key, entry),) = stats["data"].items()
    assert re.fullmatch(r"abraflexi_audit_flexi_a_[0-9a-f]{8}", key)
    assert entry == {
        "host": "flexi-a",
        "drifted": True,
        "checks": {
            TASK: {
                "status": "drifted",
                **SHOWN,
                "changes": {
                    "host": {"before": "relay.example.com", "after": "smtp.example.com"},
                    "password": {"before": "not set", "after": "would change"},
                },
            }
        },
    }


@pytest.mark.parametrize("outcome", [{"failed": True}, {"skipped": True}])
def test_failed_or_skipped_result_gives_no_stats(outcome):
    assert audit_stats("flexi-a", TASK, {"msg": "boom", **outcome}, True, TARGET) is None


def test_every_server_keeps_its_own_key_so_merged_slices_lose_no_server():
    names = ["flexi-1", "flexi_1", "flexi.1", "FLEXI-1", "1flexi"]
    slices = [
        [stats_of(name) for name in names[:2]],
        [stats_of(name) for name in names[2:]],
    ]

    artifacts: dict = {}
    for job in slices:  # AWX: the slices' artifacts merge by top-level key, the last one winning
        artifacts.update(merged_run_stats(job))

    assert sorted(entry["host"] for entry in artifacts.values()) == sorted(names)
    assert all(key.isidentifier() for key in artifacts)


def test_tasks_and_loop_items_of_one_server_merge_into_one_entry():
    first = stats_of()
    looped = [
        audit_stats(
            "flexi-a", "Per company", flexi_result({}, {}), True, TARGET, {"ansible_loop_var": "item", "item": name}
        )
        for name in ("acme", "globex")
    ]

    (entry,) = list(merged_run_stats([first, *looped]).values())

    assert list(entry["checks"]) == [TASK, "Per company [acme]", "Per company [globex]"]
    assert entry["checks"]["Per company [acme]"]["status"] == "in_sync"
    assert entry["drifted"] is True  # one drifted check marks the server, whatever the order


def test_no_log_task_gives_its_status_without_fields():
    result = flexi_result({"host": "a"}, {"host": "b"})

    stats = audit_stats("flexi-a", TASK, result, True, TARGET, hidden=True)

    (entry,) = stats["data"].values()
    assert entry["checks"][TASK] == {"status": "drifted", **SHOWN, "changes": {}, "hidden": True}


@pytest.mark.parametrize(("value", "wanted"), [(None, False), (False, False), ("yes", True), (True, True)])
def test_artifacts_only_when_the_variable_is_true(value, wanted):
    assert audit_artifacts_wanted(value) is wanted
