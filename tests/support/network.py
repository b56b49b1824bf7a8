"""Loopback addresses for tests: a port that nobody listens on."""

from __future__ import annotations

import socket


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
