"""The forward proxy's own guarantees; what it carries is proved through the modules (test_proxy_and_path.py)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from tests.emulator.proxy import ForwardProxy, ProxiedRequest


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


@pytest.mark.parametrize("status", [407, 502, 302])
def test_echo_mode_quotes_the_proxy_credentials_and_forwards_nothing(status):
    with ForwardProxy(echo_status=status) as proxy:
        proxies = {"http": f"http://user:pa%40ss@127.0.0.1:{proxy.port}"}
        answer = requests.get("http://127.0.0.1:9/x", proxies=proxies, allow_redirects=False, timeout=10)
        port = proxy.port

    assert answer.status_code == status
    assert "credentials: user:pa@ss" in answer.text
    assert "Proxy-Authorization: Basic dXNlcjpwYUBzcw==" in answer.text
    if status == 302:
        assert answer.headers["Location"] == f"http://user:pa%40ss@127.0.0.1:{port}/login"
