# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""A deadline for a whole HTTP request, enforced on the sockets themselves (internal to abraflexi.flexi).

requests and urllib3 apply ``timeout`` to each socket read, so a server that sends one byte a second can hold a
request for ever. The adapter here remembers every socket it opens; when a request's deadline passes, a timer
shuts those sockets down, the blocked read returns, and the client reports the timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # reported by the module through missing_required_lib
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object


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


class _SocketRegistry:
    """The sockets one adapter has opened, held weakly so closed connections are forgotten."""

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, sock: Any) -> None:
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.add(sock)

    def shut_down_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            # The plain socket call, also on TLS sockets: it acts on the descriptor and wakes a blocked read.
            with contextlib.suppress(OSError, ValueError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(connection_class: type, registry: _SocketRegistry) -> type:
    class WatchedConnection(connection_class):  # type: ignore[misc,valid-type]
        def _new_conn(self) -> Any:
            sock = super()._new_conn()
            registry.add(sock)
            return sock

        def connect(self) -> None:
            super().connect()
            registry.add(self.sock)  # the TLS socket that replaced the plain one, if any

    return WatchedConnection


class WatchedAdapter(HTTPAdapter):  # type: ignore[misc,valid-type]
    """requests' adapter with redirects and retries off, whose requests end at their deadline."""

    def __init__(self) -> None:
        self.sockets = _SocketRegistry()
        plain = _watched(HTTPConnection, self.sockets)
        secure = _watched(HTTPSConnection, self.sockets)
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

    @contextlib.contextmanager
    def watch(self, deadline: Deadline) -> Iterator[None]:
        """Shut this adapter's sockets down if the block is still running when ``deadline`` passes."""

        done = threading.Event()

        def cut_when_due() -> None:
            # Nothing may escape this thread: an exception here would be printed on stderr, outside any result.
            try:
                if not done.wait(min(deadline.remaining(), threading.TIMEOUT_MAX)):
                    deadline.cut = True
                    self.sockets.shut_down_all()
            except BaseException:  # the request still ends at its socket timeout
                pass

        timer = threading.Thread(target=cut_when_due, name="flexi-deadline", daemon=True)
        timer.start()
        try:
            yield
        finally:
            done.set()


def watched_adapter() -> WatchedAdapter:
    """A new WatchedAdapter (one per client: its socket registry belongs to one task)."""
    return WatchedAdapter()
