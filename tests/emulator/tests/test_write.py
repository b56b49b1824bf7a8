"""PUT/POST /c/{company}/nastaveni/smtp: storing, validation and the answers of docs/flexi-api.md."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.emulator.tests.flexi_client import SMTP_PATH, document, message_of, settings_body
from tests.emulator.validation import SENDER_MESSAGE

# The article's sample body (its stray "<" after the last comment left out: no XML parser accepts it).
ARTICLE_BODY = document("write_body_article.xml")
PORT_RANGE = "java.lang.IllegalArgumentException: port out of range:{}"
NUMBER_FORMAT = 'java.lang.NumberFormatException: For input string: "{}"'
ENUM = "java.lang.IllegalArgumentException: No enum constant cz.winstrom.vo.nastaveni.SmtpEncryptionMode.{}"


@pytest.mark.parametrize(
    ("write_status", "method", "wrapper"),
    [(201, "PUT", "{}"), (201, "POST", "{}"), (200, "PUT", "{}"), (201, "PUT", "<winstrom>{}</winstrom>")],
    ids=["PUT", "POST", "200 variant", "wrapped in winstrom"],
)
def test_write_answers_the_vendor_body_with_201_or_in_its_variant_200(flexi_with, write_status, method, wrapper):
    client = flexi_with(write_status=write_status)

    answer = client.write(wrapper.format(settings_body(host="smtp.example.cz")), method=method)

    assert (answer.status_code, answer.text) == (write_status, document("write_success.xml"))
    assert client.emulator.state.stored()["host"] == "smtp.example.cz"


def test_write_of_article_sample_stores_every_field_stripped(flexi):
    flexi.write(ARTICLE_BODY)

    assert flexi.emulator.state.stored() == {
        "host": "vzor.seznam.cz",
        "port": "465",
        "username": "vzor@seznam.cz",
        "password": "tajnehelso",
        "defaultFrom": "Jméno Odesílatele <vzor@seznam.cz>",
        "encryptionMode": "SSL",
    }


@pytest.mark.parametrize("field", ["password", "username", "defaultFrom", "port", "encryptionMode"])
def test_write_with_empty_element_clears_that_field(flexi, field):
    flexi.emulator.state.store(password="tajne", username="u@example.cz", defaultFrom="u@example.cz", port="25")
    flexi.emulator.state.store(encryptionMode="SSL")

    answer = flexi.write(f"<nastaveni-smtp><{field}></{field}></nastaveni-smtp>")

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()[field] == ""


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"port": "0"}, "0"),
        ({"port": "65535"}, "65535"),
        *(({"defaultFrom": sender}, sender) for sender in (
            "vzor@seznam.cz", "Jméno Odesílatele <vzor@seznam.cz>", '"Novák, Jan" <jan.novak@example.cz>',
            "<vzor@seznam.cz>",
        )),
        *(({"encryptionMode": mode}, mode) for mode in ("NEVER", "STARTTLS", "TLS", "SSL")),
    ],
)  # fmt: skip
def test_write_accepts_valid_values(flexi, fields, stored):
    answer = flexi.write(settings_body(**fields))

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()[next(iter(fields))] == stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"port": "4651111"}, PORT_RANGE.format(4651111)),
        ({"port": "-1"}, PORT_RANGE.format(-1)),
        *(({"port": port}, NUMBER_FORMAT.format(port)) for port in ("abc", "46.5", "99999999999")),
        *(({"defaultFrom": sender}, SENDER_MESSAGE) for sender in (
            "Jméno Odesílatele", "vzor@seznam.cz, druhy@seznam.cz", "Jméno <vzor@seznam.cz", "vzor@", "@seznam.cz",
            "Jméno <vzor@seznam.cz> navíc", "a@b <c@d.cz>",
        )),
        *(({"encryptionMode": mode}, ENUM.format(mode)) for mode in ("ssl", "Starttls", "NONE")),
        ({"port": "abc", "defaultFrom": "nobody"}, f"{NUMBER_FORMAT.format('abc')}\n{SENDER_MESSAGE}"),
    ],
)  # fmt: skip
def test_invalid_write_answers_400_with_every_message_and_stores_nothing(flexi, fields, message):
    flexi.emulator.state.store(host="old.example.cz")

    answer = flexi.write(settings_body(host="new.example.cz", **fields))

    assert (answer.status_code, message_of(answer)) == (400, message)
    assert flexi.emulator.state.stored()["host"] == "old.example.cz"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<nastaveni-smtp><hostname>smtp.example.cz</hostname></nastaveni-smtp>", "'hostname'"),
        ("<nastaveni><host>smtp.example.cz</host></nastaveni>", "'nastaveni'"),
        ("<nastaveni-smtp><host>x</hst></nastaveni-smtp>", "org.xml.sax.SAXParseException; lineNumber: 1; column"),
        ("", "Premature end of file."),
        ('<!DOCTYPE x [<!ENTITY e "boom">]><nastaveni-smtp><host>&e;</host></nastaveni-smtp>', "DOCTYPE is disallowed"),
        (ARTICLE_BODY.replace("<!-- Zabezpečení spojení -->", "<!-- Zabezpečení spojení --> <"), "SAXParseException"),
    ],
    ids=["unknown element", "other root", "malformed", "empty", "doctype", "article with its stray <"],
)
def test_unreadable_write_body_answers_400_naming_the_problem(flexi, document, message):
    answer = flexi.write(document)

    assert answer.status_code == 400
    assert message in message_of(answer)
    assert flexi.emulator.state.stored()["host"] == ""


@pytest.mark.parametrize(
    ("port", "status", "answer"),
    [
        ("587", 201, {"success": "true", "stats": {"created": "0", "updated": "1", "deleted": "0", "skipped": "0",
                                                   "failed": "0"}, "results": []}),
        ("4651111", 400, {"success": "false", "message": PORT_RANGE.format(4651111)}),
    ],
)  # fmt: skip
def test_write_to_json_suffix_answers_json(flexi, port, status, answer):
    reply = flexi.write(settings_body(port=port), path=SMTP_PATH + ".json")

    assert reply.status_code == status
    assert reply.json() == {"winstrom": {"@version": "1.0", **answer}}


OUT_OF_RANGE = PORT_RANGE.format(4651111)
HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<winstrom version="1.0">\n<success>false</success>\n'


@pytest.mark.parametrize(
    ("options", "status", "expected"),
    [
        ({}, 400, f"{HEAD}<message>{OUT_OF_RANGE}</message>\n</winstrom>\n"),
        ({"error_status": 500}, 500, f"{HEAD}<message>{OUT_OF_RANGE}</message>\n</winstrom>\n"),
        ({"error_shape": "bare-message"}, 400, f"<message>{OUT_OF_RANGE}</message>\n"),
        (
            {"error_shape": "result-error"},
            400,
            f"{HEAD}<results>\n<result>\n<error>{OUT_OF_RANGE}</error>\n</result>\n</results>\n</winstrom>\n",
        ),
    ],
    ids=["message", "status 500", "bare-message", "result-error"],
)
def test_error_is_the_documented_text_in_each_shape_and_status(flexi_with, options, status, expected):
    answer = flexi_with(**options).write(settings_body(port="4651111"))

    assert (answer.status_code, answer.text) == (status, expected)


def test_error_in_errors_shape_names_field_path_and_value_once_per_field(flexi_with):
    client = flexi_with(error_shape="errors")

    answer = client.write(settings_body(port="4651111", defaultFrom="nobody", password="tajne-heslo"))

    document = etree.fromstring(answer.content)
    port, sender = document.findall("results/result/errors/error")
    assert (document.findtext("success"), document.findtext("stats/failed")) == ("false", "1")
    assert dict(port.attrib, text=port.text) == {
        "for": "port",
        "path": "nastaveni-smtp[0]/port",
        "code": "PORT_OUT_OF_RANGE",
        "value": "4651111",
        "text": OUT_OF_RANGE,
    }
    assert sender.attrib["for"] == "defaultFrom"
    assert "tajne-heslo" not in answer.text


@pytest.mark.parametrize(("smtp_scope", "shared"), [("server", True), ("company", False)])
def test_a_write_through_one_company_reaches_the_others_only_with_server_scope(flexi_with, smtp_scope, shared):
    client = flexi_with(companies=("firma_a", "firma_b"), smtp_scope=smtp_scope)
    before = client.emulator.state.stored("firma_b")

    client.write(settings_body(host="smtp.firma-a.cz"), path="/c/firma_a/nastaveni/smtp")

    seen_by_b = etree.fromstring(client.get("/c/firma_b/nastaveni/smtp").content).findtext("host")
    assert (seen_by_b == "smtp.firma-a.cz") is shared
    assert client.emulator.state.stored("firma_b")["host"] == ("smtp.firma-a.cz" if shared else before["host"])
