"""The Flexi REST routes the emulator answers, as docs/flexi-api.md describes them."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.emulator.documents import (
    AUTH_REQUIRED_JSON,
    JSON_TYPE,
    WRITE_SUCCESS_XML,
    XML_TYPE,
    WriteBody,
    error_document,
    read_write_body,
    redact,
    settings_json,
    settings_xml,
    success_document,
)
from tests.emulator.faults import Fault, FaultQueue, html_error_page, reason_phrase, redirect_page, truncated
from tests.emulator.mailer import MailFailure, send_test_mail
from tests.emulator.spellings import spell
from tests.emulator.state import ADMIN, EmulatorState, RecordedRequest
from tests.emulator.validation import ErrorEntry, validate_fields

if TYPE_CHECKING:
    from tests.emulator.server import EmulatorOptions

LOG = logging.getLogger("tests.emulator")
VERSION = "2025.x-emulator"
WRITE_METHODS = ("PUT", "POST")
SMTP_METHODS = ("GET", "PUT", "POST")
SMTP_RESOURCE = "nastaveni/smtp"
REALM = 'Basic realm="ABRA Flexi"'
_PLACEHOLDER = re.compile(r"\{(request|authorization|body)\}")
# Assumed wordings, see docs/flexi-api.md: Flexi's exact texts are not public.
NO_RIGHT_MESSAGE = "Nemáte oprávnění k nastavení SMTP serveru: je potřeba role ADMIN s právem 'Přístup ke všem firmám'."
NO_COMPANY_MESSAGE = "Firma '{company}' neexistuje."
NOT_FOUND_MESSAGE = "Požadovaná stránka '{path}' neexistuje."
NO_METHOD_MESSAGE = "Metoda {method} není pro evidenci 'nastaveni-smtp' podporována."
NO_FORMAT_MESSAGE = "Nepodporovaný formát '{suffix}'."
FAULT_MESSAGES = {
    402: "Licence neumožňuje přístup přes REST API.",
    403: NO_RIGHT_MESSAGE,
    404: "Požadovaný záznam nebyl nalezen.",
    500: "Interní chyba serveru.",
    503: "Služba je dočasně nedostupná.",
}
# Our assumption: Flexi's texts for a licence without REST writes (402) or without this operation (403) are not
# public; these follow the tone of its other Czech messages.
LICENCE_REFUSALS = {
    "no-rest-write": (402, "Licence nezahrnuje zápis přes REST API."),
    "no-rest-api": (402, "Licence nezahrnuje zápis přes REST API."),
    "operation-forbidden": (403, "Licence tuto operaci nepovoluje."),
}


@dataclass(frozen=True)
class IncomingRequest:
    """One HTTP request; `connection` numbers the TCP connection it came on (1, 2, ... per emulator) and
    `arrived_at` is when its request line came in (time.monotonic())."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""
    connection: int = 0
    arrived_at: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What to send back. `delivery` "drop" or "drop_mid_body" breaks the connection instead (a fault);
    "drip" sends the answer one byte every `pace` seconds (from the status line on if `drip_phase` is "headers");
    "endless" sends `body` as the first chunk of a chunked answer that never ends; "vanish" sends the answer closing
    the connection, after the emulator stopped taking new ones; "linger" sends `body` without a
    length, so the connection's end delimits it, then one space every `pace` seconds and never that end."""

    status: int
    body: str | bytes = ""  # text goes out as UTF-8
    content_type: str | None = XML_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    delivery: str = "normal"  # "normal" | "drop" | "drop_mid_body" | "drip" | "endless" | "linger" | "vanish"
    pace: float = 0.0
    drip_phase: str = "body"
    reason: str | None = None  # the status line's reason phrase; None for the standard one


@dataclass(frozen=True)
class _Call:
    """A request taken apart; `route` is the path Flexi sees once the reverse proxy in front took off
    `path_prefix`, None when the path lies outside the prefix (the proxy answers that itself)."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    user: str | None
    password: str | None
    fmt: str


# Answers the requests under a mounted prefix, given them with the prefix taken off their target.
MountedHandler = Callable[[IncomingRequest], Answer]


class FlexiApp:
    """Turns one HTTP request into one answer and records it."""

    def __init__(
        self,
        options: EmulatorOptions,
        state: EmulatorState,
        faults: FaultQueue,
        stopping: threading.Event,
        mounts: Mapping[str, MountedHandler],
    ):
        self.options = options
        self.state = state
        self.faults = faults
        self.stopping = stopping  # set while the server stops: wakes slow and dripping answers
        # Prefix -> handler: paths that are no part of Flexi (a test's control hooks); shared with the server.
        self.mounts = mounts
        self._started = time.monotonic()

    def handle(self, request: IncomingRequest) -> Answer:
        mounted = self._mounted(request)
        if mounted is not None:
            return mounted
        place = self.state.open_record()
        call = _take_apart(request, self.options.path_prefix)
        write = read_write_body(request.body) if call.method in WRITE_METHODS else WriteBody()
        try:
            answer = self._answer(call, write, request)
        except Exception as exc:  # an emulator bug: answer like a crashing Flexi rather than dropping the line
            LOG.exception("emulator failed on %s %s", call.method, call.path)
            answer = self._error(500, f"{type(exc).__name__}: {exc}", call.fmt)
        # Recorded before the answer leaves, so a test sees the entry as soon as its client has the answer.
        self.state.close_record(place, _record(request, call, write, answer))
        return answer

    def _mounted(self, request: IncomingRequest) -> Answer | None:
        """The mounted handler's answer when the path lies under a mounted prefix: not logged, no fault taken,
        no credentials asked for (it stands beside Flexi, not in it)."""
        path, question, query = request.target.partition("?")
        for prefix, handler in list(self.mounts.items()):
            rest = _within_prefix(path, prefix)
            if rest is not None:
                return handler(replace(request, target=rest + question + query))
        return None

    def _answer(self, call: _Call, write: WriteBody, request: IncomingRequest) -> Answer:
        if call.route is None:
            # A reverse proxy that forwards only the prefix answers everything else itself, before Flexi sees it.
            return Answer(404, html_error_page(404), "text/html")
        fault = self.faults.take(call.method, call.query)
        if fault is not None and fault.kind == "slow":
            self.stopping.wait(fault.delay)
            fault = None
        if fault is not None and fault.kind not in ("drip", "vanish"):
            return self._fault_answer(fault, call, write, request)
        answer = self._authenticated(call, write)
        if fault is not None and fault.kind == "vanish":
            return replace(answer, delivery="vanish")
        if fault is not None:  # drip: the answer the request gets anyway, sent byte by byte
            return replace(answer, delivery="drip", pace=fault.delay, drip_phase=fault.phase)
        return answer

    def _authenticated(self, call: _Call, write: WriteBody) -> Answer:
        role = self.state.role_of(call.user, call.password)
        if role is None:
            return _auth_required()
        return self._route(call, write, role)

    # routes

    def _route(self, call: _Call, write: WriteBody, role: str) -> Answer:
        route = call.route or "/"
        if route in ("/status", "/status.json"):
            return self._json_only(call, self._status())
        if route in ("/c", "/c.json"):
            return self._json_only(call, self._companies())
        segments = route.split("/")
        if len(segments) < 3 or segments[1] != "c" or not segments[2]:
            return self._error(404, NOT_FOUND_MESSAGE.format(path=route), call.fmt)
        company = unquote(segments[2])
        if company not in self.state.companies:
            return self._error(404, NO_COMPANY_MESSAGE.format(company=company), call.fmt)
        resource, dot, suffix = "/".join(segments[3:]).partition(".")
        if resource != SMTP_RESOURCE:
            return self._error(404, NOT_FOUND_MESSAGE.format(path=route), call.fmt)
        if dot and suffix not in ("xml", "json"):
            return self._error(406, NO_FORMAT_MESSAGE.format(suffix=suffix), "xml")
        return self._smtp(call, write, role, company)

    def _smtp(self, call: _Call, write: WriteBody, role: str, company: str) -> Answer:
        if call.method not in SMTP_METHODS:
            answer = self._error(405, NO_METHOD_MESSAGE.format(method=call.method), call.fmt)
            return _with_header(answer, "Allow", ", ".join(SMTP_METHODS))
        if self.options.licence == "no-rest-api" and call.method not in WRITE_METHODS and "testMail" not in call.query:
            # The vendor documents 402 for writes without the REST API, and a 404 for reads in the same case.
            return self._error(404, FAULT_MESSAGES[404], call.fmt)
        if self.options.licence in LICENCE_REFUSALS and (call.method in WRITE_METHODS or "testMail" in call.query):
            status, message = LICENCE_REFUSALS[self.options.licence]
            return self._error(status, message, call.fmt)
        if role != ADMIN:
            # Only ADMIN with "access all companies" may touch it (vendor article); the 403 is an assumption.
            return self._error(403, NO_RIGHT_MESSAGE, call.fmt)
        if call.method in WRITE_METHODS:
            return self._write(call, write, company)
        if "testMail" in call.query:
            return self._test_mail(call, company)
        return self._read(call, company)

    def _read(self, call: _Call, company: str) -> Answer:
        stored = self.state.stored(company)
        if call.fmt == "json":
            return Answer(200, settings_json(stored, self.options.unset_fields), JSON_TYPE)
        return Answer(200, settings_xml(stored, self.options.unset_fields))

    def _write(self, call: _Call, write: WriteBody, company: str) -> Answer:
        if write.error is not None:
            return self._error(400, write.error, call.fmt)
        values, errors = validate_fields(write.fields)
        if errors:
            # All or nothing: a write with one bad field stores none of its fields.
            return self._error(self.options.error_status, errors, call.fmt)
        self.state.store(company, **values)
        return Answer(self.options.write_status, success_document(call.fmt, updated=1), _content_type(call.fmt))

    def _test_mail(self, call: _Call, company: str) -> Answer:
        try:
            send_test_mail(
                self.state.stored(company),
                call.query["testMail"],
                cafile=self.options.smtp_cafile,
                timeout=self.options.smtp_timeout,
                relay=self.options.smtp_relay,
            )
        except MailFailure as failure:
            return self._error(self.options.error_status, str(failure), call.fmt)
        if self.options.test_mail_body == "settings":
            return self._read(call, company)
        return Answer(200, success_document(call.fmt, updated=0), _content_type(call.fmt))

    def _status(self) -> dict[str, object]:
        uptime = int(time.monotonic() - self._started)
        return {
            "status": {
                "version": VERSION,
                "appServerRunning": "true",
                "databaseRunning": "true",
                "uptime": str(uptime),
                "serverName": "ABRA Flexi emulator",
            }
        }

    def _companies(self) -> dict[str, object]:
        companies = [
            {"id": str(number), "dbNazev": name, "nazev": name, "stavEnum": "ESTABLISHED", "show": "true"}
            for number, name in enumerate(self.state.companies, start=1)
        ]
        return {"companies": {"company": companies}}

    def _json_only(self, call: _Call, document: dict[str, object]) -> Answer:
        if call.method != "GET":
            return _with_header(self._error(405, f"Metoda {call.method} není podporována.", "json"), "Allow", "GET")
        return Answer(200, json.dumps(document, ensure_ascii=False), JSON_TYPE)

    # errors and faults

    def _error(self, status: int, message: str | list[ErrorEntry], fmt: str) -> Answer:
        entries = [ErrorEntry(message)] if isinstance(message, str) else message
        return Answer(status, error_document(entries, self.options.error_shape, fmt), _content_type(fmt))

    def _fault_answer(self, fault: Fault, call: _Call, write: WriteBody, request: IncomingRequest) -> Answer:
        status = fault.answer_status
        if fault.kind == "redirect":
            location = fault.location or ""
            return Answer(status, redirect_page(status, location), "text/html", (("Location", location),))
        if fault.kind == "raw":
            body = fault.body or ""
            if isinstance(body, str):
                body = quoting_request(body, request, fault.spelling)
            return Answer(status, body, fault.content_type, fault.headers)
        if fault.kind == "endless":
            return Answer(status, fault.body or "", fault.content_type or XML_TYPE, fault.headers, delivery="endless")
        if fault.kind == "echo":
            message = echo_message(fault, call.password, write.password)
            return Answer(status, error_document([ErrorEntry(message)], "message", "xml"), XML_TYPE)
        if fault.kind == "status":
            if status == 401:
                return _auth_required()
            return self._error(status, FAULT_MESSAGES.get(status, reason_phrase(status)), call.fmt)
        if fault.kind == "html":
            return Answer(status, html_error_page(status), "text/html")
        if fault.kind == "empty":
            return Answer(200, "")
        if fault.kind == "drop":
            return Answer(-1, delivery="drop")
        # The answer the request would get, as far as a fault sends it.
        full = WRITE_SUCCESS_XML if call.method in WRITE_METHODS else settings_xml(self.state.stored(), "empty")
        if fault.kind == "linger":
            body = full if fault.body is None else fault.body
            content_type = fault.content_type or XML_TYPE
            return Answer(status, body, content_type, fault.headers, delivery="linger", pace=fault.delay or 1.0)
        if fault.kind == "malformed":
            return Answer(200, truncated(full))
        return Answer(200, full, delivery="drop_mid_body")


def echo_message(fault: Fault, header_password: str | None, body_password: str | None) -> str:
    """The text of an echo fault: `pad` x's, then the Basic password and the written <password>, each spelled
    as `fault.spelling` says; a part is left out when the request had no such password."""
    parts = []
    if header_password is not None:
        parts.append(f"heslo z hlavičky Authorization: {spell(header_password, fault.spelling)}")
    if body_password is not None:
        parts.append(f"heslo v těle požadavku: {spell(body_password, fault.spelling)}")
    return "x" * fault.pad + "Požadavek odmítnut; " + "; ".join(parts or ["bez hesla"])


def quoting_request(template: str, request: IncomingRequest, spelling: str) -> str:
    """`template` with `{request}` (request line, headers and body as received), `{authorization}` (that header's
    value) and `{body}` put in, each spelled as `spelling` says: a proxy or error page echoing what it got."""
    body = request.body.decode("utf-8", "replace")
    headers = "\n".join(f"{name}: {value}" for name, value in request.headers.items())
    parts = {
        "request": f"{request.method} {request.target}\n{headers}\n\n{body}",
        "authorization": request.headers.get("Authorization") or "",
        "body": body,
    }
    return _PLACEHOLDER.sub(lambda found: spell(parts[found.group(1)], spelling), template)


def _take_apart(request: IncomingRequest, path_prefix: str) -> _Call:
    parts = urlsplit(request.target)
    user, password = basic_credentials(request.headers.get("Authorization"))
    last_segment = parts.path.rpartition("/")[2]
    suffix = last_segment.rpartition(".")[2] if "." in last_segment else ""
    fmt = suffix if suffix in ("xml", "json") else _negotiated(request.headers.get("Accept") or "")
    return _Call(
        method=request.method.upper(),
        path=parts.path,
        route=_within_prefix(parts.path, path_prefix),
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        user=user,
        password=password,
        fmt=fmt,
    )


def _within_prefix(path: str, path_prefix: str) -> str | None:
    """`path` without `path_prefix` (at least "/"), or None when it does not start with that whole prefix."""
    if not path_prefix or path == path_prefix or path.startswith(path_prefix + "/"):
        return path[len(path_prefix) :] or "/"
    return None


def _negotiated(accept: str) -> str:
    """Without a suffix the Accept header decides (public clients): XML unless only JSON is asked for."""
    accept = accept.lower()
    return "json" if "json" in accept and "xml" not in accept else "xml"


def basic_credentials(header: str | None) -> tuple[str | None, str | None]:
    """User and password of a Basic Authorization header (UTF-8, else Latin-1 as requests sends it)."""
    scheme, _space, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None, None
    try:
        decoded = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None, None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")
    user, colon, password = text.partition(":")
    return user, (password if colon else None)


def _auth_required() -> Answer:
    return Answer(401, AUTH_REQUIRED_JSON, JSON_TYPE, (("WWW-Authenticate", REALM),))


def _with_header(answer: Answer, name: str, value: str) -> Answer:
    return replace(answer, headers=(*answer.headers, (name, value)))


def _content_type(fmt: str) -> str:
    return JSON_TYPE if fmt == "json" else XML_TYPE


def _record(request: IncomingRequest, call: _Call, write: WriteBody, answer: Answer) -> RecordedRequest:
    text = request.body.decode("utf-8", "replace")
    # A body that could not be read still tells whether it carried a <password> element.
    unread = write.error is not None
    password_present = re.search(r"<password\b", text) is not None if unread else "password" in write.names
    return RecordedRequest(
        method=call.method,
        path=call.path,
        query=dict(call.query),
        user=call.user,
        fields=write.names,
        password_present=password_present,
        body=redact(text, write.password),
        status=-1 if answer.delivery in ("drop", "drop_mid_body") else answer.status,
        connection=request.connection,
        arrived_at=request.arrived_at,
    )
