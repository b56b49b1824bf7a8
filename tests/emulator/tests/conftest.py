"""Fixtures for the emulator's own tests: HTTP clients bound to an emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest

from tests.emulator.server import EmulatorServer
from tests.emulator.tests.flexi_client import FlexiClient


@pytest.fixture
def flexi_with(emulator_factory: Callable[..., EmulatorServer]) -> Iterator[Callable[..., FlexiClient]]:
    """A client of an emulator started with EmulatorOptions overrides: `flexi_with(error_shape="errors")`."""
    clients: list[FlexiClient] = []

    def start(**overrides: Any) -> FlexiClient:
        client = FlexiClient(emulator_factory(**overrides))
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()


@pytest.fixture
def flexi(flexi_with: Callable[..., FlexiClient]) -> FlexiClient:
    """A client of an emulator with default options."""
    return flexi_with()
