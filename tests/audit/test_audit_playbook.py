"""examples/audit_smtp.yml in check mode over five emulated servers with known drift (tests/audit/lab.py).

What the JSON report says about each server, that the run changed nothing, that it printed where the report went,
and that no password of the fleet appears in any form of the report or in the run's output.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, quote_plus

import pytest

from tests.audit.lab import SCRIPT_LOGIN

pytestmark = pytest.mark.integration


def checks_by_host(report):
    return {host["host"]: host["checks"] for host in report["hosts"]}


def only_check(report, host):
    (check,) = checks_by_host(report)[host]
    return check


def differing(check):
    return {name: (state["before"], state["after"]) for name, state in check["fields"].items() if state["differs"]}


def spellings(secret):
    """The forms a secret could take in a report or the run's output."""
    return {
        secret,
        html.escape(secret),
        html.escape(secret, quote=False),
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


def test_audit_run_reports_failures_through_its_exit_status(audit_run):
    assert audit_run.returncode == 2, audit_run.describe()
    assert "PLAY RECAP" in audit_run.stdout


def test_audit_run_changes_nothing_on_any_server(audit_run):
    assert audit_run.writes == ()


def test_run_prints_one_line_per_report_file(audit_run):
    lines = [line for line in audit_run.stdout.splitlines() if line.startswith("Flexi drift report")]

    assert lines == [
        f"Flexi drift report (JSON): {audit_run.report_file('json')}",
        f"Flexi drift report (Markdown): {audit_run.report_file('markdown')}",
        f"Flexi drift report (HTML): {audit_run.report_file('html')}",
    ]


def test_report_is_a_check_mode_audit_of_the_playbook(audit_run):
    report = audit_run.report()

    assert report["mode"] == "check"
    assert report["title"] == "SMTP drift audit (check mode, nothing was changed)"
    assert report["playbooks"] == ["audit_smtp.yml"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["generated_at"])


def test_counts_add_up_to_every_server(audit_run):
    report = audit_run.report()

    assert report["counts"] == {"hosts": 5, "in_sync": 1, "drifted": 2, "failed": 1, "unreachable": 1, "skipped": 0}
    assert {host["host"]: host["status"] for host in report["hosts"]} == {
        "flexi-brno": "drifted",
        "flexi-liberec": "unreachable",
        "flexi-ostrava": "drifted",
        "flexi-plzen": "failed",
        "flexi-praha": "in_sync",
    }
    assert report["fields"] == ["host", "port", "encryption_mode", "smtp_username", "default_from", "password"]


def test_drifted_server_shows_current_and_wanted_value_of_each_differing_field(audit_run):
    brno = only_check(audit_run.report(), "flexi-brno")

    assert brno["status"] == "drifted"
    assert brno["check_mode"] is True
    assert brno["target"]["company"] == "brno_s_r_o_"
    assert differing(brno) == {
        "host": ("relay.brno.example.com", "smtp.example.com"),
        "port": (587, 465),
        "encryption_mode": ("STARTTLS", "SSL"),
    }
    assert brno["fields"]["smtp_username"] == {
        "before": "flexi@example.com",
        "after": "flexi@example.com",
        "differs": False,
    }
    assert brno["fields"]["password"] == {"before": "set", "after": "set", "differs": False}


def test_missing_password_shows_as_would_change(audit_run):
    ostrava = only_check(audit_run.report(), "flexi-ostrava")

    assert differing(ostrava) == {
        "smtp_username": (SCRIPT_LOGIN, "flexi@example.com"),
        "default_from": ("Ostrava <posta@ostrava.example.com>", "ABRA Flexi <flexi@example.com>"),
        "password": ("not set", "would change"),
    }


def test_server_in_sync_has_no_differing_field(audit_run):
    praha = only_check(audit_run.report(), "flexi-praha")

    assert praha["status"] == "in_sync"
    assert differing(praha) == {}
    assert praha["fields"]["host"]["after"] == "smtp.example.com"


def test_failed_server_carries_flexis_message(audit_run):
    plzen = only_check(audit_run.report(), "flexi-plzen")

    assert plzen["status"] == "failed"
    assert "HTTP 404" in plzen["msg"]
    assert "Firma 'plzen_s_r_o_' neexistuje." in plzen["msg"]
    assert plzen["fields"] == {}


def test_server_without_http_answer_counts_as_unreachable(audit_run):
    liberec = only_check(audit_run.report(), "flexi-liberec")

    assert liberec["status"] == "unreachable"
    assert "Connection refused" in liberec["msg"]


def test_markdown_report_has_counts_and_one_row_per_server(audit_run):
    markdown = audit_run.report_text("markdown")

    assert markdown.startswith("# SMTP drift audit (check mode, nothing was changed)\n")
    assert "| 5 | 1 | 2 | 1 | 1 | 0 |" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| flexi-")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| flexi-brno",
        "| flexi-liberec",
        "| flexi-ostrava",
        "| flexi-plzen",
        "| flexi-praha",
    ]
    assert "**`relay.brno.example.com` → `smtp.example.com`**" in markdown
    assert "<script>" not in markdown.replace(f"`{SCRIPT_LOGIN}`", "")


@pytest.mark.parametrize("form", ["json", "markdown", "html"])
def test_no_secret_of_the_fleet_in_the_report(audit_run, audit_lab, form):
    text = audit_run.report_text(form)

    for secret in audit_lab.secrets:
        for spelling in spellings(secret):
            assert spelling not in text, f"a secret appeared in the {form} report (as {spelling!r} of one)"


def test_no_secret_of_the_fleet_in_the_run_output(audit_run, audit_lab):
    for secret in audit_lab.secrets:
        for spelling in spellings(secret):
            assert spelling not in audit_run.output, f"a secret appeared in the output (as {spelling!r} of one)"


def test_password_appears_only_as_its_states(audit_run):
    for host in audit_run.report()["hosts"]:
        for check in host["checks"]:
            password = check["fields"].get("password")
            if password is not None:
                assert {password["before"], password["after"]} <= {"set", "not set", "would change"}


def test_audit_run_has_no_warning(audit_run):
    assert [line for line in audit_run.output.splitlines() if "WARNING]" in line] == [], audit_run.describe()
