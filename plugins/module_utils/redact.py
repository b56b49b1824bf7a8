# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one scrubber every message, body and diff passes before it leaves a module (internal)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

MASK = "********"


def _spellings(secret: str) -> set[str]:
    """The forms a secret can take in text we quote: as is, XML-escaped, URL-encoded, JSON-escaped."""
    forms = {
        secret,
        escape(secret, {'"': "&quot;", "'": "&apos;"}),
        escape(secret),
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    return {form for form in forms if form}


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
