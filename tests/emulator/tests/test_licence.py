"""Licence answers: a Flexi whose licence does not allow writing through the REST API, or this operation."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.emulator.server import EmulatorOptions

JSON_PATH = "/c/demo_s_r_o_/nastaveni/smtp.json"
REFUSALS = [("no-rest-write", 402, "zápis přes REST API"), ("operation-forbidden", 403, "nepovoluje")]


@pytest.mark.parametrize(("licence", "status", "wording"), REFUSALS)
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_limited_licence_refuses_writes_with_a_flexi_error(flexi_with, body, licence, status, wording, method):
    client = flexi_with(licence=licence)

    answer = client.write(body(host="smtp.example.cz"), method=method)

    document = etree.fromstring(answer.content)
    assert answer.status_code == status
    assert document.findtext("success") == "false"
    assert wording in document.findtext("message")
    assert client.emulator.state.stored()["host"] == ""


@pytest.mark.parametrize(("licence", "status", "wording"), REFUSALS)
def test_limited_licence_refuses_the_test_mail_and_sends_nothing(flexi_with, smtp_sink, licence, status, wording):
    client = flexi_with(licence=licence)
    client.emulator.state.store(host=smtp_sink.host, port=smtp_sink.port, encryptionMode="NEVER")

    answer = client.test_mail("adresat@example.cz")

    assert answer.status_code == status
    assert wording in etree.fromstring(answer.content).findtext("message")
    assert smtp_sink.messages == []


@pytest.mark.parametrize("licence", ["no-rest-write", "operation-forbidden"])
def test_limited_licence_still_answers_reads(flexi_with, licence):
    client = flexi_with(licence=licence)

    answer = client.get()

    assert answer.status_code == 200
    assert "<nastaveni-smtp>" in answer.text


def test_licence_refusal_follows_the_error_shape_option(flexi_with, body):
    client = flexi_with(licence="no-rest-write", error_shape="result-error")

    answer = client.write(body(host="smtp.example.cz"))

    assert "zápis přes REST API" in etree.fromstring(answer.content).findtext("results/result/error")


def test_licence_refusal_answers_json_to_a_json_write(flexi_with):
    client = flexi_with(licence="operation-forbidden")

    answer = client.write('{"winstrom": {"nastaveni-smtp": [{"host": "smtp.example.cz"}]}}', path=JSON_PATH)

    assert answer.status_code == 403
    assert answer.json()["winstrom"]["success"] == "false"


def test_licence_defaults_to_full():
    assert EmulatorOptions().licence == "full"


def test_unknown_licence_is_rejected():
    with pytest.raises(ValueError):
        EmulatorOptions(licence="gold")
