"""The unit tests' emulator: one for the session, reset for each test (default settings, no requests, no faults)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.collection import install

install()

from tests.emulator.server import EmulatorOptions, EmulatorServer  # noqa: E402  (after the collection is importable)


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorOptions()) as server:
        yield server


@pytest.fixture
def emulator(session_emulator: EmulatorServer) -> EmulatorServer:
    """The session's emulator, reset for this test."""
    session_emulator.reset()
    return session_emulator
