"""What the emulated Flexi server keeps: SMTP settings, accounts, companies and the request log."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.emulator.server import EmulatorOptions

# The six fields of `nastaveni-smtp`, in the alphabetical order Flexi answers them (vendor article).
FIELDS = ("defaultFrom", "encryptionMode", "host", "password", "port", "username")

ADMIN = "admin"
LIMITED = "limited"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator saw it, never holding a password; `connection` and `arrived_at` as in
    app.IncomingRequest, so a test can tell how many connections a client opened."""

    method: str
    path: str
    query: dict[str, str]
    user: str | None
    fields: tuple[str, ...]
    password_present: bool
    body: str
    status: int
    connection: int = 0
    arrived_at: float = field(default=0.0, compare=False)  # a clock reading, not part of what was asked


def normalise_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """Check field names and turn values into the strings Flexi stores (`None` means unset)."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown nastaveni-smtp field(s): {', '.join(unknown)}")
    return {name: "" if value is None else str(value) for name, value in fields.items()}


class EmulatorState:
    """Thread-safe store behind the HTTP routes, set up from the EmulatorOptions (which checked them).

    With smtp_scope "server" every company shares one settings record (our assumed default: the desktop menu
    treats SMTP as a server setting); with "company" each company has its own.
    """

    def __init__(self, options: EmulatorOptions) -> None:
        self.companies = tuple(options.companies)
        self.scope = options.smtp_scope
        self._users = dict(options.users)
        self._limited_users = dict(options.limited_users)
        self._initial = normalise_fields(options.initial or {})
        self._lock = threading.Lock()
        self._arrival = threading.Condition(self._lock)
        self._settings: dict[str, dict[str, str]] = {}
        self._log: list[list[RecordedRequest | None]] = []
        self.reset()

    def role_of(self, user: str | None, password: str | None) -> str | None:
        """ADMIN, LIMITED, or None when the credentials are not valid."""
        if user is None or password is None:
            return None
        for role, accounts in ((ADMIN, self._users), (LIMITED, self._limited_users)):
            expected = accounts.get(user)
            if expected is not None and hmac.compare_digest(expected.encode(), password.encode()):
                return role
        return None

    def stored(self, company: str | None = None) -> dict[str, str]:
        """The stored settings of a company (first company by default), password included, "" for unset."""
        with self._lock:
            return dict(self._settings[self._key(company)])

    def store(self, company: str | None = None, **fields: object) -> None:
        """Overwrite the given fields; the others keep their value."""
        values = normalise_fields(fields)
        with self._lock:
            self._settings[self._key(company)].update(values)

    def _key(self, company: str | None) -> str:
        name = self.companies[0] if company is None else company
        if name not in self.companies:
            raise KeyError(f"unknown company {name!r}")
        return "*" if self.scope == "server" else name

    def open_record(self) -> list[RecordedRequest | None]:
        """Reserve a place in the log at arrival, so the log keeps arrival order even for slow answers."""
        place: list[RecordedRequest | None] = [None]
        with self._lock:
            self._log.append(place)
            self._arrival.notify_all()
        return place

    def wait_for_arrivals(self, count: int, timeout: float = 5.0) -> None:
        """Block until `count` requests arrived (answered or not), e.g. to stop while one is being served."""
        with self._arrival:
            if not self._arrival.wait_for(lambda: len(self._log) >= count, timeout):
                raise AssertionError(f"expected {count} request(s) within {timeout}s, got {len(self._log)}")

    def close_record(self, place: list[RecordedRequest | None], request: RecordedRequest) -> None:
        """Fill a reserved place (a place reserved before a reset() is simply forgotten)."""
        with self._lock:
            place[0] = request

    def requests(self) -> list[RecordedRequest]:
        """Answered requests in arrival order (a copy)."""
        with self._lock:
            return [place[0] for place in self._log if place[0] is not None]

    def reset(self) -> None:
        """Empty the log and put every settings record back to the initial values."""
        with self._lock:
            self._log = []
            keys = ["*"] if self.scope == "server" else list(self.companies)
            self._settings = {key: {name: self._initial.get(name, "") for name in FIELDS} for key in keys}
