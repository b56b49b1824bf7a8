# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The drift report by mail: HTML as the body, JSON and Markdown attached, sent with smtplib (controller side)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import redact
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import (
    FILE_NAMES,
    render_html,
    render_json,
    render_markdown,
    status_label,
)
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

SECURITY_MODES = ("ssl", "starttls", "none")
WHEN_MODES = ("always", "problems")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
TIMEOUT = 30.0
# RFC 5322's line limit: the default of 78 folds a long subject before its first word, which some readers show.
MAIL_POLICY = policy.default.clone(max_line_length=998)
SUBJECT_KINDS = {"check": "drift audit", "applied": "change report", "mixed": "drift and change report"}


class MailError(Exception):
    """The report could not be mailed; the text says why (never with the password)."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how the report is mailed; ``to`` empty means no mail."""

    to: tuple[str, ...]
    sender: str
    host: str = "localhost"
    port: int | None = None
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    validate_certs: bool = True
    ca_path: str | None = None
    when: str = "always"

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise MailError(f"mail_security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}")
        if self.when not in WHEN_MODES:
            raise MailError(f"mail_when must be one of {', '.join(WHEN_MODES)}, not {self.when!r}")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def has_problems(report: Mapping[str, Any]) -> bool:
    counts = report["counts"]
    return bool(counts["drifted"] or counts["failed"] or counts["unreachable"])


def should_send(report: Mapping[str, Any], settings: MailSettings) -> bool:
    """A recipient is set, and the run had drift or failures unless the report goes out always."""
    return bool(settings.to) and (settings.when == "always" or has_problems(report))


def subject(report: Mapping[str, Any]) -> str:
    counts = report["counts"]
    drifted = status_label("drifted", report["mode"])
    problems = [
        f"{counts[key]} {label}"
        for key, label in (("drifted", drifted), ("failed", "failed"), ("unreachable", "unreachable"))
        if counts[key]
    ]
    state = ", ".join(problems) if problems else "all in sync"
    kind = SUBJECT_KINDS.get(report["mode"], "drift report")
    return f"Flexi SMTP {kind}: {state} of {counts['hosts']} servers"


def build_message(report: Mapping[str, Any], settings: MailSettings) -> EmailMessage:
    """The mail: the summary as the plain-text part, the HTML page as the body, JSON and Markdown attached."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject(report)
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(render_summary(report) + "\n")
    message.add_alternative(render_html(report), subtype="html")
    for name, render, maintype, subtype in (
        ("json", render_json, "application", "json"),
        ("markdown", render_markdown, "text", "markdown"),
    ):
        text = render(report)
        message.add_attachment(text.encode("utf-8"), maintype=maintype, subtype=subtype, filename=FILE_NAMES[name])
    return message


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    if not settings.validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=settings.ca_path) if settings.ca_path else ssl.create_default_context()


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Send the message; every failure becomes a MailError whose text names the server and the reason."""
    where = f"{settings.host}:{settings.effective_port} ({settings.security})"
    try:
        context = tls_context(settings) if settings.security != "none" else None
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.effective_port, timeout=TIMEOUT, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.effective_port, timeout=TIMEOUT)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(message, from_addr=settings.sender, to_addrs=list(settings.to))
    except (smtplib.SMTPException, OSError, ValueError) as exc:  # OSError covers TLS errors and timeouts
        raise MailError(f"could not mail the report through {where}: {_reason(exc, settings)}") from None
    if refused:
        rejected = ", ".join(sorted(refused))
        raise MailError(f"the mail server {where} refused some recipients: {rejected}")


def _reason(exc: BaseException, settings: MailSettings) -> str:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        reason = f"{exc.smtp_code} {detail}"
    return str(redact(f"{type(exc).__name__}: {reason}", [settings.password]))


def mail_report(report: Mapping[str, Any], settings: MailSettings) -> bool:
    """Mail the report when ``settings`` say so; return whether a mail was sent. Raises MailError."""
    if not should_send(report, settings):
        return False
    send(build_message(report, settings), settings)
    return True


def recipients(value: Sequence[str] | str | None) -> tuple[str, ...]:
    """``mail_to`` as a tuple: a list, or a comma-separated text (as an environment variable gives it)."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else [part for entry in value for part in str(entry).split(",")]
    return tuple(part.strip() for part in items if part.strip())
