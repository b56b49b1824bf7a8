"""EmulatorServer's lifecycle, its answers' framing and the connection count the canaries rely on."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.tests.flexi_client import SMTP_PATH

AUTH_HEADER = {"Authorization": "Basic YWRtaW46YWRtaW4tc2VjcmV0"}  # admin:admin-secret


def test_server_listens_on_loopback_until_stopped_and_leaves_no_thread_behind():
    threads_before = set(threading.enumerate())
    emulator = EmulatorServer().start()
    port = emulator.port
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    idle.request("GET", SMTP_PATH, headers=AUTH_HEADER)
    idle.getresponse().read()  # the connection stays open: keep-alive
    assert emulator.url == f"http://127.0.0.1:{port}"
    with pytest.raises(RuntimeError):
        emulator.start()

    emulator.stop()
    emulator.stop()

    assert set(threading.enumerate()) == threads_before
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    idle.close()


@pytest.mark.parametrize(
    "fault", [Fault("slow", delay=30), Fault("drip", delay=30), Fault("endless")], ids=["slow", "drip", "endless"]
)
def test_stop_cuts_a_slow_or_endless_answer(emulator_factory, fault):
    emulator = emulator_factory()
    emulator.inject(fault)
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    connection.request("GET", SMTP_PATH, headers=AUTH_HEADER)
    emulator.state.wait_for_arrivals(1)
    started = time.monotonic()

    emulator.stop()

    assert time.monotonic() - started < 5
    connection.close()


def test_bare_connection_without_a_request_is_counted(emulator):
    assert emulator.connections_accepted == 0

    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5):
        pass

    deadline = time.monotonic() + 5
    while emulator.connections_accepted < 1 and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert emulator.connections_accepted == 1
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("overrides", "name"), [({"error_shape": "html"}, "error_shape"), ({"initial": {"hostname": "x"}}, "hostname")]
)
def test_options_reject_unknown_variant_or_field(overrides, name):
    with pytest.raises(ValueError, match=name):
        EmulatorOptions(**overrides)


def test_internal_error_answers_500_instead_of_dropping_the_connection(flexi):
    flexi.emulator.state.store(host="127.0.0.1", defaultFrom="broken <a@b.cz>\r\nBcc: x@y.cz")

    answer = flexi.test_mail("adresat@example.cz")

    assert answer.status_code == 500
    assert "ValueError" in answer.text
