"""The fleet summary printed after the recap: counts, then the servers that need a look, cut when long."""

from __future__ import annotations

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

from .drift_results import NOW, TASK, flexi_result

WANTED = {"host": "smtp.example.com", "port": 465, "password_set": True}


def fleet_report(drifted: int = 1, in_sync: int = 1, check_mode: bool = True) -> dict:
    collector = DriftCollector()
    for index in range(drifted):
        before = {"host": f"relay{index}.example.com", "port": 587, "password_set": False}
        after = {**WANTED, "password": "<changed>", "smtp_password": "Sup3r-secret"}
        collector.add_result(f"drifted-{index}", TASK, "ok", flexi_result(before, after), check_mode)
    for index in range(in_sync):
        collector.add_result(f"same-{index}", TASK, "ok", flexi_result(WANTED, WANTED), check_mode)
    collector.add_result(
        "broken", TASK, "failed", {"msg": "Flexi answered HTTP 404: no such company", "status": 404}, check_mode
    )
    collector.add_result("gone", TASK, "failed", {"msg": "Connection to Flexi failed", "status": -1}, check_mode)
    return collector.report(now=NOW)


def test_summary_gives_counts_then_failed_unreachable_and_drifted_servers_without_a_password():
    text = render_summary(fleet_report())

    assert text.splitlines() == [
        "FLEXI SMTP DRIFT SUMMARY (check mode): 4 servers, 1 in sync, 1 drifted, 1 failed, 1 unreachable",
        "  broken: failed: Flexi answered HTTP 404: no such company",
        "  gone: unreachable: Connection to Flexi failed",
        "  drifted-0: drifted: host: 'relay0.example.com' -> 'smtp.example.com', port: 587 -> 465, password: <changed>",
    ]


def test_summary_of_an_applied_run_says_changed():
    first = render_summary(fleet_report(check_mode=False)).splitlines()

    assert first[0].startswith("FLEXI SMTP DRIFT SUMMARY (changes applied): 4 servers, 1 in sync, 1 changed,")
    assert first[-1].startswith("  drifted-0: changed: host:")


def test_long_fleet_and_long_field_lists_end_with_and_n_more():
    collector = DriftCollector()
    before = {f"field_{index}": "old" for index in range(9)}
    after = {f"field_{index}": "new" for index in range(9)}
    collector.add_result("wide", TASK, "ok", flexi_result(before, after), True)
    report = fleet_report(drifted=30, in_sync=0)
    report["hosts"] += collector.report(now=NOW)["hosts"]

    lines = render_summary(report, max_servers=40).splitlines()
    cut = render_summary(report).splitlines()

    assert lines[-1].endswith("field_5: 'old' -> 'new', and 3 more")
    assert len(cut) == 1 + 25 + 1
    assert cut[-1] == "  and 8 more servers (see the report files or the mail)"
