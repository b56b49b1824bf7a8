# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Each SMTP field once: its option, its element in Flexi's document, its type, label and check (internal).

The argument spec's field part, the settings value, the XML mapping, the plan and diff and the drift report's
columns are all derived from FIELDS, so a new field is one entry here plus its tests (and its documentation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, NamedTuple, Union

from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import (
    check_address,
    check_password,
    check_port,
    check_text,
)

Value = Union[str, int, None]

UPDATE_PASSWORD_CHOICES = ("on_create", "always")
UPDATE_PASSWORD_DEFAULT = "on_create"


def _as_given(option: str, value: Any) -> Any:
    return value


def _as_text(text: str) -> Value:
    return text


def _whole_number_or_text(text: str) -> Value:
    # A stored port that is not a whole number is reported as stored, so a task giving port can repair it.
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


class Field(NamedTuple):
    """One SMTP setting: option name, element in Flexi's settings document, type, report label and check."""

    option: str
    element: str
    label: str
    type: str = "str"
    choices: tuple = ()
    # Flexi never returns a secret field, so it is not compared; it is sent as update_password decides.
    secret: bool = False
    # Normalise and check a given value before any request: (option, value) -> value, or raise FlexiError.
    check: Callable[[str, Any], Any] = _as_given
    # The element's text as the settings value; unset is the value when Flexi stores nothing.
    stored: Callable[[str], Value] = _as_text
    unset: Value = ""

    def argument_spec(self) -> dict[str, Any]:
        """This field's entry in the module's argument spec."""
        spec: dict[str, Any] = {"type": self.type}
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec


# In the drift report's column order. Documentation of each option stays in the module's DOCUMENTATION.
FIELDS = (
    Field("host", "host", "SMTP host", check=lambda option, value: check_text(option, value, allow_empty=False)),
    Field(
        "port",
        "port",
        "Port",
        type="int",
        check=lambda option, value: check_port(value),
        stored=_whole_number_or_text,
        unset=None,
    ),
    Field("encryption_mode", "encryptionMode", "Encryption", choices=("NEVER", "STARTTLS", "TLS", "SSL")),
    Field("smtp_username", "username", "SMTP login", check=check_text),
    Field(
        "default_from",
        "defaultFrom",
        "Default sender",
        check=lambda option, value: check_address(option, value, allow_empty=True),
    ),
    Field("smtp_password", "password", "Password", secret=True, check=check_password),
)


def compared_fields(fields: Sequence[Field]) -> tuple[Field, ...]:
    """The fields Flexi returns, compared with the given options."""
    return tuple(field for field in fields if not field.secret)


SETTINGS_FIELDS = compared_fields(FIELDS)
(PASSWORD_FIELD,) = (field for field in FIELDS if field.secret)


def field_argument_spec(fields: Sequence[Field] = FIELDS) -> dict[str, dict[str, Any]]:
    """The argument spec of the fields, plus update_password, which decides when the secret one is sent."""
    spec = {field.option: field.argument_spec() for field in fields}
    spec["update_password"] = {
        "type": "str",
        "choices": list(UPDATE_PASSWORD_CHOICES),
        "default": UPDATE_PASSWORD_DEFAULT,
        "no_log": False,
    }
    return spec
