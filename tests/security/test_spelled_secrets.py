"""A server spelling the passwords its own way (character references, partial escapes, URL-safe base64) shows none."""

from __future__ import annotations

import json

import pytest

from tests.emulator.faults import Fault
from tests.emulator.spellings import spell
from tests.support.paths import PATHS, run_on

API_USER = "api-user"
API_PASSWORD = "Hesl\u0159 S3cret!x(&)"
SMTP_PASSWORD = "Smtp\u00e4!'(*)\U0001f511"
SPELLINGS = ("xml-ascii", "some-references", "uri-component", "base64url")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_passwords_echoed_in_mixed_escapes_are_masked(spelling, path, emulator_factory, run_module):
    emulator = emulator_factory(users={API_USER: API_PASSWORD}, initial={"host": "old.example.com"})
    emulator.inject(Fault("echo", method="PUT", spelling=spelling, times=None))
    args = {
        "url": emulator.url,
        "company": "demo_s_r_o_",
        "username": API_USER,
        "password": API_PASSWORD,
        "host": "smtp.example.com",
        "smtp_password": SMTP_PASSWORD,
    }

    result = run_on(path, run_module, "flexi_smtp", args)

    assert result["failed"] is True
    assert "********" in result["msg"]
    text = json.dumps(result, ensure_ascii=False)
    assert [secret for secret in (API_PASSWORD, SMTP_PASSWORD) if spell(secret, spelling) in text] == []
