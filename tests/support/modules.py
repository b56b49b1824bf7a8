"""Run a module's ``main()`` in process, on every ansible-core the collection supports, and read its result."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings
from ansible.module_utils.common.parameters import PASS_VARS

# The emulator's default admin account.
API_USER = "admin"
API_PASSWORD = "admin-secret"
COMPANY = "demo_s_r_o_"

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.16 to 2.18 read the arguments from basic._ANSIBLE_ARGS

    @contextmanager
    def patch_module_args(args: dict[str, Any] | None = None) -> Iterator[None]:
        """Expose ``args`` to every AnsibleModule created inside the block."""
        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield


def warning_texts(result: dict[str, Any]) -> list[str]:
    """The warnings of a module result as text: plain strings before ansible-core 2.19, summaries from 2.19 on."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


class ModuleRunner:
    """``run(name, args, check_mode=False, diff=False)``: the module's result, ``failed`` set on failure.

    Everything a run printed stays in ``outputs``, so tests can search it for secrets.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.outputs: list[str] = []

    def __call__(self, name: str, args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
        module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.modules.{name}")
        full_args = {
            **args,
            "_ansible_check_mode": check_mode,
            "_ansible_diff": diff,
            "_ansible_module_name": f"abraflexi.flexi.{name}",
            # ansible-core 2.21 adds `invocation` to a result only when asked; older ones always do.
            **({"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}),
        }
        # ansible-core keeps warnings in module-level state; each run starts without the last run's.
        _clear(warnings, "_global_warnings")
        _clear(warnings, "_global_deprecations")
        with patch_module_args(full_args), _as_module_process(), pytest.raises(SystemExit):
            module.main()
        captured = self.capsys.readouterr()
        self.outputs.append(captured.out + captured.err)
        return json.loads(captured.out)


@contextmanager
def _as_module_process() -> Iterator[None]:
    """Run as a module process would, even after this test process imported controller code.

    From ansible-core 2.19 on, importing controller code sets a process-wide flag, and module_utils then hand
    warnings to the controller's display instead of putting them in the module result.
    """
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core before 2.19
        yield
        return
    was_controller = getattr(_internal, "is_controller", False)
    _internal.is_controller = False
    try:
        yield
    finally:
        _internal.is_controller = was_controller


def _clear(module: Any, name: str) -> None:
    collection = getattr(module, name, None)
    if collection is not None:
        collection.clear()
