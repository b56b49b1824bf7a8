# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Direct execution: run a module's code in the controller process when the task runs on the controller anyway.

A task on the ``local`` connection would fork a Python process that imports ansible-core's module code, requests
and lxml all over again to make one HTTP request. ``DirectAction`` runs the module's contract (its options and
task function, the same ``ModuleContract`` its ``main()`` hands to ``FlexiModule``) in the worker instead,
with the same argument validation, masking and result shape as ``FlexiModule``; every other task (another
connection, ``async``, ``become``, ``abraflexi_direct_execution: false``, or a controller without requests and
lxml) goes the usual way through ``ansible.builtin.normal``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction

from ansible_collections.abraflexi.flexi.plugins.module_utils._module import ModuleContract, execute
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import LongestFirst
from ansible_collections.abraflexi.flexi.plugins.module_utils._requirements import missing_library

try:  # ansible-core 2.19+: a failed module result is told apart from a failed action ("Module failed: ...").
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:
    AnsibleModuleCapturedError = None
try:  # ansible-core 2.21+: results are typed, and only one read as a module's says "Module failed: ...".
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None

SWITCH = "abraflexi_direct_execution"
LOCAL_TRANSPORTS = ("local",)


def direct_execution_wanted(value: Any) -> bool:
    """Whether the value of ``abraflexi_direct_execution`` allows direct execution (unset: yes)."""
    if value is None:
        return True
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleActionFail(f"{SWITCH} must be a boolean (true or false), not {value!r}.") from None


@contextmanager
def task_environment(environment: Mapping[str, Any]) -> Iterator[None]:
    """Set the task's ``environment:`` in os.environ for the duration, then restore every variable exactly."""
    saved = {name: os.environ.get(name) for name in environment}
    try:
        os.environ.update({name: str(value) for name, value in environment.items()})
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_module_code(
    contract: ModuleContract,
    module_name: str,
    args: Mapping[str, Any],
    check_mode: bool,
    inject_invocation: bool = True,
) -> dict[str, Any]:
    """Validate ``args`` against the module's full spec and run it, returning what FlexiModule would return.

    Validation errors read as AnsibleModule words them; ``invocation`` and every value are masked with the
    spec's no_log values plus the task's secrets, as ``AnsibleModule`` masks its exit.
    """
    validation = ArgumentSpecValidator(contract.argument_spec()).validate(dict(args))
    params = {**args, **validation.validated_parameters}
    no_log_values = set(validation._no_log_values) | contract.secrets(params)
    if validation.error_messages:
        msg = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            msg = f"Unsupported parameters for ({module_name}) module: {msg}"
        return finish({"failed": True, "msg": msg}, params, [], no_log_values, inject_invocation)
    outcome = execute(contract.task_function, params, check_mode, no_log_values)
    result = dict(outcome.result)
    if outcome.failed:
        result["failed"] = True
        if outcome.exception:
            result["exception"] = outcome.exception
    return finish(result, params, list(outcome.warnings), no_log_values, inject_invocation)


def finish(
    result: dict[str, Any],
    params: Mapping[str, Any],
    warnings: list[str],
    no_log_values: set[str],
    inject_invocation: bool = True,
) -> dict[str, Any]:
    """Add ``invocation`` (when asked) and ``warnings`` and mask the whole result as AnsibleModule does on exit."""
    if inject_invocation:
        result = {**result, "invocation": {"module_args": dict(params)}}
    if warnings:
        result["warnings"] = warnings
    # AnsibleModule keeps booleans and None of the top level as they are, whatever the no_log values.
    preserved = {key: value for key, value in result.items() if value is None or isinstance(value, bool)}
    masked = remove_values(result, LongestFirst(no_log_values))
    masked.update(preserved)
    return masked


def inject_invocation(task_vars: Mapping[str, Any]) -> bool:
    """Whether modules add ``invocation`` to their result: since ansible-core 2.21 only when INJECT_INVOCATION is
    on, before it always."""
    try:
        return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))
    except AnsibleError:  # the setting does not exist before 2.21
        return True


class DirectAction(NormalAction):
    """Runs ``CONTRACT`` in the controller when the task runs on the controller, else the module as usual."""

    CONTRACT: ModuleContract | None = None

    def direct_execution_applies(self, task_vars: Mapping[str, Any]) -> bool:
        """Local connection, no async, no become, the switch not off, and the module's libraries importable."""
        if self.CONTRACT is None or missing_library() is not None:
            return False
        if getattr(self._connection, "transport", None) not in LOCAL_TRANSPORTS:
            return False
        if self._task.async_val or self._play_context.become:
            return False
        return direct_execution_wanted(self._templar.template(task_vars.get(SWITCH)))

    def run(self, tmp: str | None = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        task_vars = task_vars or {}
        if not self.direct_execution_applies(task_vars):
            return super().run(tmp, task_vars)
        environment: dict[str, Any] = {}
        self._compute_environment_string(environment)
        with task_environment(environment):
            result = run_module_code(
                self.CONTRACT,
                self._task.action,
                self._task.args,
                bool(self._task.check_mode),
                inject_invocation(task_vars),
            )
        return as_module_result(result)


def as_module_result(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` as ansible-core reads a module's, so a failure prints "Module failed: ..." on every core."""
    if hasattr(UnifiedTaskResult, "from_module_result_dict"):
        return UnifiedTaskResult.from_module_result_dict(result).as_result_dict(for_round_trip=True)
    if AnsibleModuleCapturedError is not None:
        AnsibleModuleCapturedError.normalize_result_exception(result)
    return result
