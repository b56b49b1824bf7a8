"""The forward proxy's own guarantees; what it carries is proved through the modules (test_proxy_and_path.py)."""

from __future__ import annotations

import socket
import threading
import time

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
