"""EmulatorState: stored settings, accounts and the request log behind the routes."""

from __future__ import annotations

import pytest

from tests.emulator.state import ADMIN, LIMITED, EmulatorState


def new_state(**overrides) -> EmulatorState:
    arguments = {
        "companies": ("demo_s_r_o_", "druha"),
        "users": {"admin": "admin-secret"},
        "limited_users": {"clerk": "clerk-secret"},
    }
    arguments.update(overrides)
    return EmulatorState(**arguments)


def test_new_state_has_every_field_unset():
    state = new_state()

    assert state.stored() == dict.fromkeys(
        ("defaultFrom", "encryptionMode", "host", "password", "port", "username"), ""
    )


def test_store_keeps_values_as_flexi_strings():
    state = new_state()

    state.store(port=465, username=None)

    assert (state.stored()["port"], state.stored()["username"]) == ("465", "")


def test_store_rejects_unknown_field():
    with pytest.raises(ValueError, match="hostname"):
        new_state().store(hostname="smtp.example.cz")


def test_stored_rejects_unknown_company():
    with pytest.raises(KeyError):
        new_state().stored("neexistuje")


def test_stored_returns_a_copy():
    state = new_state()

    state.stored()["host"] = "changed"

    assert state.stored()["host"] == ""


def test_server_scope_is_one_record_for_all_companies():
    state = new_state(scope="server")

    state.store("druha", host="smtp.example.cz")

    assert state.stored("demo_s_r_o_")["host"] == "smtp.example.cz"


def test_company_scope_is_one_record_per_company():
    state = new_state(scope="company")

    state.store("druha", host="smtp.example.cz")

    assert state.stored("demo_s_r_o_")["host"] == ""


@pytest.mark.parametrize(
    ("user", "password", "role"),
    [
        ("admin", "admin-secret", ADMIN),
        ("clerk", "clerk-secret", LIMITED),
        ("admin", "wrong", None),
        ("nobody", "admin-secret", None),
        (None, None, None),
    ],
)
def test_role_of_checks_credentials(user, password, role):
    assert new_state().role_of(user, password) == role


def test_reset_restores_initial_settings_in_every_company():
    state = new_state(scope="company", initial={"host": "initial.example.cz"})
    state.store("druha", host="changed.example.cz")

    state.reset()

    assert state.stored("druha")["host"] == "initial.example.cz"


def test_wait_for_arrivals_times_out_with_clear_message():
    with pytest.raises(AssertionError, match=r"expected 1 request\(s\) within 0.01s, got 0"):
        new_state().wait_for_arrivals(1, timeout=0.01)
