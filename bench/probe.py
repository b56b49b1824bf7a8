# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A loopback TCP relay that counts the connections a client opens and notes when its first byte arrived.

The emulator logs requests but not the TCP connections that carried them, so the benchmark and the request-count
test put this relay between the module and the emulator: one accepted connection here is one connection the
client opened. It relays bytes unchanged in both directions and never reads HTTP.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

HOST = "127.0.0.1"
CHUNK = 65536


@dataclass
class RelayedConnection:
    """One client connection: when it was accepted and when its first byte came (time.monotonic())."""

    accepted_at: float
    first_byte_at: float | None = None
    bytes_from_client: int = 0


class ConnectionProbe:
    """Relay 127.0.0.1:<port> to an upstream server and record every connection. Also a context manager."""

    def __init__(self, upstream_port: int, upstream_host: str = HOST) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._connections: list[RelayedConnection] = []
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    def start(self) -> ConnectionProbe:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((HOST, 0))
        listener.listen(64)
        self._listener = listener
        self._spawn(self._accept_loop)
        return self

    def __enter__(self) -> ConnectionProbe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("the probe is not running")
        return self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def connections(self) -> list[RelayedConnection]:
        with self._lock:
            return list(self._connections)

    def reset(self) -> None:
        """Forget the connections seen so far (open ones keep relaying)."""
        with self._lock:
            self._connections = []

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        # shutdown() wakes the accept() and recv() calls blocked in the relay threads.
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        with self._lock:
            open_sockets = list(self._sockets)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="connection-probe")
        self._threads = [*(alive for alive in self._threads if alive.is_alive()), thread]
        thread.start()

    def _accept_loop(self) -> None:
        listener = self._listener
        while listener is not None:
            try:
                client, _peer = listener.accept()
            except OSError:
                return  # stopped
            record = RelayedConnection(accepted_at=time.monotonic())
            with self._lock:
                self._connections.append(record)
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets.update((client, upstream))
            self._spawn(self._relay, client, upstream, record)

    def _relay(self, client: socket.socket, upstream: socket.socket, record: RelayedConnection) -> None:
        """Copy bytes both ways until both sides have finished, then close both sockets."""
        peers = {client: upstream, upstream: client}
        open_ends = {client, upstream}
        try:
            with selectors.DefaultSelector() as selector:
                for sock in open_ends:
                    selector.register(sock, selectors.EVENT_READ)
                while open_ends:
                    for key, _events in selector.select():
                        source = key.fileobj
                        chunk = source.recv(CHUNK)
                        if chunk:
                            if source is client:
                                if record.first_byte_at is None:
                                    record.first_byte_at = time.monotonic()
                                record.bytes_from_client += len(chunk)
                            peers[source].sendall(chunk)
                            continue
                        # End of one direction: pass the half-close on and stop reading that side.
                        selector.unregister(source)
                        open_ends.discard(source)
                        with contextlib.suppress(OSError):
                            peers[source].shutdown(socket.SHUT_WR)
        except OSError:
            pass  # reset by either side, or stop()
        finally:
            for sock in (client, upstream):
                with self._lock:
                    self._sockets.discard(sock)
                sock.close()
