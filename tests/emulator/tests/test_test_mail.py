"""GET ...?testMail=: real delivery through the stored settings, and JavaMail-worded failures."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
import trustme
from lxml import etree

from tests.emulator.tests.flexi_client import SMTP_PATH, message_of, settings_body
from tests.support.network import closed_port

SMTP_USER = "odesilatel@example.cz"
SMTP_PASSWORD = "p%&<\"' é€/+:"
RECIPIENT = "adresat@example.cz"
NESTED = ";\n  nested exception is:\n\t"


def use_sink(client, sink, **fields):
    """Store settings pointing at the plain `sink`."""
    client.emulator.state.store(host=sink.host, port=sink.port, encryptionMode="NEVER", **fields)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) but never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield listener.getsockname()[1]


@pytest.fixture
def foreign_ca(tmp_path) -> str:
    """A CA that signed nothing the sink uses."""
    path = tmp_path / "foreign-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


# delivery


@pytest.mark.parametrize(
    ("sink_mode", "encryption_mode", "auth", "trust_sink", "tls"),
    [
        ("plain", "NEVER", None, False, False),
        ("plain", "NEVER", (SMTP_USER, SMTP_PASSWORD), False, False),
        ("starttls", "STARTTLS", (SMTP_USER, SMTP_PASSWORD), True, True),
        ("tls", "SSL", (SMTP_USER, SMTP_PASSWORD), True, True),
        ("tls", "TLS", (SMTP_USER, SMTP_PASSWORD), True, True),
        ("tls", "SSL", None, False, True),
    ],
    ids=["plain", "plain with login", "STARTTLS", "SSL", "TLS", "SSL unverified without smtp_cafile"],
)
def test_test_mail_is_delivered_with_vendor_subject_and_body(
    flexi_with, smtp_sink_factory, sink_mode, encryption_mode, auth, trust_sink, tls
):
    sink = smtp_sink_factory(mode=sink_mode, auth=auth)
    client = flexi_with(smtp_cafile=sink.ca_path if trust_sink else None)
    fields = {"host": sink.host, "port": str(sink.port), "encryptionMode": encryption_mode}
    if auth is not None:
        fields.update(username=auth[0], password=auth[1])
    client.write(settings_body(defaultFrom="Jméno Odesílatele <vzor@seznam.cz>", **fields))
    before = client.emulator.state.stored()

    answer = client.test_mail(RECIPIENT)

    (mail,) = sink.wait_for(1)
    assert answer.status_code == 200
    assert (mail.rcpt_tos, mail.tls, mail.auth_login) == ((RECIPIENT,), tls, auth[0] if auth else None)
    assert (mail.subject, mail.body) == ("Testovací email", "Testovací email ze systému ABRA Flexi.")
    assert mail.mail_from == "vzor@seznam.cz"
    assert "Jméno Odesílatele" in str(message_from_bytes(mail.raw, policy=policy.default)["From"])
    assert client.emulator.state.stored() == before


@pytest.mark.parametrize(
    ("test_mail_body", "suffix", "success"),
    [
        ("settings", "", lambda answer: '<password filled="true"></password>' in answer.text),
        ("winstrom", "", lambda answer: etree.fromstring(answer.content).findtext("success") == "true"),
        ("settings", ".json", lambda answer: answer.json()["winstrom"]["nastaveni-smtp"][0]["port"]),
    ],
)
def test_test_mail_without_default_from_answers_as_the_variant_says_and_is_sent_as_the_user(
    flexi_with, smtp_sink, test_mail_body, suffix, success
):
    client = flexi_with(test_mail_body=test_mail_body)
    use_sink(client, smtp_sink, username=SMTP_USER, password="tajne")

    answer = client.test_mail(RECIPIENT, path=SMTP_PATH + suffix)

    assert answer.status_code == 200
    assert success(answer)
    assert "tajne" not in answer.text
    assert smtp_sink.wait_for(1)[0].mail_from == SMTP_USER


# failures


def test_failure_message_carries_configured_timeout_and_status_and_shape_variants(flexi_with):
    client = flexi_with(smtp_timeout=2.5, error_status=500, error_shape="errors")
    client.emulator.state.store(host="127.0.0.1", port=closed_port())

    answer = client.test_mail(RECIPIENT)

    error = etree.fromstring(answer.content).find("results/result/errors/error")
    assert answer.status_code == 500
    assert error.text.startswith("com.sun.mail.util.MailConnectException")
    assert "; timeout 2500;" in error.text
    assert "for" not in error.attrib


def test_server_that_never_greets_answers_read_timeout(flexi_with, silent_port):
    client = flexi_with(smtp_timeout=0.3)
    client.emulator.state.store(host="127.0.0.1", port=silent_port, encryptionMode="NEVER")

    answer = client.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        f"javax.mail.MessagingException: Exception reading response{NESTED}java.net.SocketTimeoutException: Read"
    )


PKIX = f"{NESTED}javax.net.ssl.SSLHandshakeException: PKIX path building failed"
NO_TLS_CONNECT = "javax.mail.MessagingException: Could not connect to SMTP host: 127.0.0.1, port: {port}"
LOGIN = {"auth": (SMTP_USER, SMTP_PASSWORD)}
PLAIN_FOR_TLS = "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message"
INVALID_ADDRESSES = "javax.mail.SendFailedException: Invalid Addresses"
REJECTED = "com.sun.mail.smtp.SMTPAddressFailedException: 550 5.1.1"


@pytest.mark.parametrize(
    ("sink_options", "mode", "fields", "trust", "expected"),
    [
        (LOGIN, "NEVER", {"username": SMTP_USER, "password": "spatne-heslo"}, None,
         "javax.mail.AuthenticationFailedException: 535 5.7.8 Authentication credentials invalid"),
        (LOGIN, "NEVER", {}, None, "com.sun.mail.smtp.SMTPSendFailedException: 530 5.7.0 Authentication required"),
        ({}, "STARTTLS", {}, None, "javax.mail.MessagingException: STARTTLS is required but host does not support"),
        ({"mode": "starttls"}, "STARTTLS", {}, "foreign",
         f"javax.mail.MessagingException: Could not convert socket to TLS{PKIX}"),
        ({"mode": "tls"}, "SSL", {}, "foreign", NO_TLS_CONNECT + PKIX),
        ({}, "SSL", {}, None, f"{NO_TLS_CONNECT}{NESTED}{PLAIN_FOR_TLS}"),
        ({"reject_recipients": [RECIPIENT]}, "NEVER", {}, None, f"{INVALID_ADDRESSES}{NESTED}{REJECTED}"),
    ],
    ids=["wrong password", "no login", "no STARTTLS offered", "STARTTLS untrusted", "implicit TLS untrusted",
         "implicit TLS against plain", "rejected recipient"],
)  # fmt: skip
def test_smtp_failure_answers_the_javamail_text_and_sends_nothing(
    flexi_with, smtp_sink_factory, foreign_ca, sink_options, mode, fields, trust, expected
):
    sink = smtp_sink_factory(**sink_options)
    client = flexi_with(smtp_cafile=foreign_ca if trust else None)
    client.emulator.state.store(host=sink.host, port=sink.port, encryptionMode=mode, **fields)

    answer = client.test_mail(RECIPIENT)

    assert answer.status_code == 400
    assert message_of(answer).startswith(expected.format(port=sink.port))
    assert sink.messages == []
    assert "spatne-heslo" not in answer.text


@pytest.mark.parametrize("recipient", ["", "adresat", "a@b.cz, c@d.cz", "adresat@"])
def test_invalid_recipient_answers_address_exception_without_sending(flexi, smtp_sink, recipient):
    use_sink(flexi, smtp_sink)

    answer = flexi.test_mail(recipient)

    assert answer.status_code == 400
    assert message_of(answer).startswith("javax.mail.internet.AddressException: Illegal address in string")
    assert smtp_sink.messages == []


def test_test_mail_without_stored_host_answers_clear_message(flexi):
    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 400
    assert "SMTP server" in message_of(answer)
