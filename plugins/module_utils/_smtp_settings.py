# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""SMTP settings as values: normalising, comparing, and the plan of what to write (internal to abraflexi.flexi)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import (
    PASSWORD_FIELD,
    SETTINGS_FIELDS,
    UPDATE_PASSWORD_DEFAULT,
    Field,
    Value,
)

CHANGED_PASSWORD = "<changed>"


def settings_type(fields: Sequence[Field]) -> type:
    """An immutable record of what Flexi stores: one attribute per field (default: its unset value), password_set."""
    names = (*(smtp_field.option for smtp_field in fields), "password_set")
    defaults = (*(smtp_field.unset for smtp_field in fields), False)
    record = namedtuple("SmtpSettings", names, defaults=defaults, module=__name__)
    record.as_dict = record._asdict  # the settings return value
    return record


# What Flexi stores, as flexi_smtp reports it (the password only as whether one is stored). The port is a whole
# number, or the stored text when Flexi holds something else (reported as is, repaired by giving `port`).
SmtpSettings = settings_type(SETTINGS_FIELDS)


class DesiredSettings(NamedTuple):
    """The options the user gave, normalised; omitted options are absent and therefore unmanaged."""

    values: Mapping[str, Value]
    password: str | None = None
    update_password: str = UPDATE_PASSWORD_DEFAULT

    def __repr__(self) -> str:
        return f"DesiredSettings(values={self.values!r}, update_password={self.update_password!r})"


class Plan(NamedTuple):
    """What a run will do: the fields to send, whether the password goes, the diff and the predicted result."""

    fields_to_send: Mapping[str, Value]
    password_to_send: str | None
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    predicted: SmtpSettings

    def __repr__(self) -> str:
        return f"Plan(fields_to_send={self.fields_to_send!r}, after={self.after!r}, predicted={self.predicted!r})"

    @property
    def changed(self) -> bool:
        return bool(self.fields_to_send) or self.password_to_send is not None

    @property
    def diff(self) -> dict[str, dict[str, Any]]:
        return {"before": dict(self.before), "after": dict(self.after)}


def desired_settings(params: Mapping[str, Any], fields: Sequence[Field] = SETTINGS_FIELDS) -> DesiredSettings:
    """Normalise and check the given options (strip text, port in range, one sender address)."""
    values = {
        smtp_field.option: smtp_field.check(smtp_field.option, params[smtp_field.option])
        for smtp_field in fields
        if params.get(smtp_field.option) is not None
    }
    password = params.get(PASSWORD_FIELD.option)
    return DesiredSettings(
        values=values,
        password=None if password is None else PASSWORD_FIELD.check(PASSWORD_FIELD.option, password),
        update_password=params.get("update_password") or UPDATE_PASSWORD_DEFAULT,
    )


def stored_value_warnings(current: SmtpSettings) -> list[str]:
    """Warnings about stored values the module reports as they are because they are not what Flexi should hold."""
    if isinstance(current.port, str):
        return [f"Flexi holds the port '{current.port}', which is not a whole number; give port to repair it."]
    return []


def make_plan(current: SmtpSettings, desired: DesiredSettings) -> Plan:
    """Compare the given options with current and decide what to send: only given options, only if they differ."""
    stored = current.as_dict()
    fields_to_send = {option: value for option, value in desired.values.items() if stored[option] != value}
    password_to_send = _password_to_send(current, desired)

    predicted = current._replace(**fields_to_send)
    if password_to_send is not None:
        predicted = predicted._replace(password_set=bool(password_to_send))

    before = {option: stored[option] for option in desired.values}
    after = {option: desired.values[option] for option in desired.values}
    if desired.password is not None:
        before["password_set"] = current.password_set
        after["password_set"] = predicted.password_set
        if password_to_send is not None:
            after["password"] = CHANGED_PASSWORD
    return Plan(fields_to_send, password_to_send, before, after, predicted)


def _password_to_send(current: SmtpSettings, desired: DesiredSettings) -> str | None:
    if desired.password is None:
        return None
    if desired.update_password == "always":
        # Flexi never returns the stored password, so it cannot be compared: "always" sends it on every run
        # and the task reports a change every time (documented on the option).
        return desired.password
    # on_create: only fill an empty slot; an empty smtp_password has nothing to fill it with.
    if not current.password_set and desired.password:
        return desired.password
    return None
