from __future__ import annotations

import json

import pytest

from tests.emulator.faults import Fault
from tests.support.network import closed_port

SMTP_PASSWORD = 'sm%tp&<"pässwörd>'
DESIRED = {
    "host": "smtp.example.com",
    "port": 465,
    "smtp_username": "flexi@example.com",
    "default_from": "ABRA Flexi <flexi@example.com>",
    "encryption_mode": "SSL",
}


@pytest.fixture
def configured(emulator):
    """The emulator with DESIRED already stored, with a password."""
    emulator.state.store(
        host="smtp.example.com",
        port="465",
        username="flexi@example.com",
        password="stored-secret",
        defaultFrom="ABRA Flexi <flexi@example.com>",
        encryptionMode="SSL",
    )
    return emulator


def sink_settings(sink):
    return {"host": sink.host, "port": sink.port, "encryption_mode": "NEVER", "smtp_username": ""}


def test_first_run_stores_the_given_settings_and_reports_change(emulator, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, **DESIRED})

    assert result["changed"] is True
    assert emulator.state.stored()["host"] == "smtp.example.com"
    assert emulator.state.stored()["defaultFrom"] == "ABRA Flexi <flexi@example.com>"
    assert result["settings"] == {**DESIRED, "password_set": False}


def test_second_run_with_same_options_reports_no_change_with_one_request(configured, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, **DESIRED})

    assert result["changed"] is False
    assert [r.method for r in configured.requests] == ["GET"]


def test_change_sends_one_write_with_only_the_differing_fields(configured, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, **DESIRED, "port": 587, "encryption_mode": "STARTTLS"})

    assert result["changed"] is True
    assert [r.method for r in configured.requests] == ["GET", "PUT"]
    (write,) = configured.writes()
    assert write.fields == ("port", "encryptionMode")
    assert write.password_present is False
    assert configured.state.stored()["password"] == "stored-secret"


def test_omitted_options_keep_their_stored_values(configured, run_module, module_args):
    run_module("flexi_smtp", {**module_args, "port": 25})

    stored = configured.state.stored()
    assert stored["port"] == "25"
    assert stored["host"] == "smtp.example.com"
    assert stored["username"] == "flexi@example.com"


def test_check_mode_never_writes(configured, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, "host": "new.example.com"}, check_mode=True)

    assert result["changed"] is True
    assert result["settings"]["host"] == "new.example.com"
    assert {r.method for r in configured.requests} == {"GET"}
    assert configured.state.stored()["host"] == "smtp.example.com"


def test_check_mode_never_sends_a_test_mail(configured, run_module, module_args):
    args = {**module_args, "host": "new.example.com", "test_email": "it@example.com", "test_email_when": "always"}

    result = run_module("flexi_smtp", args, check_mode=True)

    assert result["test_email"] == {"sent": False, "recipient": "it@example.com"}
    assert configured.test_mail_requests() == []


def test_recipient_is_returned_without_surrounding_space_when_no_mail_is_sent(configured, run_module, module_args):
    args = {**module_args, **DESIRED, "test_email": "  it@example.com \n"}

    result = run_module("flexi_smtp", args)

    assert result["test_email"] == {"sent": False, "recipient": "it@example.com"}


def test_diff_shows_before_and_after_of_given_fields_only(configured, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, "port": 587, "host": "smtp.example.com"}, diff=True)

    assert result["diff"] == {
        "before": {"host": "smtp.example.com", "port": 465},
        "after": {"host": "smtp.example.com", "port": 587},
    }


def test_password_is_sent_when_none_is_stored(emulator, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, "smtp_password": SMTP_PASSWORD}, diff=True)

    assert result["changed"] is True
    assert emulator.state.stored()["password"] == SMTP_PASSWORD
    assert result["diff"]["after"] == {"password_set": True, "password": "<changed>"}
    assert result["settings"]["password_set"] is True


def test_password_is_not_sent_again_when_one_is_stored(configured, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, **DESIRED, "smtp_password": SMTP_PASSWORD})

    assert result["changed"] is False
    assert configured.writes() == []
    assert configured.state.stored()["password"] == "stored-secret"


def test_update_password_always_sends_it_and_reports_change_every_run(configured, run_module, module_args):
    args = {**module_args, **DESIRED, "smtp_password": SMTP_PASSWORD, "update_password": "always"}

    first = run_module("flexi_smtp", args)
    second = run_module("flexi_smtp", args)

    assert first["changed"] is True
    assert second["changed"] is True
    assert [w.fields for w in configured.writes()] == [("password",), ("password",)]
    assert configured.state.stored()["password"] == SMTP_PASSWORD


def test_passwords_never_appear_in_result_diff_or_output(emulator, run_module, module_args):
    args = {**module_args, **DESIRED, "smtp_password": SMTP_PASSWORD, "update_password": "always"}

    run_module("flexi_smtp", args, diff=True)
    run_module("flexi_smtp", args, check_mode=True, diff=True)
    emulator.inject(Fault(kind="status", status=500, method="PUT"))
    failed = run_module("flexi_smtp", args, diff=True)

    assert failed["failed"] is True
    everything = "".join(run_module.outputs)
    for secret in (SMTP_PASSWORD, "admin-secret"):
        assert secret not in everything
        assert json.dumps(secret)[1:-1] not in everything


def test_test_mail_is_sent_after_a_change_and_delivered(emulator, smtp_sink, run_module, module_args):
    args = {**module_args, **sink_settings(smtp_sink), "test_email": "it@example.com"}

    result = run_module("flexi_smtp", args)

    assert result["test_email"] == {"sent": True, "recipient": "it@example.com"}
    (mail,) = smtp_sink.wait_for(1)
    assert mail.subject == "Testovací email"
    assert mail.rcpt_tos == ("it@example.com",)


def test_no_test_mail_when_nothing_changed(emulator, smtp_sink, run_module, module_args):
    args = {**module_args, **sink_settings(smtp_sink), "test_email": "it@example.com"}
    run_module("flexi_smtp", args)
    smtp_sink.wait_for(1)

    result = run_module("flexi_smtp", args)

    assert result["changed"] is False
    assert result["test_email"]["sent"] is False
    assert len(emulator.test_mail_requests()) == 1


def test_test_mail_when_always_is_sent_without_making_a_change(emulator, smtp_sink, run_module, module_args):
    args = {**module_args, **sink_settings(smtp_sink), "test_email": "it@example.com", "test_email_when": "always"}
    run_module("flexi_smtp", args)

    result = run_module("flexi_smtp", args)

    assert result["changed"] is False
    assert result["test_email"]["sent"] is True
    assert len(smtp_sink.wait_for(2)) == 2


def test_failed_test_mail_after_saving_reports_saved_and_quotes_flexi(emulator, run_module, module_args):
    port = closed_port()
    args = {
        **module_args,
        "host": "127.0.0.1",
        "port": port,
        "encryption_mode": "NEVER",
        "test_email": "it@example.com",
    }

    result = run_module("flexi_smtp", args)

    assert result["failed"] is True
    assert result["changed"] is True
    assert "The SMTP settings were saved, but the test mail to it@example.com failed" in result["msg"]
    assert f"com.sun.mail.util.MailConnectException: Couldn't connect to host, port: 127.0.0.1, {port}" in result["msg"]
    assert emulator.state.stored()["port"] == str(port)


def test_failed_test_mail_without_change_reports_no_change(emulator, run_module, module_args):
    args = {**module_args, "host": "127.0.0.1", "port": closed_port(), "encryption_mode": "NEVER"}
    run_module("flexi_smtp", args)

    result = run_module("flexi_smtp", {**args, "test_email": "it@example.com", "test_email_when": "always"})

    assert result["failed"] is True
    assert result["changed"] is False
    assert "no settings were changed" in result["msg"]
