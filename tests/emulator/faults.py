"""Fault injection: answers a real Flexi (or the proxy in front of it) gives when things go wrong."""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from http import HTTPStatus

from tests.emulator.spellings import SPELLINGS

FAULT_KINDS = (
    "slow",
    "status",
    "html",
    "malformed",
    "empty",
    "drop",
    "drop_mid_body",
    "redirect",
    "drip",
    "raw",
    "echo",
    "endless",
    "linger",
    "vanish",
)
DEFAULT_STATUS = {"status": 500, "html": 502, "redirect": 302, "echo": 400}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DRIP_PHASES = ("body", "headers")

# What a reverse proxy such as nginx answers when Flexi behind it is down (502/503/504 HTML pages).
_HTML_PAGE = """<html>
<head><title>{code} {phrase}</title></head>
<body>
<center><h1>{code} {phrase}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

_REDIRECT_PAGE = """<html>
<head><title>{code} {phrase}</title></head>
<body>
<h1>{phrase}</h1>
<p>The document has moved <a href="{location}">here</a>.</p>
</body>
</html>
"""


@dataclass(frozen=True)
class Fault:
    """One queued fault; `times=None` applies it to every matching request.

    Which fields a kind reads: slow and drip `delay` (drip also `phase`); redirect `location`; raw `body`,
    `content_type`, `headers` and `spelling` (in a text body, `{request}`, `{authorization}` and `{body}` become
    those parts of the request as received, spelled so); echo `spelling` and `pad`; endless `body` (what the
    answer opens with), `content_type` (XML unless given) and `headers`; linger `body` (the answer the request gets
    anyway unless given) and `delay` (the pause between the spaces that follow it, 1 s unless given); vanish
    nothing (the request gets its usual answer, closing the connection, and from then on the emulator refuses every
    new connection, as a server that went down). `status` overrides the default status.
    """

    kind: str
    status: int | None = None
    delay: float = 0.0
    method: str | None = None
    match_query: str | None = None
    times: int | None = 1
    location: str | None = None
    phase: str = "body"
    body: str | bytes | None = None  # bytes go out as they are (e.g. UTF-16); text goes out as UTF-8
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    spelling: str = "plain"
    pad: int = 0

    def __post_init__(self) -> None:
        # JSON (the CLI's and the control endpoint's) has no tuples: accept lists of [name, value] pairs.
        object.__setattr__(self, "headers", tuple((str(name), str(value)) for name, value in self.headers))
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1, or None for every request")
        if self.delay < 0:
            raise ValueError("delay cannot be negative")
        if self.kind == "redirect":
            if self.location is None:
                raise ValueError("a redirect fault needs a location")
            if self.answer_status not in REDIRECT_STATUSES:
                raise ValueError(f"a redirect status must be one of {REDIRECT_STATUSES}")
        if self.phase not in DRIP_PHASES:
            raise ValueError(f"phase must be one of {DRIP_PHASES}")
        if self.spelling not in SPELLINGS:
            raise ValueError(f"spelling must be one of {', '.join(SPELLINGS)}")
        if self.pad < 0:
            raise ValueError("pad cannot be negative")
        for name, value in (*self.headers, ("Location", self.location or "")):
            _check_header(name, value)

    @property
    def answer_status(self) -> int:
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind, 200)

    def matches(self, method: str, query: dict[str, str]) -> bool:
        method_matches = self.method is None or self.method.upper() == method.upper()
        return method_matches and (self.match_query is None or self.match_query in query)


class FaultQueue:
    """Faults in injection order; a request takes the first one that matches it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[list] = []  # [fault, requests left or None]

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._queue.append([fault, fault.times])

    def take(self, method: str, query: dict[str, str]) -> Fault | None:
        with self._lock:
            for entry in self._queue:
                fault, left = entry
                if not fault.matches(method, query):
                    continue
                if left is not None:
                    entry[1] = left - 1
                    if entry[1] == 0:
                        self._queue.remove(entry)
                return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


def _check_header(name: str, value: str) -> None:
    """A header must fit on one latin-1 line, or the answer could not be framed at all."""
    if not name or any(char in name for char in ":\r\n ") or any(char in value for char in "\r\n"):
        raise ValueError(f"header {name!r} cannot be sent as one header line")
    try:
        (name + value).encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"header {name!r} must be latin-1 text") from None


def redirect_page(status: int, location: str) -> str:
    """The short HTML body servers send beside a Location header."""
    return _REDIRECT_PAGE.format(code=status, phrase=reason_phrase(status), location=html.escape(location))


def html_error_page(status: int) -> str:
    return _HTML_PAGE.format(code=status, phrase=reason_phrase(status))


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def truncated(document: str) -> str:
    """The first half of a document: what a client sees when Flexi stops writing midway."""
    return document[: max(1, len(document) // 2)]
