"""EmulatorServer's lifecycle, HTTP/1.1 keep-alive and HTTPS."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
import time

import pytest
import requests

from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH

AUTH_HEADER = {"Authorization": "Basic YWRtaW46YWRtaW4tc2VjcmV0"}  # admin:admin-secret


def test_server_listens_on_loopback_with_free_port():
    with EmulatorServer() as emulator:
        assert emulator.url == f"http://127.0.0.1:{emulator.port}"
        assert emulator.port > 0


def test_server_listens_on_requested_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    with EmulatorServer(EmulatorOptions(port=free_port)) as emulator:
        assert emulator.url.endswith(f":{free_port}")


def test_stopped_server_refuses_connections():
    emulator = EmulatorServer().start()
    port = emulator.port

    emulator.stop()

    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_stop_ends_every_thread_even_with_idle_keep_alive_connection():
    threads_before = set(threading.enumerate())
    emulator = EmulatorServer().start()
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    connection.request("GET", SMTP_PATH, headers=AUTH_HEADER)
    connection.getresponse().read()

    emulator.stop()

    assert set(threading.enumerate()) == threads_before
    connection.close()


def test_stop_interrupts_a_slow_answer():
    emulator = EmulatorServer().start()
    emulator.inject(Fault("slow", delay=30))
    client = threading.Thread(target=_get_ignoring_errors, args=(emulator.url + SMTP_PATH,))
    client.start()
    emulator.state.wait_for_arrivals(1)
    started = time.monotonic()

    emulator.stop()

    assert time.monotonic() - started < 5
    client.join(5)


def test_stop_twice_is_harmless():
    emulator = EmulatorServer().start()

    emulator.stop()
    emulator.stop()


def test_start_twice_is_an_error(emulator):
    with pytest.raises(RuntimeError):
        emulator.start()


def test_answers_keep_the_connection_alive():
    with EmulatorServer() as emulator:
        connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
        connection.request("GET", SMTP_PATH, headers=AUTH_HEADER)
        first = connection.getresponse()
        first.read()
        socket_after_first = connection.sock

        connection.request("PUT", SMTP_PATH, body=b"<nastaveni-smtp/>", headers=AUTH_HEADER)
        second = connection.getresponse()
        second.read()

        assert (first.version, first.status, second.status) == (11, 200, 201)
        assert connection.sock is socket_after_first
        connection.close()


@pytest.mark.parametrize(
    ("fault", "status"),
    [(None, 200), (Fault("status", status=500), 500), (Fault("html"), 502), (Fault("empty"), 200)],
)
def test_every_answer_carries_content_length(emulator, fault, status):
    if fault is not None:
        emulator.inject(fault)

    answer = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=5)

    assert answer.status_code == status
    assert int(answer.headers["Content-Length"]) == len(answer.content)


def test_401_carries_content_length(emulator):
    answer = requests.get(emulator.url + SMTP_PATH, timeout=5)

    assert int(answer.headers["Content-Length"]) == len(answer.content)


def test_chunked_request_body_is_read(flexi):
    flexi.write(iter([b"<nastaveni-smtp><host>", b"smtp.example.cz</host></nastaveni-smtp>"]))

    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"


def test_reset_restores_initial_settings_and_clears_log(flexi_with, body):
    client = flexi_with(initial={"host": "initial.example.cz"})
    client.write(body(host="changed.example.cz"))

    client.emulator.reset()

    assert client.emulator.requests == []
    assert client.emulator.state.stored()["host"] == "initial.example.cz"


def test_options_reject_unknown_variant():
    with pytest.raises(ValueError, match="error_shape"):
        EmulatorOptions(error_shape="html")


def test_options_reject_unknown_initial_field():
    with pytest.raises(ValueError, match="hostname"):
        EmulatorOptions(initial={"hostname": "smtp.example.cz"})


# HTTPS


def test_tls_server_is_trusted_through_its_ca(emulator_factory):
    emulator = emulator_factory(tls=True)

    answer = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, verify=emulator.ca_path, timeout=5)

    assert emulator.url.startswith("https://127.0.0.1:")
    assert answer.status_code == 200


def test_tls_certificate_also_covers_localhost(emulator_factory):
    emulator = emulator_factory(tls=True)

    answer = requests.get(
        f"https://localhost:{emulator.port}{SMTP_PATH}", auth=ADMIN, verify=emulator.ca_path, timeout=5
    )

    assert answer.status_code == 200


def test_tls_server_is_rejected_without_its_ca(emulator_factory):
    emulator = emulator_factory(tls=True)

    with pytest.raises(requests.exceptions.SSLError):
        requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=5)


def test_tls_hostname_mismatch_is_rejected(emulator_factory):
    emulator = emulator_factory(tls=True, tls_hostname="flexi.example.test")

    with pytest.raises(requests.exceptions.SSLError, match=r"(?i)hostname|match"):
        requests.get(emulator.url + SMTP_PATH, auth=ADMIN, verify=emulator.ca_path, timeout=5)


def test_tls_server_keeps_serving_after_a_rejected_handshake(emulator_factory):
    emulator = emulator_factory(tls=True)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=5)

    answer = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, verify=emulator.ca_path, timeout=5)

    assert answer.status_code == 200


def test_tls_ca_file_is_removed_at_stop():
    emulator = EmulatorServer(EmulatorOptions(tls=True)).start()
    ca_path = emulator.ca_path

    emulator.stop()

    assert not os.path.exists(ca_path)


def test_tls_files_are_kept_in_cert_dir(tmp_path):
    with EmulatorServer(EmulatorOptions(tls=True, cert_dir=str(tmp_path))) as emulator:
        ca_path, cert_path = emulator.ca_path, emulator.cert_path

    assert os.path.dirname(ca_path) == str(tmp_path)
    assert os.path.exists(ca_path)
    assert os.path.exists(cert_path)


def test_plain_server_has_no_ca(emulator):
    assert emulator.ca_path is None


def _get_ignoring_errors(url: str) -> None:
    with contextlib.suppress(requests.exceptions.RequestException):
        requests.get(url, auth=ADMIN, timeout=10)


def test_start_on_busy_port_raises_and_leaves_no_certificates():
    with EmulatorServer() as running:
        busy = EmulatorServer(EmulatorOptions(port=running.port, tls=True))

        with pytest.raises(OSError):
            busy.start()

        assert busy.ca_path is None


def test_internal_error_answers_500_instead_of_dropping_the_connection(flexi):
    flexi.emulator.state.store(host="127.0.0.1", defaultFrom="broken <a@b.cz>\r\nBcc: x@y.cz")

    answer = flexi.test_mail("adresat@example.cz")

    assert answer.status_code == 500
    assert "ValueError" in answer.text


# connection counting (a canary's proof that nobody connected)


def wait_for_accepted(emulator: EmulatorServer, count: int, within: float = 5.0) -> int:
    deadline = time.monotonic() + within
    pause = threading.Event()
    while emulator.connections_accepted < count and time.monotonic() < deadline:
        pause.wait(0.01)
    return emulator.connections_accepted


def test_fresh_emulator_has_accepted_no_connection(emulator):
    assert emulator.connections_accepted == 0


def test_bare_connection_without_a_request_is_counted(emulator):
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5):
        pass

    assert wait_for_accepted(emulator, 1) == 1
    assert emulator.requests == []


def test_requests_on_one_keep_alive_connection_count_once(emulator):
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    for _attempt in range(3):
        connection.request("GET", SMTP_PATH, headers=AUTH_HEADER)
        connection.getresponse().read()
    connection.close()

    assert emulator.connections_accepted == 1
    assert len(emulator.requests) == 3


def test_connection_count_survives_stop():
    emulator = EmulatorServer().start()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5):
        pass
    wait_for_accepted(emulator, 1)

    emulator.stop()

    assert emulator.connections_accepted == 1
