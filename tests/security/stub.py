"""A hostile stand-in for Flexi: answers what a test scripts (bodies the emulator would never send) and records.

The emulator stays faithful to Flexi; this stub plays a broken or malicious server, or a proxy echoing what it
received. It also serves as a canary: a server that must never be contacted, counting every TCP connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

HOST = "127.0.0.1"
XML_TYPE = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class StubRequest:
    """One request as the stub received it, headers and body included (the stub plays a server that echoes)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class StubAnswer:
    """Status, content type and body; an iterable body is sent chunked, for as long as it yields."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str = XML_TYPE


Script = Callable[[StubRequest], StubAnswer]


class StubServer:
    """HTTP/1.1 server on 127.0.0.1 answering every request through ``script``. Also a context manager."""

    def __init__(self, script: Script | None = None) -> None:
        self.script = script or (lambda request: StubAnswer(404))
        self.requests: list[StubRequest] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._httpd = _Server((HOST, 0), _Handler)
        self._httpd.stub = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> StubServer:
        self._thread.start()  # the socket listens since the constructor; connections wait in the backlog
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def _received(self, request: StubRequest) -> StubAnswer:
        with self._lock:
            self.requests.append(request)
        return self.script(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stub: StubServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up on an endless answer is expected here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.stub._connected()

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = StubRequest(self.command, self.path, dict(self.headers.items()), body)
        answer = self.server.stub._received(request)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        if isinstance(answer.body, bytes):
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in answer.body:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    do_PUT = do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass
