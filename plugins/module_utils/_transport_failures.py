# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""What went wrong with a request, read from the exception the HTTP library raised (internal to abraflexi.flexi).

Loaded only when a request fails. Exceptions are recognised by the names of the classes they are instances of, so
this needs no import of the libraries that raise them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ansible_collections.abraflexi.flexi.plugins.module_utils._transport import Deadline, TransportFailure

# Exception class -> kind; the first class the exception is an instance of decides (subclasses before bases).
KINDS = (
    ("requests.exceptions.ConnectTimeout", "no connection"),
    ("requests.exceptions.SSLError", "tls"),
    ("requests.exceptions.ProxyError", "proxy"),
    ("requests.exceptions.ConnectionError", "connection"),
    ("requests.exceptions.ChunkedEncodingError", "connection"),
    ("requests.exceptions.ContentDecodingError", "decoding"),
    ("requests.exceptions.InvalidURL", "invalid url"),
    ("urllib3.exceptions.LocationParseError", "invalid url"),
    ("requests.exceptions.RequestException", "request"),
    ("urllib3.exceptions.HTTPError", "request"),
    ("http.client.HTTPException", "request"),
)
READ_TIMEOUTS = frozenset(
    {
        "requests.exceptions.ReadTimeout",
        "urllib3.exceptions.ReadTimeoutError",
        "builtins.TimeoutError",
        "socket.timeout",
    }
)
# Failures that happen before a byte of the request can reach the server.
BEFORE_SENDING = frozenset(
    {
        *("urllib3.exceptions.NewConnectionError", "urllib3.exceptions.ConnectTimeoutError"),
        *("urllib3.exceptions.ProxyError", "urllib3.exceptions.SSLError", "urllib3.exceptions.LocationParseError"),
        *("requests.exceptions.ConnectTimeout", "requests.exceptions.ProxyError", "requests.exceptions.SSLError"),
        "requests.exceptions.InvalidURL",
    }
)


def classify(exc: BaseException, deadline: Deadline) -> TransportFailure:
    """The TransportFailure for ``exc``, raised while ``deadline`` ran."""
    names = _class_names(exc)
    kind = next((kind for name, kind in KINDS if name in names), "unexpected")
    chain = [_class_names(cause) for cause in _causes(exc)]
    if deadline.expired() or (kind != "no connection" and any(READ_TIMEOUTS & each for each in chain)):
        kind = "timeout"
    sent = not any(BEFORE_SENDING & each for each in chain)
    reason = _root_cause(exc)
    if kind == "unexpected":
        reason = f"{type(exc).__name__}: {reason}"
    return TransportFailure(kind, reason, sent, deadline.budget)


def _class_names(exc: BaseException) -> set[str]:
    return {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: ``reason``, an exception as first argument, ``__cause__``, ``__context__``."""
    seen = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException):
            inner = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = inner or cause.__cause__ or cause.__context__


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 failure, e.g. 'Connection refused', without pool internals."""
    cause = list(_causes(exc))[-1]
    try:
        text = str(cause)
    except Exception:  # a library exception whose __str__ itself fails still names its class
        text = ""
    # urllib3 prefixes "<connection object at 0x...>: "; the part after it is the useful one.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text or type(cause).__name__
