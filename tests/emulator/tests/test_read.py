"""GET /c/{company}/nastaveni/smtp: the read document as docs/flexi-api.md describes it."""

from __future__ import annotations

import pytest

from tests.emulator.tests.flexi_client import SMTP_PATH

VENDOR_SAMPLE = {
    "host": "smtp.seznam.cz",
    "port": "465",
    "username": "vzor@seznam.cz",
    "password": "tajneheslo",
    "defaultFrom": "vzor@seznam.cz",
    "encryptionMode": "SSL",
}

VENDOR_READ = """<?xml version="1.0" ?>
<nastaveni-smtp>
<defaultFrom>vzor@seznam.cz</defaultFrom>
<encryptionMode>SSL</encryptionMode>
<host>smtp.seznam.cz</host>
<password filled="true"></password>
<port>465</port>
<username>vzor@seznam.cz</username>
</nastaveni-smtp>
"""


def test_read_answers_bare_document_in_alphabetical_order(flexi):
    flexi.emulator.state.store(**VENDOR_SAMPLE)

    answer = flexi.get()

    assert answer.status_code == 200
    assert answer.text == VENDOR_READ


def test_read_answers_xml_content_type_utf8(flexi):
    answer = flexi.get()

    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"


def test_read_never_returns_the_password(flexi):
    flexi.emulator.state.store(password="tajneheslo")

    answer = flexi.get()

    assert "tajneheslo" not in answer.text
    assert '<password filled="true"></password>' in answer.text


def test_read_flags_missing_password_as_not_filled(flexi):
    answer = flexi.get()

    assert '<password filled="false"></password>' in answer.text


def test_read_shows_unset_fields_as_empty_elements_by_default(flexi):
    answer = flexi.get()

    assert "<host></host>" in answer.text
    assert "<port></port>" in answer.text


def test_read_leaves_unset_fields_out_in_absent_variant(flexi_with):
    client = flexi_with(unset_fields="absent", initial={"host": "smtp.example.cz"})

    answer = client.get()

    assert answer.text == (
        '<?xml version="1.0" ?>\n<nastaveni-smtp>\n<host>smtp.example.cz</host>\n'
        '<password filled="false"></password>\n</nastaveni-smtp>\n'
    )


def test_read_escapes_markup_in_values(flexi):
    flexi.emulator.state.store(defaultFrom="Jméno Odesílatele <vzor@seznam.cz>")

    answer = flexi.get()

    assert "<defaultFrom>Jméno Odesílatele &lt;vzor@seznam.cz&gt;</defaultFrom>" in answer.text


@pytest.mark.parametrize("suffix", ["", ".xml"])
def test_read_answers_xml_without_suffix_or_with_xml_suffix(flexi, suffix):
    answer = flexi.get(SMTP_PATH + suffix)

    assert answer.text.startswith('<?xml version="1.0" ?>\n<nastaveni-smtp>')


@pytest.mark.parametrize("accept", ["application/xml", "*/*", "text/xml"])
def test_read_answers_xml_when_accept_asks_for_it(flexi, accept):
    answer = flexi.get(headers={"Accept": accept})

    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"


def test_read_answers_json_for_json_suffix(flexi):
    flexi.emulator.state.store(**VENDOR_SAMPLE)

    answer = flexi.get(SMTP_PATH + ".json")

    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json() == {
        "winstrom": {
            "@version": "1.0",
            "nastaveni-smtp": [
                {
                    "defaultFrom": "vzor@seznam.cz",
                    "encryptionMode": "SSL",
                    "host": "smtp.seznam.cz",
                    "password": {"@filled": "true"},
                    "port": "465",
                    "username": "vzor@seznam.cz",
                }
            ],
        }
    }


def test_read_answers_json_when_accept_asks_only_for_json(flexi):
    answer = flexi.get(headers={"Accept": "application/json"})

    assert answer.json()["winstrom"]["nastaveni-smtp"][0]["password"] == {"@filled": "false"}


def test_read_json_leaves_unset_fields_out_in_absent_variant(flexi_with):
    client = flexi_with(unset_fields="absent")

    answer = client.get(SMTP_PATH + ".json")

    assert answer.json()["winstrom"]["nastaveni-smtp"] == [{"password": {"@filled": "false"}}]


def test_read_shows_initial_settings(flexi_with):
    client = flexi_with(initial={"host": "smtp.example.cz", "port": 587})

    answer = client.get()

    assert "<host>smtp.example.cz</host>" in answer.text
    assert "<port>587</port>" in answer.text


def test_server_scope_shares_settings_between_companies(flexi_with, body):
    client = flexi_with(companies=("firma_a", "firma_b"), smtp_scope="server")
    client.write(body(host="smtp.example.cz"), path="/c/firma_a/nastaveni/smtp")

    answer = client.get("/c/firma_b/nastaveni/smtp")

    assert "<host>smtp.example.cz</host>" in answer.text


def test_company_scope_keeps_settings_per_company(flexi_with, body):
    client = flexi_with(companies=("firma_a", "firma_b"), smtp_scope="company")
    client.write(body(host="smtp.example.cz"), path="/c/firma_a/nastaveni/smtp")

    answer = client.get("/c/firma_b/nastaveni/smtp")

    assert "<host></host>" in answer.text
    assert client.emulator.state.stored("firma_a")["host"] == "smtp.example.cz"


def test_company_id_in_url_may_be_percent_encoded(flexi_with):
    client = flexi_with(companies=("firma a",))

    answer = client.get("/c/firma%20a/nastaveni/smtp")

    assert answer.status_code == 200
