"""GET /c/{company}/nastaveni/smtp: the read document as docs/flexi-api.md describes it."""

from __future__ import annotations

import pytest

from tests.emulator.documents import JSON_TYPE, XML_TYPE
from tests.emulator.tests.flexi_client import SMTP_PATH, document

VENDOR_SAMPLE = {
    "host": "smtp.seznam.cz",
    "port": "465",
    "username": "vzor@seznam.cz",
    "password": "tajneheslo",
    "defaultFrom": "vzor@seznam.cz",
    "encryptionMode": "SSL",
}


def test_read_answers_bare_document_in_alphabetical_order_without_the_password(flexi):
    flexi.emulator.state.store(**VENDOR_SAMPLE)

    answer = flexi.get()

    assert (answer.status_code, answer.headers["Content-Type"]) == (200, XML_TYPE)
    assert answer.text == document("read_vendor_sample.xml")


@pytest.mark.parametrize("unset_fields", ["empty", "absent"])
def test_unset_fields_are_empty_or_absent_as_the_variant_says(flexi_with, unset_fields):
    answer = flexi_with(unset_fields=unset_fields).get()

    assert answer.text == document(f"read_unset_{unset_fields}.xml")


@pytest.mark.parametrize(
    ("suffix", "accept", "content_type"),
    [
        ("", None, XML_TYPE),
        (".xml", "application/json", XML_TYPE),
        ("", "application/xml", XML_TYPE),
        ("", "*/*", XML_TYPE),
        ("", "text/xml", XML_TYPE),
        ("", "application/json", JSON_TYPE),
        (".json", None, JSON_TYPE),
    ],
)
def test_suffix_or_else_accept_header_picks_the_format(flexi, suffix, accept, content_type):
    answer = flexi.get(SMTP_PATH + suffix, headers={"Accept": accept} if accept else {})

    assert answer.headers["Content-Type"] == content_type


def test_read_json_mirrors_the_xml_document(flexi):
    flexi.emulator.state.store(**VENDOR_SAMPLE)

    answer = flexi.get(SMTP_PATH + ".json")

    assert answer.json() == {
        "winstrom": {"@version": "1.0", "nastaveni-smtp": [{**VENDOR_SAMPLE, "password": {"@filled": "true"}}]}
    }
