"""Controller code for the in-process tests of direct execution, imported only when a test runs."""

from __future__ import annotations

import importlib
from types import ModuleType


def controller_code() -> ModuleType:
    """The direct-execution helper (controller code), imported only when a test runs."""
    return importlib.import_module("ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct")
