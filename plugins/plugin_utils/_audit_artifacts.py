# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The audit as ``ansible_stats``: what a flexi_smtp result adds to the run's custom stats (AWX's job artifacts).

ansible-core merges the ``ansible_stats`` of every ok result into the run's custom stats; with ``aggregate`` a
dict merges into the dict already there, key by key and recursively. AWX stores the merged ``_run`` stats as the
job's ``artifacts``, and merges the artifacts of a sliced job's slices by top-level key only, the last slice
winning. So each server gets a top-level key of its own, and each of its checks a key inside it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import (
    field_states,
    item_label,
    scrub_text,
)

SWITCH = "abraflexi_audit_artifacts"
KEY_PREFIX = "abraflexi_audit_"
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]")


def audit_artifacts_wanted(value: Any) -> bool:
    """Whether the value of ``abraflexi_audit_artifacts`` asks for the stats (unset: no)."""
    return value is not None and boolean(value, strict=False)


def artifact_key(host: str) -> str:
    """The top-level key of a server: a valid variable name (AWX passes artifacts on as extra variables).

    A name that had to be changed for that gets a short hash of the original, so ``flexi-1`` and ``flexi_1``
    keep separate keys.
    """
    safe = _NOT_IDENTIFIER.sub("_", host)
    if safe != host:
        safe += "_" + hashlib.sha256(host.encode("utf-8")).hexdigest()[:8]
    return KEY_PREFIX + safe


def check_key(task: str, item: str | None) -> str:
    return f"{task} [{item}]" if item is not None else task


def audit_entry(result: Mapping[str, Any], check_mode: bool, target: Mapping[str, Any], hidden: bool) -> dict:
    """One check of a server: status, mode, which Flexi and company, and only the fields that differ.

    No response bodies, no settings beyond the differing fields, passwords only as their states.
    """
    fields = {} if hidden else field_states(result.get("diff"), check_mode)
    changes = {
        name: {"before": state["before"], "after": state["after"]} for name, state in fields.items() if state["differs"]
    }
    entry: dict[str, Any] = {
        "status": "drifted" if result.get("changed") or changes else "in_sync",
        "check_mode": check_mode,
    }
    entry.update({key: scrub_text(str(target[key])) for key in ("url", "company") if target.get(key)})
    entry["changes"] = changes
    if hidden:
        entry["hidden"] = True
    return entry


def audit_stats(
    host: str,
    task: str,
    result: Mapping[str, Any],
    check_mode: bool,
    target: Mapping[str, Any],
    loop_item: Mapping[str, Any] | None = None,
    hidden: bool = False,
) -> dict[str, Any] | None:
    """The ``ansible_stats`` of a flexi_smtp result, or None when the result is not ok (failed or skipped).

    ``loop_item`` is ``{"ansible_loop_var": name, name: value}`` inside a loop, ``target`` the task's url and company.
    """
    if result.get("failed") or result.get("skipped") or result.get("unreachable"):
        return None
    host, task = scrub_text(host), scrub_text(task)
    item = item_label(loop_item) if loop_item else None
    check = audit_entry(result, check_mode, target, hidden)
    entry: dict[str, Any] = {"host": host, "checks": {check_key(task, item): check}}
    if check["status"] == "drifted":
        # Only ever set to true: merged with the server's other checks, one drifted check marks the server.
        entry["drifted"] = True
    return {"data": {artifact_key(host): entry}, "per_host": False, "aggregate": True}
