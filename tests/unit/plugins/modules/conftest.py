"""Fixtures for running the modules' main() in process against the emulator."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.module_args import patch_module_args

API_PASSWORD = "admin-secret"


@pytest.fixture
def module_args(emulator) -> dict[str, Any]:
    """Connection options that reach the ``emulator`` fixture as its admin user."""
    return {"url": emulator.url, "company": "demo_s_r_o_", "username": "admin", "password": API_PASSWORD}


@pytest.fixture
def run_module(capsys) -> Callable[..., dict[str, Any]]:
    """Run a module's ``main()`` with the given args and return its result (``failed`` set on failure).

    Everything the module printed is kept in ``run.outputs`` so tests can search it for secrets.
    """

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
