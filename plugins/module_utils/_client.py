# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Flexi's SMTP settings resource: read, write and the test mail (internal to abraflexi.flexi).

HTTP is the transport's (_transport.py); each answer is parsed once here. What a failure says is worded in
_failure_messages.py, loaded only when something fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional
from urllib.parse import urlencode

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import (
    MAX_DOCUMENT_BYTES,
    holds_settings,
    parse_document,
    reports_failure,
    settings_in,
    succeeded,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings
from ansible_collections.abraflexi.flexi.plugins.module_utils._transport import Answer, Transport, TransportFailure

SMTP_PATH = "/nastaveni/smtp"
# Flexi's own SMTP connect timeout is 30 s, so a test mail answer can take that long.
TEST_MAIL_MIN_TIMEOUT = 45
Params = Optional[Mapping[str, str]]


def _messages() -> Any:
    from ansible_collections.abraflexi.flexi.plugins.module_utils import _failure_messages

    return _failure_messages


class FlexiClient:
    """Reads and writes /c/{company}/nastaveni/smtp over one reused connection."""

    def __init__(self, connection: ConnectionSettings) -> None:
        self.connection = connection
        self.transport = Transport(connection, body_limit=MAX_DOCUMENT_BYTES)
        # As it goes on the wire, so the url a failure reports is the one that was sent.
        self.url = self.transport.wire_url(connection.company_url + SMTP_PATH)

    def __enter__(self) -> FlexiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.transport.close()

    def read_settings(self) -> SmtpSettings:
        """GET and read the settings document (retried on connection errors and 502/503/504)."""
        answer = self._call("GET", retry=True)
        root = self._document("GET", answer)
        try:
            return settings_in(root)
        except FlexiError as exc:
            raise _messages().unreadable(self._request("GET"), answer, exc, root) from None

    def write_settings(self, document: bytes) -> None:
        """PUT a settings document; Flexi answers 201 (some versions 200) and a <winstrom> success document.

        Retried like the read: writing the same fields twice leaves the same state.
        """
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        answer = self._call("PUT", retry=True, data=document, headers=headers)
        root = self._document("PUT", answer, statuses=(200, 201))
        if not succeeded(root):
            raise _messages().refused(self._request("PUT"), answer, root=root)

    def send_test_mail(self, recipient: str) -> None:
        """Ask Flexi to send its test mail to recipient. Never retried: a retry could send two mails.

        Only a settings document or a <winstrom> success document counts as sent; anything else fails.
        """
        params = {"testMail": recipient}
        answer = self._call(
            "GET", retry=False, budget=max(self.connection.timeout, TEST_MAIL_MIN_TIMEOUT), params=params
        )
        root = self._document("GET", answer, params)
        if not (holds_settings(root) or succeeded(root)):
            what = "an answer that does not confirm the test mail"
            raise _messages().refused(self._request("GET", params), answer, what, root)

    def _call(self, method: str, retry: bool, budget: float | None = None, **kwargs: Any) -> Answer:
        budget = self.connection.timeout if budget is None else budget
        try:
            return self.transport.call(method, self.url, budget, retry, **kwargs)
        except TransportFailure as failure:
            raise _messages().no_answer(self._request(method, kwargs.get("params")), failure) from None

    def _document(self, method: str, answer: Answer, params: Params = None, statuses: tuple = (200,)) -> Any:
        """The answer parsed once; a failure for another status, a body that is not XML, or success false."""
        if answer.status not in statuses:
            raise _messages().refused(self._request(method, params), answer)
        try:
            root = parse_document(answer.body)
        except FlexiError as exc:
            raise _messages().unreadable(self._request(method, params), answer, exc) from None
        if reports_failure(root):
            raise _messages().reports_failure(self._request(method, params), answer, root)
        return root

    def _request(self, method: str, params: Params = None) -> Any:
        """The request as failures report it: the URL as sent, never with credentials (they go in a header)."""
        return _messages().Request(method, f"{self.url}?{urlencode(params)}" if params else self.url)
