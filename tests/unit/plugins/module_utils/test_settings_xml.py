from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import (
    build_document,
    error_messages,
    parse_document,
    settings_in,
    succeeded,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings

FIXTURES = Path(__file__).parents[2] / "fixtures"
PORT_MESSAGE = "java.lang.IllegalArgumentException: port out of range:4651111"
SENDER_MESSAGE = (
    "Výchozí odesílatel musí obsahovat jednu adresu ve tvaru "
    "'Jméno Příjmení <uzivatel@domena.cz>' nebo 'uzivatel@domena.cz'."
)


def answer(name: str) -> bytes:
    """A canned Flexi answer from tests/unit/fixtures/."""
    return (FIXTURES / name).read_bytes()


def test_vendor_read_sample_is_parsed():
    settings = settings_in(parse_document(answer("read_vendor_sample.xml")))

    assert settings == SmtpSettings(
        host="smtp.seznam.cz",
        port=465,
        smtp_username="vzor@seznam.cz",
        default_from="vzor@seznam.cz",
        encryption_mode="SSL",
        password_set=True,
    )


@pytest.mark.parametrize("name", ["read_unset_empty.xml", "read_unset_absent.xml"])
def test_unset_fields_read_as_empty_whether_empty_or_absent(name):
    assert settings_in(parse_document(answer(name))) == SmtpSettings()


def test_article_write_sample_reads_back_with_surrounding_whitespace_stripped():
    settings = settings_in(parse_document(answer("write_body_article.xml")))

    assert settings.default_from == "Jméno Odesílatele <vzor@seznam.cz>"
    assert settings.host == "vzor.seznam.cz"


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        (b'<nastaveni-smtp><host>h</host><password filled="false"></password></nastaveni-smtp>', "password_set", False),
        (b'<winstrom version="1.0"><nastaveni-smtp><port>587</port></nastaveni-smtp></winstrom>', "port", 587),
        (b"<nastaveni-smtp><port>abc</port></nastaveni-smtp>", "port", "abc"),
        (b"<nastaveni-smtp><port>465.0</port></nastaveni-smtp>", "port", "465.0"),
        (b"<nastaveni-smtp><port>-1</port></nastaveni-smtp>", "port", "-1"),
    ],
    ids=["password filled false", "inside winstrom", "port abc", "port 465.0", "port -1"],
)
def test_settings_are_read_as_stored(body, field, value):
    """A stored port that is not a whole number is reported as stored, for the module to warn about."""
    assert getattr(settings_in(parse_document(body)), field) == value


def test_other_document_is_rejected_by_name():
    with pytest.raises(FlexiError, match=r"not a settings document \(<firma> instead of <nastaveni-smtp>\)"):
        settings_in(parse_document(b"<firma/>"))


def test_write_document_carries_only_the_given_fields_in_flexi_names():
    body = build_document({"port": 587, "default_from": "A <a@b.cz>"})

    assert body == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b"<nastaveni-smtp><port>587</port><defaultFrom>A &lt;a@b.cz&gt;</defaultFrom></nastaveni-smtp>"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("error_message.xml", [PORT_MESSAGE]),
        ("error_errors.xml", [SENDER_MESSAGE]),
        ("error_result_error.xml", [PORT_MESSAGE]),
        ("error_401.json", ["Authorization required"]),
    ],
)
def test_every_error_shape_yields_flexi_message_verbatim(name, expected):
    assert error_messages(answer(name)) == expected


@pytest.mark.parametrize(("name", "success"), [("write_success.xml", True), ("error_message.xml", False)])
def test_write_answer_is_success_only_when_it_says_so(name, success):
    assert succeeded(parse_document(answer(name))) is success


def test_bare_message_keeps_multi_line_java_text_verbatim():
    (message,) = error_messages(answer("error_bare_message.xml"))

    assert message.startswith("com.sun.mail.util.MailConnectException: Couldn't connect to host, port: vzor.seznam.cz")
    assert "\njava.net.UnknownHostException: vzor.seznam.cz\n" in message


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"<nastaveni-smtp><host>x</host>", "not well-formed"),
        (b"<html><body>502", "not well-formed"),
        (b"<nastaveni-smtp>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</nastaveni-smtp>", "not well-formed"),
        (b"<nastaveni-smtp><host>" + b"a" * (2 * 1024 * 1024) + b"</host></nastaveni-smtp>", "larger than"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><nastaveni-smtp>&e;</nastaveni-smtp>', "DTD"),
        ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x []><nastaveni-smtp/>'.encode("utf-16"), "DTD"),
    ],
    ids=["empty", "unclosed", "HTML page", "deep nesting", "huge", "DTD", "DTD in UTF-16"],
)
def test_answers_that_are_not_plain_xml_are_refused_with_the_reason(body, reason):
    with pytest.raises(FlexiError, match=reason):
        parse_document(body)
