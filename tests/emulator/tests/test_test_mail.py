"""GET ...?testMail=: real delivery through the stored settings, and JavaMail-worded failures."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
import trustme
from lxml import etree

from tests.emulator.tests.flexi_client import SMTP_PATH

SMTP_USER = "odesilatel@example.cz"
SMTP_PASSWORD = "p%&<\"' é€/+:"
RECIPIENT = "adresat@example.cz"


def use_sink(client, sink, mode, **fields):
    """Store settings pointing at `sink`, logging in with the sink's credentials when it has some."""
    if sink.auth is not None:
        fields = {"username": sink.auth[0], "password": sink.auth[1], **fields}
    client.emulator.state.store(host=sink.host, port=sink.port, encryptionMode=mode, **fields)


def message_of(answer):
    return etree.fromstring(answer.content).findtext("message")


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


def test_test_mail_is_delivered_over_plain_smtp(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER", defaultFrom="vzor@seznam.cz")

    answer = flexi.test_mail(RECIPIENT)

    mail = smtp_sink.wait_for(1)[0]
    assert answer.status_code == 200
    assert mail.rcpt_tos == (RECIPIENT,)
    assert mail.tls is False


def test_test_mail_has_vendor_subject_and_body(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER", defaultFrom="vzor@seznam.cz")

    flexi.test_mail(RECIPIENT)

    mail = smtp_sink.wait_for(1)[0]
    assert mail.subject == "Testovací email"
    assert mail.body == "Testovací email ze systému ABRA Flexi."


def test_test_mail_uses_default_from_as_sender(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER", defaultFrom="Jméno Odesílatele <vzor@seznam.cz>")

    flexi.test_mail(RECIPIENT)

    mail = smtp_sink.wait_for(1)[0]
    assert mail.mail_from == "vzor@seznam.cz"
    assert "Jméno Odesílatele" in str(_header(mail, "From"))


def test_test_mail_uses_username_as_sender_without_default_from(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER", username=SMTP_USER)

    flexi.test_mail(RECIPIENT)

    assert smtp_sink.wait_for(1)[0].mail_from == SMTP_USER


def test_test_mail_logs_in_with_stored_credentials_over_plain_smtp(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(mode="plain", auth=(SMTP_USER, SMTP_PASSWORD))
    use_sink(flexi, sink, "NEVER")

    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 200
    assert sink.wait_for(1)[0].auth_login == SMTP_USER


def test_test_mail_is_delivered_over_starttls_with_auth(flexi_with, smtp_sink_factory):
    sink = smtp_sink_factory(mode="starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    client = flexi_with(smtp_cafile=sink.ca_path)
    use_sink(client, sink, "STARTTLS")

    answer = client.test_mail(RECIPIENT)

    mail = sink.wait_for(1)[0]
    assert answer.status_code == 200
    assert mail.tls is True
    assert mail.auth_login == SMTP_USER


@pytest.mark.parametrize("mode", ["SSL", "TLS"])
def test_test_mail_is_delivered_over_implicit_tls_with_auth(flexi_with, smtp_sink_factory, mode):
    sink = smtp_sink_factory(mode="tls", auth=(SMTP_USER, SMTP_PASSWORD))
    client = flexi_with(smtp_cafile=sink.ca_path)
    use_sink(client, sink, mode)

    answer = client.test_mail(RECIPIENT)

    mail = sink.wait_for(1)[0]
    assert answer.status_code == 200
    assert mail.tls is True
    assert mail.auth_login == SMTP_USER


def test_password_written_over_http_reaches_smtp_server_intact(flexi_with, smtp_sink_factory, body):
    sink = smtp_sink_factory(mode="starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    client = flexi_with(smtp_cafile=sink.ca_path)
    client.write(
        body(
            host=sink.host,
            port=str(sink.port),
            username=SMTP_USER,
            password=SMTP_PASSWORD,
            encryptionMode="STARTTLS",
        )
    )

    answer = client.test_mail(RECIPIENT)

    assert answer.status_code == 200
    assert sink.wait_for(1)[0].auth_login == SMTP_USER


def test_test_mail_without_cafile_does_not_verify_smtp_certificate(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(mode="tls")
    use_sink(flexi, sink, "SSL")

    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 200
    assert sink.wait_for(1)[0].tls is True


def test_test_mail_success_answers_settings_document(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER", password="tajne")

    answer = flexi.test_mail(RECIPIENT)

    assert answer.text.startswith('<?xml version="1.0" ?>\n<nastaveni-smtp>')
    assert '<password filled="true"></password>' in answer.text
    assert "tajne" not in answer.text


def test_test_mail_success_answers_winstrom_in_winstrom_variant(flexi_with, smtp_sink):
    client = flexi_with(test_mail_body="winstrom")
    use_sink(client, smtp_sink, "NEVER")

    answer = client.test_mail(RECIPIENT)

    assert answer.status_code == 200
    assert etree.fromstring(answer.content).findtext("success") == "true"


def test_test_mail_success_answers_json_for_json_suffix(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER")

    answer = flexi.test_mail(RECIPIENT, path=SMTP_PATH + ".json")

    assert answer.json()["winstrom"]["nastaveni-smtp"][0]["host"] == smtp_sink.host


def test_test_mail_does_not_change_stored_settings(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "NEVER")
    before = flexi.emulator.state.stored()

    flexi.test_mail(RECIPIENT)

    assert flexi.emulator.state.stored() == before


def test_test_mail_uses_settings_of_its_company_in_company_scope(flexi_with, smtp_sink):
    client = flexi_with(companies=("firma_a", "firma_b"), smtp_scope="company")
    client.emulator.state.store("firma_b", host=smtp_sink.host, port=smtp_sink.port, encryptionMode="NEVER")

    answer = client.test_mail(RECIPIENT, path="/c/firma_b/nastaveni/smtp")

    assert answer.status_code == 200
    assert len(smtp_sink.wait_for(1)) == 1


# failures


def test_refused_port_answers_vendor_connect_exception(flexi, closed_port):
    flexi.emulator.state.store(host="127.0.0.1", port=closed_port, encryptionMode="NEVER")

    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 400
    assert message_of(answer) == (
        f"com.sun.mail.util.MailConnectException: Couldn't connect to host, port: 127.0.0.1, {closed_port}; "
        "timeout 30000;\n  nested exception is:\n\tjava.net.ConnectException: Connection refused\n"
        f"Couldn't connect to host, port: 127.0.0.1, {closed_port}; timeout 30000\nConnection refused"
    )


def test_unresolvable_host_answers_vendor_unknown_host_exception(flexi):
    flexi.emulator.state.store(host="vzor.seznam.invalid", port="465", encryptionMode="SSL")

    answer = flexi.test_mail(RECIPIENT)

    assert message_of(answer) == (
        "com.sun.mail.util.MailConnectException: Couldn't connect to host, port: vzor.seznam.invalid, 465; "
        "timeout 30000;\n  nested exception is:\n\tjava.net.UnknownHostException: vzor.seznam.invalid\n"
        "Couldn't connect to host, port: vzor.seznam.invalid, 465; timeout 30000\nvzor.seznam.invalid"
    )


def test_failure_message_carries_configured_timeout_in_milliseconds(flexi_with, closed_port):
    client = flexi_with(smtp_timeout=2.5)
    client.emulator.state.store(host="127.0.0.1", port=closed_port)

    answer = client.test_mail(RECIPIENT)

    assert "; timeout 2500;" in message_of(answer)


def test_server_that_never_greets_answers_read_timeout(flexi_with, silent_port):
    client = flexi_with(smtp_timeout=0.3)
    client.emulator.state.store(host="127.0.0.1", port=silent_port, encryptionMode="NEVER")

    answer = client.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        "javax.mail.MessagingException: Exception reading response;\n  nested exception is:\n"
        "\tjava.net.SocketTimeoutException: Read timed out"
    )


def test_wrong_smtp_password_answers_authentication_failed_with_server_reply(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(mode="plain", auth=(SMTP_USER, SMTP_PASSWORD))
    flexi.emulator.state.store(
        host=sink.host, port=sink.port, encryptionMode="NEVER", username=SMTP_USER, password="spatne"
    )

    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 400
    assert message_of(answer).startswith(
        "javax.mail.AuthenticationFailedException: 535 5.7.8 Authentication credentials invalid"
    )
    assert sink.messages == []


def test_missing_login_on_server_requiring_auth_answers_send_failed(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(mode="plain", auth=(SMTP_USER, SMTP_PASSWORD))
    flexi.emulator.state.store(host=sink.host, port=sink.port, encryptionMode="NEVER")

    answer = flexi.test_mail(RECIPIENT)

    assert message_of(answer).startswith("com.sun.mail.smtp.SMTPSendFailedException: 530 5.7.0 Authentication required")


def test_starttls_against_server_without_starttls_answers_messaging_exception(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "STARTTLS")

    answer = flexi.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        "javax.mail.MessagingException: STARTTLS is required but host does not support STARTTLS"
    )


def test_starttls_with_untrusted_certificate_answers_could_not_convert_socket(
    flexi_with, smtp_sink_factory, foreign_ca
):
    sink = smtp_sink_factory(mode="starttls")
    client = flexi_with(smtp_cafile=foreign_ca)
    use_sink(client, sink, "STARTTLS")

    answer = client.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        "javax.mail.MessagingException: Could not convert socket to TLS;\n  nested exception is:\n"
        "\tjavax.net.ssl.SSLHandshakeException: PKIX path building failed"
    )
    assert sink.messages == []


def test_implicit_tls_with_untrusted_certificate_answers_ssl_handshake_exception(
    flexi_with, smtp_sink_factory, foreign_ca
):
    sink = smtp_sink_factory(mode="tls")
    client = flexi_with(smtp_cafile=foreign_ca)
    use_sink(client, sink, "SSL")

    answer = client.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        f"javax.mail.MessagingException: Could not connect to SMTP host: 127.0.0.1, port: {sink.port};\n"
        "  nested exception is:\n\tjavax.net.ssl.SSLHandshakeException: PKIX path building failed"
    )


def test_implicit_tls_against_plain_server_answers_unrecognized_ssl_message(flexi, smtp_sink):
    use_sink(flexi, smtp_sink, "SSL")

    answer = flexi.test_mail(RECIPIENT)

    assert "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message" in message_of(answer)


def test_rejected_recipient_answers_send_failed_invalid_addresses(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(reject_recipients=[RECIPIENT])
    use_sink(flexi, sink, "NEVER")

    answer = flexi.test_mail(RECIPIENT)

    assert message_of(answer).startswith(
        "javax.mail.SendFailedException: Invalid Addresses;\n  nested exception is:\n"
        "\tcom.sun.mail.smtp.SMTPAddressFailedException: 550 5.1.1"
    )


@pytest.mark.parametrize("recipient", ["", "adresat", "a@b.cz, c@d.cz", "adresat@"])
def test_invalid_recipient_answers_address_exception_without_sending(flexi, smtp_sink, recipient):
    use_sink(flexi, smtp_sink, "NEVER")

    answer = flexi.test_mail(recipient)

    assert answer.status_code == 400
    assert message_of(answer).startswith("javax.mail.internet.AddressException: Illegal address in string")
    assert smtp_sink.messages == []


def test_test_mail_without_stored_host_answers_clear_message(flexi):
    answer = flexi.test_mail(RECIPIENT)

    assert answer.status_code == 400
    assert "SMTP server" in message_of(answer)


def test_test_mail_failure_answers_500_in_500_variant(flexi_with, closed_port):
    client = flexi_with(error_status=500)
    client.emulator.state.store(host="127.0.0.1", port=closed_port)

    answer = client.test_mail(RECIPIENT)

    assert answer.status_code == 500


def test_test_mail_failure_in_errors_shape_has_error_without_field(flexi_with, closed_port):
    client = flexi_with(error_shape="errors")
    client.emulator.state.store(host="127.0.0.1", port=closed_port)

    answer = client.test_mail(RECIPIENT)

    error = etree.fromstring(answer.content).find("results/result/errors/error")
    assert error.text.startswith("com.sun.mail.util.MailConnectException")
    assert "for" not in error.attrib


def test_test_mail_failure_never_shows_smtp_password(flexi, smtp_sink_factory):
    sink = smtp_sink_factory(mode="plain", auth=(SMTP_USER, SMTP_PASSWORD))
    flexi.emulator.state.store(
        host=sink.host, port=sink.port, encryptionMode="NEVER", username=SMTP_USER, password="spatne-heslo"
    )

    answer = flexi.test_mail(RECIPIENT)

    assert "spatne-heslo" not in answer.text


def _header(mail, name):
    return message_from_bytes(mail.raw, policy=policy.default)[name]
