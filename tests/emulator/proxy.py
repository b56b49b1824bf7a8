"""`ForwardProxy`: a small HTTP forward proxy on 127.0.0.1 for tests of clients that go through a proxy.

Plain HTTP requests in absolute form (`GET http://host:port/path HTTP/1.1`) are sent on to their target and the
answer relayed; `CONNECT host:port` opens a tunnel, so HTTPS works through it. One request per client
connection (every relayed answer says `Connection: close`). Everything ends on stop(), when either side closes,
or after `timeout` seconds without traffic.

`ForwardProxy(echo_status=407)` (or 502, or a 3xx) forwards nothing: it answers every request with that status and
a page quoting the request as received, its `Proxy-Authorization` header and the credentials decoded from it; a
3xx also names a `Location` holding those credentials. That is how some proxies show a refused login.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import SplitResult, quote, urlsplit

from tests.emulator.app import basic_credentials
from tests.emulator.server import serve_until_woken

__all__ = ["ForwardProxy", "ProxiedRequest"]

LOG = logging.getLogger("tests.emulator.proxy")
HOST = "127.0.0.1"
MAX_LINE = 65536
JOIN_SECONDS = 5.0
# Hop-by-hop headers (RFC 9110 7.6.1) and the ones this proxy sets itself.
_NOT_FORWARDED = frozenset(
    {
        *("connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "trailer", "upgrade"),
        *("transfer-encoding", "content-length"),
    }
)


@dataclass(frozen=True)
class ProxiedRequest:
    """What the proxy received: method, target (absolute URL, or `host:port` for CONNECT) and the headers it could
    read in clear, which comparisons leave out."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = field(default=(), compare=False)


class _BadRequest(Exception):
    """The client's request cannot be proxied; the message goes into the 400 answer."""


class ForwardProxy:
    """Start, inspect and stop one forward proxy. Also a context manager."""

    def __init__(self, timeout: float = 30.0, echo_status: int | None = None) -> None:
        self.timeout = timeout
        self.echo_status = echo_status
        self._lock = threading.Lock()
        self._received: list[ProxiedRequest] = []
        self._sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener: socket.socket | None = None
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> ForwardProxy:
        if self._listener is not None:
            raise RuntimeError("the proxy is already running")
        self._stopping.clear()
        self._listener = socket.create_server((HOST, 0))
        self._wake_reader, self._wake_writer = socket.socketpair()
        wake = (self._listener, self._wake_reader, self._accept)
        self._acceptor = threading.Thread(target=serve_until_woken, args=wake, name="forward-proxy", daemon=True)
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut every open connection and tunnel, wait for their threads."""
        if self._listener is None:
            return
        self._stopping.set()
        assert self._wake_reader is not None and self._wake_writer is not None and self._acceptor is not None
        self._wake_writer.send(b"\0")
        self._acceptor.join()
        with self._lock:
            sockets = list(self._sockets)
            threads = list(self._threads)
        for each in sockets:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(JOIN_SECONDS)
        for each in (self._listener, self._wake_reader, self._wake_writer):
            each.close()
        self._listener = self._wake_reader = self._wake_writer = self._acceptor = None

    def __enter__(self) -> ForwardProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("the proxy is not running")
        return self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def requests(self) -> list[ProxiedRequest]:
        """A copy of everything received so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def _accept(self) -> None:
        assert self._listener is not None
        with contextlib.suppress(OSError):
            client, _address = self._listener.accept()
            thread = threading.Thread(target=self._serve, args=(client,), name="forward-proxy-connection", daemon=True)
            with self._lock:
                self._threads.add(thread)
            thread.start()

    def _track(self, connection: socket.socket) -> bool:
        with self._lock:
            if self._stopping.is_set():
                return False
            self._sockets.add(connection)
            return True

    def _forget(self, connection: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(connection)
        connection.close()

    def _serve(self, client: socket.socket) -> None:
        try:
            if self._track(client):
                client.settimeout(self.timeout)
                self._serve_request(client)
        except OSError as exc:
            LOG.debug("proxied connection ended: %s", exc)
        finally:
            self._forget(client)
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _serve_request(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            method, target, headers = _read_head(reader)
            with self._lock:
                self._received.append(ProxiedRequest(method, target, tuple(headers)))
            if self.echo_status is not None:
                client.sendall(_echo_answer(self.echo_status, method, target, headers, f"{HOST}:{self.port}"))
            elif method == "CONNECT":
                self._tunnel(client, target)
            else:
                self._forward(client, reader, method, target, headers)
        except _BadRequest as exc:
            client.sendall(_short_answer(400, "Bad Request", str(exc)))
        finally:
            reader.close()

    def _tunnel(self, client: socket.socket, target: str) -> None:
        host, colon, port = target.rpartition(":")
        if not colon or not port.isdigit():
            raise _BadRequest(f"CONNECT needs host:port, not {target!r}")
        upstream = self._connect(client, host.strip("[]"), int(port))
        if upstream is None:
            return
        try:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(client, upstream)
        finally:
            self._forget(upstream)

    def _forward(
        self, client: socket.socket, reader: BinaryIO, method: str, target: str, headers: list[tuple[str, str]]
    ) -> None:
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            raise _BadRequest("expected an absolute http:// URL or CONNECT")
        body = _read_body(reader, headers)
        upstream = self._connect(client, parts.hostname, parts.port or 80)
        if upstream is None:
            return
        try:
            upstream.sendall(_upstream_request(method, parts, headers, body))
            self._relay_answer(upstream, client)
        finally:
            self._forget(upstream)

    def _connect(self, client: socket.socket, host: str, port: int) -> socket.socket | None:
        """A connection to the target, tracked for stop(); None after answering 502 if it cannot be made."""
        try:
            upstream = socket.create_connection((host, port), timeout=self.timeout)
        except OSError as exc:
            client.sendall(_short_answer(502, "Bad Gateway", f"cannot reach {host}:{port}: {exc}"))
            return None
        if not self._track(upstream):
            upstream.close()
            return None
        return upstream

    def _relay_answer(self, upstream: socket.socket, client: socket.socket) -> None:
        received = b""
        while b"\r\n\r\n" not in received and (chunk := upstream.recv(65536)):
            received += chunk
        head, blank, rest = received.partition(b"\r\n\r\n")
        client.sendall(_closing_head(head) + rest if blank else received)
        while chunk := upstream.recv(65536):
            client.sendall(chunk)

    def _pipe(self, first: socket.socket, second: socket.socket) -> None:
        """Copy bytes both ways until either side closes, an error, or `timeout` seconds of silence."""
        other = {first: second, second: first}
        with selectors.DefaultSelector() as selector:
            selector.register(first, selectors.EVENT_READ)
            selector.register(second, selectors.EVENT_READ)
            while True:
                ready = selector.select(self.timeout)
                if not ready:
                    return
                for key, _events in ready:
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    chunk = source.recv(65536)
                    if not chunk:
                        return
                    other[source].sendall(chunk)


def _read_head(reader: BinaryIO) -> tuple[str, str, list[tuple[str, str]]]:
    line = reader.readline(MAX_LINE + 1)
    if not line:
        raise _BadRequest("no request")
    fields = line.decode("latin-1").split()
    if len(fields) != 3 or len(line) > MAX_LINE:
        raise _BadRequest("malformed request line")
    method, target, _version = fields
    headers = []
    while True:
        line = reader.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n", b""):
            return method.upper(), target, headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise _BadRequest("malformed header line")
        headers.append((name.strip(), value.strip()))


def _read_body(reader: BinaryIO, headers: list[tuple[str, str]]) -> bytes:
    """The body by its Content-Length (the modules never send a chunked request)."""
    length = next((value for name, value in headers if name.lower() == "content-length"), "0")
    if not length.isdigit():
        raise _BadRequest("bad Content-Length")
    return reader.read(int(length))


def _upstream_request(method: str, parts: SplitResult, headers: list[tuple[str, str]], body: bytes) -> bytes:
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    kept = [(name, value) for name, value in headers if name.lower() not in _NOT_FORWARDED]
    if not any(name.lower() == "host" for name, _value in kept):
        kept.insert(0, ("Host", parts.netloc))
    if body or method in ("PUT", "POST", "PATCH"):
        kept.append(("Content-Length", str(len(body))))
    kept.append(("Connection", "close"))
    lines = [f"{method} {path} HTTP/1.1", *(f"{name}: {value}" for name, value in kept)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _closing_head(head: bytes) -> bytes:
    """The answer's status line and headers, saying the connection closes after it."""
    lines = head.split(b"\r\n")
    kept = [
        line
        for line in lines[1:]
        if line.split(b":", 1)[0].strip().lower() not in (b"connection", b"keep-alive", b"proxy-connection")
    ]
    return b"\r\n".join([lines[0], *kept, b"Connection: close"]) + b"\r\n\r\n"


def _echo_answer(status: int, method: str, target: str, headers: list[tuple[str, str]], proxy: str) -> bytes:
    """A refusal quoting the request, its proxy credentials decoded, and for a 3xx a Location that holds them."""
    user, password = basic_credentials(next((v for name, v in headers if name.lower() == "proxy-authorization"), None))
    credentials = "" if user is None else f"{user}:{password or ''}"
    lines = [f"{method} {target}", *(f"{name}: {value}" for name, value in headers), f"credentials: {credentials}"]
    extra = 'Proxy-Authenticate: Basic realm="proxy"\r\n' if status == 407 else ""
    if 300 <= status < 400:
        extra = f"Location: http://{quote(user or '', safe='')}:{quote(password or '', safe='')}@{proxy}/login\r\n"
    return _short_answer(status, "Refused", "\n".join(lines), extra)


def _short_answer(status: int, reason: str, text: str, extra_headers: str = "") -> bytes:
    body = (text + "\n").encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
