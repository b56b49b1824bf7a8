"""Bad input is refused before any request, with a message that says what is wrong, and never echoes a secret.

One case per option the collection checks proves the module checks it before any request (types and choices are
ansible-core's); every message of each check, and the normalising of odd input, is proved once by the checks' unit
tests (tests/unit/plugins/module_utils/test_validation.py, test_connection.py, test_properties.py,
test_smtp_settings.py).
"""

from __future__ import annotations

import json

import pytest

from tests.emulator.app import NO_COMPANY_MESSAGE

SMTP_PATH = "/nastaveni/smtp"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": -1}, "port must be between 1 and 65535, got -1."),
        ({"host": "smtp.example.com\r\nRCPT TO:<x@evil.example>"}, "host must not contain control characters"),
        ({"smtp_username": "user\x00name"}, "smtp_username must not contain control characters"),
        ({"test_email": "it@exa\u2028mple.com"}, "test_email must not contain control characters"),
        ({"default_from": "Jméno\u2028Příjmení <uzivatel@domena.cz>"}, "default_from must not contain control"),
        ({"timeout": True}, "timeout must be a whole number of seconds, at least 1; got True."),
        ({"url": "https://exa mple.com"}, "url names a host that is not a valid host name or address"),
        ({"company": ""}, "company must be the company's database identifier"),
        ({"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' is not a file"),
    ],
    ids=lambda value: json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else "",
)
def test_bad_input_fails_with_a_clear_message_before_any_request(emulator, run_module, module_args, options, message):
    result = run_module("flexi_smtp", {**module_args, **options})

    assert result["failed"] is True
    assert message in result["msg"]
    assert emulator.requests == []


def test_refused_password_is_not_echoed(emulator, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, "smtp_password": "Secret\x00Tail"})

    assert result["msg"] == (
        "smtp_password contains a character XML cannot carry (a control character other than tab or line break, "
        "or a non-character such as U+FFFE); Flexi could not store it."
    )
    assert "Tail" not in json.dumps(result)


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("http://admin:Url-Secret%25pw@{address}", "Url-Secret"),
        *((f"http://admin:{password}@{{address}}", password) for password in ("S3c/retPw", "S3c#retPw", "S3c?retPw")),
        ("http://admin:S3c@ret/Pw@{address}", "S3c@ret/Pw"),
        ("http://admin:S3c/ret@Pw#x@{address}", "S3c/ret@Pw#x"),
        ("https://admin:Url-Secret@[::1:5434", "Url-Secret"),  # cannot be parsed
        ("admin:Url-Secret@flexi.example.com", "Url-Secret"),  # no scheme
    ],
)  # fmt: skip
def test_url_with_credentials_is_refused_without_showing_them(emulator, run_module, module_args, url, secret):
    result = run_module("flexi_smtp", {**module_args, "url": url.format(address=f"127.0.0.1:{emulator.port}")})

    assert result["msg"] == "url must not contain credentials; give them in username and password instead."
    assert secret not in run_module.outputs[-1]
    assert secret.split("/")[0].split("#")[0].split("?")[0] not in run_module.outputs[-1]
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("company", "path"),
    [
        ("a/b", "/c/a%2Fb"),
        ("my company", "/c/my%20company"),
        ("../../status", "/c/..%2F..%2Fstatus"),
        ("..%2Fstatus", "/c/..%252Fstatus"),
        ("firma?testMail=x@example.com#", "/c/firma%3FtestMail%3Dx%40example.com%23"),
    ],
)
def test_company_stays_one_path_segment(emulator, run_module, module_args, company, path):
    result = run_module("flexi_smtp", {**module_args, "company": company, "host": "new.example.com"})

    assert [(r.method, r.path, r.query) for r in emulator.requests] == [("GET", path + SMTP_PATH, {})]
    assert result["status"] == 404
    assert NO_COMPANY_MESSAGE.format(company=company) in result["msg"]
