"""Fixtures for the security tests: the collection installed where the modules can import it."""

from __future__ import annotations

from tests.support.collection import install

install()
