"""The report by mail, sent to the emulator's SMTP sink: three forms, TLS and login, failures as MailError."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_mail import (
    MailError,
    MailSettings,
    mail_report,
    recipients,
)

from .drift_results import flexi_result, one_host_report

USER, PASSWORD = "reports@example.com", "Mail-Pa55-s3cret"
SINK_MODES = {"ssl": "tls", "starttls": "starttls", "none": "plain"}


def settings_for(sink, **changes) -> MailSettings:
    security = {"tls": "ssl", "starttls": "starttls", "plain": "none"}[sink.mode]
    values = {
        "to": ("audit@example.com", "it@example.com"),
        "sender": "Flexi audit <ansible@example.com>",
        "host": sink.host,
        "port": sink.port,
        "security": security,
        "username": USER if sink.auth else None,
        "password": PASSWORD if sink.auth else None,
        "ca_path": sink.ca_path,
        **changes,
    }
    return MailSettings(**values)


@pytest.fixture
def drifted_report() -> dict:
    return one_host_report(flexi_result({"host": "relay.example.com"}, {"host": "smtp.example.com"}))


@pytest.mark.parametrize("security", ["starttls", "ssl", "none"])
def test_report_arrives_with_html_body_and_json_and_markdown_attached(security, drifted_report, smtp_sink_factory):
    sink = smtp_sink_factory(mode=SINK_MODES[security], auth=(USER, PASSWORD))

    sent = mail_report(drifted_report, settings_for(sink))

    (mail,) = sink.wait_for(1)
    message = message_from_bytes(mail.raw, policy=policy.default)
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sent is True
    assert (mail.auth_login, mail.tls) == (USER, security != "none")
    assert mail.rcpt_tos == ("audit@example.com", "it@example.com")
    assert message["Subject"] == "Flexi SMTP drift audit: 1 drifted of 1 servers"
    assert '<table id="drift">' in message.get_body(("html",)).get_content()
    assert "FLEXI SMTP DRIFT SUMMARY" in message.get_body(("plain",)).get_content()
    assert json.loads(attachments["drift-report.json"]) == drifted_report
    assert attachments["drift-report.md"].startswith("# SMTP drift audit")
    assert PASSWORD.encode() not in mail.raw


def test_wrong_password_is_a_mail_error_without_the_password(drifted_report, smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls", auth=(USER, "another"))

    with pytest.raises(MailError) as raised:
        mail_report(drifted_report, settings_for(sink, username=USER, password=PASSWORD))

    assert str(raised.value).startswith(f"could not mail the report through {sink.host}:{sink.port} (starttls): ")
    assert "535" in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_certificate_of_an_unknown_authority_is_refused_unless_validation_is_off(drifted_report, smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls")

    with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED"):
        mail_report(drifted_report, settings_for(sink, ca_path=None))
    sent = mail_report(drifted_report, settings_for(sink, ca_path=None, validate_certs=False))

    assert sent is True
    assert len(sink.wait_for(1)) == 1


def test_when_problems_an_all_in_sync_run_sends_nothing(smtp_sink):
    in_sync = one_host_report(flexi_result({"host": "a"}, {"host": "a"}))

    sent = mail_report(in_sync, settings_for(smtp_sink, when="problems"))

    assert sent is False
    assert smtp_sink.messages == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ()), ("a@example.com, b@example.com", ("a@example.com", "b@example.com")), (["a@x.cz"], ("a@x.cz",))],
)
def test_recipients_come_as_a_list_or_comma_separated(value, expected):
    assert recipients(value) == expected
