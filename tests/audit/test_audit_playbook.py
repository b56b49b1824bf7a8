"""examples/audit_smtp.yml in check mode over five emulated servers with known drift (tests/audit/lab.py), run by
the commands of docs/drift-audit.md.

What the JSON report says about each server. Where the report went is announced as the callback's unit tests prove;
that no secret shows in the report is the drift model's unit tests' proof, in the run's output tests/security's.
"""

from __future__ import annotations

import re

import pytest

from tests.audit.lab import SCRIPT_LOGIN, STATUSES

pytestmark = pytest.mark.integration


def only_check(report, host):
    (check,) = next(entry["checks"] for entry in report["hosts"] if entry["host"] == host)
    return check


def differing(check):
    return {name: (state["before"], state["after"]) for name, state in check["fields"].items() if state["differs"]}


def test_audit_run_reports_failures_through_its_exit_status_and_warns_nothing(audit_run):
    # Two servers fail, as the guide says.
    assert audit_run.returncode == 2, audit_run.describe()
    assert [line for line in audit_run.output.splitlines() if "WARNING]" in line] == [], audit_run.describe()


def test_check_mode_audit_counts_every_server_by_its_status(audit_run):
    report = audit_run.report()

    assert (report["mode"], report["playbooks"]) == ("check", ["audit_smtp.yml"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["generated_at"])
    assert report["counts"] == {"hosts": 5, "in_sync": 1, "drifted": 2, "failed": 1, "unreachable": 1, "skipped": 0}
    assert {host["host"]: host["status"] for host in report["hosts"]} == STATUSES
    assert report["fields"] == ["host", "port", "encryption_mode", "smtp_username", "default_from", "password"]


def test_drifted_servers_show_current_and_wanted_value_of_each_differing_field(audit_run):
    brno, ostrava = (only_check(audit_run.report(), host) for host in ("flexi-brno", "flexi-ostrava"))

    assert (brno["check_mode"], brno["target"]["company"]) == (True, "brno_s_r_o_")
    assert differing(brno) == {
        "host": ("relay.brno.example.com", "smtp.example.com"),
        "port": (587, 465),
        "encryption_mode": ("STARTTLS", "SSL"),
    }
    assert differing(ostrava) == {
        "smtp_username": (SCRIPT_LOGIN, "flexi@example.com"),
        "default_from": ("Ostrava <posta@ostrava.example.com>", "ABRA Flexi <flexi@example.com>"),
        "password": ("not set", "would change"),
    }


def test_failed_and_unreachable_servers_carry_the_reason(audit_run):
    plzen, liberec = (only_check(audit_run.report(), host) for host in ("flexi-plzen", "flexi-liberec"))

    assert "HTTP 404" in plzen["msg"]
    assert "Firma 'plzen_s_r_o_' neexistuje." in plzen["msg"]
    assert plzen["fields"] == {}
    assert "Connection refused" in liberec["msg"]
