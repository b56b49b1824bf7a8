"""The mailer's JavaMail-style failure texts the HTTP tests cannot provoke, checked without a network."""

from __future__ import annotations

import socket
import ssl

import pytest
from lxml import etree

from tests.emulator.mailer import ConnectFailure, MailFailure, MailTarget, TlsFailure, java_exception, send_test_mail
from tests.emulator.tests.flexi_client import document

TARGET = MailTarget("smtp.example.cz", 465, "SSL", 30.0)

# The failure quoted by the vendor article (its whitespace was flattened by the web page), as the unit tests parse it.
ARTICLE_FAILURE = " ".join(etree.fromstring(document("error_bare_message.xml")).text.split())


def verification_error(code: int) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code = code
    error.verify_message = "certificate verify failed"
    return error


def test_unknown_host_text_matches_the_article_sample():
    target = MailTarget("vzor.seznam.cz", 465, "SSL", 30.0)

    text = java_exception(ConnectFailure(socket.gaierror(-2, "Name or service not known")), target).flexi_text()

    assert " ".join(text.split()) == ARTICLE_FAILURE


@pytest.mark.parametrize(
    ("failure", "target", "expected"),
    [
        (ConnectFailure(TimeoutError("timed out")), TARGET, "\tjava.net.SocketTimeoutException: connect timed out\n"),
        (
            TlsFailure(verification_error(62), during_starttls=False),
            TARGET,
            "No subject alternative DNS name matching smtp.example.cz found.",
        ),
        (
            TlsFailure(verification_error(64), during_starttls=False),
            MailTarget("127.0.0.1", 465, "SSL", 30.0),
            "No subject alternative names matching IP address 127.0.0.1 found",
        ),
    ],
    ids=["connect timeout", "host name mismatch", "IP address mismatch"],
)
def test_failure_becomes_the_java_exception_flexi_would_name(failure, target, expected):
    assert expected in java_exception(failure, target).flexi_text()


@pytest.mark.parametrize(("mode", "port"), [("SSL", 465), ("TLS", 465), ("STARTTLS", 25), ("NEVER", 25)])
def test_default_port_follows_encryption_mode(mode, port):
    stored = {"host": "smtp.example.invalid", "port": "", "encryptionMode": mode}

    with pytest.raises(MailFailure) as failure:
        send_test_mail(stored, "adresat@example.cz", timeout=1.0)

    assert f"port: smtp.example.invalid, {port};" in str(failure.value)
