# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The drift report as data: flexi_smtp results in, one scrubbed report dict out (controller side only)."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import NO_HTTP_STATUS
from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import SETTINGS_FIELDS
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import CHANGED_PASSWORD
from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import CONTROL_CHARACTERS

FORMAT_VERSION = 1

# Columns: the fields flexi_smtp compares, in the field table's order, then the password. Fields nobody knows (a
# result from another version of the module) follow, sorted.
FIELDS = (*(smtp_field.option for smtp_field in SETTINGS_FIELDS), "password")

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
MAX_TEXT = 1000
MAX_LABEL = 120


# Redaction: the module masks its secrets already; the report never trusts that (a value it does not know how to
# show safely is dropped, not printed).


def is_secret_name(name: str) -> bool:
    """Whether a key's name says it holds a secret (password, passwd, secret, token, API key ...)."""
    return bool(_SECRET_NAME.search(name))


def scrub_text(text: str, limit: int = MAX_TEXT) -> str:
    """Mask credentials in URLs, ``password=...`` style pairs and password-like XML elements; trim to ``limit``.

    Control characters other than tab and newline are shown as ``\\xNN`` or ``\\uNNNN`` (browsers would drop or
    replace them).
    """
    text = CONTROL_CHARACTERS.sub(_shown_control, text)
    text = _URL_USERINFO.sub(r"\1", text)
    text = _SECRET_PAIR.sub(_mask_pair, text)
    text = _SECRET_ELEMENT.sub(lambda match: f"<{match['tag']}{match['attrs'] or ''}>{MASK}</{match['tag']}>", text)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


def _shown_control(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in "\t\n":
        return char
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"


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
        """The check as the report holds it, under its host."""
        copied = asdict(self)
        keys = ("task", "item", "status", "check_mode", "target", "fields", "msg", "hidden")
        return {key: copied[key] for key in keys}


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


def invoked_args(result: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The module's arguments as its result's ``invocation`` gives them; None without one (ansible-core 2.21 adds
    it only when INJECT_INVOCATION is on)."""
    invocation = result.get("invocation")
    module_args = invocation.get("module_args") if isinstance(invocation, Mapping) else None
    return module_args if isinstance(module_args, Mapping) else None


def target_of(result: Mapping[str, Any]) -> dict[str, str]:
    """The Flexi server and company a result talked to, from the module's invocation (never its credentials)."""
    module_args = invoked_args(result) or {}
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
            # No HTTP answer at all (refused, timeout, TLS failure): for an audit that server is unreachable, which
            # is what Ansible itself says of hosts it cannot connect to.
            check.status = "unreachable" if result.get("status") == NO_HTTP_STATUS else "failed"
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
