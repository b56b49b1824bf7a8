"""Injected faults: each kind plays what a broken or hostile Flexi (or what stands in front of it) answers."""

from __future__ import annotations

import base64
import socket

import pytest
import requests

from tests.emulator.faults import Fault
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH, document

AUTHORIZATION = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()


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


# what each kind answers


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "text"),
    [
        (
            Fault("html", status=504),
            504,
            "text/html",
            document("proxy_502.html").replace("502 Bad Gateway", "504 Gateway Timeout"),
        ),
        (
            Fault("raw", body="<host>ř€</host>", content_type="application/xml"),
            200,
            "application/xml",
            "<host>ř€</host>",
        ),
        (Fault("raw", status=203, body="hello"), 203, None, "hello"),
    ],
    ids=["html 504", "raw", "raw without content type"],
)
def test_fault_answers_its_page_or_body(flexi, fault, status, content_type, text):
    flexi.emulator.inject(fault)

    answer = flexi.get()

    assert (answer.status_code, answer.headers.get("Content-Type")) == (status, content_type)
    assert answer.content == text.encode("utf-8")


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


# which requests a fault hits (once, for every request, by method: proved through the module's retries in
# tests/unit/plugins/modules/test_faults.py)


@pytest.mark.parametrize(
    ("faults", "calls", "statuses"),
    [
        ([Fault("status", status=500, times=2)], ["read"] * 3, [500, 500, 200]),
        ([Fault("status", status=500), Fault("html")], ["read"] * 3, [500, 502, 200]),
        ([Fault("status", status=503, match_query="testMail")], ["read", "test mail"], [200, 503]),
        ([Fault("html")], ["read without credentials"], [502]),
    ],
    ids=["times 2", "in order", "by query", "before authentication"],
)
def test_faults_hit_the_matching_requests_in_order_as_often_as_told(flexi, faults, calls, statuses):
    for fault in faults:
        flexi.emulator.inject(fault)
    do = {
        "read": flexi.get,
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
