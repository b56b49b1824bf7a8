"""Both password options are no_log in the argument spec each module really uses."""

from __future__ import annotations

import importlib
from typing import Any, Callable

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_argument_spec

MODULES = ("flexi_smtp", "flexi_smtp_info")


@pytest.fixture
def spec_of() -> Callable[[str], dict[str, Any]]:
    """``spec_of(name)``: the whole argument spec of that module, connection options included."""

    def spec(name: str) -> dict[str, Any]:
        module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.modules.{name}")
        return {**connection_argument_spec(), **module.ARGUMENT_SPEC}

    return spec


@pytest.mark.parametrize(
    ("name", "option", "no_log"),
    [
        ("flexi_smtp", "password", True),
        ("flexi_smtp_info", "password", True),
        ("flexi_smtp", "smtp_password", True),
        ("flexi_smtp", "update_password", False),
    ],
)
def test_both_passwords_are_no_log_and_update_password_is_declared_not_secret(spec_of, name, option, no_log):
    assert spec_of(name)[option]["no_log"] is no_log


@pytest.mark.parametrize("name", MODULES)
def test_every_option_named_like_a_secret_declares_no_log(spec_of, name):
    # Without no_log, ansible-core guesses from the name and warns at run time; we decide explicitly.
    spec = spec_of(name)

    undeclared = [
        option
        for option in spec
        if any(word in option for word in ("pass", "secret", "key")) and "no_log" not in spec[option]
    ]

    assert undeclared == []
