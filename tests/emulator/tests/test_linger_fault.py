"""The linger fault: an answer without a length whose connection never ends, one space at a time."""

from __future__ import annotations

from tests.emulator.faults import Fault
from tests.emulator.tests.test_hostile_faults import raw_get


def test_linger_sends_the_document_without_a_length_then_spaces_and_keeps_the_line_open(emulator):
    emulator.inject(Fault("linger", delay=0.2))
    connection = raw_get(emulator.port)
    received = b""
    while not received.endswith(b">  ") and not received.endswith(b">\n  "):
        chunk = connection.recv(65536)
        assert chunk, "the emulator closed the connection"
        received += chunk
    connection.close()

    head = received.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"content-length" not in head
    assert b"connection: close" in head
