"""The forward proxy: plain HTTP forwarded in absolute form, HTTPS tunnelled through CONNECT."""

from __future__ import annotations

import socket
import threading
import time

import requests

from tests.emulator.faults import Fault
from tests.emulator.proxy import ForwardProxy, ProxiedRequest
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH, settings_body


def through(proxy: ForwardProxy) -> dict[str, str]:
    return {"http": proxy.url, "https": proxy.url}


def test_proxy_forwards_a_plain_http_read_and_records_the_absolute_url(forward_proxy, emulator):
    url = emulator.url + SMTP_PATH

    answer = requests.get(url, auth=ADMIN, proxies=through(forward_proxy), timeout=10)

    assert answer.status_code == 200
    assert "<nastaveni-smtp>" in answer.text
    assert answer.headers["Connection"] == "close"
    assert forward_proxy.requests == [ProxiedRequest("GET", url)]
    assert emulator.requests[0].user == "admin"


def test_proxy_forwards_a_write_with_its_body(forward_proxy, emulator):
    body = settings_body(host="smtp.example.cz").encode("utf-8")

    answer = requests.put(emulator.url + SMTP_PATH, data=body, auth=ADMIN, proxies=through(forward_proxy), timeout=10)

    assert answer.status_code == 201
    assert emulator.state.stored()["host"] == "smtp.example.cz"
    assert forward_proxy.requests[0].method == "PUT"


def test_proxy_forwards_the_query_string(forward_proxy, emulator):
    emulator.inject(Fault("status", status=503, match_query="testMail"))

    answer = requests.get(
        emulator.url + SMTP_PATH,
        params={"testMail": "a@example.cz"},
        auth=ADMIN,
        proxies=through(forward_proxy),
        timeout=10,
    )

    assert answer.status_code == 503
    assert emulator.requests[0].query == {"testMail": "a@example.cz"}


def test_proxy_relays_a_redirect_unchanged(forward_proxy, emulator):
    emulator.inject(Fault("redirect", status=307, location="ftp://host/secret"))

    answer = requests.get(
        emulator.url + SMTP_PATH, auth=ADMIN, proxies=through(forward_proxy), allow_redirects=False, timeout=10
    )

    assert (answer.status_code, answer.headers["Location"]) == (307, "ftp://host/secret")


def test_proxy_tunnels_https_through_connect(forward_proxy, emulator_factory):
    emulator = emulator_factory(tls=True)

    answer = requests.get(
        emulator.url + SMTP_PATH, auth=ADMIN, verify=emulator.ca_path, proxies=through(forward_proxy), timeout=10
    )

    assert answer.status_code == 200
    assert forward_proxy.requests == [ProxiedRequest("CONNECT", f"127.0.0.1:{emulator.port}")]


def test_proxy_tunnels_an_https_write(forward_proxy, emulator_factory):
    emulator = emulator_factory(tls=True)

    options = {"auth": ADMIN, "verify": emulator.ca_path, "proxies": through(forward_proxy), "timeout": 10}

    with requests.Session() as session:
        write = session.put(emulator.url + SMTP_PATH, data=settings_body(port="587").encode(), **options)
        read = session.get(emulator.url + SMTP_PATH, **options)

    assert (write.status_code, read.status_code) == (201, 200)
    assert "<port>587</port>" in read.text


def test_proxy_answers_502_when_the_target_is_unreachable(forward_proxy, closed_port):
    answer = requests.get(f"http://127.0.0.1:{closed_port}/", proxies=through(forward_proxy), timeout=10)

    assert answer.status_code == 502


def test_proxy_answers_400_to_an_origin_form_request(forward_proxy):
    with socket.create_connection(("127.0.0.1", forward_proxy.port), timeout=5) as connection:
        connection.sendall(b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")

        answer = connection.recv(4096)

    assert answer.startswith(b"HTTP/1.1 400 ")


def test_proxy_stop_cuts_an_open_tunnel(emulator):
    proxy = ForwardProxy().start()
    connection = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    connection.sendall(f"CONNECT 127.0.0.1:{emulator.port} HTTP/1.1\r\n\r\n".encode())
    assert connection.recv(4096).startswith(b"HTTP/1.1 200 ")
    started = time.monotonic()

    proxy.stop()

    assert connection.recv(4096) == b""
    assert time.monotonic() - started < 5
    connection.close()


def test_proxy_tunnel_ends_when_the_client_closes(forward_proxy, emulator):
    connection = socket.create_connection(("127.0.0.1", forward_proxy.port), timeout=5)
    connection.sendall(f"CONNECT 127.0.0.1:{emulator.port} HTTP/1.1\r\n\r\n".encode())
    connection.recv(4096)

    connection.close()

    deadline = time.monotonic() + 5
    pause = threading.Event()
    while emulator.open_connections and time.monotonic() < deadline:
        pause.wait(0.02)
    assert emulator.open_connections == 0


def test_proxy_records_request_headers_but_compares_without_them(forward_proxy, emulator):
    with socket.create_connection(("127.0.0.1", forward_proxy.port), timeout=5) as connection:
        connection.sendall(f"CONNECT 127.0.0.1:{emulator.port} HTTP/1.1\r\nUser-Agent: probe\r\n\r\n".encode())
        connection.recv(4096)

    (connect,) = forward_proxy.requests

    assert connect == ProxiedRequest("CONNECT", f"127.0.0.1:{emulator.port}")
    assert connect.headers == (("User-Agent", "probe"),)
