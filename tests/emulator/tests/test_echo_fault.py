"""Echoes: the echo fault quotes the passwords it received in a Flexi error; a raw fault can quote the request."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
import requests
from lxml import etree

from tests.emulator.faults import Fault
from tests.emulator.spellings import SPELLINGS, java_urlencoded, spell
from tests.emulator.tests.flexi_client import SMTP_PATH

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
HEADER_PART = "heslo z hlavičky Authorization: "
BODY_PART = "heslo v těle požadavku: "


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def get_with_password(url: str, password: str) -> requests.Response:
    return requests.get(url, headers={"Authorization": basic("admin", password)}, timeout=10)


def message_of(answer: requests.Response) -> str:
    return etree.fromstring(answer.content).findtext("message")


def test_spellings_cover_every_named_spelling():
    assert set(SPELLED) == set(SPELLINGS)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spell_writes_the_secret_in_each_spelling(spelling):
    assert spell(SECRET, spelling) == SPELLED[spelling]


def test_java_urlencoder_keeps_only_letters_digits_and_four_marks():
    assert java_urlencoded("aZ09.-*_ ~!()'") == "aZ09.-*_+%7E%21%28%29%27"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_echo_fault_quotes_the_basic_password_in_the_chosen_spelling(flexi, spelling):
    flexi.emulator.inject(Fault("echo", spelling=spelling))

    answer = get_with_password(flexi.url(), SECRET)

    assert answer.status_code == 400
    assert message_of(answer) == f"Požadavek odmítnut; {HEADER_PART}{SPELLED[spelling]}"


def test_echo_fault_answers_a_flexi_error_document(flexi):
    flexi.emulator.inject(Fault("echo"))

    answer = get_with_password(flexi.url(), "secret")

    document = etree.fromstring(answer.content)
    assert document.tag == "winstrom"
    assert document.get("version") == "1.0"
    assert document.findtext("success") == "false"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_echo_fault_on_write_quotes_the_written_password_too(flexi, body, spelling):
    flexi.emulator.inject(Fault("echo", spelling=spelling, method="PUT"))

    answer = requests.put(
        flexi.url(),
        data=body(password=SECRET).encode("utf-8"),
        headers={"Authorization": basic("admin", "header-secret")},
        timeout=10,
    )

    assert message_of(answer).endswith(f"; {BODY_PART}{SPELLED[spelling]}")
    assert f"{HEADER_PART}{spell('header-secret', spelling)}" in message_of(answer)


def test_echo_fault_escapes_html_spellings_again_as_xml_text(flexi):
    flexi.emulator.inject(Fault("echo", spelling="html-hex"))

    answer = get_with_password(flexi.url(), "a'b")

    assert "a&amp;#x27;b" in answer.text


def test_echo_fault_on_write_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("echo"))

    flexi.write(body(host="smtp.example.cz", password="new-secret"))

    assert flexi.emulator.state.stored()["host"] == ""


def test_echo_fault_takes_another_status(flexi):
    flexi.emulator.inject(Fault("echo", status=500))

    assert get_with_password(flexi.url(), "secret").status_code == 500


def test_echo_fault_without_credentials_still_answers(flexi):
    flexi.emulator.inject(Fault("echo"))

    answer = requests.get(flexi.url(), timeout=10)

    assert message_of(answer) == "Požadavek odmítnut; bez hesla"


def test_echo_fault_pad_can_place_the_secret_across_a_cut(flexi):
    flexi.emulator.inject(Fault("echo"))
    offset = get_with_password(flexi.url(), SECRET).text.index(HEADER_PART) + len(HEADER_PART)
    flexi.emulator.inject(Fault("echo", pad=2000 - offset - 3))

    text = get_with_password(flexi.url(), "0123456789").text

    assert text[:2000].endswith("012")
    assert text[2000:].startswith("3456789")


def test_echo_fault_pad_puts_xs_before_the_message(flexi):
    flexi.emulator.inject(Fault("echo", pad=5))

    answer = get_with_password(flexi.url(), "secret")

    assert message_of(answer).startswith("xxxxxPožadavek odmítnut; ")


@pytest.mark.parametrize("arguments", [{"spelling": "rot13"}, {"pad": -1}])
def test_echo_fault_rejects_invalid_arguments(arguments):
    with pytest.raises(ValueError):
        Fault("echo", **arguments)


def test_echo_of_test_mail_is_reachable_by_match_query(flexi):
    flexi.emulator.inject(Fault("echo", match_query="testMail"))

    read = flexi.get()
    test_mail = flexi.session.get(flexi.url(SMTP_PATH), params={"testMail": "a@example.cz"}, timeout=10)

    assert (read.status_code, test_mail.status_code) == (200, 400)


# raw answers quoting the request


def put_raw(port: int, body: bytes, authorization: str) -> tuple[int, bytes]:
    """Status and body of a PUT sent with exactly these bytes and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("PUT", SMTP_PATH, body=body, headers={"Authorization": authorization, "X-Trace": "t-1"})
    answer = connection.getresponse()
    received = (answer.status, answer.read())
    connection.close()
    return received


def test_raw_fault_quotes_the_whole_request_as_received(flexi):
    flexi.emulator.inject(Fault("raw", status=502, body="<pre>{request}</pre>", content_type="text/html"))
    write = "<nastaveni-smtp><password>tajné</password></nastaveni-smtp>".encode()

    status, answer = put_raw(flexi.emulator.port, write, basic("admin", SECRET))

    text = answer.decode("utf-8")
    assert status == 502
    assert text.startswith(f"<pre>PUT {SMTP_PATH}\n")
    assert f"\nAuthorization: {basic('admin', SECRET)}\n" in text
    assert "\nX-Trace: t-1\n" in text
    assert text.endswith("\n\n<nastaveni-smtp><password>tajné</password></nastaveni-smtp></pre>")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_raw_fault_spells_the_quoted_parts(flexi, spelling):
    flexi.emulator.inject(Fault("raw", body="{authorization}|{body}", spelling=spelling))

    _status, answer = put_raw(flexi.emulator.port, SECRET.encode(), basic("admin", "pw"))

    assert answer.decode("utf-8") == f"{spell(basic('admin', 'pw'), spelling)}|{SPELLED[spelling]}"


def test_raw_fault_quoting_the_request_in_json_keeps_the_template_braces(flexi):
    template = '{"winstrom": {"success": "false", "message": "{request}", "other": "{other}"}}'
    flexi.emulator.inject(Fault("raw", body=template, spelling="json", content_type="application/json"))

    _status, answer = put_raw(flexi.emulator.port, SECRET.encode(), basic("admin", SECRET))

    document = json.loads(answer)
    assert document["winstrom"]["other"] == "{other}"
    assert document["winstrom"]["message"].startswith(f"PUT {SMTP_PATH}\n")
    assert document["winstrom"]["message"].endswith(f"\n\n{SECRET}")


def test_raw_fault_quotes_a_read_with_an_empty_body(flexi):
    flexi.emulator.inject(Fault("raw", body="[{body}]"))

    assert flexi.get().text == "[]"


def test_raw_fault_without_authorization_quotes_it_as_empty(flexi):
    flexi.emulator.inject(Fault("raw", body="[{authorization}]"))

    assert requests.get(flexi.url(), timeout=10).text == "[]"


def test_raw_fault_with_a_bytes_body_puts_nothing_in(flexi):
    flexi.emulator.inject(Fault("raw", body=b"{request}"))

    assert flexi.get().content == b"{request}"
