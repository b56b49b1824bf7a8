from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ({"host": "smtp.example.com", "port": 465, "encryption_mode": "SSL"}, {}),
        ({"host": "  smtp.example.com \n", "smtp_username": " flexi@example.com"}, {}),
        ({"host": "smtp.example.com", "port": 587, "encryption_mode": "SSL"}, {"port": 587}),
        ({"smtp_username": ""}, {"smtp_username": ""}),
    ],
)
def test_only_given_values_that_differ_once_normalised_are_sent(given, sent):
    plan = make_plan(STORED, desired_settings(params(**given)))

    assert plan.fields_to_send == sent
    assert plan.changed is bool(sent)
    assert plan.predicted == SmtpSettings(**{**STORED.as_dict(), **sent})


def test_omitted_options_are_neither_sent_nor_in_the_diff():
    plan = make_plan(STORED, desired_settings(params(port=25)))

    assert plan.diff == {"before": {"port": 465}, "after": {"port": 25}}


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
    assert plan.predicted.password_set is (bool(password) if sent else stored)


def test_password_in_diff_only_as_set_flag_and_changed_marker():
    desired = DesiredSettings(values={}, password="s3cret")
    plan = make_plan(SmtpSettings(password_set=False), desired)

    assert plan.diff == {
        "before": {"password_set": False},
        "after": {"password_set": True, "password": "<changed>"},
    }
    assert "s3cret" not in repr(plan) + repr(desired)
