# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Every way a secret can be written in text we quote, as one regular expression (internal to abraflexi.flexi).

Each character may appear as itself or as any escape servers write: decimal or hexadecimal character references
with or without leading zeros, the named references of XML, percent-encoding of its UTF-8 bytes in either case,
JSON and Python escapes; each character its own way, and the escapes themselves escaped once more. Loaded by
_redact.py only for text that holds an escape mark.
"""

from __future__ import annotations

import functools
import re

from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import base64_forms, hex_digits

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
    return hex_digits(f"{value:0{width}x}")


def _utf16(code: int) -> list[int]:
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def _again(escape: str) -> str:
    """The character after a backslash, itself escaped once more: ``\\&quot;`` (JSON, then XML), ``\\\\\\"``
    (JSON twice)."""
    if escape == r"\\":
        return _BACKSLASH
    if escape.isalpha():
        return escape
    code = ord(escape)
    named = [f"&{_NAMED[escape]};"] if escape in _NAMED else []
    ways = [*named, f"&#0*{code};", f"&#[xX]0*{_hex(code)};", f"%{_hex(code, 2)}", rf"\\{re.escape(escape)}"]
    ways.append(re.escape(escape))
    return f"(?:{'|'.join(ways)})"


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
        ways.append(f"{_BACKSLASH}{_again(_SHORT[char])}")
    if char == " ":
        ways.append(r"(?:\+|%2[bB])")
    ways.append(re.escape(char))
    return f"(?:{'|'.join(ways)})"


def _spelled(text: str) -> str:
    return "".join(_character(char) for char in text)


@functools.lru_cache(maxsize=256)
def pattern(secret: str) -> re.Pattern[str]:
    """One pattern for every spelling of ``secret``; the lookahead finds overlapping matches too."""
    padding = f"(?:{_character('=')}){{0,2}}"
    forms = [_spelled(secret)]
    forms += [_spelled(form) + padding for form in sorted(base64_forms(secret), key=len, reverse=True)]
    forms.append(hex_digits(secret.encode("utf-8", errors="surrogatepass").hex()))
    return re.compile(f"(?=({'|'.join(forms)}))")
