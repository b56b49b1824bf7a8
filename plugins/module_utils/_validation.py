# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Checks made before any request, for inputs we can judge locally (internal to abraflexi.flexi)."""

from __future__ import annotations

import re

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError

PORT_MIN, PORT_MAX = 1, 65535

# One mailbox: a local part and a domain of dot-separated labels, no spaces or address delimiters.
_ATOM = r"[^\s@<>()\[\],;:\"\\]+"
# A domain label: letters (any script) and digits, with hyphens or underscores only inside.
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_MAILBOX = rf"{_ATOM}@{_LABEL}(?:\.{_LABEL})*"
_BARE = re.compile(rf"(?P<mailbox>{_MAILBOX})")
# A display name is either quoted (anything but a quote) or plain (no address delimiters).
_NAMED = re.compile(rf"(?P<name>\"[^\"]+\"|[^\"<>@,;]+?)\s*<(?P<mailbox>{_MAILBOX})>")
# C0 and C1 controls, the Unicode line and paragraph separators, and what XML 1.0 cannot carry at all (lone
# surrogates, U+FFFE, U+FFFF). The one definition of a control character for every option and for the drift report.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 cannot carry; a password may hold tabs and line breaks.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_port(port: int) -> int:
    """Return port if an SMTP server can listen on it."""
    if isinstance(port, bool):  # YAML's yes/true arrives as a bool, which Python also counts as an int
        raise FlexiError(f"port must be a whole number between {PORT_MIN} and {PORT_MAX}, not a boolean ({port}).")
    if not PORT_MIN <= port <= PORT_MAX:
        raise FlexiError(
            f"port must be between {PORT_MIN} and {PORT_MAX}, got {port}. "
            "(Flexi itself accepts 0, but no SMTP server listens there.)"
        )
    return port


def check_text(option: str, value: str, allow_empty: bool = True) -> str:
    """Return value stripped; reject control characters (XML cannot carry most) and, if asked, emptiness."""
    text = value.strip()
    if CONTROL_CHARACTERS.search(text):
        raise FlexiError(
            f"{option} must not contain control characters such as line breaks or tabs, nor characters XML cannot "
            f"carry; got {text!r}."
        )
    if not text and not allow_empty:
        raise FlexiError(f"{option} must not be empty; leave the option out to keep the stored value.")
    return text


def check_password(option: str, value: str) -> str:
    """Return value if the write document can carry it; the message never shows the value."""
    if _NOT_XML.search(value):
        raise FlexiError(
            f"{option} contains a character XML cannot carry (a control character other than tab or line break, "
            "or a non-character such as U+FFFE); Flexi could not store it."
        )
    return value


def check_address(option: str, value: str, allow_empty: bool = False) -> str:
    """Return ``value`` stripped if it is exactly one address: ``user@domain`` or ``Display Name <user@domain>``."""
    text = check_text(option, value)
    if (allow_empty and not text) or _BARE.fullmatch(text) or _NAMED.fullmatch(text):
        return text
    raise FlexiError(
        f"{option} must be exactly one address, either 'user@domain' or 'Display Name <user@domain>'; "
        f"got {text!r}{_address_hint(text)}."
    )


def check_recipient(option: str, value: str) -> str:
    """Return ``value`` stripped if it is exactly one bare address, ``user@domain``."""
    text = check_text(option, value)
    if _BARE.fullmatch(text):
        return text
    hint = " (give the bare address, without a display name)" if _NAMED.fullmatch(text) else _address_hint(text)
    raise FlexiError(f"{option} must be exactly one address, 'user@domain'; got {text!r}{hint}.")


def _address_hint(text: str) -> str:
    if not text:
        return " (empty)"
    if text.count("@") > 1:
        return " (it holds more than one address)"
    if "<" in text and not text.endswith(">"):
        return " (the '<' has no closing '>')"
    if ">" in text and "<" not in text:
        return " (the '>' has no opening '<')"
    if "@" not in text:
        return " (no '@')"
    return ""
