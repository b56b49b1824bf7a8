"""Fixtures for the unit tests: canned Flexi answers read from tests/unit/fixtures/, and one emulator for the
session (each test gets it reset: default settings, no requests logged, no faults queued)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.collection import install

install()

from tests.emulator.server import EmulatorOptions, EmulatorServer  # noqa: E402  (after the collection is importable)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def flexi_answer() -> Callable[[str], bytes]:
    """Return a loader: ``flexi_answer("read_vendor_sample.xml")`` gives that file's bytes."""

    def load(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return load


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorOptions()) as server:
        yield server


@pytest.fixture
def emulator(session_emulator: EmulatorServer) -> EmulatorServer:
    """The session's emulator, reset for this test."""
    session_emulator.reset()
    return session_emulator
