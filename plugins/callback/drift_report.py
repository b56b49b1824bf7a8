# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# ruff: noqa: E402 (Ansible's convention: DOCUMENTATION comes before the imports)

DOCUMENTATION = r"""
name: drift_report
type: aggregate
short_description: Write one drift report of every flexi_smtp task in a run, as JSON, Markdown and HTML
version_added: 0.1.0
description:
  - Collects the result of every M(abraflexi.flexi.flexi_smtp) task in a playbook run and, when the run ends, writes
    one report in three forms into O(report_dir), C(drift-report.json) for machines, C(drift-report.md) for a ticket
    and C(drift-report.html), a self-contained page without external assets. It prints one line per file written.
  - Run the provisioning playbook with C(--check) and the report is a drift audit, what differs on which server.
    Without check mode it reports what was changed. The title says which.
  - Every host is counted once, as in sync, drifted (changed, outside check mode), failed, unreachable or skipped.
    A host counts as unreachable when Ansible could not reach it or when Flexi gave no HTTP answer (status -1).
    A host that stopped at an earlier task of a play that runs M(abraflexi.flexi.flexi_smtp) is reported as failed
    or unreachable with that task's message.
  - A task with a loop, and several M(abraflexi.flexi.flexi_smtp) tasks per host, give one row per task and item.
  - Passwords appear only as V(set), V(not set), V(would change) (check mode) or V(changed). Keys named like a
    password, secret or token are dropped, and credentials in URLs and C(password=...) pairs in messages are masked.
  - Only enabled callbacks run, so this one has to be enabled in configuration.
author:
  - abraflexi.flexi maintainers (@abraflexi)
requirements:
  - Enable in configuration, for example C(callbacks_enabled = abraflexi.flexi.drift_report) in the C([defaults])
    section of C(ansible.cfg), or E(ANSIBLE_CALLBACKS_ENABLED=abraflexi.flexi.drift_report).
options:
  report_dir:
    description:
      - Folder the report files are written to; created when missing. Files of an earlier run are replaced.
      - A relative path is relative to the current folder, or to the folder of C(ansible.cfg) when set there.
    type: path
    default: ./flexi-drift-report
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_DIR
    ini:
      - section: abraflexi_flexi_drift
        key: report_dir
  formats:
    description:
      - The forms of the report to write.
    type: list
    elements: str
    choices: [json, markdown, html]
    default: [json, markdown, html]
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_FORMATS
    ini:
      - section: abraflexi_flexi_drift
        key: formats
seealso:
  - module: abraflexi.flexi.flexi_smtp
"""

import datetime
import html
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible import context
from ansible.plugins.callback import CallbackBase

ACTION = "abraflexi.flexi.flexi_smtp"
CHANGED_PASSWORD = "<changed>"  # the module's only spelling of a password in a diff (design.md, rule 4)
MASK = "********"
FORMAT_VERSION = 1
FILE_NAMES = {"json": "drift-report.json", "markdown": "drift-report.md", "html": "drift-report.html"}
FORMAT_LABELS = {"json": "JSON", "markdown": "Markdown", "html": "HTML"}

# Columns in this order; fields the module may add later follow, sorted.
FIELDS = ("host", "port", "encryption_mode", "smtp_username", "default_from", "password")
FIELD_LABELS = {
    "host": "SMTP host",
    "port": "Port",
    "encryption_mode": "Encryption",
    "smtp_username": "SMTP login",
    "default_from": "Default sender",
    "password": "Password",
}
# Host status from its checks: the first of these that any check has.
STATUS_ORDER = ("failed", "unreachable", "drifted", "in_sync", "skipped")
COUNTED = ("in_sync", "drifted", "failed", "unreachable", "skipped")
PASSWORD_STATES = {"set", "not set", "would change", "changed"}

_SECRET_NAME = re.compile(r"pass(?:word|wd|phrase)?|pwd|secret|token|credential|api[_-]?key|private[_-]?key", re.I)
_URL_USERINFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@", re.I)
# name=value, name: value, "name": "value" (JSON), ?name=value& (query strings); quoted values up to their quote.
_SECRET_PAIR = re.compile(
    r"""(?P<name>[\w.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key)[\w.-]*)(?P<sep>["']?\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"',;&)\]}]+)""",
    re.I,
)
_SECRET_ELEMENT = re.compile(
    r"<(?P<tag>[\w:-]*(?:pass|secret|token)[\w:-]*)(?P<attrs>\s[^>]*)?>(?P<value>[^<]+)</(?P=tag)>", re.I
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_TEXT = 1000
MAX_LABEL = 120


# Redaction: the module masks its secrets already; the report never trusts that (a value it does not know how to
# show safely is dropped, not printed).


def is_secret_name(name: str) -> bool:
    """Whether a key's name says it holds a secret (password, passwd, secret, token, API key ...)."""
    return bool(_SECRET_NAME.search(name))


def scrub_text(text: str, limit: int = MAX_TEXT) -> str:
    """Mask credentials in URLs, ``password=...`` style pairs and password-like XML elements; trim to ``limit``.

    Control characters other than tab and newline are shown as ``\\xNN`` (browsers would drop or replace them).
    """
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)
    text = _URL_USERINFO.sub(r"\1", text)
    text = _SECRET_PAIR.sub(_mask_pair, text)
    text = _SECRET_ELEMENT.sub(lambda match: f"<{match['tag']}{match['attrs'] or ''}>{MASK}</{match['tag']}>", text)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


def _mask_pair(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    quote = value[0] if value[:1] in ('"', "'") else ""
    bare = value[1:-1] if quote else value
    if name.lower().endswith("_set") or bare.lower() in ("", CHANGED_PASSWORD, "true", "false", "none", "null"):
        return match[0]
    return f"{name}{match['sep']}{quote}{MASK}{quote}"


def scrub(value: Any) -> Any:
    """``value`` with secret-named keys dropped and every string passed through scrub_text."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {str(key): scrub(item) for key, item in value.items() if not is_secret_name(str(key))}
    if isinstance(value, (list, tuple, set)):
        return [scrub(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_text(str(value))


def shown_value(value: Any) -> Any:
    """A field value as the report shows it: scalars as they are (text scrubbed), anything else as compact JSON."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return scrub_text(value)
    return scrub_text(json.dumps(scrub(value), sort_keys=True, default=str))


# The model: one check per flexi_smtp result (per loop item), grouped by host.


@dataclass
class Check:
    """One flexi_smtp result: a host, a task (and loop item), its status and its fields before and after."""

    host: str
    task: str
    status: str
    check_mode: bool
    item: str | None = None
    target: dict[str, str] = field(default_factory=dict)
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    msg: str | None = None
    hidden: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "item": self.item,
            "status": self.status,
            "check_mode": self.check_mode,
            "target": dict(self.target),
            "fields": {name: dict(state) for name, state in self.fields.items()},
            "msg": self.msg,
            "hidden": self.hidden,
        }


def password_states(before: Mapping[str, Any], after: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """The password column: only ever "set", "not set", "would change" or "changed"."""
    was = "set" if before.get("password_set") is True else "not set"
    if after.get("password") == CHANGED_PASSWORD:
        will = "would change" if check_mode else "changed"
    else:
        will = "set" if after.get("password_set", before.get("password_set")) is True else "not set"
    return {"before": was, "after": will, "differs": was != will}


def field_states(diff: Any, check_mode: bool) -> dict[str, dict[str, Any]]:
    """Before, after and whether they differ, for every field in a flexi_smtp diff (secret-named keys dropped)."""
    if not isinstance(diff, Mapping):
        return {}
    before = diff.get("before") if isinstance(diff.get("before"), Mapping) else {}
    after = diff.get("after") if isinstance(diff.get("after"), Mapping) else {}
    states: dict[str, dict[str, Any]] = {}
    for name in _ordered_union(before, after):
        if name in ("password", "password_set") or is_secret_name(name):
            continue
        was, will = before.get(name), after.get(name)
        states[name] = {"before": shown_value(was), "after": shown_value(will), "differs": was != will}
    if {"password", "password_set"} & (set(before) | set(after)):
        states["password"] = password_states(before, after, check_mode)
    return {name: states[name] for name in ordered_fields(states)}


def ordered_fields(names: Iterable[str]) -> list[str]:
    """Known fields in column order, then any others (a later module version may add some) by name."""
    names = list(names)
    return [name for name in FIELDS if name in names] + sorted(name for name in names if name not in FIELDS)


def _ordered_union(*mappings: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for mapping in mappings:
        names.extend(str(name) for name in mapping if str(name) not in names)
    return names


def item_label(result: Mapping[str, Any]) -> str | None:
    """The loop item as Ansible labels it (loop_control.label), scrubbed and short."""
    if "_ansible_item_label" in result:
        label = result["_ansible_item_label"]
    elif "ansible_loop_var" in result:
        label = result.get(result["ansible_loop_var"])
    else:
        return None
    text = label if isinstance(label, str) else json.dumps(scrub(label), sort_keys=True, default=str)
    return scrub_text(text, MAX_LABEL)


def target_of(result: Mapping[str, Any]) -> dict[str, str]:
    """The Flexi server and company a result talked to, from the module's invocation (never its credentials)."""
    invocation = result.get("invocation")
    module_args = invocation.get("module_args") if isinstance(invocation, Mapping) else None
    if not isinstance(module_args, Mapping):
        return {}
    return {key: scrub_text(str(module_args[key])) for key in ("url", "company") if module_args.get(key)}


def failure_message(result: Mapping[str, Any]) -> str:
    message = result.get("msg") or result.get("reason") or "failed without a message"
    return scrub_text(str(message))


class DriftCollector:
    """Turns task results into checks and the checks into the report; knows nothing of Ansible's classes."""

    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.playbooks: list[str] = []
        self._stopped: dict[str, Check] = {}  # host -> first failure outside flexi_smtp, in a play that runs it

    def add_result(
        self, host: str, task: str, outcome: str, result: Mapping[str, Any], check_mode: bool
    ) -> list[Check]:
        """Record a flexi_smtp result; ``outcome`` is the event: ok, failed, skipped or unreachable."""
        host, task = scrub_text(host), scrub_text(task)  # a templated task name can hold anything
        if outcome == "unreachable":
            found = [Check(host, task, "unreachable", check_mode, msg=failure_message(result))]
        elif isinstance(result.get("results"), list):
            found = [
                self._check(host, task, self._item_outcome(outcome, item), item, check_mode)
                for item in result["results"]
                if isinstance(item, Mapping)
            ]
        else:
            found = [self._check(host, task, outcome, result, check_mode)]
        self.checks.extend(found)
        return found

    @staticmethod
    def _item_outcome(outcome: str, item: Mapping[str, Any]) -> str:
        if item.get("skipped"):
            return "skipped"
        if item.get("unreachable"):
            return "unreachable"
        if item.get("failed"):
            return "failed"
        return "ok" if outcome != "skipped" else "skipped"

    @staticmethod
    def _check(host: str, task: str, outcome: str, result: Mapping[str, Any], check_mode: bool) -> Check:
        check = Check(host, task, "in_sync", check_mode, item=item_label(result), target=target_of(result))
        if outcome == "skipped":
            check.status = "skipped"
        elif outcome == "unreachable":
            check.status, check.msg = "unreachable", failure_message(result)
        elif outcome == "failed":
            # status -1: no HTTP answer (refused, timeout, TLS), design.md rule 6; for an audit that server is
            # unreachable, which is what Ansible itself says of hosts it cannot connect to.
            check.status = "unreachable" if result.get("status") == -1 else "failed"
            check.msg = failure_message(result)
        elif "censored" in result:  # no_log: true on the task; only `changed` survives
            check.hidden = True
            check.status = "drifted" if result.get("changed") else "in_sync"
        else:
            check.fields = field_states(result.get("diff"), check_mode)
            differs = any(state["differs"] for state in check.fields.values())
            check.status = "drifted" if result.get("changed") or differs else "in_sync"
        return check

    def add_stop(self, host: str, task: str, outcome: str, result: Mapping[str, Any], check_mode: bool) -> None:
        """Remember the first task that failed or was unreachable on a host, in a play that runs flexi_smtp."""
        host, task = scrub_text(host), scrub_text(task)
        if host in self._stopped:
            return
        status = "unreachable" if outcome == "unreachable" else "failed"
        message = f'Stopped at task "{task}", before any flexi_smtp task: {failure_message(result)}'
        self._stopped[host] = Check(host, task, status, check_mode, msg=message)

    def hosts(self) -> dict[str, list[Check]]:
        """Checks by host in the order hosts first appeared; hosts that stopped early get their stop as a check."""
        by_host: dict[str, list[Check]] = {}
        for check in self.checks:
            by_host.setdefault(check.host, []).append(check)
        for host, check in self._stopped.items():
            by_host.setdefault(host, [check])
        return by_host

    def report(self, now: datetime.datetime | None = None, cli_check_mode: bool = False) -> dict[str, Any]:
        """The report as plain data: what the JSON file holds and the other forms show."""
        by_host = self.hosts()
        hosts = []
        for name in sorted(by_host, key=_natural_key):
            checks = by_host[name]
            status = next(status for status in STATUS_ORDER if any(check.status == status for check in checks))
            hosts.append({"host": name, "status": status, "checks": [check.as_dict() for check in checks]})
        counts = {"hosts": len(hosts)}
        counts.update({status: sum(1 for host in hosts if host["status"] == status) for status in COUNTED})
        all_checks = [check for checks in by_host.values() for check in checks]
        modes = {check.check_mode for check in all_checks}
        mode = ("check" if modes == {True} else "applied" if modes == {False} else "mixed") if modes else None
        mode = mode or ("check" if cli_check_mode else "applied")
        columns = ordered_fields(_ordered_union(*(check.fields for check in all_checks)))
        moment = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc)
        report = {
            "report": "abraflexi.flexi drift report",
            "format_version": FORMAT_VERSION,
            "title": TITLES[mode],
            "mode": mode,
            "generated_at": moment.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "playbooks": [scrub_text(name) for name in self.playbooks],
            "counts": counts,
            "checks": len(all_checks),
            "fields": columns,
            "hosts": hosts,
        }
        return scrub_report(report)


TITLES = {
    "check": "SMTP drift audit (check mode, nothing was changed)",
    "applied": "SMTP change report (changes were applied)",
    "mixed": "SMTP drift and change report (some tasks in check mode, some applied)",
}


def scrub_report(report: dict[str, Any]) -> dict[str, Any]:
    """Last line of defence before anything is written: no secret-named key, no password other than its states."""
    for host in report["hosts"]:
        for check in host["checks"]:
            password = check["fields"].get("password")
            check["fields"] = scrub({name: state for name, state in check["fields"].items() if name != "password"})
            if password is not None:
                check["fields"]["password"] = {
                    "before": _password_state(password.get("before")),
                    "after": _password_state(password.get("after")),
                    "differs": bool(password.get("differs")),
                }
    return report


def _password_state(value: Any) -> str:
    return value if value in PASSWORD_STATES else "not set"


def _natural_key(name: str) -> list[Any]:
    parts = re.split(r"([0-9]+)", name)
    # Odd positions are the digit runs; comparing (number, text) pairs never mixes int with str.
    return [(int(part), "") if index % 2 else (0, part.lower()) for index, part in enumerate(parts)]


# Rendering: the same report data as JSON, Markdown and HTML.


def render_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def status_label(status: str, mode: str) -> str:
    if status == "drifted":
        return "changed" if mode == "applied" else "drifted"
    return status.replace("_", " ")


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def value_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def row_label(check: Mapping[str, Any], show_task: bool) -> str:
    parts = [check["task"]] if show_task else []
    if check.get("item") is not None:
        parts.append(f"[{check['item']}]")
    return " ".join(parts)


def _shows_task(report: Mapping[str, Any]) -> bool:
    """Name the task in each row only when some host has more than one check (several tasks or a loop)."""
    return any(len(host["checks"]) > 1 for host in report["hosts"])


def _summary(report: Mapping[str, Any]) -> str:
    counts = report["counts"]
    drifted = status_label("drifted", report["mode"])
    parts = [
        f"{counts['hosts']} servers",
        f"{counts['in_sync']} in sync",
        f"{counts['drifted']} {drifted}",
        f"{counts['failed']} failed",
        f"{counts['unreachable']} unreachable",
    ]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped")
    return ", ".join(parts)


def _legend(mode: str, marked: str) -> str:
    if mode == "check":
        return f"{marked} cells differ: current value \u2192 value the playbook wants. Nothing was changed."
    if mode == "applied":
        return f"{marked} cells were changed: value before the run \u2192 value after it."
    return f"{marked} cells differ: value before \u2192 value after (check-mode tasks changed nothing)."


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")


def md_text(text: str) -> str:
    """Plain text safe in a Markdown table cell: HTML-escaped, Markdown punctuation escaped, one line."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_code(text: str) -> str:
    """A value as a code span (shown literally), safe in a table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_target(target: Mapping[str, str]) -> str:
    parts = [md_code(target["company"])] if target.get("company") else []
    parts += [md_text(target["url"])] if target.get("url") else []
    return " @ ".join(parts)


def _md_cell(state: Mapping[str, Any] | None) -> str:
    if state is None:
        return ""
    if state["differs"]:
        return f"**{md_code(value_text(state['before']))} \u2192 {md_code(value_text(state['after']))}**"
    return md_code(value_text(state["after"]))


def render_markdown(report: Mapping[str, Any]) -> str:
    mode, counts, columns = report["mode"], report["counts"], report["fields"]
    show_task = _shows_task(report)
    drifted = status_label("drifted", mode).capitalize()
    source = f" from {', '.join(md_text(name) for name in report['playbooks'])}" if report["playbooks"] else ""
    lines = [
        f"# {md_text(report['title'])}",
        "",
        f"Generated {md_text(report['generated_at'])} by abraflexi.flexi.drift\\_report{source}. "
        f"{md_text(_summary(report))}.",
        "",
        f"| Servers | In sync | {drifted} | Failed | Unreachable | Skipped |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {counts['hosts']} | {counts['in_sync']} | {counts['drifted']} | {counts['failed']} "
        f"| {counts['unreachable']} | {counts['skipped']} |",
        "",
        "## Servers",
        "",
        md_text(_legend(mode, "Bold")),
        "",
    ]
    if not report["hosts"]:
        lines += ["No flexi\\_smtp task ran.", ""]
    else:
        header = ["Server", "Status", "Flexi company @ URL"] + [md_text(field_label(name)) for name in columns]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for host in report["hosts"]:
            for check in host["checks"]:
                label = row_label(check, show_task)
                server = md_text(host["host"]) + (f" ({md_text(label)})" if label else "")
                status = status_label(check["status"], mode)
                status = f"**{status}**" if check["status"] != "in_sync" else status
                cells = [server, status, _md_target(check["target"])]
                if check["msg"]:
                    cells += ["*see below*"] + [""] * max(len(columns) - 1, 0)
                elif check["hidden"]:
                    cells += ["*hidden by no\\_log*"] + [""] * max(len(columns) - 1, 0)
                else:
                    cells += [_md_cell(check["fields"].get(name)) for name in columns]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    problems = [
        (host["host"], check)
        for host in report["hosts"]
        for check in host["checks"]
        if check["status"] in ("failed", "unreachable")
    ]
    if problems:
        lines += ["## Failed and unreachable", ""]
        for name, check in problems:
            lines.append(
                f"- **{md_text(name)}** ({md_text(status_label(check['status'], mode))}, task "
                f'"{md_text(check["task"])}"): {md_text(check["msg"] or "")}'
            )
        lines.append("")
    return "\n".join(lines)


HTML_STYLE = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
  --sync: #1a7f37; --sync-bg: #dafbe1; --drift: #9a6700; --drift-bg: #fff8c5; --fail: #cf222e; --fail-bg: #ffebe9;
  --unreach: #8250df; --unreach-bg: #fbefff; --skip: #59636e; --skip-bg: #eef1f4; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif;
  color: var(--ink); background: #fff; }
h1 { margin: 0 0 4px; font-size: 22px; }
.meta, .legend { margin: 0 0 16px; color: var(--muted); }
.counts { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 20px; padding: 0; list-style: none; }
.counts li { min-width: 130px; padding: 10px 16px; border: 1px solid var(--line); border-left-width: 6px;
  border-radius: 6px; background: var(--head); }
.counts .n { display: block; font-size: 28px; font-weight: 700; line-height: 1.1; }
.counts .total { border-left-color: var(--ink); }
.counts .in_sync { border-left-color: var(--sync); } .counts .drifted { border-left-color: var(--drift); }
.counts .failed { border-left-color: var(--fail); } .counts .unreachable { border-left-color: var(--unreach); }
.counts .skipped { border-left-color: var(--skip); }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 10px; border: 1px solid var(--line); text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
thead th { position: sticky; top: 0; background: var(--head); font-weight: 600; }
tbody th { font-weight: 600; white-space: nowrap; }
tbody th .sub { display: block; font-weight: 400; color: var(--muted); white-space: normal; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.badge.in_sync { color: var(--sync); background: var(--sync-bg); }
.badge.drifted { color: var(--drift); background: var(--drift-bg); }
.badge.failed { color: var(--fail); background: var(--fail-bg); }
.badge.unreachable { color: var(--unreach); background: var(--unreach-bg); }
.badge.skipped { color: var(--skip); background: var(--skip-bg); }
td.target .company { display: block; font-weight: 600; }
td.target .url { display: block; color: var(--muted); font-size: 12px; white-space: nowrap; }
td.value { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
td.differs { background: var(--drift-bg); box-shadow: inset 3px 0 0 var(--drift); }
td.differs .before, td.differs .after { display: block; }
td.differs .before { color: var(--fail); }
td.differs .after { color: var(--sync); font-weight: 700; }
td.differs .arrow { color: var(--muted); font-weight: 400; }
td[data-field="password"] { white-space: nowrap; }
td.unmanaged { color: var(--line); }
td.message { color: var(--fail); background: var(--fail-bg); font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 12px; }
tr.unreachable td.message { color: var(--unreach); background: var(--unreach-bg); }
td.hidden { color: var(--muted); font-style: italic; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 20px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } thead th { position: static; } }
"""


def _h(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_value(value: Any) -> str:
    text = value_text(value)
    return f'<span class="empty">{_h(text)}</span>' if value in (None, "") else _h(text)


def _html_cell(name: str, state: Mapping[str, Any] | None) -> str:
    if state is None:
        return f'<td class="unmanaged" data-field="{_h(name)}" title="not managed by this task">\u2013</td>'
    if state["differs"]:
        return (
            f'<td class="value differs" data-field="{_h(name)}">'
            f'<span class="before">{_html_value(state["before"])}</span> '
            f'<span class="after"><span class="arrow" aria-label="becomes">\u2192\u00a0</span>'
            f"{_html_value(state['after'])}</span></td>"
        )
    return f'<td class="value same" data-field="{_h(name)}">{_html_value(state["after"])}</td>'


def render_html(report: Mapping[str, Any]) -> str:
    mode, counts, columns = report["mode"], report["counts"], report["fields"]
    show_task = _shows_task(report)
    playbooks = ", ".join(report["playbooks"])
    source = f" from <strong>{_h(playbooks)}</strong>" if playbooks else ""
    cards = [("total", "servers", counts["hosts"])] + [
        (status, status_label(status, mode), counts[status])
        for status in COUNTED
        if status != "skipped" or counts["skipped"]
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # No script, no external fetch: the page is a document, and stays one even if a value were not escaped.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(report['title'])}</title>",
        f"<style>{HTML_STYLE}</style>",
        "</head>",
        f'<body data-mode="{_h(mode)}">',
        "<header>",
        f"<h1>{_h(report['title'])}</h1>",
        f'<p class="meta">Generated {_h(report["generated_at"])}{source} \u00b7 {_h(report["checks"])} flexi_smtp '
        "results</p>",
        "</header>",
        '<ul class="counts" aria-label="Servers by status">',
    ]
    parts += [
        f'<li class="{_h(key)}" data-count="{_h(key)}"><span class="n">{_h(number)}</span> {_h(label)}</li>'
        for key, label, number in cards
    ]
    parts += ["</ul>", f'<p class="legend">{_h(_legend(mode, "Highlighted"))}</p>']
    if not report["hosts"]:
        parts.append('<p class="empty" id="no-results">No flexi_smtp task ran.</p>')
    else:
        header = ["Server", "Status", "Flexi company and URL"] + [field_label(name) for name in columns]
        parts += ['<table id="drift">', "<thead><tr>"]
        parts += [f'<th scope="col">{_h(title)}</th>' for title in header[:3]]
        parts += [f'<th scope="col" data-field="{_h(name)}">{_h(field_label(name))}</th>' for name in columns]
        parts += ["</tr></thead>", "<tbody>"]
        for host in report["hosts"]:
            for check in host["checks"]:
                parts.append(_html_row(host["host"], check, columns, mode, show_task))
        parts += ["</tbody>", "</table>"]
    parts += [
        "<footer>abraflexi.flexi.drift_report \u00b7 passwords are shown only as set, not set, would change or "
        "changed</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _html_target(target: Mapping[str, str]) -> str:
    company = f'<span class="company">{_h(target["company"])}</span>' if target.get("company") else ""
    url = f'<span class="url">{_h(target["url"])}</span>' if target.get("url") else ""
    return f'<td class="target">{company}{url}</td>'


def _html_row(host: str, check: Mapping[str, Any], columns: list[str], mode: str, show_task: bool) -> str:
    status = check["status"]
    label = row_label(check, show_task)
    cells = [
        f'<th scope="row">{_h(host)}' + (f'<span class="sub">{_h(label)}</span>' if label else "") + "</th>",
        f'<td class="status"><span class="badge {_h(status)}">{_h(status_label(status, mode))}</span></td>',
        _html_target(check["target"]),
    ]
    span = max(len(columns), 1)
    if check["msg"]:
        cells.append(f'<td class="message" colspan="{span}">{_h(check["msg"])}</td>')
    elif check["hidden"]:
        cells.append(f'<td class="hidden" colspan="{span}">hidden by no_log on the task</td>')
    elif status == "skipped":
        cells.append(f'<td class="hidden" colspan="{span}">task skipped</td>')
    else:
        cells += [_html_cell(name, check["fields"].get(name)) for name in columns]
    item = f' data-item="{_h(check["item"])}"' if check.get("item") is not None else ""
    return (
        f'<tr class="{_h(status)}" data-host="{_h(host)}" data-status="{_h(status)}" data-task="{_h(check["task"])}"'
        f"{item}>" + "".join(cells) + "</tr>"
    )


RENDERERS = {"json": render_json, "markdown": render_markdown, "html": render_html}


def write_report(report: Mapping[str, Any], directory: str, formats: Iterable[str]) -> list[tuple[str, str]]:
    """Write each form atomically into ``directory``; return (format, path) pairs."""
    os.makedirs(directory, exist_ok=True)
    written = []
    for name in formats:
        path = os.path.join(directory, FILE_NAMES[name])
        handle, scratch = tempfile.mkstemp(prefix=".drift-report-", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(RENDERERS[name](report))
            os.chmod(scratch, 0o644)
            os.replace(scratch, path)
        except BaseException:
            if os.path.exists(scratch):
                os.unlink(scratch)
            raise
        written.append((name, path))
    return written


# The callback: Ansible's events in, DriftCollector calls out.


def is_flexi_smtp(task: Any) -> bool:
    """Whether a task runs abraflexi.flexi.flexi_smtp (by any name that resolves to it)."""
    action = str(getattr(task, "action", "") or "")
    # Ask for the resolved name only when the written one could be it: resolved_action warns on templated actions.
    if not action.endswith("flexi_smtp") or "{" in action:
        return False
    return getattr(task, "resolved_action", None) == ACTION


def _walk_tasks(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        nested = [getattr(item, part, None) for part in ("block", "rescue", "always")]
        if any(isinstance(part, list) for part in nested):
            for part in nested:
                yield from _walk_tasks(part or [])
        else:
            yield item


def _result_parts(result: Any) -> tuple[Any, str, Any]:
    """The task, host name and returned data of a task result handed to a callback.

    ansible-core 2.19 gave the result public ``task``, ``host`` and ``result`` attributes; 2.16 to 2.18 have only the
    underscored ones, which 2.19 keeps as deprecated aliases.
    """
    if hasattr(result, "result"):
        return result.task, result.host.get_name(), result.result
    return result._task, result._host.get_name(), result._result


class CallbackModule(CallbackBase):
    """Collect flexi_smtp results during the run; write the report when the run ends."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "abraflexi.flexi.drift_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: Any = None) -> None:
        super().__init__(display=display)
        self.collector = DriftCollector()
        self._play_runs_flexi_smtp = False

    # where results come from

    def v2_playbook_on_start(self, playbook: Any) -> None:
        name = getattr(playbook, "_file_name", None)
        if name:
            self.collector.playbooks.append(os.path.basename(str(name)))

    def v2_playbook_on_play_start(self, play: Any) -> None:
        sections = [getattr(play, part, None) or [] for part in ("pre_tasks", "tasks", "post_tasks", "handlers")]
        self._play_runs_flexi_smtp = any(is_flexi_smtp(task) for section in sections for task in _walk_tasks(section))

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        # Tasks from roles and includes are seen only here.
        if is_flexi_smtp(task):
            self._play_runs_flexi_smtp = True

    def v2_playbook_on_handler_task_start(self, task: Any) -> None:
        self.v2_playbook_on_task_start(task, False)

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed", ignore_errors)

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record(result, "unreachable")

    def _record(self, result: Any, outcome: str, ignore_errors: bool = False) -> None:
        task, host, returned = _result_parts(result)
        check_mode = getattr(task, "check_mode", None)  # the task's, its block's or its play's, else --check
        if not isinstance(check_mode, bool):
            check_mode = bool(context.CLIARGS.get("check", False))
        if is_flexi_smtp(task):
            self.collector.add_result(host, result.task_name, outcome, returned, check_mode)
            self._play_runs_flexi_smtp = True
        elif outcome in ("failed", "unreachable") and not ignore_errors and self._play_runs_flexi_smtp:
            self.collector.add_stop(host, result.task_name, outcome, returned, check_mode)

    # where the report goes

    def v2_playbook_on_stats(self, stats: Any) -> None:
        report = self.collector.report(cli_check_mode=bool(context.CLIARGS.get("check", False)))
        directory = self.get_option("report_dir")
        formats = [name for name in FILE_NAMES if name in (self.get_option("formats") or [])]
        try:
            written = write_report(report, directory, formats)
        except OSError as exc:
            self._display.warning(f"abraflexi.flexi.drift_report: could not write the report to {directory}: {exc}")
            return
        for name, path in written:
            self._display.display(f"Flexi drift report ({FORMAT_LABELS[name]}): {path}")
