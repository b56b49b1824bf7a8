"""Fault injection: answers a real Flexi (or the proxy in front of it) gives when things go wrong."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http import HTTPStatus

FAULT_KINDS = ("slow", "status", "html", "malformed", "empty", "drop", "drop_mid_body")
DEFAULT_STATUS = {"status": 500, "html": 502}

# What a reverse proxy such as nginx answers when Flexi behind it is down (ECOSYSTEM: 502/503/504 HTML pages).
_HTML_PAGE = """<html>
<head><title>{code} {phrase}</title></head>
<body>
<center><h1>{code} {phrase}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


@dataclass(frozen=True)
class Fault:
    """One queued fault; `times=None` applies it to every matching request."""

    kind: str
    status: int | None = None
    delay: float = 0.0
    method: str | None = None
    match_query: str | None = None
    times: int | None = 1

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1, or None for every request")
        if self.delay < 0:
            raise ValueError("delay cannot be negative")

    @property
    def answer_status(self) -> int:
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind, 200)

    def matches(self, method: str, query: dict[str, str]) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.match_query is None or self.match_query in query


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

    def pending(self) -> list[Fault]:
        with self._lock:
            return [fault for fault, _remaining in self._queue]

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


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
