"""SmtpSink: the local SMTP server test mails really go to."""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage

import pytest

from tests.emulator.sink import SmtpSink

USER = "odesilatel@example.cz"
PASSWORD = "p%&<\"' é€"


def sample_message(subject: str = "Předmět", body: str = "Tělo zprávy.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Odesílatel <from@example.cz>"
    message["To"] = "to@example.cz"
    message["Subject"] = subject
    message.set_content(body)
    return message


def plain_auth(client: smtplib.SMTP, user: str, password: str) -> tuple[int, bytes]:
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    return client.docmd("AUTH", "PLAIN " + token)


def client_context(sink) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=sink.ca_path)


def test_sink_keeps_received_mail_decoded(smtp_sink):
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as client:
        client.send_message(sample_message(), from_addr="from@example.cz", to_addrs=["to@example.cz"])

    mail = smtp_sink.wait_for(1)[0]
    assert (mail.mail_from, mail.rcpt_tos) == ("from@example.cz", ("to@example.cz",))
    assert (mail.subject, mail.body) == ("Předmět", "Tělo zprávy.")
    assert (mail.tls, mail.auth_login) == (False, None)
    assert b"Subject:" in mail.raw


def test_sink_without_auth_offers_no_auth(smtp_sink):
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as client:
        client.ehlo()

        assert not client.has_extn("auth")


def test_sink_with_auth_refuses_mail_before_login(smtp_sink_factory):
    sink = smtp_sink_factory(auth=(USER, PASSWORD))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        code, _reply = client.mail("from@example.cz")

    assert code == 530


def test_sink_accepts_auth_plain_with_exact_utf8_credentials(smtp_sink_factory):
    sink = smtp_sink_factory(auth=(USER, PASSWORD))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        code, _reply = plain_auth(client, USER, PASSWORD)
        client.send_message(sample_message(), from_addr=USER, to_addrs=["to@example.cz"])

    assert code == 235
    assert sink.wait_for(1)[0].auth_login == USER


def test_sink_accepts_auth_login(smtp_sink_factory):
    sink = smtp_sink_factory(auth=(USER, PASSWORD))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        client.docmd("AUTH", "LOGIN " + base64.b64encode(USER.encode()).decode())
        code, _reply = client.docmd(base64.b64encode(PASSWORD.encode()).decode())

    assert code == 235


def test_sink_rejects_wrong_password_with_535(smtp_sink_factory):
    sink = smtp_sink_factory(auth=(USER, PASSWORD))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        code, reply = plain_auth(client, USER, PASSWORD + "x")

    assert (code, reply) == (535, b"5.7.8 Authentication credentials invalid")


def test_starttls_sink_refuses_mail_before_starttls(smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls")

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        code, _reply = client.mail("from@example.cz")

    assert code == 530


def test_starttls_sink_receives_mail_over_tls(smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls", auth=(USER, PASSWORD))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.starttls(context=client_context(sink))
        client.ehlo()
        plain_auth(client, USER, PASSWORD)
        client.send_message(sample_message(), from_addr=USER, to_addrs=["to@example.cz"])

    mail = sink.wait_for(1)[0]
    assert (mail.tls, mail.auth_login) == (True, USER)


def test_tls_sink_receives_mail_over_implicit_tls(smtp_sink_factory):
    sink = smtp_sink_factory(mode="tls", auth=(USER, PASSWORD))

    with smtplib.SMTP_SSL(sink.host, sink.port, timeout=5, context=client_context(sink)) as client:
        client.ehlo()
        plain_auth(client, USER, PASSWORD)
        client.send_message(sample_message(), from_addr=USER, to_addrs=["to@example.cz"])

    assert sink.wait_for(1)[0].tls is True


def test_tls_sink_certificate_covers_localhost(smtp_sink_factory):
    sink = smtp_sink_factory(mode="tls")

    with smtplib.SMTP_SSL("localhost", sink.port, timeout=5, context=client_context(sink)) as client:
        code, _reply = client.noop()

    assert code == 250


def test_sink_rejects_listed_recipient_with_550(smtp_sink_factory):
    sink = smtp_sink_factory(reject_recipients=["nobody@example.cz"])

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        client.mail("from@example.cz")
        code, _reply = client.rcpt("nobody@example.cz")

    assert code == 550


def test_wait_for_times_out_with_clear_message(smtp_sink):
    with pytest.raises(AssertionError, match=r"expected 1 mail\(s\) within 0.05s, got 0"):
        smtp_sink.wait_for(1, timeout=0.05)


def test_messages_is_a_copy(smtp_sink):
    smtp_sink.messages.append("not a mail")

    assert smtp_sink.messages == []


def test_plain_sink_has_no_ca(smtp_sink):
    assert smtp_sink.ca_path is None


def test_sink_rejects_unknown_mode():
    with pytest.raises(ValueError):
        SmtpSink(mode="ssl")


def test_sink_start_on_busy_port_raises_and_leaves_no_certificates(smtp_sink):
    busy = SmtpSink(mode="tls", port=smtp_sink.port)

    with pytest.raises(OSError):
        busy.start()

    assert busy.ca_path is None
