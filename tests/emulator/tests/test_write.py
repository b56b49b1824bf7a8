"""PUT/POST /c/{company}/nastaveni/smtp: storing, validation and the answers of docs/flexi-api.md."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.emulator.tests.flexi_client import SMTP_PATH

# The success body, verbatim from the vendor article.
WRITE_SUCCESS = """<?xml version="1.0" encoding="utf-8"?>
<winstrom version="1.0">
<success>true</success>
<stats>
<created>0</created>
<updated>1</updated>
<deleted>0</deleted>
<skipped>0</skipped>
<failed>0</failed>
</stats>
<results></results>
</winstrom>
"""

# The article's sample body (its stray "<" after the last comment left out: no XML parser accepts it).
ARTICLE_BODY = """<nastaveni-smtp>
<!-- Adresa serveru -->
<host>vzor.seznam.cz</host>
<!-- Port serveru -->
<port>465</port>
<!-- Uživatel -->
<username>vzor@seznam.cz</username>
<!-- Heslo -->
<password>tajnehelso</password>
<!-- Výchozí odesílatel -->
<defaultFrom>Jméno Odesílatele &lt;vzor@seznam.cz&gt;
</defaultFrom>
<!-- Zabezpečení spojení -->
<encryptionMode>SSL</encryptionMode>
</nastaveni-smtp>
"""

SENDER_MESSAGE = (
    "Výchozí odesílatel musí obsahovat jednu adresu ve tvaru "
    "'Jméno Příjmení <uzivatel@domena.cz>' nebo 'uzivatel@domena.cz'."
)


def message_of(answer):
    """The <message> of a "message"-shaped error document."""
    return etree.fromstring(answer.content).findtext("message")


def test_write_answers_201_with_vendor_body(flexi, body):
    answer = flexi.write(body(host="smtp.example.cz"))

    assert answer.status_code == 201
    assert answer.text == WRITE_SUCCESS


def test_write_answers_200_in_200_variant(flexi_with, body):
    client = flexi_with(write_status=200)

    answer = client.write(body(host="smtp.example.cz"))

    assert answer.status_code == 200
    assert answer.text == WRITE_SUCCESS


def test_write_of_article_sample_stores_every_field(flexi):
    flexi.write(ARTICLE_BODY)

    assert flexi.emulator.state.stored() == {
        "host": "vzor.seznam.cz",
        "port": "465",
        "username": "vzor@seznam.cz",
        "password": "tajnehelso",
        "defaultFrom": "Jméno Odesílatele <vzor@seznam.cz>",
        "encryptionMode": "SSL",
    }


def test_write_strips_whitespace_around_values(flexi):
    flexi.write("<nastaveni-smtp><host>\n  smtp.example.cz \n</host><port> 587 </port></nastaveni-smtp>")

    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"
    assert flexi.emulator.state.stored()["port"] == "587"


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_write_accepts_put_and_post(flexi, body, method):
    answer = flexi.write(body(host="smtp.example.cz"), method=method)

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"


def test_write_accepts_xml_suffix(flexi, body):
    answer = flexi.write(body(host="smtp.example.cz"), path=SMTP_PATH + ".xml")

    assert answer.status_code == 201


def test_write_accepts_document_wrapped_in_winstrom(flexi):
    answer = flexi.write(
        '<winstrom version="1.0"><nastaveni-smtp><host>smtp.example.cz</host></nastaveni-smtp></winstrom>'
    )

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"


def test_write_accepts_xml_declaration_and_utf8(flexi):
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<nastaveni-smtp><defaultFrom>Žluťoučký Kůň &lt;kun@example.cz&gt;</defaultFrom></nastaveni-smtp>"
    )

    flexi.write(document)

    assert flexi.emulator.state.stored()["defaultFrom"] == "Žluťoučký Kůň <kun@example.cz>"


def test_partial_write_keeps_stored_fields(flexi, body):
    flexi.emulator.state.store(host="smtp.example.cz", port="465", password="tajne", encryptionMode="SSL")

    flexi.write(body(port="587", encryptionMode="STARTTLS"))

    assert flexi.emulator.state.stored() == {
        "host": "smtp.example.cz",
        "port": "587",
        "username": "",
        "password": "tajne",
        "defaultFrom": "",
        "encryptionMode": "STARTTLS",
    }


def test_write_without_password_keeps_stored_password(flexi, body):
    flexi.emulator.state.store(password="tajne")

    flexi.write(body(username="user@example.cz"))

    assert flexi.emulator.state.stored()["password"] == "tajne"


def test_write_with_empty_password_clears_it(flexi):
    flexi.emulator.state.store(password="tajne")

    flexi.write("<nastaveni-smtp><password></password></nastaveni-smtp>")

    assert flexi.emulator.state.stored()["password"] == ""
    assert '<password filled="false"></password>' in flexi.get().text


def test_write_with_empty_element_clears_that_field(flexi, body):
    flexi.emulator.state.store(username="user@example.cz")

    flexi.write(body(username=""))

    assert flexi.emulator.state.stored()["username"] == ""


def test_write_stores_password_with_special_characters_intact(flexi, body):
    secret = "p%&<\"'>é€ 𝄞"

    flexi.write(body(password=secret))

    assert flexi.emulator.state.stored()["password"] == secret


def test_write_accepts_port_zero(flexi, body):
    answer = flexi.write(body(port="0"))

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()["port"] == "0"


def test_write_rejects_port_out_of_range_with_vendor_message(flexi, body):
    answer = flexi.write(body(port="4651111"))

    assert answer.status_code == 400
    assert message_of(answer) == "java.lang.IllegalArgumentException: port out of range:4651111"


def test_write_rejects_negative_port_as_out_of_range(flexi, body):
    answer = flexi.write(body(port="-1"))

    assert message_of(answer) == "java.lang.IllegalArgumentException: port out of range:-1"


@pytest.mark.parametrize("port", ["abc", "46.5", "99999999999"])
def test_write_rejects_non_integer_port_with_number_format_exception(flexi, body, port):
    answer = flexi.write(body(port=port))

    assert answer.status_code == 400
    assert message_of(answer) == f'java.lang.NumberFormatException: For input string: "{port}"'


@pytest.mark.parametrize(
    "sender",
    [
        "vzor@seznam.cz",
        "Jméno Odesílatele <vzor@seznam.cz>",
        '"Novák, Jan" <jan.novak@example.cz>',
        "<vzor@seznam.cz>",
    ],
)
def test_write_accepts_one_sender_address(flexi, body, sender):
    answer = flexi.write(body(defaultFrom=sender))

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()["defaultFrom"] == sender


@pytest.mark.parametrize(
    "sender",
    [
        "Jméno Odesílatele",
        "vzor@seznam.cz, druhy@seznam.cz",
        "Jméno <vzor@seznam.cz",
        "vzor@",
        "@seznam.cz",
        "Jméno <vzor@seznam.cz> navíc",
        "a@b <c@d.cz>",
    ],
)
def test_write_rejects_sender_that_is_not_one_address_with_vendor_message(flexi, body, sender):
    answer = flexi.write(body(defaultFrom=sender))

    assert answer.status_code == 400
    assert message_of(answer) == SENDER_MESSAGE


def test_write_accepts_empty_sender_as_cleared(flexi, body):
    flexi.emulator.state.store(defaultFrom="vzor@seznam.cz")

    answer = flexi.write(body(defaultFrom=""))

    assert answer.status_code == 201
    assert flexi.emulator.state.stored()["defaultFrom"] == ""


@pytest.mark.parametrize("mode", ["NEVER", "STARTTLS", "TLS", "SSL"])
def test_write_accepts_each_encryption_mode(flexi, body, mode):
    answer = flexi.write(body(encryptionMode=mode))

    assert answer.status_code == 201


@pytest.mark.parametrize("mode", ["ssl", "Starttls", "NONE"])
def test_write_rejects_other_encryption_mode_with_enum_message(flexi, body, mode):
    answer = flexi.write(body(encryptionMode=mode))

    assert answer.status_code == 400
    assert message_of(answer) == (
        f"java.lang.IllegalArgumentException: No enum constant cz.winstrom.vo.nastaveni.SmtpEncryptionMode.{mode}"
    )


def test_write_rejects_unknown_element_naming_it(flexi):
    answer = flexi.write("<nastaveni-smtp><hostname>smtp.example.cz</hostname></nastaveni-smtp>")

    assert answer.status_code == 400
    assert "'hostname'" in message_of(answer)


def test_failed_write_stores_nothing(flexi, body):
    flexi.emulator.state.store(host="old.example.cz", port="25")

    flexi.write(body(host="new.example.cz", port="4651111"))

    assert flexi.emulator.state.stored()["host"] == "old.example.cz"
    assert flexi.emulator.state.stored()["port"] == "25"


def test_write_reports_every_invalid_field(flexi, body):
    answer = flexi.write(body(port="abc", defaultFrom="nobody"))

    assert message_of(answer) == f'java.lang.NumberFormatException: For input string: "abc"\n{SENDER_MESSAGE}'


def test_write_rejects_malformed_xml_with_parser_message(flexi):
    answer = flexi.write("<nastaveni-smtp><host>smtp.example.cz</hst></nastaveni-smtp>")

    assert answer.status_code == 400
    assert message_of(answer).startswith("org.xml.sax.SAXParseException; lineNumber: 1; columnNumber:")


def test_write_rejects_article_sample_with_its_stray_angle_bracket(flexi):
    stray = ARTICLE_BODY.replace("<!-- Zabezpečení spojení -->", "<!-- Zabezpečení spojení --> <")

    answer = flexi.write(stray)

    assert answer.status_code == 400
    assert flexi.emulator.state.stored()["host"] == ""


def test_write_rejects_malformed_xml_with_400_even_in_500_variant(flexi_with):
    client = flexi_with(error_status=500)

    answer = client.write("<nastaveni-smtp>")

    assert answer.status_code == 400


def test_write_rejects_empty_body(flexi):
    answer = flexi.write("")

    assert answer.status_code == 400
    assert message_of(answer).endswith("Premature end of file.")


def test_write_rejects_doctype(flexi):
    answer = flexi.write('<!DOCTYPE x [<!ENTITY e "boom">]><nastaveni-smtp><host>&e;</host></nastaveni-smtp>')

    assert answer.status_code == 400
    assert "DOCTYPE is disallowed" in message_of(answer)
    assert flexi.emulator.state.stored()["host"] == ""


def test_write_rejects_other_root_element(flexi):
    answer = flexi.write("<nastaveni><host>smtp.example.cz</host></nastaveni>")

    assert answer.status_code == 400
    assert "'nastaveni'" in message_of(answer)


def test_write_of_json_body_to_json_suffix_stores_fields(flexi):
    document = '{"winstrom": {"nastaveni-smtp": [{"host": "smtp.example.cz", "port": 587}]}}'

    answer = flexi.write(document, path=SMTP_PATH + ".json")

    assert answer.status_code == 201
    assert answer.json()["winstrom"]["success"] == "true"
    assert flexi.emulator.state.stored()["port"] == "587"


def test_write_error_to_json_suffix_answers_json(flexi):
    answer = flexi.write('{"nastaveni-smtp": {"port": "4651111"}}', path=SMTP_PATH + ".json")

    assert answer.status_code == 400
    assert answer.json() == {
        "winstrom": {
            "@version": "1.0",
            "success": "false",
            "message": "java.lang.IllegalArgumentException: port out of range:4651111",
        }
    }


def test_validation_error_answers_500_in_500_variant(flexi_with, body):
    client = flexi_with(error_status=500)

    answer = client.write(body(port="4651111"))

    assert answer.status_code == 500


def test_error_in_message_shape_is_winstrom_with_message(flexi, body):
    answer = flexi.write(body(port="4651111"))

    assert answer.text == (
        '<?xml version="1.0" encoding="utf-8"?>\n<winstrom version="1.0">\n<success>false</success>\n'
        "<message>java.lang.IllegalArgumentException: port out of range:4651111</message>\n</winstrom>\n"
    )


def test_error_in_errors_shape_names_field_path_and_value(flexi_with, body):
    client = flexi_with(error_shape="errors")

    answer = client.write(body(port="4651111"))

    document = etree.fromstring(answer.content)
    error = document.find("results/result/errors/error")
    assert document.findtext("success") == "false"
    assert document.findtext("stats/failed") == "1"
    assert error.attrib["for"] == "port"
    assert error.attrib["path"] == "nastaveni-smtp[0]/port"
    assert error.attrib["value"] == "4651111"
    assert error.text == "java.lang.IllegalArgumentException: port out of range:4651111"


def test_error_in_errors_shape_lists_one_error_per_field(flexi_with, body):
    client = flexi_with(error_shape="errors")

    answer = client.write(body(port="abc", defaultFrom="nobody", password="tajne-heslo"))

    errors = etree.fromstring(answer.content).findall("results/result/errors/error")
    assert [error.attrib["for"] for error in errors] == ["port", "defaultFrom"]
    assert "tajne-heslo" not in answer.text


def test_error_in_result_error_shape_puts_text_in_result_error(flexi_with, body):
    client = flexi_with(error_shape="result-error")

    answer = client.write(body(port="4651111"))

    document = etree.fromstring(answer.content)
    assert document.findtext("success") == "false"
    assert document.findtext("results/result/error") == "java.lang.IllegalArgumentException: port out of range:4651111"


def test_error_in_bare_message_shape_is_only_a_message_element(flexi_with, body):
    client = flexi_with(error_shape="bare-message")

    answer = client.write(body(port="4651111"))

    assert answer.text == "<message>java.lang.IllegalArgumentException: port out of range:4651111</message>\n"


def test_error_escapes_sender_message_markup(flexi, body):
    answer = flexi.write(body(defaultFrom="nobody"))

    assert "&lt;uzivatel@domena.cz&gt;" in answer.text
