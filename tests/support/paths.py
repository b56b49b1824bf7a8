"""Run a module on either execution path in this process: "module" (its main()) or "direct" (the action's)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from tests.support.modules import ModuleRunner, warning_texts

PATHS = ("module", "direct")


def run_on(path: str, run_module: ModuleRunner, name: str, args: dict[str, Any], check_mode: bool = False) -> dict:
    """The result of module ``name`` run with ``args`` on ``path``; warnings as plain texts on both paths."""
    if path == "module":
        result = run_module(name, args, check_mode=check_mode)
    else:
        try:
            direct = importlib.import_module("ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct")
        except ImportError:  # ansible-test units on a module-side Python offers module_utils only, no controller
            pytest.skip("direct execution is controller code; the controller Python's cells run this case")
        module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.modules.{name}")
        result = direct.run_module_code(module.CONTRACT, f"abraflexi.flexi.{name}", args, check_mode)
    return {**result, "warnings": warning_texts(result)}
