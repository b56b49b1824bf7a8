# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The HTTP client for Flexi's SMTP settings resource; the only user of requests (internal to abraflexi.flexi)."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import ConnectionSettings, url_secrets
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import redact
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import (
    MAX_DOCUMENT_BYTES,
    error_messages,
    holds_settings,
    messages_in,
    parse_document,
    reports_failure,
    settings_in,
    succeeded,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings
from ansible_collections.abraflexi.flexi.plugins.module_utils._transport import Deadline, watched_adapter

try:
    import requests
    import urllib3
except ImportError:  # reported by the module through missing_required_lib
    requests = urllib3 = None

USER_AGENT = "abraflexi.flexi Ansible collection"
SMTP_PATH = "/nastaveni/smtp"
# Flexi's own SMTP connect timeout is 30 s, so a test mail answer can take that long.
TEST_MAIL_MIN_TIMEOUT = 45
# Pauses before the 2nd and 3rd attempt of a call that is safe to repeat.
RETRY_DELAYS = (0.5, 1.5)
Params = Optional[Mapping[str, str]]
RETRY_STATUSES = frozenset({502, 503, 504})
REDIRECT_STATUSES = frozenset(range(300, 400))
STATUS_HINTS = {
    401: "Check username and password (or ABRAFLEXI_LOGIN / ABRAFLEXI_PASSWORD).",
    402: "The Flexi licence does not include writing through the REST API; ask ABRA for a licence with API write "
    "access.",
    403: "The API user needs the ADMIN role with the server right 'access all companies'; Flexi also answers 403 "
    "when its licence does not permit the operation.",
    404: "Check company (the company's database identifier, e.g. demo_s_r_o_) and url; Flexi also answers 404 to "
    "reads when its licence does not include the REST API.",
}
UNKNOWN_OUTCOME = "Whether the settings were saved is unknown; run the task again to compare."


class _Answer:
    """Status, body and redirect target of one HTTP answer (never other headers or cookies)."""

    def __init__(self, status: int, body: bytes, location: str | None = None) -> None:
        self.status = status
        self.body = body
        self.location = location

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class FlexiClient:
    """Reads and writes /c/{company}/nastaveni/smtp over one reused connection."""

    def __init__(self, connection: ConnectionSettings) -> None:
        self.connection = connection
        # As it goes on the wire (the HTTP library normalises the host and re-quotes the path), so the url a
        # failure reports is the one that was sent.
        self.url = wire_url(connection.company_url + SMTP_PATH)
        self.session = requests.Session()
        # Environment settings are applied by hand below: with trust_env requests would also read .netrc and hand
        # its credentials to whatever host the URL names.
        self.session.trust_env = False
        self.adapter = watched_adapter()
        self.session.mount("https://", self.adapter)
        self.session.mount("http://", self.adapter)
        self.session.verify = connection.verify
        self.proxy_secrets: set[str] = set()
        if connection.use_proxy:
            self.session.proxies = environment_proxies(self.url)
            for proxy in self.session.proxies.values():
                self.proxy_secrets |= url_secrets(proxy)
        self.session.headers.update({"Accept": "application/xml", "User-Agent": USER_AGENT})
        if connection.username:
            # As UTF-8 bytes (RFC 7617): given str, requests encodes Latin-1 and fails on e.g. "ř" or "€".
            self.session.auth = (connection.username.encode("utf-8"), (connection.password or "").encode("utf-8"))
        self.sleep: Callable[[float], None] = time.sleep

    def __enter__(self) -> FlexiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def read_settings(self) -> SmtpSettings:
        """GET and read the settings document (retried on connection errors and 502/503/504)."""
        answer = self._call("GET", retry=True, budget=self.connection.timeout)
        root = self._document("GET", answer)
        try:
            return settings_in(root)
        except FlexiError as exc:
            raise self._unreadable("GET", answer, exc) from None

    def write_settings(self, document: bytes) -> None:
        """PUT a settings document; Flexi answers 201 (some versions 200) and a <winstrom> success document.

        Retried like the read: writing the same fields twice leaves the same state.
        """
        try:
            answer = self._call(
                "PUT",
                retry=True,
                budget=self.connection.timeout,
                data=document,
                headers={"Content-Type": "application/xml; charset=utf-8"},
            )
        except _NotSent:
            raise  # refused, unreachable, TLS or proxy failure: the settings cannot have reached Flexi
        except FlexiError as exc:
            # No answer (timeout, connection lost) says nothing about whether Flexi stored the write; a late
            # Flexi may store it after we gave up, so "nothing changed" would not be the truth.
            raise FlexiError(f"{exc.msg} {UNKNOWN_OUTCOME}", exc.status, exc.method, exc.url, exc.response) from None
        root = self._document("PUT", answer, statuses=(200, 201))
        if not succeeded(root):
            raise self._answer_error("PUT", answer, root=root)

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
            raise self._answer_error("GET", answer, params, what=what, root=root)

    def _call(self, method: str, retry: bool, budget: float, **kwargs: Any) -> _Answer:
        # One deadline for the whole call, retries and their pauses included.
        deadline = Deadline(budget)
        attempts = len(RETRY_DELAYS) + 1 if retry else 1
        sent = False  # whether any attempt may have reached Flexi
        for attempt in range(attempts):
            last_attempt = attempt == attempts - 1
            try:
                answer = self._send(method, deadline, **kwargs)
            except _NotSent as error:
                if not sent:
                    raise
                raise FlexiError(error.msg, error.status, error.method, error.url, error.response) from None
            except _RetryableFailure as failure:
                sent = sent or failure.sent
                if last_attempt or not self._wait_before_retry(attempt, deadline):
                    error = failure.error
                    if not sent:
                        raise _NotSent(error.msg, error.status, error.method, error.url, error.response) from None
                    raise error from None
                continue
            sent = True
            if answer.status in RETRY_STATUSES and not last_attempt and self._wait_before_retry(attempt, deadline):
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_before_retry(self, attempt: int, deadline: Deadline) -> bool:
        delay = RETRY_DELAYS[attempt]
        # Bounded backoff: never pause past the deadline.
        if deadline.remaining() <= delay:
            return False
        self.sleep(delay)
        return True

    def _send(self, method: str, deadline: Deadline, **kwargs: Any) -> _Answer:
        params = kwargs.get("params")
        try:
            with self.adapter.watch(deadline), warnings.catch_warnings():
                if self.connection.verify is False:
                    # The user turned verification off on purpose (validate_certs: false); urllib3 would repeat
                    # that on stderr for every request. Only for this request: the filter ends with the block.
                    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                remaining = deadline.remaining()
                with self.session.request(
                    method, self.url, timeout=remaining, stream=True, allow_redirects=False, **kwargs
                ) as response:
                    answer = _Answer(response.status_code, _read_limited(response), response.headers.get("Location"))
        except Exception as exc:  # every library failure becomes a FlexiError; _failure() decides which
            failure = self._failure(method, params, deadline, exc)
            if isinstance(failure, _RetryableFailure):
                failure.sent = _may_have_arrived(exc)
            elif not _may_have_arrived(exc):
                failure = _NotSent(failure.msg, failure.status, failure.method, failure.url, failure.response)
            raise failure from None
        if deadline.expired():
            # The deadline cut the connection, or passed while the answer was still coming: whatever was read so
            # far is not the answer (a body delimited by the connection's end looks complete when cut).
            raise self._timed_out(method, params, deadline)
        return answer

    def _timed_out(self, method: str, params: Params, deadline: Deadline) -> FlexiError:
        return FlexiError(
            f"Flexi did not answer within {deadline.budget:g} s ({self._where(method, params)}); raise timeout if the "
            "server is slow.",
            method=method,
            url=self._public_url(params),
        )

    def _failure(self, method: str, params: Params, deadline: Deadline, exc: Exception) -> Exception:
        """Map any exception of requests, urllib3, http.client or the socket layer to our failure."""
        where = self._where(method, params)
        url = self._public_url(params)
        reason = redact(_root_cause(exc), self.proxy_secrets)
        if isinstance(exc, requests.exceptions.ConnectTimeout) and not deadline.expired():
            return _RetryableFailure(FlexiError(f"No connection ({where}): {reason}.", method=method, url=url))
        if deadline.expired() or _is_read_timeout(exc):
            return self._timed_out(method, params, deadline)
        if isinstance(exc, requests.exceptions.SSLError):
            return FlexiError(
                f"TLS failure talking to Flexi ({where}): {reason}. Set ca_path to the CA that signed the server's "
                "certificate, or validate_certs: false for a server you trust by other means.",
                method=method,
                url=url,
            )
        if isinstance(exc, requests.exceptions.ProxyError):
            return FlexiError(
                f"The proxy refused or failed the request ({where}): {reason}. Check https_proxy / http_proxy and "
                "no_proxy, or set use_proxy: false.",
                method=method,
                url=url,
            )
        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            return _RetryableFailure(
                FlexiError(f"Connection to Flexi failed ({where}): {reason}.", method=method, url=url)
            )
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return FlexiError(
                f"Flexi's answer to {where} could not be decoded ({reason}); a proxy may have altered it.",
                method=method,
                url=url,
            )
        if isinstance(exc, (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError)):
            return FlexiError(f"url cannot be used for a request ({reason}).", method=method, url=url)
        if isinstance(
            exc, (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException)
        ):
            return FlexiError(f"Request to Flexi failed ({where}): {reason}.", method=method, url=url)
        return FlexiError(f"Request to Flexi failed ({where}): {type(exc).__name__}: {reason}.", method=method, url=url)

    def _document(self, method: str, answer: _Answer, params: Params = None, statuses: tuple = (200,)) -> Any:
        """The answer parsed once; a failure for another status, a body that is not XML, or success false."""
        if answer.status not in statuses:
            raise self._answer_error(method, answer, params)
        try:
            root = parse_document(answer.body)
        except FlexiError as exc:
            raise self._unreadable(method, answer, exc, params) from None
        if reports_failure(root):
            where = self._where(method, params)
            messages = messages_in(root)
            msg = f"Flexi answered HTTP {answer.status} to {where}, but reports a failure (<success>false</success>)"
            msg = f"{msg}: {' | '.join(messages)}" if messages else f"{msg}."
            raise FlexiError(msg, answer.status, method, self._public_url(params), answer.text)
        return root

    def _answer_error(
        self, method: str, answer: _Answer, params: Params = None, what: str = "", root: Any = None
    ) -> FlexiError:
        where = self._where(method, params)
        if answer.status in REDIRECT_STATUSES:
            target = answer.location or "(no Location)"
            msg = (
                f"Flexi answered HTTP {answer.status} to {where} with a redirect to {target}. Redirects are never "
                "followed, so nothing was sent there; set url to the address that answers itself."
            )
            return FlexiError(msg, answer.status, method, self._public_url(params), answer.text)
        messages = error_messages(answer.body) if root is None else messages_in(root)
        if messages:
            msg = f"Flexi answered HTTP {answer.status} to {where}: {' | '.join(messages)}"
        elif what:
            msg = f"Flexi answered HTTP {answer.status} to {where} with {what} (see response)."
        else:
            msg = f"Flexi answered HTTP {answer.status} to {where} without a Flexi message (see response)."
        hint = STATUS_HINTS.get(answer.status)
        if hint:
            msg = f"{msg} {hint}" if msg.endswith(".") else f"{msg}. {hint}"
        return FlexiError(msg, answer.status, method, self._public_url(params), answer.text)

    def _unreadable(self, method: str, answer: _Answer, exc: FlexiError, params: Params = None) -> FlexiError:
        msg = f"Flexi answered HTTP {answer.status} to {self._where(method, params)}, but {exc.msg}"
        messages = error_messages(answer.body)
        msg = f"{msg}: {' | '.join(messages)}" if messages else f"{msg}."
        if method == "PUT":
            msg = f"{msg} {UNKNOWN_OUTCOME}"
        return FlexiError(msg, answer.status, method, self._public_url(params), answer.text)

    def _public_url(self, params: Params = None) -> str:
        """The request URL as reported in failures: never with credentials (they travel only in a header)."""
        return f"{self.url}?{urlencode(params)}" if params else self.url

    def _where(self, method: str, params: Params = None) -> str:
        return f"{method} {self._public_url(params)}"


def wire_url(url: str) -> str:
    """``url`` as requests will send it."""
    prepared = requests.models.PreparedRequest()
    prepared.prepare_url(url, None)
    return prepared.url


def environment_proxies(url: str) -> dict[str, str]:
    """The proxies http_proxy / https_proxy name for url, or none when no_proxy covers its host.

    Read as urllib (so ansible.builtin.uri) reads them: a lower-case variable wins over its upper-case spelling even
    when empty, so a task's `no_proxy: ""` cancels an inherited NO_PROXY, which requests would still apply; and
    all_proxy, which requests would take, does not count.
    """
    environment = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(urlsplit(url).netloc, environment):
        return {}
    return {scheme: environment[scheme] for scheme in ("http", "https") if scheme in environment}


class _RetryableFailure(Exception):
    """A transport failure that a safe call may try again; ``sent`` when the request may have reached Flexi."""

    def __init__(self, error: FlexiError) -> None:
        super().__init__(error.msg)
        self.error = error
        self.sent = True


class _NotSent(FlexiError):
    """A failure before the request could reach Flexi: no connection, or the TLS handshake or proxy failed."""


def _may_have_arrived(exc: BaseException) -> bool:
    """False when the request failed before a byte of it could reach Flexi."""
    before_sending = (
        urllib3.exceptions.NewConnectionError,
        urllib3.exceptions.ConnectTimeoutError,
        urllib3.exceptions.ProxyError,
        urllib3.exceptions.SSLError,
        urllib3.exceptions.LocationParseError,
        requests.exceptions.ConnectTimeout,
        requests.exceptions.ProxyError,
        requests.exceptions.SSLError,
        requests.exceptions.InvalidURL,
    )
    seen = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, before_sending):
            return False
        seen.add(id(cause))
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException):
            inner = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = inner or cause.__cause__ or cause.__context__
    return True


def _read_limited(response: Any) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body.extend(chunk)
        if len(body) > MAX_DOCUMENT_BYTES:
            break  # parse_document rejects it; no need to read the rest
    return bytes(body)


def _is_read_timeout(exc: BaseException) -> bool:
    """True for a read that timed out, also when requests wraps it in a ConnectionError (mid-body)."""
    timeouts = (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, socket.timeout)
    seen = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, timeouts):
            return True
        seen.add(id(cause))
        inner = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = inner or cause.__cause__ or cause.__context__
    return False


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
    try:
        text = str(cause)
    except Exception:  # a library exception whose __str__ itself fails still names its class
        text = ""
    # urllib3 prefixes "<connection object at 0x...>: "; the part after it is the useful one.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text or type(cause).__name__
