"""Flexi's checks on a settings write, with Flexi's own messages, and the address syntax it accepts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tests.emulator.state import FIELDS

ENCRYPTION_MODES = ("NEVER", "STARTTLS", "TLS", "SSL")

# Messages quoted in the vendor article.
SENDER_MESSAGE = (
    "Výchozí odesílatel musí obsahovat jednu adresu ve tvaru "
    "'Jméno Příjmení <uzivatel@domena.cz>' nebo 'uzivatel@domena.cz'."
)
PORT_RANGE_MESSAGE = "java.lang.IllegalArgumentException: port out of range:{port}"

# Assumption: the enum's Java class name is not public; Enum.valueOf() words its message this way.
ENUM_MESSAGE = (
    "java.lang.IllegalArgumentException: No enum constant cz.winstrom.vo.nastaveni.SmtpEncryptionMode.{value}"
)
NUMBER_MESSAGE = 'java.lang.NumberFormatException: For input string: "{value}"'
# Assumption: Flexi names the unknown property; the exact words are not public.
UNKNOWN_FIELD_MESSAGE = "Položka '{name}' v evidenci 'nastaveni-smtp' neexistuje."

_ATOM = r"[^\s@<>()\[\]\\,;:\".]+"
_LOCAL_PART = rf"{_ATOM}(?:\.{_ATOM})*"
_ADDR_SPEC = rf"{_LOCAL_PART}@{_ATOM}(?:\.{_ATOM})*"
_BARE_ADDRESS = re.compile(rf"(?P<addr>{_ADDR_SPEC})")
_NAMED_ADDRESS = re.compile(rf'(?P<name>"(?:[^"\\]|\\.)*"|[^"<>,;@]*?)\s*<(?P<addr>{_ADDR_SPEC})>')
# Java's Integer.parseInt(): optional sign, decimal digits, within 32 bits.
_JAVA_INT = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class ErrorEntry:
    """One error Flexi reports; `field` and `value` feed the `for`/`path`/`value` attributes of the "errors" shape."""

    message: str
    field: str | None = None
    code: str | None = None
    value: str | None = None


def parse_address(text: str) -> str | None:
    """The address of `user@domain` or `Display Name <user@domain>` (display name may be quoted), else None."""
    found = _BARE_ADDRESS.fullmatch(text.strip()) or _NAMED_ADDRESS.fullmatch(text.strip())
    return found["addr"] if found else None


def validate_fields(fields: Sequence[tuple[str, str]]) -> tuple[dict[str, str], list[ErrorEntry]]:
    """Check every written field; return the values to store (port normalised) and every error found."""
    values: dict[str, str] = {}
    errors: list[ErrorEntry] = []
    for name, raw in fields:
        value = raw.strip()  # the article's sample defaultFrom ends with a newline
        if name not in FIELDS:
            errors.append(ErrorEntry(UNKNOWN_FIELD_MESSAGE.format(name=name), name, "UNKNOWN_FIELD", value))
            continue
        checked, error = _check_field(name, value)
        if error is not None:
            errors.append(error)
        else:
            values[name] = checked
    return values, errors


def _check_field(name: str, value: str) -> tuple[str, ErrorEntry | None]:
    if name == "port":
        return _check_port(value)
    if name == "defaultFrom" and value and parse_address(value) is None:
        return value, ErrorEntry(SENDER_MESSAGE, name, "INVALID_SENDER", value)
    # Assumption: an empty value clears the field, like an empty <password></password> clears the password.
    if name == "encryptionMode" and value and value not in ENCRYPTION_MODES:
        return value, ErrorEntry(ENUM_MESSAGE.format(value=value), name, "INVALID_ENUM", value)
    return value, None


def _check_port(value: str) -> tuple[str, ErrorEntry | None]:
    if value == "":
        return "", None  # assumption: clears the port
    if not _JAVA_INT.fullmatch(value) or not -(2**31) <= int(value) < 2**31:
        return value, ErrorEntry(NUMBER_MESSAGE.format(value=value), "port", "NUMBER_FORMAT", value)
    port = int(value)
    if not 0 <= port <= 65535:  # Flexi accepts 0 (InetSocketAddress's range)
        return value, ErrorEntry(PORT_RANGE_MESSAGE.format(port=port), "port", "PORT_OUT_OF_RANGE", value)
    return str(port), None
