# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""What a failed request tells the user: one table per kind of failure (internal to abraflexi.flexi).

Loaded only when a request fails. Every message starts with what happened to which request and ends with what to
do, quoting Flexi's own message when the answer has one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import error_messages, messages_in
from ansible_collections.abraflexi.flexi.plugins.module_utils._transport import Answer, TransportFailure

UNKNOWN_OUTCOME = "Whether the settings were saved is unknown; run the task again to compare."
# TransportFailure.kind -> message; {where} is "METHOD URL", {reason} the library's words, {budget} the timeout.
TRANSPORT_MESSAGES = {
    "no connection": "No connection ({where}): {reason}.",
    "timeout": "Flexi did not answer within {budget:g} s ({where}); raise timeout if the server is slow.",
    "tls": "TLS failure talking to Flexi ({where}): {reason}. Set ca_path to the CA that signed the server's "
    "certificate, or validate_certs: false for a server you trust by other means.",
    "proxy": "The proxy refused or failed the request ({where}): {reason}. Check https_proxy / http_proxy and "
    "no_proxy, or set use_proxy: false.",
    "connection": "Connection to Flexi failed ({where}): {reason}.",
    "decoding": "Flexi's answer to {where} could not be decoded ({reason}); a proxy may have altered it.",
    "invalid url": "url cannot be used for a request ({reason}).",
    "request": "Request to Flexi failed ({where}): {reason}.",
    "unexpected": "Request to Flexi failed ({where}): {reason}.",
}
# HTTP status -> what to check, after Flexi's message.
STATUS_HINTS = {
    401: "Check username and password (or ABRAFLEXI_LOGIN / ABRAFLEXI_PASSWORD).",
    402: "The Flexi licence does not include writing through the REST API; ask ABRA for a licence with API write "
    "access.",
    403: "The API user needs the ADMIN role with the server right 'access all companies'; Flexi also answers 403 "
    "when its licence does not permit the operation.",
    404: "Check company (the company's database identifier, e.g. demo_s_r_o_) and url; Flexi also answers 404 to "
    "reads when its licence does not include the REST API.",
}
REDIRECT_STATUSES = range(300, 400)


class Request(NamedTuple):
    """The request a failure is about, as reported: its method and URL (never with credentials)."""

    method: str
    url: str

    @property
    def where(self) -> str:
        return f"{self.method} {self.url}"

    def error(self, msg: str, answer: Answer | None = None) -> FlexiError:
        if answer is None:
            return FlexiError(msg, method=self.method, url=self.url)
        return FlexiError(msg, answer.status, self.method, self.url, answer.text)


def no_answer(request: Request, failure: TransportFailure) -> FlexiError:
    """No usable answer; a write says its outcome is unknown when it may have reached Flexi."""
    msg = TRANSPORT_MESSAGES[failure.kind].format(where=request.where, reason=failure.reason, budget=failure.budget)
    if request.method == "PUT" and failure.sent:
        # A late Flexi may store the write after we gave up, so "nothing changed" would not be the truth.
        msg = f"{msg} {UNKNOWN_OUTCOME}"
    return request.error(msg)


def refused(request: Request, answer: Answer, what: str = "", root: Any = None) -> FlexiError:
    """An answer that is not the one asked for: a redirect, an error status, or ``what`` it is instead."""
    where = request.where
    if answer.status in REDIRECT_STATUSES:
        target = answer.location or "(no Location)"
        return request.error(
            f"Flexi answered HTTP {answer.status} to {where} with a redirect to {target}. Redirects are never "
            "followed, so nothing was sent there; set url to the address that answers itself.",
            answer,
        )
    messages = _flexi_messages(answer, root)
    if messages:
        msg = f"Flexi answered HTTP {answer.status} to {where}: {' | '.join(messages)}"
    elif what:
        msg = f"Flexi answered HTTP {answer.status} to {where} with {what} (see response)."
    else:
        msg = f"Flexi answered HTTP {answer.status} to {where} without a Flexi message (see response)."
    hint = STATUS_HINTS.get(answer.status)
    if hint:
        msg = f"{msg} {hint}" if msg.endswith(".") else f"{msg}. {hint}"
    return request.error(msg, answer)


def reports_failure(request: Request, answer: Answer, root: Any) -> FlexiError:
    """A document with <success>false</success> somewhere in it."""
    msg = f"Flexi answered HTTP {answer.status} to {request.where}, but reports a failure (<success>false</success>)"
    messages = messages_in(root)
    return request.error(f"{msg}: {' | '.join(messages)}" if messages else f"{msg}.", answer)


def unreadable(request: Request, answer: Answer, problem: FlexiError, root: Any = None) -> FlexiError:
    """An answer with the right status whose body (parsed as ``root``, if it could be) is not the document
    expected."""
    msg = f"Flexi answered HTTP {answer.status} to {request.where}, but {problem.msg}"
    messages = _flexi_messages(answer, root)
    msg = f"{msg}: {' | '.join(messages)}" if messages else f"{msg}."
    if request.method == "PUT":
        msg = f"{msg} {UNKNOWN_OUTCOME}"
    return request.error(msg, answer)


def _flexi_messages(answer: Answer, root: Any) -> list[str]:
    """Flexi's messages in the answer: from its parsed document when there is one, else read from the body."""
    return error_messages(answer.body) if root is None else messages_in(root)
