# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The drift report in its three forms, JSON, Markdown and a self-contained HTML page, and writing them to files."""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import PASSWORD_FIELD, SETTINGS_FIELDS
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import COUNTED

FILE_NAMES = {"json": "drift-report.json", "markdown": "drift-report.md", "html": "drift-report.html"}
FORMAT_LABELS = {"json": "JSON", "markdown": "Markdown", "html": "HTML"}
# Column titles from the field table; a field it does not know (from another module version) is titled by its name.
FIELD_LABELS = {
    **{smtp_field.option: smtp_field.label for smtp_field in SETTINGS_FIELDS},
    "password": PASSWORD_FIELD.label,
}


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
    longest = max((len(ticks) for ticks in re.findall(r"`+", text)), default=0)
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
