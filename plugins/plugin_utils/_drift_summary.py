# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The fleet summary the drift_report callback prints after the recap: counts, then each server that needs a look.

Plain text without colour or markup, so it reads the same in a terminal, a CI log and AWX's job output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import scrub_text
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import status_label, value_text

# Long fleets and long lists are cut with "and N more": the files and the mail hold everything.
MAX_SERVERS = 25
MAX_FIELDS = 6
MAX_MESSAGE = 200
PROBLEMS = ("failed", "unreachable")
LISTED = ("failed", "unreachable", "drifted")
MODE_LABELS = {"check": "check mode", "applied": "changes applied", "mixed": "check mode and applied"}


def more(count: int) -> str:
    return f"and {count} more"


def summary_value(value: Any) -> str:
    """A field value as the summary shows it: text quoted on one line, anything else as the report writes it."""
    if isinstance(value, str):
        return "'" + " ".join(value.split()).replace("'", "\\'") + "'"
    return value_text(value)


def field_change(name: str, state: Mapping[str, Any]) -> str:
    """``host: 'a' -> 'b'``; the password only ever as ``password: <changed>`` or its before and after states."""
    if name == "password":
        if state.get("after") in ("would change", "changed"):
            return "password: <changed>"
        return f"password: {state.get('before')} -> {state.get('after')}"
    return f"{name}: {summary_value(state.get('before'))} -> {summary_value(state.get('after'))}"


def host_changes(host: Mapping[str, Any]) -> list[str]:
    """Every differing field of a host's checks, each once, in the report's column order."""
    changes: list[str] = []
    for check in host["checks"]:
        for name, state in check["fields"].items():
            text = field_change(name, state)
            if state.get("differs") and text not in changes:
                changes.append(text)
    return changes


def host_line(host: Mapping[str, Any], drifted_label: str) -> str:
    status = host["status"]
    if status in PROBLEMS:
        check = next(check for check in host["checks"] if check["status"] == status)
        message = scrub_text(" ".join(str(check.get("msg") or "").split()), MAX_MESSAGE)
        return f"  {host['host']}: {status}: {message}"
    changes = host_changes(host)
    if not changes and any(check.get("hidden") for check in host["checks"]):
        return f"  {host['host']}: {drifted_label} (hidden by no_log)"
    shown = changes[:MAX_FIELDS] + ([more(len(changes) - MAX_FIELDS)] if len(changes) > MAX_FIELDS else [])
    return f"  {host['host']}: {drifted_label}: {', '.join(shown)}"


def render_summary(report: Mapping[str, Any], max_servers: int = MAX_SERVERS) -> str:
    """The summary as lines of text: a title with the counts, then failed, unreachable and drifted servers."""
    counts, mode = report["counts"], report["mode"]
    drifted_label = status_label("drifted", mode)
    parts = [
        f"{counts['in_sync']} in sync",
        f"{counts['drifted']} {drifted_label}",
        f"{counts['failed']} failed",
        f"{counts['unreachable']} unreachable",
    ]
    if counts.get("skipped"):
        parts.append(f"{counts['skipped']} skipped")
    lines = [f"FLEXI SMTP DRIFT SUMMARY ({MODE_LABELS.get(mode, mode)}): {counts['hosts']} servers, {', '.join(parts)}"]
    listed = [host for status in LISTED for host in report["hosts"] if host["status"] == status]
    lines += [host_line(host, drifted_label) for host in listed[:max_servers]]
    if len(listed) > max_servers:
        lines.append(f"  {more(len(listed) - max_servers)} servers (see the report files or the mail)")
    return "\n".join(lines)
