# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action of abraflexi.flexi.flexi_smtp: runs the module in the controller process on the local connection."""

from __future__ import annotations

from typing import Any

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import (
    SWITCH as AUDIT_SWITCH,
)
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import (
    audit_artifacts_wanted,
    audit_stats,
)
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct import DirectAction
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import invoked_args

# Imported here, when the strategy first loads this action, so every forked worker inherits the module's code,
# requests and lxml instead of importing them per task. Without requests or lxml the module runs as usual.
try:
    from ansible_collections.abraflexi.flexi.plugins.modules.flexi_smtp import CONTRACT
except ImportError:
    CONTRACT = None


class ActionModule(DirectAction):
    CONTRACT = CONTRACT

    def run(self, tmp: str | None = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        # Here on both paths, and only here: the module never sees the play's variables.
        if audit_artifacts_wanted(self._templar.template(task_vars.get(AUDIT_SWITCH))):
            stats = audit_stats(**self._audit_context(result, task_vars))
            if stats is not None:
                result["ansible_stats"] = stats
        return result

    def _audit_context(self, result: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        invoked = invoked_args(result)
        target = self._task.args if invoked is None else invoked
        loop_var = task_vars.get("ansible_loop_var")
        loop_item = {"ansible_loop_var": loop_var, loop_var: task_vars.get(loop_var)} if loop_var else None
        return {
            "host": str(task_vars.get("inventory_hostname", "")),
            "task": self._task.get_name(),
            "result": result,
            "check_mode": bool(self._task.check_mode),
            "target": {key: target.get(key) for key in ("url", "company")},
            "loop_item": loop_item,
            "hidden": bool(self._task.no_log),
        }
