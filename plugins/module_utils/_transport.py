# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""HTTP for the collection, the only user of requests: session, TLS, proxies, deadline and retries (internal).

requests applies ``timeout`` to each socket read, so a server sending one byte a second could hold a request for
ever. The adapter here remembers its sockets and shuts them down when the deadline passes. It turns the library's
retries off; redirects are never followed because every request says ``allow_redirects=False``. A failure leaves
as a ``TransportFailure`` naming its kind; the caller words it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import ConnectionSettings

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # reported by the module through missing_required_lib
    requests = urllib3 = None
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object

USER_AGENT = "abraflexi.flexi Ansible collection"
# Pauses before the 2nd and 3rd attempt of a call that is safe to repeat.
RETRY_DELAYS = (0.5, 1.5)
RETRY_STATUSES = frozenset({502, 503, 504})


class Deadline:
    """A time budget in seconds, counted from creation; `cut` marks it as spent early."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._end = time.monotonic() + budget
        self.cut = False

    def remaining(self) -> float:
        """Seconds left, never less than a millisecond (a socket timeout of 0 would mean non-blocking)."""
        return max(self._end - time.monotonic(), 0.001)

    def expired(self) -> bool:
        return self.cut or time.monotonic() >= self._end


class Answer(NamedTuple):
    """Status, body and redirect target of one HTTP answer (never other headers or cookies)."""

    status: int
    body: bytes
    location: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class TransportFailure(Exception):
    """No usable answer. ``kind`` names the failure (see _transport_failures.py), ``reason`` the library's words,
    ``sent`` whether the request may have reached the server, ``budget`` the deadline's seconds."""

    def __init__(self, kind: str, reason: str, sent: bool, budget: float) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind, self.reason, self.sent, self.budget = kind, reason, sent, budget


class Transport:
    """One session to one server: credentials, TLS, proxies; ``call`` makes a request within a deadline."""

    def __init__(self, connection: ConnectionSettings, body_limit: int) -> None:
        self.connection = connection
        self.body_limit = body_limit  # bytes read of an answer: one more and the caller refuses it anyway
        self.session = requests.Session()
        # Environment settings are applied by hand below: with trust_env requests would also read .netrc and hand
        # its credentials to whatever host the URL names.
        self.session.trust_env = False
        self.adapter = WatchedAdapter()
        self.session.mount("https://", self.adapter)
        self.session.mount("http://", self.adapter)
        self.session.verify = connection.verify
        # Proxy variables are parsed only when the environment has any (urllib reads every *_proxy, either case).
        if connection.use_proxy and any(name.lower().endswith("_proxy") for name in os.environ):
            from ansible_collections.abraflexi.flexi.plugins.module_utils._proxies import environment_proxies

            self.session.proxies = environment_proxies(connection.base_url)
        self.session.headers.update({"Accept": "application/xml", "User-Agent": USER_AGENT})
        if connection.username:
            # As UTF-8 bytes (RFC 7617): given str, requests encodes Latin-1 and fails on e.g. "ř" or "€".
            self.session.auth = (connection.username.encode("utf-8"), (connection.password or "").encode("utf-8"))
        self.sleep: Callable[[float], None] = time.sleep

    def close(self) -> None:
        self.session.close()

    @staticmethod
    def wire_url(url: str) -> str:
        """``url`` as requests will send it (host normalised, path re-quoted)."""
        prepared = requests.models.PreparedRequest()
        prepared.prepare_url(url, None)
        return prepared.url

    def call(self, method: str, url: str, budget: float, retry: bool, **kwargs: Any) -> Answer:
        """One request, retried (when ``retry``) on connection errors and 502/503/504, all within ``budget`` s."""
        deadline = Deadline(budget)
        attempts = len(RETRY_DELAYS) + 1 if retry else 1
        sent = False  # whether any attempt may have reached the server
        for attempt in range(attempts):
            last_attempt = attempt == attempts - 1
            try:
                answer = self._send(method, url, deadline, **kwargs)
            except TransportFailure as failure:
                failure.sent = sent = sent or failure.sent
                # Connection errors are retried; a failed connect only while time is left.
                retryable = failure.kind == "connection" or (failure.kind == "no connection" and not deadline.expired())
                if not retryable or last_attempt or not self._pause(attempt, deadline):
                    raise
                continue
            sent = True
            if answer.status in RETRY_STATUSES and not last_attempt and self._pause(attempt, deadline):
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, deadline: Deadline) -> bool:
        delay = RETRY_DELAYS[attempt]
        # Bounded backoff: never pause past the deadline.
        if deadline.remaining() <= delay:
            return False
        self.sleep(delay)
        return True

    def _send(self, method: str, url: str, deadline: Deadline, **kwargs: Any) -> Answer:
        try:
            with self.adapter.watch(deadline), warnings.catch_warnings():
                if self.connection.verify is False:
                    # The user turned verification off on purpose (validate_certs: false); urllib3 would repeat
                    # that on stderr for every request. Only for this request: the filter ends with the block.
                    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                with self.session.request(
                    method, url, timeout=deadline.remaining(), stream=True, allow_redirects=False, **kwargs
                ) as response:
                    body = _read_limited(response, self.body_limit)
                    answer = Answer(response.status_code, body, response.headers.get("Location"))
        except Exception as exc:  # every library failure becomes a TransportFailure
            from ansible_collections.abraflexi.flexi.plugins.module_utils._transport_failures import classify

            raise classify(exc, deadline) from None
        if deadline.expired():
            # The deadline cut the connection, or passed while the answer was still coming: whatever was read so
            # far is not the answer (a body delimited by the connection's end looks complete when cut).
            raise TransportFailure("timeout", "", True, deadline.budget)
        return answer


def _read_limited(response: Any, limit: int) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body.extend(chunk)
        if len(body) > limit:
            break  # one byte over is enough for the caller to refuse it; no need to read the rest
    return bytes(body)


def _watched(connection_class: type, register: Callable[[Any], None]) -> type:
    class WatchedConnection(connection_class):  # type: ignore[misc,valid-type]
        def _new_conn(self) -> Any:
            sock = super()._new_conn()
            register(sock)
            return sock

        def connect(self) -> None:
            super().connect()
            register(self.sock)  # the TLS socket that replaced the plain one, if any

    return WatchedConnection


class WatchedAdapter(HTTPAdapter):  # type: ignore[misc,valid-type]
    """requests' adapter without retries of its own, whose requests end at their deadline."""

    def __init__(self) -> None:
        # The sockets this adapter opened, held weakly so closed connections are forgotten.
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()
        plain = _watched(HTTPConnection, self._register)
        secure = _watched(HTTPSConnection, self._register)
        self._pool_classes = {
            "http": type("WatchedPool", (HTTPConnectionPool,), {"ConnectionCls": plain}),
            "https": type("WatchedTlsPool", (HTTPSConnectionPool,), {"ConnectionCls": secure}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have connection classes of their own
            manager.pool_classes_by_scheme = self._pool_classes
        return manager

    def _register(self, sock: Any) -> None:
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.add(sock)

    def _shut_down_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            # The plain socket call, also on TLS sockets: it acts on the descriptor and wakes a blocked read.
            with contextlib.suppress(OSError, ValueError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    @contextlib.contextmanager
    def watch(self, deadline: Deadline) -> Iterator[None]:
        """Shut this adapter's sockets down if the block is still running when ``deadline`` passes."""
        done = threading.Event()

        def cut_when_due() -> None:
            # Nothing may escape this thread: an exception here would be printed on stderr, outside any result.
            try:
                if not done.wait(min(deadline.remaining(), threading.TIMEOUT_MAX)):
                    deadline.cut = True
                    self._shut_down_all()
            except BaseException:  # the request still ends at its socket timeout
                pass

        timer = threading.Thread(target=cut_when_due, name="flexi-deadline", daemon=True)
        timer.start()
        try:
            yield
        finally:
            done.set()
