"""`EmulatorServer`: the emulated Flexi on 127.0.0.1, served from a background thread."""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from tests.emulator.app import Answer, FlexiApp, IncomingRequest, MountedHandler
from tests.emulator.certs import CertDirectory, TlsMaterial, issue_server_tls, server_names
from tests.emulator.faults import Fault, FaultQueue
from tests.emulator.state import EmulatorState, RecordedRequest, normalise_fields

__all__ = ["EmulatorOptions", "EmulatorServer"]

LOG = logging.getLogger("tests.emulator")
HOST = "127.0.0.1"
IDLE_TIMEOUT = 30.0  # seconds a keep-alive connection may sit idle
HANDSHAKE_TIMEOUT = 10.0
STREAM_LIMIT = 120.0  # seconds a dripping, endless or lingering answer may go on before the emulator cuts it
ENDLESS_CHUNK = b"10000\r\n" + b"a" * 65536 + b"\r\n"  # the chunk an endless answer repeats after its opening

# One or more "/segment" parts of unreserved characters; no trailing slash, no "." or ".." segment.
_PATH_PREFIX = re.compile(r"(/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)+")
_CHOICES = {
    "smtp_scope": ("server", "company"),
    "write_status": (200, 201),
    "error_status": (400, 500),
    "error_shape": ("message", "errors", "result-error", "bare-message"),
    "test_mail_body": ("settings", "winstrom"),
    "unset_fields": ("empty", "absent"),
    "licence": ("full", "no-rest-write", "no-rest-api", "operation-forbidden"),
}


@dataclass(frozen=True)
class EmulatorOptions:
    """How the emulated Flexi behaves; each assumption with variants in docs/flexi-api.md is one option."""

    users: Mapping[str, str] = field(default_factory=lambda: {"admin": "admin-secret"})
    limited_users: Mapping[str, str] = field(default_factory=lambda: {"clerk": "clerk-secret"})
    companies: tuple[str, ...] = ("demo_s_r_o_",)
    smtp_scope: str = "server"
    tls: bool = False
    tls_hostname: str = HOST
    write_status: int = 201
    error_status: int = 400
    error_shape: str = "message"
    test_mail_body: str = "settings"
    unset_fields: str = "empty"
    # no-rest-write: writes and test mail answer 402; no-rest-api: also reads answer 404; operation-forbidden: 403
    licence: str = "full"
    smtp_cafile: str | None = None
    smtp_timeout: float = 30.0
    # (host, port) that receives every test mail instead of the stored host and port (`make emulator`'s sink).
    smtp_relay: tuple[str, int] | None = None
    initial: Mapping[str, Any] | None = None
    port: int = 0
    cert_dir: str | None = None
    # Serve under this path, as Flexi behind a reverse proxy at e.g. https://erp.example.com/flexi; "" for none.
    path_prefix: str = ""

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}")
        if set(self.users) & set(self.limited_users):
            raise ValueError("a user cannot be both admin and limited")
        if not self.companies:
            raise ValueError("at least one company is needed")
        if self.smtp_timeout <= 0:
            raise ValueError("smtp_timeout must be positive")
        normalise_fields(self.initial or {})  # fails early on an unknown field name
        if self.path_prefix and not _PATH_PREFIX.fullmatch(self.path_prefix):
            raise ValueError(f"path_prefix must look like /flexi or /erp/flexi, not {self.path_prefix!r}")


class EmulatorServer:
    """Start, inspect and stop one emulated Flexi. Also a context manager."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.state = EmulatorState(self.options)
        self.faults = FaultQueue()
        self._mounts: dict[str, MountedHandler] = {}
        self._stopping = threading.Event()
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._certs: CertDirectory | None = None
        self._tls: TlsMaterial | None = None
        self._accepted_before = 0  # connections accepted by earlier runs (start/stop cycles)

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            raise RuntimeError("the emulator is already running")
        if self.options.tls:
            self._certs = CertDirectory(self.options.cert_dir, "flexi-emulator")
            self._tls = issue_server_tls(server_names(self.options.tls_hostname), self._certs.path, "flexi")
        self._stopping.clear()
        app = FlexiApp(self.options, self.state, self.faults, self._stopping, self._mounts)
        try:
            # Bound and listening once the constructor returns; connections wait in the backlog until served.
            self._httpd = _HttpServer((HOST, self.options.port), app, self._tls.context if self._tls else None)
        except OSError:
            self._remove_certificates()
            raise
        self._thread = threading.Thread(target=self._httpd.serve_until_stopped, name="flexi-emulator", daemon=True)
        self._thread.start()
        LOG.info("Flexi emulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections, wait for every handler thread, remove temporary certificates."""
        if self._httpd is None:
            return
        self._stopping.set()  # wakes "slow" faults
        self._httpd.stop_serving()
        assert self._thread is not None
        self._thread.join()
        self._httpd.close_connections()
        self._httpd.server_close()  # joins the handler threads
        self._accepted_before += self._httpd.accepted
        self._httpd = None
        self._thread = None
        self._remove_certificates()

    def _remove_certificates(self) -> None:
        if self._certs is not None:
            self._certs.cleanup()
        self._certs = None
        self._tls = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator is not running")
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        """scheme://host:port, without the path prefix: where mounted prefixes are served."""
        scheme = "https" if self.options.tls else "http"
        return f"{scheme}://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.options.path_prefix

    @property
    def ca_path(self) -> str | None:
        return self._tls.ca_path if self._tls is not None else None

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests()

    def writes(self) -> list[RecordedRequest]:
        return [entry for entry in self.state.requests() if entry.method in ("PUT", "POST")]

    def test_mail_requests(self) -> list[RecordedRequest]:
        return [entry for entry in self.state.requests() if entry.method == "GET" and "testMail" in entry.query]

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since the first start, with or without a request: a canary's proof of silence."""
        current = self._httpd.accepted if self._httpd is not None else 0
        return self._accepted_before + current

    def inject(self, fault: Fault) -> None:
        self.faults.add(fault)

    def mount(self, prefix: str, handler: MountedHandler) -> None:
        """Answer every request under `prefix` (e.g. "/_lab") with `handler`, which gets the request with the
        prefix taken off its target. Such requests are no Flexi calls: they skip the path prefix, the request log,
        the queued faults and the credentials check. Pick a prefix Flexi itself does not use."""
        if not _PATH_PREFIX.fullmatch(prefix):
            raise ValueError(f"a mount prefix must look like /_lab, not {prefix!r}")
        if prefix in self._mounts:
            raise ValueError(f"{prefix} is already mounted")
        self._mounts[prefix] = handler

    def reset(self) -> None:
        """Forget requests and faults; settings go back to `initial`."""
        self.faults.clear()
        self.state.reset()


def serve_until_woken(listener: socket.socket, wake: socket.socket, accept: Callable[[], None]) -> None:
    """Call `accept` whenever `listener` has a connection waiting, until `wake` becomes readable."""
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        while True:
            for key, _events in selector.select():
                if key.fileobj is wake:
                    return
                accept()


class _HttpServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does TLS in the handler thread and can cut its keep-alive connections at stop."""

    daemon_threads = False
    block_on_close = True  # server_close() joins the handler threads

    def __init__(self, address: tuple[str, int], app: FlexiApp, context: ssl.SSLContext | None) -> None:
        self.app = app
        self._context = context
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self.accepted = 0  # connections accepted, counted before TLS or a request line
        self._connection_numbers = itertools.count(1)
        self._closing = False
        self._holder: socket.socket | None = None
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(address, _FlexiHandler)  # closes everything through server_close() if binding fails

    def serve_until_stopped(self) -> None:
        """Like serve_forever(), but stop_serving() wakes it at once instead of after a poll interval."""
        serve_until_woken(self.socket, self._wake_reader, self._handle_request_noblock)

    def stop_serving(self) -> None:
        self._wake_writer.send(b"\0")

    def refuse_new_connections(self) -> None:
        """Stop listening, as a server that went down: every new connection is refused. The port stays held by a
        bound socket that does not listen, so no other server can be given it while this one runs."""
        with self._lock:
            if self._holder is not None:
                return
            address = self.socket.getsockname()
            self.socket.close()
            holder = socket.socket(self.address_family)
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            holder.bind(address)
            self._holder = holder

    def server_close(self) -> None:
        if self._holder is not None:
            self._holder.close()
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self.accepted += 1
        super().process_request(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            number = next(self._connection_numbers)
        connection = self._secured(request)
        if connection is None or not self._track(connection):
            return
        try:
            _FlexiHandler(connection, client_address, self, number)
        except OSError:
            LOG.debug("connection from %s ended abruptly", client_address)
        finally:
            with self._lock:
                self._connections.discard(connection)
            if connection is not request:
                connection.close()

    def _secured(self, request: socket.socket) -> socket.socket | None:
        if self._context is None:
            return request
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            return self._context.wrap_socket(request, server_side=True)
        except OSError as exc:  # the client rejected our certificate or went away
            LOG.debug("TLS handshake failed: %s", exc)
            return None

    def _track(self, connection: socket.socket) -> bool:
        with self._lock:
            if self._closing:
                connection.close()
                return False
            self._connections.add(connection)
            return True

    def close_connections(self) -> None:
        """Wake every handler blocked on an idle keep-alive connection."""
        with self._lock:
            self._closing = True
            connections = list(self._connections)
        for connection in connections:
            # socket.socket.shutdown, not SSLSocket's: it acts on the descriptor and leaves TLS state alone.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(connection, socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        LOG.debug("error while serving %s", client_address, exc_info=True)


class _FlexiHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every answer carries Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "ABRA-Flexi-emulator"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # a dripping answer's single bytes must leave at once, not after ~40 ms
    server: _HttpServer

    def __init__(self, request: Any, client_address: Any, server: _HttpServer, connection_number: int) -> None:
        self.connection_number = connection_number
        self.arrived_at = 0.0
        super().__init__(request, client_address, server)  # serves the whole connection

    def parse_request(self) -> bool:
        self.arrived_at = time.monotonic()  # the request line has just been read
        return super().parse_request()

    def do_GET(self) -> None:
        body = self._read_body()
        if body is None:
            return
        incoming = IncomingRequest(self.command, self.path, self.headers, body, self.connection_number, self.arrived_at)
        self._send(self.server.app.handle(incoming))

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes | None:
        """The body by its Content-Length (every client of the tests sends one)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, answer: Answer) -> None:
        if answer.delivery == "drop":
            self.close_connection = True
            return
        payload = answer.body if isinstance(answer.body, bytes) else answer.body.encode("utf-8")
        scripted = {name.lower() for name, _value in answer.headers}  # a raw fault may set these itself
        self.send_response(answer.status, answer.reason)
        if answer.content_type and "content-type" not in scripted:
            self.send_header("Content-Type", answer.content_type)
        if answer.delivery == "vanish":
            self.server.refuse_new_connections()
            self.close_connection = True
            self.send_header("Connection", "close")
        if answer.delivery == "endless":
            self.send_header("Transfer-Encoding", "chunked")
        elif answer.delivery == "linger":
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self._headers_buffer.append(b"\r\n")  # what end_headers() adds, without flushing yet
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        if self.command == "HEAD":
            payload = b""
        if answer.delivery == "drip":
            if answer.drip_phase == "body":
                self.wfile.write(head)
                head = b""
            whole = head + payload
            self._stream((whole[index : index + 1] for index in range(len(whole))), answer.pace)
        elif answer.delivery == "endless":
            opening = b"%x\r\n%s\r\n" % (len(payload), payload) if payload else b""
            more = itertools.repeat(ENDLESS_CHUNK) if self.command != "HEAD" else ()
            self._stream(itertools.chain([head + opening], more), 0.0)
        elif answer.delivery == "linger":
            self._stream(itertools.chain([head + payload], itertools.repeat(b" ")), answer.pace)
        elif answer.delivery == "drop_mid_body":
            self.wfile.write(head + payload[: len(payload) // 2])
            self.close_connection = True
        else:
            self.wfile.write(head + payload)

    def _stream(self, pieces: Iterable[bytes], pace: float) -> None:
        """Send `pieces`, `pace` seconds apart, until they run out; cut the connection when the emulator stops,
        the client goes away or STREAM_LIMIT passes first."""
        stopping = self.server.app.stopping
        deadline = time.monotonic() + STREAM_LIMIT
        try:
            for index, piece in enumerate(pieces):
                if index and (stopping.wait(pace) or time.monotonic() >= deadline):
                    break
                self.wfile.write(piece)
            else:
                return
        except OSError:
            LOG.debug("client left during a streamed answer")
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug("%s %s", self.address_string(), format % args)
