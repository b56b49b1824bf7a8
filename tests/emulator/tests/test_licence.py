"""Licence answers: a Flexi whose licence has no REST API, or does not allow writing through it, or this operation."""

from __future__ import annotations

import pytest
from lxml import etree


@pytest.mark.parametrize(
    ("licence", "status", "wording"),
    [("no-rest-write", 402, "zápis přes REST API"), ("operation-forbidden", 403, "nepovoluje")],
)
def test_limited_licence_refuses_writes_and_the_test_mail_but_answers_reads(
    flexi_with, body, smtp_sink, licence, status, wording
):
    client = flexi_with(licence=licence)
    client.emulator.state.store(host=smtp_sink.host, port=smtp_sink.port, encryptionMode="NEVER")

    write = client.write(body(host="smtp.example.cz"))
    test_mail = client.test_mail("adresat@example.cz")
    read = client.get()

    for answer in (write, test_mail):
        document = etree.fromstring(answer.content)
        assert answer.status_code == status
        assert document.findtext("success") == "false"
        assert wording in document.findtext("message")
    assert client.emulator.state.stored()["host"] == smtp_sink.host
    assert smtp_sink.messages == []
    assert (read.status_code, "<nastaveni-smtp>" in read.text) == (200, True)


def test_licence_without_rest_api_answers_reads_404_and_writes_402(flexi_with, body):
    client = flexi_with(licence="no-rest-api")

    assert client.get().status_code == 404
    assert client.write(body(host="smtp.example.cz")).status_code == 402
