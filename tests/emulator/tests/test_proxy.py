"""The forward proxy's own guarantees; what it carries is proved through the modules (test_proxy_and_path.py,
tests/security/test_proxy_credentials.py)."""

from __future__ import annotations

import socket
import time

from tests.emulator.proxy import ForwardProxy


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
