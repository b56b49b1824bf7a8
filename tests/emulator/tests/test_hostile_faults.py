"""Faults that play a hostile or misconfigured server: redirects, scripted raw answers, dripping and endless answers."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time

import pytest
import requests

from tests.emulator import server as emulator_server
from tests.emulator.faults import Fault
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH

AUTHORIZATION = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()


def raw_get(port: int, timeout: float = 5.0) -> socket.socket:
    """A connected socket that has sent an authorised GET of the SMTP settings."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    request = f"GET {SMTP_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTHORIZATION}\r\n\r\n"
    connection.sendall(request.encode("ascii"))
    return connection


def read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


def read_head(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(1)
        assert chunk, "the connection closed before the headers ended"
        received += chunk
    return received


# redirect


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_fault_answers_with_status_location_and_short_html(flexi, status):
    location = f"http://127.0.0.1:{flexi.emulator.port}/c/demo_s_r_o_/nastaveni/smtp"
    flexi.emulator.inject(Fault("redirect", status=status, location=location))

    answer = flexi.get(allow_redirects=False)

    assert answer.status_code == status
    assert answer.headers["Location"] == location
    assert answer.headers["Content-Type"] == "text/html"
    assert "<html>" in answer.text
    assert location in answer.text


def test_redirect_fault_defaults_to_302(flexi):
    flexi.emulator.inject(Fault("redirect", location="/elsewhere"))

    answer = flexi.get(allow_redirects=False)

    assert answer.status_code == 302


@pytest.mark.parametrize("location", ["ftp://host/secret", "/c/other/nastaveni/smtp", "relative/path?x=1", ""])
def test_redirect_fault_sends_the_location_verbatim(flexi, location):
    flexi.emulator.inject(Fault("redirect", status=307, location=location))

    answer = flexi.get(allow_redirects=False)

    assert answer.headers["Location"] == location


def test_redirect_fault_answers_with_location_and_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("redirect", status=307, location="http://127.0.0.1:1/c/demo_s_r_o_/nastaveni/smtp"))

    answer = flexi.write(body(host="smtp.example.cz"), allow_redirects=False)

    assert answer.status_code == 307
    assert flexi.emulator.state.stored()["host"] == ""


@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "redirect"},
        {"kind": "redirect", "location": "/x", "status": 200},
        {"kind": "redirect", "location": "/x\r\nSet-Cookie: a=b"},
    ],
)
def test_redirect_fault_rejects_what_cannot_be_a_redirect(arguments):
    with pytest.raises(ValueError):
        Fault(**arguments)


# raw


def test_raw_fault_sends_the_scripted_status_body_type_and_headers(flexi):
    flexi.emulator.inject(
        Fault(
            "raw",
            status=200,
            body="<error><message>SMTP connect failed</message></error>",
            content_type="application/xml",
            headers=(("X-Scripted", "yes"), ("Set-Cookie", "JSESSIONID=abc")),
        )
    )
    connection = http.client.HTTPConnection("127.0.0.1", flexi.emulator.port, timeout=10)

    connection.request("GET", SMTP_PATH, headers={"Authorization": AUTHORIZATION})
    response = connection.getresponse()

    assert response.status == 200
    assert response.read() == b"<error><message>SMTP connect failed</message></error>"
    assert response.headers["Content-Type"] == "application/xml"
    assert response.headers["X-Scripted"] == "yes"
    assert response.headers["Set-Cookie"] == "JSESSIONID=abc"
    connection.close()


def test_raw_fault_without_content_type_sends_none(flexi):
    flexi.emulator.inject(Fault("raw", status=200, body="hello"))

    answer = flexi.get()

    assert "Content-Type" not in answer.headers
    assert answer.text == "hello"


def test_raw_fault_with_broken_content_encoding_fails_a_decoding_client(flexi):
    flexi.emulator.inject(Fault("raw", body="<nastaveni-smtp/>", headers=(("Content-Encoding", "gzip"),)))

    with pytest.raises(requests.exceptions.ContentDecodingError):
        flexi.get()


def test_raw_fault_can_answer_an_unsuccessful_winstrom_at_200(flexi):
    document = "<winstrom><success>false</success><message>X</message></winstrom>"
    flexi.emulator.inject(Fault("raw", status=200, body=document, content_type="application/xml"))

    answer = flexi.get()

    assert (answer.status_code, answer.text) == (200, document)


def test_raw_fault_with_match_query_answers_only_the_test_mail(flexi):
    flexi.emulator.inject(Fault("raw", status=200, body="<html>login</html>", match_query="testMail"))

    read = flexi.get()
    test_mail = flexi.test_mail("adresat@example.cz")

    assert "<nastaveni-smtp>" in read.text
    assert test_mail.text == "<html>login</html>"


def test_raw_fault_on_write_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("raw", status=201, body="", method="PUT"))

    flexi.write(body(host="smtp.example.cz"))

    assert flexi.emulator.state.stored()["host"] == ""


def test_raw_fault_with_scripted_content_length_sends_it_and_closes(flexi):
    flexi.emulator.inject(Fault("raw", body="short", headers=(("Content-Length", "100"),)))
    connection = raw_get(flexi.emulator.port)

    received = read_until_closed(connection)

    head, _blank, payload = received.partition(b"\r\n\r\n")
    assert b"Content-Length: 100" in head
    assert head.count(b"Content-Length") == 1
    assert payload == b"short"
    connection.close()


def test_raw_fault_sends_a_bytes_body_as_it_is(flexi):
    document = '<?xml version="1.0" encoding="utf-16"?><nastaveni-smtp/>'.encode("utf-16")
    flexi.emulator.inject(Fault("raw", status=200, body=document, content_type="application/xml"))

    answer = flexi.get()

    assert answer.content == document
    assert answer.headers["Content-Length"] == str(len(document))


def test_raw_fault_sends_a_text_body_as_utf_8(flexi):
    flexi.emulator.inject(Fault("raw", status=200, body="<host>ř€</host>"))

    answer = flexi.get()

    assert answer.content == "<host>ř€</host>".encode()


def test_fault_headers_from_json_lists_become_tuples():
    spec = json.loads('{"kind": "raw", "headers": [["Content-Encoding", "gzip"]]}')

    fault = Fault(**spec)

    assert fault.headers == (("Content-Encoding", "gzip"),)
    assert fault == Fault("raw", headers=(("Content-Encoding", "gzip"),))


# drip


def test_drip_fault_sends_headers_at_once_and_the_body_byte_by_byte(flexi):
    flexi.emulator.inject(Fault("drip", delay=0.5))
    connection = raw_get(flexi.emulator.port)

    head = read_head(connection)
    first = connection.recv(4096)
    connection.settimeout(0.2)
    with pytest.raises(TimeoutError):
        connection.recv(4096)

    assert head.startswith(b"HTTP/1.1 200 ")
    assert first == b"<"
    connection.close()


def test_drip_fault_delivers_the_current_settings_document(flexi):
    flexi.emulator.state.store(host="smtp.example.cz")
    flexi.emulator.inject(Fault("drip", delay=0.001))

    answer = flexi.get()

    assert answer.status_code == 200
    assert "<host>smtp.example.cz</host>" in answer.text
    assert answer.text.rstrip().endswith("</nastaveni-smtp>")


def test_drip_fault_in_header_phase_drips_the_status_line(flexi):
    flexi.emulator.inject(Fault("drip", delay=0.5, phase="headers"))
    connection = raw_get(flexi.emulator.port)

    first = connection.recv(4096)
    connection.settimeout(0.2)
    with pytest.raises(TimeoutError):
        connection.recv(4096)

    assert first == b"H"
    connection.close()


def test_drip_fault_ends_when_the_emulator_stops(emulator_factory):
    emulator = emulator_factory()
    emulator.inject(Fault("drip", delay=30))
    connection = raw_get(emulator.port)
    read_head(connection)
    started = time.monotonic()

    emulator.stop()

    assert time.monotonic() - started < 5
    connection.close()


def test_drip_fault_ends_when_the_client_goes_away(flexi):
    flexi.emulator.inject(Fault("drip", delay=0.05))  # about 15 s for the whole document
    connection = raw_get(flexi.emulator.port)
    read_head(connection)
    connection.close()

    deadline = time.monotonic() + 3
    pause = threading.Event()
    while flexi.emulator.open_connections and time.monotonic() < deadline:
        pause.wait(0.02)

    assert flexi.emulator.open_connections == 0


def test_drip_fault_gives_up_after_its_bound(flexi, monkeypatch):
    monkeypatch.setattr(emulator_server, "DRIP_LIMIT", 0.2)
    flexi.emulator.inject(Fault("drip", delay=0.05))
    connection = raw_get(flexi.emulator.port)

    received = read_until_closed(connection)

    head, _blank, payload = received.partition(b"\r\n\r\n")
    length = int(next(line for line in head.split(b"\r\n") if line.startswith(b"Content-Length")).split(b":")[1])
    assert 0 < len(payload) < length
    connection.close()


def test_drip_fault_rejects_an_unknown_phase():
    with pytest.raises(ValueError):
        Fault("drip", phase="trailers")


# endless


def read_discarding(connection: socket.socket, at_least: int) -> tuple[int, bytes]:
    """Read until `at_least` bytes came or the line closed; (bytes read, the last 64 of them)."""
    count, tail = 0, b""
    while count < at_least and (chunk := connection.recv(1 << 20)):
        count += len(chunk)
        tail = (tail + chunk)[-64:]
    return count, tail


def test_endless_fault_sends_its_opening_then_chunks_without_end(flexi):
    flexi.emulator.inject(Fault("endless", body="<nastaveni-smtp><host>"))
    connection = raw_get(flexi.emulator.port)

    head = read_head(connection)
    opening = connection.recv(len(b"16\r\n<nastaveni-smtp><host>\r\n"), socket.MSG_WAITALL)
    count, _tail = read_discarding(connection, 4 * 1024 * 1024)

    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"Transfer-Encoding: chunked" in head
    assert b"Content-Length" not in head
    assert b"Content-Type: application/xml" in head
    assert opening == b"16\r\n<nastaveni-smtp><host>\r\n"
    assert count >= 4 * 1024 * 1024
    connection.close()


def test_endless_fault_body_as_a_client_reads_it_never_ends(flexi):
    flexi.emulator.inject(Fault("endless", body="<x>", content_type="text/plain"))

    with flexi.get(stream=True) as answer:
        received = 0
        for chunk in answer.iter_content(65536):
            received += len(chunk)
            if received > 2 * 1024 * 1024:
                break

    assert answer.headers["Content-Type"] == "text/plain"
    assert received > 2 * 1024 * 1024


def test_endless_fault_ends_when_the_emulator_stops(emulator_factory):
    emulator = emulator_factory()
    emulator.inject(Fault("endless"))
    connection = raw_get(emulator.port)
    read_head(connection)
    started = time.monotonic()

    emulator.stop()

    assert time.monotonic() - started < 5
    connection.close()


def test_endless_fault_ends_when_the_client_goes_away(flexi):
    flexi.emulator.inject(Fault("endless"))
    connection = raw_get(flexi.emulator.port)
    read_head(connection)
    connection.close()

    deadline = time.monotonic() + 3
    pause = threading.Event()
    while flexi.emulator.open_connections and time.monotonic() < deadline:
        pause.wait(0.02)

    assert flexi.emulator.open_connections == 0


def test_endless_fault_gives_up_after_its_bound_without_a_last_chunk(flexi, monkeypatch):
    monkeypatch.setattr(emulator_server, "ENDLESS_LIMIT", 0.2)
    flexi.emulator.inject(Fault("endless", body="<x>"))
    connection = raw_get(flexi.emulator.port)
    read_head(connection)

    count, tail = read_discarding(connection, 1 << 62)

    assert count > 0
    assert not tail.endswith(b"0\r\n\r\n")
    connection.close()


def test_endless_fault_is_recorded_with_its_status(flexi):
    flexi.emulator.inject(Fault("endless", status=500))
    connection = raw_get(flexi.emulator.port)

    head = read_head(connection)
    connection.close()

    assert head.startswith(b"HTTP/1.1 500 ")
    assert [entry.status for entry in flexi.emulator.requests] == [500]
