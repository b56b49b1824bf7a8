# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The one scrubber every message, body and diff passes before it leaves a module (internal).

A secret is found by construction, not by a list of whole spellings: each of its characters may be written as
itself or as any escape a server uses (character references with or without leading zeros, the named references
of XML, percent-encoding of its UTF-8 bytes in either case, JSON and Python escapes), each character its own way,
and the escapes themselves escaped once more. The secret's base64 (standard and URL-safe, with or without padding)
and hex are found the same way.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from typing import Any

MASK = "********"

# The characters escapes are made of, as they read once the escape itself is escaped again.
_AMP = r"(?:&amp;|&#0*38;|&#[xX]0*26;|%26|&)"
_HASH = r"(?:%23|#)"
_SEMI = r"(?:%3[bB]|;)"
_PERCENT = r"(?:%25|%)"
_BACKSLASH = r"(?:\\\\|%5[cC]|\\)"
_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
_SHORT = {'"': '"', "\\": r"\\", "/": "/", "'": "'", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}


def _hex(value: int, width: int = 1) -> str:
    """``value`` in hex digits as a pattern that takes either case."""
    return "".join(f"[{digit}{digit.upper()}]" if digit.isalpha() else digit for digit in f"{value:0{width}x}")


def _utf16(code: int) -> list[int]:
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


@functools.lru_cache(maxsize=4096)
def _character(char: str) -> str:
    """Every way one character is written in the text we quote, as a pattern."""
    code = ord(char)
    ways = [
        f"{_AMP}{_HASH}0*{code}{_SEMI}",
        f"{_AMP}{_HASH}[xX]0*{_hex(code)}{_SEMI}",
        "".join(f"{_PERCENT}{_hex(byte, 2)}" for byte in char.encode("utf-8", errors="surrogatepass")),
        "".join(rf"{_BACKSLASH}u{_hex(unit, 4)}" for unit in _utf16(code)),
        rf"{_BACKSLASH}U{_hex(code, 8)}",
    ]
    if code < 0x100:
        ways.append(rf"{_BACKSLASH}x{_hex(code, 2)}")
    if char in _NAMED:
        ways.append(f"{_AMP}{_NAMED[char]}{_SEMI}")
    if char in _SHORT:
        ways.append(f"{_BACKSLASH}{_SHORT[char]}")
    if char == " ":
        ways.append(r"(?:\+|%2[bB])")
    ways.append(re.escape(char))
    return f"(?:{'|'.join(ways)})"


def _spelled(text: str) -> str:
    return "".join(_character(char) for char in text)


@functools.lru_cache(maxsize=256)
def _base64_forms(secret: str) -> frozenset[str]:
    """The secret's bytes in base64, standard and URL-safe, without padding (the pattern makes it optional)."""
    forms = set()
    for encoding in ("utf-8", "latin-1"):  # requests writes Basic credentials given as text in Latin-1
        try:
            raw = secret.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "strict")
        except UnicodeEncodeError:
            continue
        forms |= {base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")}
    return frozenset(form.rstrip("=") for form in forms)


@functools.lru_cache(maxsize=256)
def _pattern(secret: str) -> re.Pattern[str]:
    """One pattern for every spelling of ``secret``; the lookahead finds overlapping matches too."""
    padding = f"(?:{_character('=')}){{0,2}}"
    forms = [_spelled(secret)]
    forms += [_spelled(form) + padding for form in sorted(_base64_forms(secret), key=len, reverse=True)]
    forms.append(_hex_digits(secret.encode("utf-8", errors="surrogatepass").hex()))
    return re.compile(f"(?=({'|'.join(forms)}))")


def _hex_digits(text: str) -> str:
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
    return {form for form in _base64_forms(pair) for form in (form, form + "=" * (-len(form) % 4))}


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """Return ``value`` (str, list, tuple or dict, nested) with every spelling of every secret masked."""
    ordered = tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))
    if not ordered:
        return value
    return _redact(value, ordered)


# Every escape holds one of these; text without them can hold a secret only as written (or its base64 or hex).
_ESCAPE_MARKS = re.compile(r"[&%\\+]")


def _spans(text: str, secrets: tuple[str, ...]) -> list[tuple[int, int]]:
    if _ESCAPE_MARKS.search(text):
        return [match.span(1) for secret in secrets for match in _pattern(secret).finditer(text) if match.group(1)]
    spans = []
    for secret in secrets:
        for form in (secret, *_base64_forms(secret)):
            start = text.find(form)
            while start >= 0:
                end = start + len(form)
                while end < len(text) and text[end] == "=" and end - start - len(form) < 2 and form != secret:
                    end += 1
                spans.append((start, end))
                start = text.find(form, start + 1)
        spans += [match.span(1) for match in _hex_pattern(secret).finditer(text)]
    return spans


@functools.lru_cache(maxsize=256)
def _hex_pattern(secret: str) -> re.Pattern[str]:
    return re.compile(f"(?=({_hex_digits(secret.encode('utf-8', errors='surrogatepass').hex())}))")


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
