# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The base of every module: connection options, secrets, dependency check, failures (internal to abraflexi.flexi).

A module is its documentation and a ``ModuleContract``: its own options and a task function, ``f(task)``. ``execute``
runs that function and turns whatever it raises into the module's failure, masked; ``FlexiModule`` does that inside
``AnsibleModule``, and direct execution (plugin_utils/_direct.py) in the controller, from the same contract.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, NoReturn

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import (
    connection_argument_spec,
    task_secrets,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import NO_HTTP_STATUS, FlexiError, trim_response
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import LongestFirst, redact
from ansible_collections.abraflexi.flexi.plugins.module_utils._requirements import missing_library


class Task:
    """One run of a module: its checked options, check mode, the result it builds and its warnings."""

    def __init__(self, params: Mapping[str, Any], check_mode: bool = False) -> None:
        self.params = params
        self.check_mode = check_mode
        self.result: dict[str, Any] = {}
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)


# What a module does with one task: reads task.params, fills task.result, raises FlexiError on failure.
TaskFunction = Callable[[Task], None]


class ModuleContract(NamedTuple):
    """What a module hands to FlexiModule and to direct execution: its own options and its task function."""

    options: Mapping[str, Any]
    task_function: TaskFunction

    def argument_spec(self) -> dict[str, Any]:
        """The whole argument spec: the connection options, then the module's own."""
        return {**connection_argument_spec(), **self.options}

    def secrets(self, params: Mapping[str, Any]) -> set[str]:
        """Every secret of a task with these params, derived from the spec's no_log options (see task_secrets)."""
        return task_secrets(params, self.argument_spec())


class Outcome(NamedTuple):
    """What a run returns to Ansible, every secret masked: the result (with `failed` set on failure)."""

    result: dict[str, Any]
    warnings: list[str]
    failed: bool
    exception: str | None = None


def execute(task_function: TaskFunction, params: Mapping[str, Any], check_mode: bool, secrets: set[str]) -> Outcome:
    """Run ``task_function`` on params; a FlexiError or any other exception becomes a failure (msg, status, ...)."""
    task = Task(params, check_mode)
    exception = None
    try:
        task_function(task)
    except FlexiError as exc:
        result = {**task.result, **exc.fail_kwargs()}
    except Exception as exc:  # a bug or a library failure we did not foresee: still a clean, masked failure
        failure = FlexiError(f"Unexpected error ({type(exc).__name__}): {exc}", NO_HTTP_STATUS)
        result = {**task.result, **failure.fail_kwargs()}
        exception = redact(traceback.format_exc(), secrets)
    else:
        return Outcome(redact(task.result, secrets), redact(task.warnings, secrets), failed=False)
    # Mask first, then trim: a secret across the cut must not leave its first characters behind.
    result = redact(result, secrets)
    result["response"] = trim_response(result["response"])
    return Outcome(result, redact(task.warnings, secrets), failed=True, exception=exception)


class FlexiModule(AnsibleModule):
    """AnsibleModule for a ModuleContract: its options with the connection options, every secret masked."""

    def __init__(self, contract: ModuleContract) -> None:
        self.contract = contract
        super().__init__(argument_spec=contract.argument_spec(), supports_check_mode=True)
        self._register_secrets()

    def _register_secrets(self) -> set[str]:
        # self.params holds the options as given before validation, so this works for a refusal there too.
        secrets = self.contract.secrets(getattr(self, "params", None) or {})
        self.no_log_values = LongestFirst(self.no_log_values | secrets)
        return secrets

    def fail_json(self, msg: str, **kwargs: Any) -> NoReturn:
        secrets = self._register_secrets()
        super().fail_json(**redact({"msg": msg, **kwargs}, secrets))

    def run(self) -> NoReturn:
        """Check the libraries, execute the contract's run function and exit with its result or failure."""
        missing = missing_library()
        if missing:
            self.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
        secrets = self._register_secrets()
        outcome = execute(self.contract.task_function, self.params, self.check_mode, secrets)
        for warning in outcome.warnings:
            self.warn(warning)
        if outcome.failed:
            extra = {"exception": outcome.exception} if outcome.exception else {}
            self.fail_json(**outcome.result, **extra)
        self.exit_json(**outcome.result)
