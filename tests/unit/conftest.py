"""Fixtures for the unit tests: canned Flexi answers read from tests/unit/fixtures/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.collection import install

install()

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def flexi_answer() -> Callable[[str], bytes]:
    """Return a loader: ``flexi_answer("read_vendor_sample.xml")`` gives that file's bytes."""

    def load(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return load
