"""The concurrency tests run ansible-playbook against the emulator; the collection must be importable for it."""

from __future__ import annotations

from tests.support.collection import install

install()
