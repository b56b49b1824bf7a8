"""Fixtures for the security tests: hostile stand-ins for Flexi."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Callable

import pytest

from tests.security.stub import Script, StubServer
from tests.support.collection import install

install()


@pytest.fixture
def stub_factory() -> Iterator[Callable[..., StubServer]]:
    """Start stub servers: ``stub_factory(script)`` answers with ``script(request)``; no script answers 404."""
    started: list[StubServer] = []

    def start(script: Script | None = None) -> StubServer:
        stub = StubServer(script).start()
        started.append(stub)
        return stub

    yield start
    for stub in reversed(started):
        stub.stop()
