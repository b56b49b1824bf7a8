"""Fixtures for the security tests: run a module's main() in process, and hostile stand-ins for Flexi."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any, Callable

import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

from tests.collection_path import install
from tests.security.stub import Script, StubServer

install()

API_USER = "admin"
API_PASSWORD = "admin-secret"


def warning_texts(result: dict[str, Any]) -> list[str]:
    """The warnings of a module result as text: plain strings before ansible-core 2.19, summaries from 2.19 on."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


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
        # Warnings collect in module-level state of ansible-core; each run starts without the last run's.
        warnings._global_warnings.clear()
        warnings._global_deprecations.clear()
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
