"""A small requests client for the emulator's own tests, write-body building, and Flexi's documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import requests
from lxml import etree

from tests.emulator.server import EmulatorServer

ADMIN = ("admin", "admin-secret")
CLERK = ("clerk", "clerk-secret")
SMTP_PATH = "/c/demo_s_r_o_/nastaveni/smtp"
# Flexi's documents as the vendor article and docs/flexi-api.md give them; the unit tests parse the same files.
DOCUMENTS = Path(__file__).resolve().parents[2] / "unit" / "fixtures"


def document(name: str) -> str:
    """The text of tests/unit/fixtures/<name>."""
    return (DOCUMENTS / name).read_text(encoding="utf-8")


class FlexiClient:
    """requests.Session against one emulator, as the admin user unless told otherwise."""

    def __init__(self, emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.session = requests.Session()
        self.session.auth = ADMIN
        # Per request, not as session.verify: requests lets REQUESTS_CA_BUNDLE override a session's verify.
        self.verify: str | bool = emulator.ca_path or True

    def url(self, path: str = SMTP_PATH) -> str:
        return self.emulator.url + path

    def get(self, path: str = SMTP_PATH, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def test_mail(self, recipient: str, path: str = SMTP_PATH, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, params={"testMail": recipient}, **kwargs)

    def write(self, body: str | bytes, method: str = "PUT", path: str = SMTP_PATH, **kwargs: Any) -> requests.Response:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.request(method, path, data=data, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("verify", self.verify)
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url(path), **kwargs)

    def close(self) -> None:
        self.session.close()


def settings_body(**fields: str) -> str:
    """A <nastaveni-smtp> write body with the given fields, values escaped."""
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<nastaveni-smtp>{inner}</nastaveni-smtp>"


def message_of(answer: requests.Response) -> str | None:
    """The <message> of a "message"-shaped error document."""
    return etree.fromstring(answer.content).findtext("message")
