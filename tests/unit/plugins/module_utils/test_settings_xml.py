from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import (
    build_document,
    error_messages,
    is_success,
    parse_document,
    parse_settings,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings

PORT_MESSAGE = "java.lang.IllegalArgumentException: port out of range:4651111"
SENDER_MESSAGE = (
    "Výchozí odesílatel musí obsahovat jednu adresu ve tvaru "
    "'Jméno Příjmení <uzivatel@domena.cz>' nebo 'uzivatel@domena.cz'."
)


def test_vendor_read_sample_is_parsed(flexi_answer):
    settings = parse_settings(flexi_answer("read_vendor_sample.xml"))

    assert settings == SmtpSettings(
        host="smtp.seznam.cz",
        port=465,
        smtp_username="vzor@seznam.cz",
        default_from="vzor@seznam.cz",
        encryption_mode="SSL",
        password_set=True,
    )


@pytest.mark.parametrize("name", ["read_unset_empty.xml", "read_unset_absent.xml"])
def test_unset_fields_read_as_empty_whether_empty_or_absent(flexi_answer, name):
    assert parse_settings(flexi_answer(name)) == SmtpSettings()


def test_article_write_sample_reads_back_with_surrounding_whitespace_stripped(flexi_answer):
    settings = parse_settings(flexi_answer("write_body_article.xml"))

    assert settings.default_from == "Jméno Odesílatele <vzor@seznam.cz>"
    assert settings.host == "vzor.seznam.cz"


def test_password_filled_false_means_no_password_stored():
    body = b'<nastaveni-smtp><host>h</host><password filled="false"></password></nastaveni-smtp>'

    assert parse_settings(body).password_set is False


def test_settings_inside_winstrom_wrapper_are_read():
    body = b'<winstrom version="1.0"><nastaveni-smtp><port>587</port></nastaveni-smtp></winstrom>'

    assert parse_settings(body).port == 587


def test_other_document_is_rejected_by_name():
    with pytest.raises(FlexiError, match=r"not a settings document \(<firma> instead of <nastaveni-smtp>\)"):
        parse_settings(b"<firma/>")


@pytest.mark.parametrize("stored", ["abc", "465.0", "-1"])
def test_stored_port_that_is_not_a_whole_number_is_reported_as_stored(stored):
    settings = parse_settings(f"<nastaveni-smtp><port>{stored}</port></nastaveni-smtp>".encode())

    assert settings.port == stored


def test_write_document_carries_only_the_given_fields_in_flexi_names():
    body = build_document({"port": 587, "default_from": "A <a@b.cz>"})

    assert body == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b"<nastaveni-smtp><port>587</port><defaultFrom>A &lt;a@b.cz&gt;</defaultFrom></nastaveni-smtp>"
    )


def test_vendor_write_answer_with_empty_results_is_success(flexi_answer):
    assert is_success(flexi_answer("write_success.xml")) is True


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("error_message.xml", [PORT_MESSAGE]),
        ("error_errors.xml", [SENDER_MESSAGE]),
        ("error_result_error.xml", [PORT_MESSAGE]),
        ("error_401.json", ["Authorization required"]),
    ],
)
def test_every_error_shape_yields_flexi_message_verbatim(flexi_answer, name, expected):
    assert error_messages(flexi_answer(name)) == expected


def test_bare_message_keeps_multi_line_java_text_verbatim(flexi_answer):
    (message,) = error_messages(flexi_answer("error_bare_message.xml"))

    assert message.startswith("com.sun.mail.util.MailConnectException: Couldn't connect to host, port: vzor.seznam.cz")
    assert "\njava.net.UnknownHostException: vzor.seznam.cz\n" in message


def test_error_answer_that_is_no_success_is_not_success(flexi_answer):
    assert is_success(flexi_answer("error_message.xml")) is False


def test_proxy_html_page_holds_no_flexi_message(flexi_answer):
    assert error_messages(flexi_answer("proxy_502.html")) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"<nastaveni-smtp><host>x</host>", "not well-formed"),
        (b"<html><body>502", "not well-formed"),
    ],
)
def test_non_xml_answers_are_rejected_with_reason(body, reason):
    with pytest.raises(FlexiError, match=reason):
        parse_document(body)


def test_entity_expansion_bomb_is_refused(flexi_answer):
    with pytest.raises(FlexiError, match="DTD"):
        parse_settings(flexi_answer("hostile_billion_laughs.xml"))


def test_external_entity_is_not_read(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-CONTENT")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
        "<nastaveni-smtp><host>&xxe;</host></nastaveni-smtp>"
    ).encode()

    with pytest.raises(FlexiError) as caught:
        parse_settings(body)

    assert "TOP-SECRET-CONTENT" not in str(caught.value)


def test_huge_document_is_refused_before_parsing():
    body = b"<nastaveni-smtp><host>" + b"a" * (2 * 1024 * 1024) + b"</host></nastaveni-smtp>"

    with pytest.raises(FlexiError, match="larger than"):
        parse_settings(body)


def test_deep_nesting_is_refused():
    body = b"<nastaveni-smtp>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</nastaveni-smtp>"

    with pytest.raises(FlexiError, match="not well-formed"):
        parse_document(body)


def test_dtd_in_utf16_document_is_refused_too():
    body = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x []><nastaveni-smtp/>'.encode("utf-16")

    with pytest.raises(FlexiError, match="DTD"):
        parse_document(body)
