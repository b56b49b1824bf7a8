"""The emulator's request log read by company: which requests each company got, over how many connections.

Tests and the benchmark give every job a company of its own (``smtp_scope="company"``), so the log tells exactly
what each job did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tests.emulator.state import RecordedRequest


def company_of(request: RecordedRequest) -> str | None:
    """The company in the request's path (/c/<company>/...), None for /status and the like."""
    segments = request.path.split("/")
    return segments[2] if len(segments) > 2 and segments[1] == "c" else None


def requests_by_company(requests: Iterable[RecordedRequest]) -> dict[str, list[str]]:
    """Company -> the requests made to it, as 'GET', 'PUT' or 'GET?testMail'."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for request in requests:
        company = company_of(request)
        if company is not None:
            grouped[company].append(request.method + ("?testMail" if "testMail" in request.query else ""))
    return dict(grouped)


def connections_by_company(requests: Iterable[RecordedRequest]) -> dict[str, int]:
    """Company -> how many TCP connections carried its requests (the emulator numbers each connection)."""
    grouped: dict[str, set[int]] = defaultdict(set)
    for request in requests:
        company = company_of(request)
        if company is not None:
            grouped[company].add(request.connection)
    return {company: len(connections) for company, connections in grouped.items()}
