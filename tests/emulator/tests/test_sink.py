"""SmtpSink: what the test mails of tests/emulator/tests/test_test_mail.py do not exercise."""

from __future__ import annotations

import base64
import smtplib


def test_sink_accepts_auth_login_as_well_as_plain(smtp_sink_factory):
    sink = smtp_sink_factory(auth=("odesilatel@example.cz", "p%&<\"' é€"))

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        client.docmd("AUTH", "LOGIN " + base64.b64encode(b"odesilatel@example.cz").decode())
        code, _reply = client.docmd(base64.b64encode("p%&<\"' é€".encode()).decode())

    assert code == 235


def test_starttls_sink_refuses_mail_before_starttls(smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls")

    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.ehlo()
        code, _reply = client.mail("from@example.cz")

    assert code == 530
