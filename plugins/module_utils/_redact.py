# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The one scrubber every message, body and diff passes before it leaves a module (internal)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

MASK = "********"


def _java_url_encoded(text: str) -> str:
    """``text`` as Java's URLEncoder writes it: only letters, digits and ``.-*_`` kept, space as ``+``."""
    kept = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")
    return "".join(
        char if char in kept else "+" if char == " " else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        for char in text
    )


def _encodings(text: str) -> set[str]:
    """``text`` as markup, URLs and JSON escape it, each in the variants servers use."""
    percent = {quote(text, safe=""), quote(text), quote_plus(text, safe=""), quote_plus(text), _java_url_encoded(text)}
    # Some servers write percent escapes in lower case.
    percent |= {re.sub(r"%[0-9A-F]{2}", lambda match: match.group().lower(), form) for form in percent}
    return percent | {
        escape(text),
        escape(text, {'"': "&quot;", "'": "&apos;"}),
        escape(text, {'"': "&quot;", "'": "&#x27;"}),
        escape(text, {'"': "&#34;", "'": "&#39;"}),
        escape(text, {'"': "&#x22;", "'": "&#x27;"}),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        repr(text)[1:-1],
    }


def _spellings(secret: str) -> set[str]:
    """The forms a secret can take in text we quote: as is, encoded once or twice, and as base64 or hex.

    Twice, because a server quoting our request inside its own answer escapes the already escaped password again.
    """
    once = {secret} | _encodings(secret)
    twice = {form for spelled in once for form in _encodings(spelled)}
    raw = secret.encode("utf-8", errors="surrogatepass")
    base64_form = base64.b64encode(raw).decode("ascii")
    binary = {base64_form, base64_form.rstrip("="), raw.hex(), raw.hex().upper()}
    return {form for form in once | twice | binary if form}


def basic_auth_token(username: str | None, password: str | None) -> str | None:
    """The HTTP Basic token the client sends for these credentials, so an answer echoing it can be masked."""
    if not username or not password:
        return None
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """Return ``value`` (str, list, tuple or dict, nested) with every spelling of every secret masked."""
    forms = sorted({form for secret in secrets if secret for form in _spellings(secret)}, key=len, reverse=True)
    if not forms:
        return value
    return _redact(value, forms)


def _redact(value: Any, forms: list[str]) -> Any:
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, MASK)
        return value
    if isinstance(value, dict):
        return {key: _redact(item, forms) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact(item, forms) for item in value)
    return value
