"""Injected faults: each kind plays what a broken or hostile Flexi (or what stands in front of it) answers."""

from __future__ import annotations

import base64
import http.client
import socket
import threading
import time

import pytest
import requests
from lxml import etree

from tests.emulator.faults import Fault
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH

AUTHORIZATION = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()
NGINX_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def raw_get(port: int, timeout: float = 5.0) -> socket.socket:
    """A connected socket that has sent an authorised GET of the SMTP settings."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    request = f"GET {SMTP_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTHORIZATION}\r\n\r\n"
    connection.sendall(request.encode("ascii"))
    return connection


def read_head(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(1)
        assert chunk, "the connection closed before the headers ended"
        received += chunk
    return received


def wait_until_closed(emulator) -> int:
    deadline = time.monotonic() + 3
    while emulator.open_connections and time.monotonic() < deadline:
        threading.Event().wait(0.02)
    return emulator.open_connections


# what each kind answers


@pytest.mark.parametrize(
    ("fault", "error_shape", "status", "message_at"),
    [
        (Fault("status"), "message", 500, "message"),
        *((Fault("status", status=status), "message", status, "message") for status in (503, 402, 403, 404)),
        (Fault("status", status=503), "result-error", 503, "results/result/error"),
    ],
)  # fmt: skip
def test_status_fault_answers_a_flexi_error_document_in_the_configured_shape(
    flexi_with, fault, error_shape, status, message_at
):
    client = flexi_with(error_shape=error_shape)
    client.emulator.inject(fault)

    answer = client.get()

    document = etree.fromstring(answer.content)
    assert answer.status_code == status
    assert document.findtext("success") == "false"
    assert document.findtext(message_at)


def test_status_401_fault_answers_json_and_asks_for_basic_auth(flexi):
    flexi.emulator.inject(Fault("status", status=401))

    answer = flexi.get()

    assert answer.status_code == 401
    assert answer.json()["winstrom"]["message"] == "Authorization required"
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="ABRA Flexi"'


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "text"),
    [
        (Fault("html"), 502, "text/html", NGINX_502),
        (Fault("html", status=504), 504, "text/html", NGINX_502.replace("502 Bad Gateway", "504 Gateway Timeout")),
        (Fault("empty"), 200, "application/xml; charset=utf-8", ""),
        (
            Fault("raw", status=200, body="<host>ř€</host>", content_type="application/xml"),
            200,
            "application/xml",
            "<host>ř€</host>",
        ),
    ],
    ids=["html", "html 504", "empty", "raw"],
)
def test_fault_answers_its_page_or_body(flexi, fault, status, content_type, text):
    flexi.emulator.inject(fault)

    answer = flexi.get()

    assert (answer.status_code, answer.headers["Content-Type"]) == (status, content_type)
    assert answer.content == text.encode("utf-8")


@pytest.mark.parametrize(
    ("method", "start"),
    [("GET", '<?xml version="1.0" ?>\n<nastaveni-smtp>'), ("PUT", '<?xml version="1.0" encoding="utf-8"?>\n<winstrom')],
)
def test_malformed_fault_answers_200_with_a_truncated_document(flexi, body, method, start):
    flexi.emulator.inject(Fault("malformed"))

    answer = flexi.request(method, SMTP_PATH, data=body(host="smtp.example.cz").encode())

    assert answer.status_code == 200
    assert answer.text.startswith(start)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(answer.content)


def test_slow_fault_delays_the_normal_answer(flexi):
    flexi.emulator.inject(Fault("slow", delay=0.3))
    started = time.monotonic()

    answer = flexi.get()

    assert time.monotonic() - started >= 0.3
    assert (answer.status_code, "<nastaveni-smtp>" in answer.text) == (200, True)


def test_drop_fault_closes_connection_without_answer_and_the_next_request_is_served(flexi):
    flexi.emulator.inject(Fault("drop"))

    with pytest.raises(requests.exceptions.ConnectionError):
        flexi.get()
    answer = flexi.get()

    assert [entry.status for entry in flexi.emulator.requests] == [-1, 200]
    assert answer.status_code == 200


def test_drop_mid_body_fault_sends_headers_then_part_of_the_body(flexi):
    flexi.emulator.inject(Fault("drop_mid_body"))
    connection = http.client.HTTPConnection("127.0.0.1", flexi.emulator.port, timeout=10)
    connection.request("GET", SMTP_PATH, headers={"Authorization": AUTHORIZATION})

    response = connection.getresponse()

    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead) as incomplete:
        response.read()
    assert 0 < len(incomplete.value.partial) < int(response.headers["Content-Length"])
    assert flexi.emulator.requests[0].status == -1
    connection.close()


@pytest.mark.parametrize(
    ("status", "location"),
    [
        (None, "/elsewhere"),
        (301, "http://127.0.0.1:1/c/demo_s_r_o_/nastaveni/smtp"),
        (303, "/c/other/nastaveni/smtp"),
        (307, "ftp://host/secret"),
        (308, "relative/path?x=1"),
        (307, ""),
    ],
)
def test_redirect_fault_answers_status_verbatim_location_and_short_html(flexi, status, location):
    flexi.emulator.inject(Fault("redirect", status=status, location=location))

    answer = flexi.get(allow_redirects=False)

    assert answer.status_code == (status or 302)
    assert answer.headers["Location"] == location
    assert answer.headers["Content-Type"] == "text/html"
    assert f'<a href="{location}">' in answer.text


def test_raw_fault_sends_the_scripted_headers_and_no_content_type_unless_given(flexi):
    headers = (("X-Scripted", "yes"), ("Set-Cookie", "JSESSIONID=abc"))
    flexi.emulator.inject(Fault("raw", status=203, body="hello", headers=headers))

    answer = flexi.get()

    assert (answer.status_code, answer.text) == (203, "hello")
    assert "Content-Type" not in answer.headers
    assert (answer.headers["X-Scripted"], answer.headers["Set-Cookie"]) == ("yes", "JSESSIONID=abc")


def test_raw_fault_sends_a_bytes_body_as_it_is(flexi):
    document = '<?xml version="1.0" encoding="utf-16"?><nastaveni-smtp/>'.encode("utf-16")
    flexi.emulator.inject(Fault("raw", body=document))

    assert flexi.get().content == document


def test_raw_fault_with_scripted_content_length_sends_it_and_closes(flexi):
    flexi.emulator.inject(Fault("raw", body="short", headers=(("Content-Length", "100"),)))
    connection = raw_get(flexi.emulator.port)

    received = b""
    while chunk := connection.recv(4096):
        received += chunk

    head, _blank, payload = received.partition(b"\r\n\r\n")
    assert head.count(b"Content-Length") == 1
    assert b"Content-Length: 100" in head
    assert payload == b"short"
    connection.close()


@pytest.mark.parametrize(("phase", "first"), [("body", b"<"), ("headers", b"H")])
def test_drip_fault_sends_one_byte_at_a_time_from_the_phase_on(flexi, phase, first):
    flexi.emulator.inject(Fault("drip", delay=0.5, phase=phase))
    connection = raw_get(flexi.emulator.port)

    if phase == "body":
        assert read_head(connection).startswith(b"HTTP/1.1 200 ")
    received = connection.recv(4096)
    connection.settimeout(0.2)
    with pytest.raises(TimeoutError):
        connection.recv(4096)

    assert received == first
    connection.close()


def test_drip_fault_delivers_the_current_settings_document(flexi):
    flexi.emulator.state.store(host="smtp.example.cz")
    flexi.emulator.inject(Fault("drip", delay=0.001))

    answer = flexi.get()

    assert answer.status_code == 200
    assert "<host>smtp.example.cz</host>" in answer.text
    assert answer.text.rstrip().endswith("</nastaveni-smtp>")


def test_endless_fault_sends_its_opening_then_chunks_without_end(flexi):
    flexi.emulator.inject(Fault("endless", status=500, body="<nastaveni-smtp><host>"))
    connection = raw_get(flexi.emulator.port)

    head = read_head(connection)
    opening = connection.recv(len(b"16\r\n<nastaveni-smtp><host>\r\n"), socket.MSG_WAITALL)
    count = 0
    while count < 4 * 1024 * 1024 and (chunk := connection.recv(1 << 20)):
        count += len(chunk)
    connection.close()

    assert head.startswith(b"HTTP/1.1 500 ")
    assert b"Transfer-Encoding: chunked" in head
    assert b"Content-Length" not in head
    assert b"Content-Type: application/xml" in head
    assert opening == b"16\r\n<nastaveni-smtp><host>\r\n"
    assert count >= 4 * 1024 * 1024
    assert [entry.status for entry in flexi.emulator.requests] == [500]


@pytest.mark.parametrize("fault", [Fault("drip", delay=30), Fault("endless")], ids=["drip", "endless"])
def test_endless_answers_end_when_the_emulator_stops(emulator_factory, fault):
    emulator = emulator_factory()
    emulator.inject(fault)
    connection = raw_get(emulator.port)
    read_head(connection)
    started = time.monotonic()

    emulator.stop()

    assert time.monotonic() - started < 5
    connection.close()


@pytest.mark.parametrize("fault", [Fault("drip", delay=0.05), Fault("endless")], ids=["drip", "endless"])
def test_endless_answers_end_when_the_client_goes_away(flexi, fault):
    flexi.emulator.inject(fault)
    connection = raw_get(flexi.emulator.port)
    read_head(connection)

    connection.close()

    assert wait_until_closed(flexi.emulator) == 0


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=500),
        Fault("malformed"),
        Fault("raw", status=201, body=""),
        Fault("redirect", status=307, location="/elsewhere"),
        Fault("echo"),
        Fault("drop"),
    ],
    ids=lambda fault: fault.kind,
)
def test_faulted_write_stores_nothing(flexi, body, fault):
    flexi.emulator.inject(fault)

    try:
        flexi.write(body(host="smtp.example.cz"), allow_redirects=False)
    except requests.exceptions.ConnectionError:
        assert fault.kind == "drop"

    assert flexi.emulator.state.stored()["host"] == ""


# which requests a fault hits


@pytest.mark.parametrize(
    ("faults", "calls", "statuses"),
    [
        ([Fault("status", status=500)], ["read", "read"], [500, 200]),
        ([Fault("status", status=500, times=2)], ["read"] * 3, [500, 500, 200]),
        ([Fault("status", status=503, times=None)], ["read"] * 4, [503] * 4),
        ([Fault("status", status=500), Fault("html")], ["read"] * 3, [500, 502, 200]),
        ([Fault("status", status=500, method="PUT")], ["read", "write"], [200, 500]),
        ([Fault("status", status=503, match_query="testMail")], ["read", "test mail"], [200, 503]),
        ([Fault("html")], ["read without credentials"], [502]),
    ],
    ids=["once", "times 2", "every request", "in order", "by method", "by query", "before authentication"],
)
def test_faults_hit_the_matching_requests_in_order_as_often_as_told(flexi, body, faults, calls, statuses):
    for fault in faults:
        flexi.emulator.inject(fault)
    do = {
        "read": flexi.get,
        "write": lambda: flexi.write(body(host="smtp.example.cz")),
        "test mail": lambda: flexi.test_mail("adresat@example.cz"),
        "read without credentials": lambda: requests.get(flexi.url(), timeout=10),
    }

    seen = [do[call]().status_code for call in calls]

    assert seen == statuses
    assert [entry.status for entry in flexi.emulator.requests] == statuses


def test_reset_forgets_pending_faults(flexi):
    flexi.emulator.inject(Fault("status", status=500, times=None))

    flexi.emulator.reset()

    assert flexi.get().status_code == 200


def test_fault_headers_from_json_lists_become_tuples():
    assert Fault("raw", headers=[["Content-Encoding", "gzip"]]).headers == (("Content-Encoding", "gzip"),)


@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "explode"},
        {"kind": "status", "times": 0},
        {"kind": "slow", "delay": -1},
        {"kind": "redirect"},
        {"kind": "redirect", "location": "/x", "status": 200},
        {"kind": "redirect", "location": "/x\r\nSet-Cookie: a=b"},
        {"kind": "raw", "headers": (("X-Name", "ř"),)},
        {"kind": "drip", "phase": "trailers"},
        {"kind": "echo", "spelling": "rot13"},
        {"kind": "echo", "pad": -1},
    ],
)
def test_fault_rejects_invalid_arguments(arguments):
    with pytest.raises(ValueError):
        Fault(**arguments)


def test_linger_sends_the_document_without_a_length_then_spaces_and_keeps_the_line_open(emulator):
    emulator.inject(Fault("linger", delay=0.2))
    connection = raw_get(emulator.port)
    received = b""
    while not received.endswith(b">  ") and not received.endswith(b">\n  "):
        chunk = connection.recv(65536)
        assert chunk, "the emulator closed the connection"
        received += chunk
    connection.close()

    head = received.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"content-length" not in head
    assert b"connection: close" in head


def test_vanish_answers_then_refuses_new_connections(flexi):
    flexi.emulator.inject(Fault("vanish"))

    answer = flexi.get()

    assert answer.status_code == 200
    assert answer.headers["Connection"] == "close"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", flexi.emulator.port), timeout=5)
