from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import (
    DesiredSettings,
    SmtpSettings,
    desired_settings,
    make_plan,
)

STORED = SmtpSettings(
    host="smtp.example.com",
    port=465,
    smtp_username="flexi@example.com",
    default_from="Flexi <flexi@example.com>",
    encryption_mode="SSL",
    password_set=True,
)


def params(**given):
    names = ("host", "port", "smtp_username", "smtp_password", "default_from", "encryption_mode")
    base = dict.fromkeys(names)
    base["update_password"] = "on_create"
    base.update(given)
    return base


def test_same_values_plan_no_change():
    plan = make_plan(STORED, desired_settings(params(host="smtp.example.com", port=465, encryption_mode="SSL")))

    assert plan.changed is False
    assert plan.fields_to_send == {}
    assert plan.predicted == STORED


def test_given_values_are_normalised_before_comparing():
    plan = make_plan(STORED, desired_settings(params(host="  smtp.example.com \n", smtp_username=" flexi@example.com")))

    assert plan.changed is False


def test_only_differing_fields_are_sent():
    plan = make_plan(STORED, desired_settings(params(host="smtp.example.com", port=587, encryption_mode="STARTTLS")))

    assert plan.fields_to_send == {"port": 587, "encryption_mode": "STARTTLS"}
    assert plan.predicted == SmtpSettings(**{**STORED.as_dict(), "port": 587, "encryption_mode": "STARTTLS"})


def test_omitted_options_are_neither_sent_nor_in_the_diff():
    plan = make_plan(STORED, desired_settings(params(port=25)))

    assert plan.diff == {"before": {"port": 465}, "after": {"port": 25}}


def test_empty_username_clears_a_stored_login():
    plan = make_plan(STORED, desired_settings(params(smtp_username="")))

    assert plan.fields_to_send == {"smtp_username": ""}


@pytest.mark.parametrize(
    ("stored", "update_password", "password", "sent"),
    [
        (False, "on_create", "s3cret", True),
        (True, "on_create", "s3cret", False),
        (False, "on_create", "", False),
        (True, "always", "s3cret", True),
        (False, "always", "s3cret", True),
        (True, "always", "", True),
    ],
)
def test_password_is_sent_per_update_password(stored, update_password, password, sent):
    current = SmtpSettings(password_set=stored)
    desired = desired_settings(params(smtp_password=password, update_password=update_password))

    plan = make_plan(current, desired)

    assert (plan.password_to_send == password) is sent
    assert plan.changed is sent


def test_password_in_diff_only_as_set_flag_and_changed_marker():
    plan = make_plan(SmtpSettings(password_set=False), DesiredSettings(values={}, password="s3cret"))

    assert plan.diff == {
        "before": {"password_set": False},
        "after": {"password_set": True, "password": "<changed>"},
    }
    assert "s3cret" not in repr(plan)


def test_empty_password_sent_with_always_predicts_no_password_stored():
    plan = make_plan(STORED, DesiredSettings(values={}, password="", update_password="always"))

    assert plan.predicted.password_set is False


def test_out_of_range_port_is_rejected_before_planning():
    with pytest.raises(FlexiError, match="port must be between 1 and 65535"):
        desired_settings(params(port=0))


def test_invalid_sender_is_rejected_before_planning():
    with pytest.raises(FlexiError, match="default_from must be exactly one address"):
        desired_settings(params(default_from="a@b.cz, c@d.cz"))
