"""Loopback addresses for tests: a port that nobody listens on, and nobody else can take."""

from __future__ import annotations

import collections
import socket

# Bound but never listening: connecting is refused, and no other server (say, one started by a test running in
# parallel) can be given the port while the socket is held. The oldest are let go after this many.
_HELD = collections.deque(maxlen=64)


def closed_port() -> int:
    """A loopback port on which every connection is refused, held for the rest of the test run."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    if len(_HELD) == _HELD.maxlen:
        _HELD[0].close()
    _HELD.append(sock)
    return sock.getsockname()[1]
