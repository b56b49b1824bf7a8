"""Fixtures for the security tests: run a module's main() in process, and hostile stand-ins for Flexi."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from tests.collection_path import install
from tests.module_args import patch_module_args
from tests.security.stub import Script, StubServer

install()

API_USER = "admin"
API_PASSWORD = "admin-secret"


@pytest.fixture
def module_args(emulator) -> dict[str, Any]:
    """Connection options that reach the ``emulator`` fixture as its admin user."""
    return {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}


@pytest.fixture
def run_module(capsys) -> Callable[..., dict[str, Any]]:
    """Run a module's ``main()`` with the given args and return its result; ``run.outputs`` keeps all it printed."""

    def run(name: str, args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
        module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.modules.{name}")
        full_args = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
        with patch_module_args(full_args), pytest.raises(SystemExit):
            module.main()
        captured = capsys.readouterr()
        run.outputs.append(captured.out + captured.err)
        return json.loads(captured.out)

    run.outputs = []
    return run


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
