"""Echoes: the echo fault quotes the passwords it received in a Flexi error; a raw fault can quote the request.

The security tests rely on these: they only prove that nothing echoed reaches the output."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
from lxml import etree

from tests.emulator.faults import Fault
from tests.emulator.spellings import SPELLINGS, spell
from tests.emulator.tests.flexi_client import SMTP_PATH, settings_body

SECRET = "pa ss~'é/\"&<x>*-._"
SPELLED = {
    "plain": SECRET,
    "xml": "pa ss~'é/\"&amp;&lt;x&gt;*-._",
    "json": "pa ss~'\\u00e9/\\\"&<x>*-._",
    "percent-all": "pa%20ss~%27%C3%A9%2F%22%26%3Cx%3E%2A-._",
    "html-hex": "pa ss~&#x27;é/&quot;&amp;&lt;x&gt;*-._",
    "html-dec": "pa ss~&#39;é/&#34;&amp;&lt;x&gt;*-._",
    "percent-slash": "pa%20ss~%27%C3%A9/%22%26%3Cx%3E%2A-._",
    "java-urlencoder": "pa+ss%7E%27%C3%A9%2F%22%26%3Cx%3E*-._",
    "base64": base64.b64encode(SECRET.encode("utf-8")).decode("ascii"),
    "hex": SECRET.encode("utf-8").hex(),
    "xml-ascii": "pa ss~'&#233;/\"&amp;&lt;x&gt;*-._",
    "some-references": "pa&#x0020;ss&#x007E;&#x0027;é&#x002F;&#x0022;&#x0026;&#x003C;x&#x003E;"
    "&#x002A;&#x002D;&#x002E;&#x005F;",
    "uri-component": "pa%20ss~'%c3%a9%2f%22%26%3cx%3e*-._",
    "base64url": "cGEgc3N-J8OpLyImPHg-Ki0uXw",
}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def put_raw(port: int, body: bytes, authorization: str) -> tuple[int, str]:
    """Status and body text of a PUT sent with exactly these bytes and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("PUT", SMTP_PATH, body=body, headers={"Authorization": authorization, "X-Trace": "t-1"})
    answer = connection.getresponse()
    received = (answer.status, answer.read().decode("utf-8"))
    connection.close()
    return received


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spell_writes_the_secret_in_each_spelling(spelling):
    assert set(SPELLED) == set(SPELLINGS)
    assert spell(SECRET, spelling) == SPELLED[spelling]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_echo_and_raw_faults_quote_the_passwords_in_the_chosen_spelling(flexi, spelling):
    flexi.emulator.inject(Fault("echo", spelling=spelling, pad=3))
    flexi.emulator.inject(Fault("raw", body="{authorization}|{body}", spelling=spelling))

    status, echo = put_raw(flexi.emulator.port, settings_body(password=SECRET).encode(), basic("admin", "header-pw"))
    _status, raw = put_raw(flexi.emulator.port, SECRET.encode(), basic("admin", "pw"))

    document = etree.fromstring(echo.encode("utf-8"))
    assert (status, document.tag, document.findtext("success")) == (400, "winstrom", "false")
    assert document.findtext("message") == (
        f"xxxPožadavek odmítnut; heslo z hlavičky Authorization: {spell('header-pw', spelling)}; "
        f"heslo v těle požadavku: {SPELLED[spelling]}"
    )
    assert raw == f"{spell(basic('admin', 'pw'), spelling)}|{SPELLED[spelling]}"


def test_raw_fault_quotes_the_whole_request_as_received(flexi):
    flexi.emulator.inject(Fault("raw", status=502, body="<pre>{request}</pre>", content_type="text/html"))
    write = "<nastaveni-smtp><password>tajné</password></nastaveni-smtp>".encode()

    status, text = put_raw(flexi.emulator.port, write, basic("admin", SECRET))

    assert status == 502
    assert text.startswith(f"<pre>PUT {SMTP_PATH}\n")
    assert f"\nAuthorization: {basic('admin', SECRET)}\n" in text
    assert "\nX-Trace: t-1\n" in text
    assert text.endswith("\n\n<nastaveni-smtp><password>tajné</password></nastaveni-smtp></pre>")


def test_raw_fault_quoting_the_request_in_json_keeps_the_template_braces(flexi):
    template = '{"winstrom": {"success": "false", "message": "{request}", "other": "{other}"}}'
    flexi.emulator.inject(Fault("raw", body=template, spelling="json", content_type="application/json"))

    _status, text = put_raw(flexi.emulator.port, SECRET.encode(), basic("admin", SECRET))

    document = json.loads(text)
    assert document["winstrom"]["other"] == "{other}"
    assert document["winstrom"]["message"].startswith(f"PUT {SMTP_PATH}\n")
    assert document["winstrom"]["message"].endswith(f"\n\n{SECRET}")
