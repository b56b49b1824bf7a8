"""The vanish fault: the request gets its answer, then the emulator refuses every new connection."""

from __future__ import annotations

import socket

import pytest

from tests.emulator.faults import Fault


def test_vanish_answers_then_refuses_new_connections(flexi):
    flexi.emulator.inject(Fault("vanish"))

    answer = flexi.get()

    assert answer.status_code == 200
    assert answer.headers["Connection"] == "close"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", flexi.emulator.port), timeout=5)
