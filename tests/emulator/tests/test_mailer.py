"""The mailer's message and its JavaMail-style failure texts, checked without a network."""

from __future__ import annotations

import re
import smtplib
import socket
import ssl

import pytest

from tests.emulator.mailer import (
    BODY,
    SUBJECT,
    ConnectFailure,
    JavaException,
    MailFailure,
    MailTarget,
    TlsFailure,
    compose,
    java_exception,
    send_test_mail,
)

TARGET = MailTarget("smtp.example.cz", 465, "SSL", 30.0)

# The failure quoted by the vendor article; its whitespace was flattened by the web page.
ARTICLE_FAILURE = (
    "com.sun.mail.util.MailConnectException: Couldn't connect to host, port: vzor.seznam.cz, 465; timeout 30000; "
    "nested exception is: java.net.UnknownHostException: vzor.seznam.cz "
    "Couldn't connect to host, port: vzor.seznam.cz, 465; timeout 30000 vzor.seznam.cz"
)


def flattened(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def connect_failure(cause: OSError, target: MailTarget = TARGET) -> str:
    """The text for a connect failure, produced the way the mailer produces it."""
    return java_exception(ConnectFailure(cause), target).flexi_text()


def tls_failure(cause: ssl.SSLError, target: MailTarget = TARGET) -> str:
    return java_exception(TlsFailure(cause, during_starttls=False), target).flexi_text()


def verification_error(code: int) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code = code
    error.verify_message = "certificate verify failed"
    return error


def test_unknown_host_text_matches_the_article_sample():
    target = MailTarget("vzor.seznam.cz", 465, "SSL", 30.0)

    text = connect_failure(socket.gaierror(-2, "Name or service not known"), target)

    assert flattened(text) == ARTICLE_FAILURE


def test_messaging_exception_prints_nested_exception_like_javamail():
    exception = JavaException(
        "javax.mail.MessagingException", "outer", JavaException("java.io.IOException", "inner"), True
    )

    assert (
        exception.to_string()
        == "javax.mail.MessagingException: outer;\n  nested exception is:\n\tjava.io.IOException: inner"
    )


def test_plain_java_exception_does_not_print_its_cause():
    exception = JavaException("java.io.IOException", "outer", JavaException("java.io.IOException", "inner"))

    assert exception.to_string() == "java.io.IOException: outer"


def test_connect_timeout_becomes_socket_timeout_exception():
    text = connect_failure(TimeoutError("timed out"))

    assert "\tjava.net.SocketTimeoutException: connect timed out\n" in text


def test_connection_refused_becomes_connect_exception():
    text = connect_failure(ConnectionRefusedError(111, "Connection refused"))

    assert "\tjava.net.ConnectException: Connection refused\n" in text


def test_hostname_mismatch_names_the_host():
    text = tls_failure(verification_error(62))

    assert "No subject alternative DNS name matching smtp.example.cz found." in text


def test_ip_address_mismatch_names_the_address():
    target = MailTarget("127.0.0.1", 465, "SSL", 30.0)

    text = tls_failure(verification_error(64), target)

    assert "No subject alternative names matching IP address 127.0.0.1 found" in text


def test_untrusted_certificate_becomes_pkix_failure():
    text = tls_failure(verification_error(20))

    assert text.startswith(
        "javax.mail.MessagingException: Could not connect to SMTP host: smtp.example.cz, port: 465;\n"
        "  nested exception is:\n\tjavax.net.ssl.SSLHandshakeException: PKIX path building failed"
    )


def test_disconnect_after_read_timeout_becomes_read_timed_out():
    disconnected = smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out")
    disconnected.__context__ = TimeoutError("timed out")

    text = java_exception(disconnected, TARGET).flexi_text()

    assert "java.net.SocketTimeoutException: Read timed out" in text


def test_rejected_recipient_quotes_the_server_reply():
    refused = smtplib.SMTPRecipientsRefused({"a@b.cz": (550, b"5.1.1 <a@b.cz>: User unknown")})

    text = java_exception(refused, TARGET).flexi_text()

    assert text.startswith(
        "javax.mail.SendFailedException: Invalid Addresses;\n  nested exception is:\n"
        "\tcom.sun.mail.smtp.SMTPAddressFailedException: 550 5.1.1 <a@b.cz>: User unknown"
    )


@pytest.mark.parametrize(("mode", "port"), [("SSL", 465), ("TLS", 465), ("STARTTLS", 25), ("NEVER", 25)])
def test_default_port_follows_encryption_mode(mode, port):
    stored = {"host": "smtp.example.invalid", "port": "", "encryptionMode": mode}

    with pytest.raises(MailFailure) as failure:
        send_test_mail(stored, "adresat@example.cz", timeout=1.0)

    assert f"port: smtp.example.invalid, {port};" in failure.value.message


def test_composed_mail_has_vendor_subject_body_and_sender():
    message, sender = compose({"defaultFrom": "Jméno Odesílatele <vzor@seznam.cz>"}, "adresat@example.cz")

    assert (message["Subject"], message["To"], sender) == (SUBJECT, "adresat@example.cz", "vzor@seznam.cz")
    assert message.get_content().strip() == BODY
    assert message["From"].addresses[0].display_name == "Jméno Odesílatele"
