# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP client for Flexi's SMTP settings resource; the only user of requests (internal to abraflexi.flexi)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Optional
from urllib.parse import urlencode

from ansible_collections.abraflexi.flexi.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.abraflexi.flexi.plugins.module_utils.errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils.settings_xml import (
    MAX_DOCUMENT_BYTES,
    error_messages,
    is_success,
    parse_document,
)

try:
    import requests
except ImportError:  # reported by the module through missing_required_lib
    requests = None

USER_AGENT = "abraflexi.flexi Ansible collection"
SMTP_PATH = "/nastaveni/smtp"
# Flexi's own SMTP connect timeout is 30 s, so a test mail answer can take that long (reference: "Test e-mail").
TEST_MAIL_MIN_TIMEOUT = 45
# Pauses before the 2nd and 3rd attempt of a call that is safe to repeat.
RETRY_DELAYS = (0.5, 1.5)
Params = Optional[Mapping[str, str]]
RETRY_STATUSES = frozenset({502, 503, 504})
STATUS_HINTS = {
    401: "Check username and password (or ABRAFLEXI_LOGIN / ABRAFLEXI_PASSWORD).",
    403: "The API user needs the ADMIN role with the server right 'access all companies'.",
    404: "Check company (the company's database identifier, e.g. demo_s_r_o_) and url.",
}
UNKNOWN_OUTCOME = "Whether the settings were saved is unknown; run the task again to compare."


class _Answer:
    """Status and body of one HTTP answer (never headers or cookies)."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class FlexiClient:
    """Reads and writes /c/{company}/nastaveni/smtp over one reused connection."""

    def __init__(self, connection: ConnectionSettings) -> None:
        self.connection = connection
        self.url = connection.company_url + SMTP_PATH
        self.session = requests.Session()
        self.session.trust_env = False  # proxies and .netrc must not change where credentials go
        self.session.verify = connection.verify
        if connection.verify is False:
            # The user turned verification off on purpose (validate_certs: false); urllib3 would repeat that on
            # stderr for every request.
            warnings.simplefilter("ignore", requests.packages.urllib3.exceptions.InsecureRequestWarning)
        self.session.headers.update({"Accept": "application/xml", "User-Agent": USER_AGENT})
        if connection.username:
            # As UTF-8 bytes (RFC 7617): given str, requests encodes Latin-1 and fails on e.g. "ř" or "€".
            self.session.auth = (connection.username.encode("utf-8"), (connection.password or "").encode("utf-8"))
        self.sleep: Callable[[float], None] = time.sleep

    def __enter__(self) -> FlexiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def read_settings(self) -> bytes:
        """GET the settings document (retried on connection errors and 502/503/504)."""
        answer = self._call("GET", retry=True)
        self._require_xml("GET", answer)
        return answer.body

    def write_settings(self, document: bytes) -> None:
        """PUT a settings document; Flexi answers 201 (some versions 200) and a <winstrom> success document.

        Retried like the read: writing the same fields twice leaves the same state.
        """
        try:
            answer = self._call(
                "PUT", retry=True, data=document, headers={"Content-Type": "application/xml; charset=utf-8"}
            )
        except FlexiError as exc:
            # No answer (timeout, connection lost) says nothing about whether Flexi stored the write; a late
            # Flexi may store it after we gave up, so "nothing changed" would not be the truth.
            raise FlexiError(f"{exc.msg} {UNKNOWN_OUTCOME}", exc.status, exc.method, exc.url, exc.response) from None
        self._require_success("PUT", answer, unknown_outcome=True)

    def send_test_mail(self, recipient: str) -> None:
        """Ask Flexi to send its test mail to recipient. Never retried: a retry could send two mails."""
        answer = self._call(
            "GET",
            retry=False,
            params={"testMail": recipient},
            timeout=max(self.connection.timeout, TEST_MAIL_MIN_TIMEOUT),
        )
        params = {"testMail": recipient}
        root = self._require_xml("GET", answer, params)
        # Success is the settings document or a <winstrom> success document (INFERRED; accept both).
        if root.tag == "winstrom" and not is_success(answer.body):
            raise self._answer_error("GET", answer, params)

    def _call(self, method: str, retry: bool, timeout: float | None = None, **kwargs: Any) -> _Answer:
        attempts = len(RETRY_DELAYS) + 1 if retry else 1
        deadline = time.monotonic() + self.connection.timeout
        for attempt in range(attempts):
            last_attempt = attempt == attempts - 1
            try:
                answer = self._send(method, timeout or self.connection.timeout, **kwargs)
            except _RetryableFailure as failure:
                if last_attempt or not self._wait_before_retry(attempt, deadline):
                    raise failure.error from None
                continue
            if answer.status in RETRY_STATUSES and not last_attempt and self._wait_before_retry(attempt, deadline):
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_before_retry(self, attempt: int, deadline: float) -> bool:
        # Bounded backoff: never wait past the task's own timeout.
        delay = RETRY_DELAYS[attempt]
        if time.monotonic() + delay > deadline:
            return False
        self.sleep(delay)
        return True

    def _send(self, method: str, timeout: float, **kwargs: Any) -> _Answer:
        where = self._where(method, kwargs.get("params"))
        try:
            with self.session.request(method, self.url, timeout=timeout, stream=True, **kwargs) as response:
                return _Answer(response.status_code, _read_limited(response))
        except requests.exceptions.SSLError as exc:
            raise FlexiError(
                f"TLS failure talking to Flexi ({where}): {_root_cause(exc)}. Set ca_path to the CA that signed "
                "the server's certificate, or validate_certs: false for a server you trust by other means.",
                method=method,
                url=self._public_url(kwargs.get("params")),
            ) from None
        except requests.exceptions.ConnectTimeout as exc:
            raise _RetryableFailure(self._transport_error(method, kwargs, "No connection", exc)) from None
        except requests.exceptions.Timeout:
            raise FlexiError(
                f"Flexi did not answer within {timeout:g} s ({where}); raise timeout if the server is slow.",
                method=method,
                url=self._public_url(kwargs.get("params")),
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise _RetryableFailure(self._transport_error(method, kwargs, "Connection to Flexi failed", exc)) from None

    def _transport_error(self, method: str, kwargs: dict[str, Any], what: str, exc: Exception) -> FlexiError:
        where = self._where(method, kwargs.get("params"))
        return FlexiError(
            f"{what} ({where}): {_root_cause(exc)}.", method=method, url=self._public_url(kwargs.get("params"))
        )

    def _require_xml(self, method: str, answer: _Answer, params: Params = None) -> Any:
        if answer.status != 200:
            raise self._answer_error(method, answer, params)
        try:
            return parse_document(answer.body)
        except FlexiError as exc:
            raise self._unreadable(method, answer, exc, params) from None

    def _require_success(self, method: str, answer: _Answer, unknown_outcome: bool = False) -> None:
        if answer.status not in (200, 201):
            raise self._answer_error(method, answer)
        try:
            succeeded = is_success(answer.body)
        except FlexiError as exc:
            raise self._unreadable(method, answer, exc, unknown_outcome=unknown_outcome) from None
        if not succeeded:
            raise self._answer_error(method, answer)

    def _answer_error(self, method: str, answer: _Answer, params: Params = None) -> FlexiError:
        where = self._where(method, params)
        messages = error_messages(answer.body)
        if messages:
            msg = f"Flexi answered HTTP {answer.status} to {where}: {' | '.join(messages)}"
        else:
            msg = f"Flexi answered HTTP {answer.status} to {where} without a Flexi message (see response)."
        hint = STATUS_HINTS.get(answer.status)
        if hint:
            msg = f"{msg} {hint}" if msg.endswith(".") else f"{msg}. {hint}"
        return FlexiError(msg, answer.status, method, self._public_url(params), answer.text)

    def _unreadable(
        self, method: str, answer: _Answer, exc: FlexiError, params: Params = None, unknown_outcome: bool = False
    ) -> FlexiError:
        msg = f"Flexi answered HTTP {answer.status} to {self._where(method, params)}, but {exc.msg}."
        if unknown_outcome:
            msg = f"{msg} {UNKNOWN_OUTCOME}"
        return FlexiError(msg, answer.status, method, self._public_url(params), answer.text)

    def _public_url(self, params: Params = None) -> str:
        """The request URL as reported in failures: never with credentials (they travel only in a header)."""
        return f"{self.url}?{urlencode(params)}" if params else self.url

    def _where(self, method: str, params: Params = None) -> str:
        return f"{method} {self._public_url(params)}"


class _RetryableFailure(Exception):
    """A transport failure that a safe call may try again."""

    def __init__(self, error: FlexiError) -> None:
        super().__init__(error.msg)
        self.error = error


def _read_limited(response: Any) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body.extend(chunk)
        if len(body) > MAX_DOCUMENT_BYTES:
            break  # parse_document rejects it; no need to read the rest
    return bytes(body)


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 failure, e.g. 'Connection refused', without pool internals."""
    seen = set()
    cause: BaseException = exc
    while id(cause) not in seen:
        seen.add(id(cause))
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException) and cause.args and isinstance(cause.args[0], BaseException):
            inner = cause.args[0]
        if not isinstance(inner, BaseException):
            inner = cause.__cause__ or cause.__context__
        if not isinstance(inner, BaseException):
            break
        cause = inner
    text = str(cause)
    # urllib3 prefixes "<connection object at 0x...>: "; the part after it is the useful one.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text or type(cause).__name__
