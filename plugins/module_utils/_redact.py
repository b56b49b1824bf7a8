# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The one scrubber every message, body and diff passes before it leaves a module (internal).

A secret is found by construction, not by a list of whole spellings: each of its characters may be written as
itself or as any escape a server uses, each character its own way (see _escapes.py), and the secret's base64
(standard and URL-safe, with or without padding) and hex are found the same way. Text without any escape mark is
searched for the secret as written, so a run that quotes no escaped text never builds the escape patterns (their
regular expressions take tens of milliseconds to compile).
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from typing import Any

MASK = "********"


@functools.lru_cache(maxsize=256)
def base64_forms(secret: str) -> frozenset[str]:
    """The secret's bytes in base64, standard and URL-safe, without padding (the pattern makes it optional)."""
    forms = set()
    for encoding in ("utf-8", "latin-1"):  # requests writes Basic credentials given as text in Latin-1
        try:
            raw = secret.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "strict")
        except UnicodeEncodeError:
            continue
        forms |= {base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")}
    return frozenset(form.rstrip("=") for form in forms)


def hex_digits(text: str) -> str:
    """Hex digits ``text`` as a pattern that takes either case."""
    return "".join(f"[{char}{char.upper()}]" if char.isalpha() else char for char in text)


class LongestFirst(set):
    """A set of secrets that iterates longest first, so a masker replacing one after another (ansible-core 2.16
    and 2.17 take ``no_log_values`` in set order) never masks a secret inside a longer one first."""

    def __iter__(self) -> Any:
        return iter(sorted(super().__iter__(), key=len, reverse=True))


def basic_auth_tokens(username: str | None, password: str | None) -> set[str]:
    """The HTTP Basic tokens a client may send for these credentials (UTF-8, and Latin-1 as requests writes text),
    standard and URL-safe, with and without padding; so an answer echoing one can be masked."""
    if not username or not password:
        return set()
    pair = f"{username}:{password}"
    return {form for form in base64_forms(pair) for form in (form, form + "=" * (-len(form) % 4))}


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """Return ``value`` (str, list, tuple or dict, nested) with every spelling of every secret masked."""
    ordered = tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))
    if not ordered:
        return value
    return _redact(value, ordered)


# Every escape starts like one of these: a character reference, a named one, a percent escape, a backslash escape.
# Text without any (and without "+" where a secret holds a space) can hold a secret only as written.
_ESCAPE_STARTS = re.compile(r"&(?:#|[A-Za-z]+;)|%[0-9A-Fa-f]{2}|\\")


def _spans(text: str, secrets: tuple[str, ...]) -> list[tuple[int, int]]:
    if _ESCAPE_STARTS.search(text) or ("+" in text and any(" " in secret for secret in secrets)):
        from ansible_collections.abraflexi.flexi.plugins.module_utils._escapes import pattern

        return [match.span(1) for secret in secrets for match in pattern(secret).finditer(text) if match.group(1)]
    spans = []
    for secret in secrets:
        for form in (secret, *base64_forms(secret)):
            start = text.find(form)
            while start >= 0:
                end = start + len(form)
                while end < len(text) and text[end] == "=" and end - start - len(form) < 2 and form != secret:
                    end += 1
                spans.append((start, end))
                start = text.find(form, start + 1)
        spans += _hex_spans(text, secret)
    return spans


def _hex_spans(text: str, secret: str) -> list[tuple[int, int]]:
    """Where the secret's UTF-8 bytes stand in hex, in either case."""
    digits = secret.encode("utf-8", errors="surrogatepass").hex()
    if not text.isascii():  # lower() may change the length of other text; a pattern keeps the positions
        return [match.span(1) for match in re.finditer(f"(?=({hex_digits(digits)}))", text)]
    lowered, spans = text.lower(), []
    start = lowered.find(digits)
    while start >= 0:
        spans.append((start, start + len(digits)))
        start = lowered.find(digits, start + 1)
    return spans


def _masked(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with the union of every match of every secret replaced by one MASK per stretch.

    Taking the union, not replacing secret after secret, leaves no remainder when one secret contains or overlaps
    another.
    """
    spans = sorted(_spans(text, secrets))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position = [], 0
    for start, end in merged:
        pieces += [text[position:start], MASK]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _redact(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return _masked(value, secrets)
    if isinstance(value, dict):
        return {key: _redact(item, secrets) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact(item, secrets) for item in value)
    return value
