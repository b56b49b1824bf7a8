"""The drift_report callback's event handling, fed with stand-ins for Ansible's task, host and result objects: which
events become checks or stops, which check mode applies, and what the run's end writes, prints and mails."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from ansible import context

from ansible_collections.abraflexi.flexi.plugins.callback.drift_report import CallbackModule, is_flexi_smtp

FLEXI_SMTP = "abraflexi.flexi.flexi_smtp"
MAIL = {"mail_to": ["audit@example.com"], "mail_from": "ansible@example.com", "mail_username": "audit"}


class RecordingDisplay:
    """Keeps what the callback displays and warns, instead of printing it."""

    verbosity = 0

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.warnings: list[str] = []

    def display(self, text: str, **_: object) -> None:
        self.lines.append(text)

    def warning(self, text: str, **_: object) -> None:
        self.warnings.append(text)


def task(action: str = FLEXI_SMTP, check_mode: bool | None = None) -> SimpleNamespace:
    resolved = "ansible.builtin." + action if "." not in action else action
    return SimpleNamespace(action=action, resolved_action=resolved, check_mode=check_mode)


def task_result(of_task: SimpleNamespace, result: dict, host: str = "flexi-a", name: str = "Task") -> SimpleNamespace:
    return SimpleNamespace(task=of_task, host=SimpleNamespace(get_name=lambda: host), task_name=name, result=result)


def drifted() -> dict:
    return {"changed": True, "diff": {"before": {"host": "old"}, "after": {"host": "new"}}}


@pytest.fixture
def options(tmp_path) -> dict:
    """The callback's options; a test changes them before the run ends. The summary is off unless a test wants it."""
    return {
        "report_dir": str(tmp_path / "report"),
        "formats": ["json", "markdown", "html"],
        "summary": False,
        **dict.fromkeys(("mail_to", "mail_from", "mail_host", "mail_port", "mail_username", "mail_password")),
        **{"mail_security": "starttls", "mail_validate_certs": True, "mail_ca_path": None, "mail_when": "always"},
    }


@pytest.fixture
def callback(options, monkeypatch) -> CallbackModule:
    monkeypatch.setattr(context, "CLIARGS", {"check": True})
    plugin = CallbackModule(display=RecordingDisplay())
    # Options come from DOCUMENTATION once Ansible's loader knows the plugin; here they are given directly.
    monkeypatch.setattr(plugin, "get_option", options.__getitem__)
    return plugin


def test_only_flexi_smtp_results_become_checks(callback):
    callback.v2_runner_on_ok(task_result(task(), drifted()))
    callback.v2_runner_on_ok(task_result(task("debug"), {"msg": "hello"}))

    assert [(check.host, check.status) for check in callback.collector.checks] == [("flexi-a", "drifted")]


def test_short_name_resolving_to_flexi_smtp_counts_and_templated_action_does_not():
    short = SimpleNamespace(action="flexi_smtp", resolved_action=FLEXI_SMTP)
    templated = SimpleNamespace(action="{{ module }}_flexi_smtp")  # asking it for resolved_action would warn

    assert (is_flexi_smtp(short), is_flexi_smtp(templated)) == (True, False)


def test_check_mode_of_the_task_wins_over_the_command_line(callback):
    callback.v2_runner_on_ok(task_result(task(check_mode=False), drifted(), host="applied"))
    callback.v2_runner_on_ok(task_result(task(check_mode=None), drifted(), host="from-cli"))

    assert {check.host: check.check_mode for check in callback.collector.checks} == {
        "applied": False,
        "from-cli": True,
    }


def test_failure_before_flexi_smtp_in_its_play_is_reported_as_a_stop(callback):
    play = SimpleNamespace(tasks=[SimpleNamespace(block=[task("ping")], rescue=[], always=[task()])])
    callback.v2_playbook_on_play_start(play)

    callback.v2_runner_on_failed(task_result(task("ping"), {"msg": "boom"}, host="stopped", name="Ping"))
    callback.v2_runner_on_failed(task_result(task("ping"), {"msg": "ok"}, host="ignored"), ignore_errors=True)

    report = callback.collector.report()
    assert [(host["host"], host["status"]) for host in report["hosts"]] == [("stopped", "failed")]
    assert report["hosts"][0]["checks"][0]["msg"] == 'Stopped at task "Ping", before any flexi_smtp task: boom'


def test_failure_in_a_play_without_flexi_smtp_is_not_reported(callback):
    callback.v2_playbook_on_play_start(SimpleNamespace(tasks=[task("ping")]))

    callback.v2_runner_on_unreachable(task_result(task("ping"), {"msg": "ssh: refused"}))

    assert callback.collector.report()["hosts"] == []


def test_report_is_written_and_announced_when_the_run_ends(callback, tmp_path):
    callback.v2_playbook_on_start(SimpleNamespace(_file_name="/srv/playbooks/provision_smtp.yml"))
    callback.v2_runner_on_ok(task_result(task(), drifted()))

    callback.v2_playbook_on_stats(None)

    folder = tmp_path / "report"
    report = json.loads((folder / "drift-report.json").read_text(encoding="utf-8"))
    assert (report["mode"], report["playbooks"], report["counts"]["drifted"]) == ("check", ["provision_smtp.yml"], 1)
    assert callback._display.lines == [
        f"Flexi drift report (JSON): {folder / 'drift-report.json'}",
        f"Flexi drift report (Markdown): {folder / 'drift-report.md'}",
        f"Flexi drift report (HTML): {folder / 'drift-report.html'}",
    ]


def test_report_folder_that_cannot_be_written_gives_a_warning(callback, tmp_path):
    (tmp_path / "report").write_text("a file, not a folder", encoding="utf-8")

    callback.v2_playbook_on_stats(None)

    (warning,) = callback._display.warnings
    assert warning.startswith("abraflexi.flexi.drift_report: could not write the report to ")
    assert callback._display.lines == []


def test_fleet_summary_follows_the_report_files_and_can_be_turned_off(callback, options):
    callback.v2_runner_on_ok(task_result(task(), drifted()))
    options["summary"] = True

    callback.v2_playbook_on_stats(None)
    shown = list(callback._display.lines)
    options["summary"] = False
    callback._display.lines.clear()
    callback.v2_playbook_on_stats(None)

    assert shown[3:] == [
        "FLEXI SMTP DRIFT SUMMARY (check mode): 1 servers, 0 in sync, 1 drifted, 0 failed, 0 unreachable\n"
        "  flexi-a: drifted: host: 'old' -> 'new'"
    ]
    assert len(callback._display.lines) == 3


def test_run_without_flexi_smtp_prints_no_summary_and_sends_no_mail(callback, options):
    options.update(summary=True, formats=[], mail_to=["audit@example.com"], mail_from="a@example.com", mail_port=1)
    callback.v2_runner_on_ok(task_result(task("ping"), {"ping": "pong"}))

    callback.v2_playbook_on_stats(None)

    assert (callback._display.lines, callback._display.warnings) == ([], [])


def test_report_is_mailed_to_the_sink_with_starttls_and_login(callback, options, smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls", auth=("audit", "Mail-s3cret"))
    options.update(MAIL, formats=[], mail_host=sink.host, mail_port=sink.port, mail_ca_path=sink.ca_path)
    options["mail_password"] = "Mail-s3cret"
    callback.v2_runner_on_ok(task_result(task(), drifted()))

    callback.v2_playbook_on_stats(None)

    (mail,) = sink.wait_for(1)
    assert (mail.auth_login, mail.tls) == ("audit", True)
    assert mail.subject == "Flexi SMTP drift audit: 1 drifted of 1 servers"
    assert callback._display.lines == ["Flexi drift report mailed to audit@example.com"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"mail_from": None}, "mail_from is not set"),
        ({"mail_port": 1}, "ConnectionRefusedError"),
        ({"mail_security": "tls"}, "mail_security must be one of ssl, starttls, none"),
    ],
)
def test_mail_that_cannot_be_sent_is_a_warning_without_the_password(callback, options, changes, reason):
    options.update(MAIL, mail_host="127.0.0.1", mail_port=1, mail_password="Mail-s3cret", mail_security="none")
    options.update(changes)
    callback.v2_runner_on_ok(task_result(task(), drifted()))

    callback.v2_playbook_on_stats(None)

    (warning,) = callback._display.warnings
    assert warning.startswith("abraflexi.flexi.drift_report: the report was not mailed: ")
    assert reason in warning
    assert "Mail-s3cret" not in warning
