"""Bad input is refused before any request, with a message that says what is wrong; odd input is normalised.

One case per option proves the module checks it before any request; every message of each check is proved once by
the checks' unit tests (tests/unit/plugins/module_utils/test_validation.py, test_connection.py, test_properties.py).
"""

from __future__ import annotations

import json

import pytest

from tests.emulator.app import NO_COMPANY_MESSAGE

SMTP_PATH = "/nastaveni/smtp"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": "abc"}, "argument 'port' is of type str and we were unable to convert to int"),
        ({"port": -1}, "port must be between 1 and 65535, got -1."),
        ({"host": "smtp.example.com\r\nRCPT TO:<x@evil.example>"}, "host must not contain control characters"),
        ({"smtp_username": "user\x00name"}, "smtp_username must not contain control characters"),
        ({"test_email": "it@exa\u2028mple.com"}, "test_email must not contain control characters"),
        ({"default_from": "Jméno\u2028Příjmení <uzivatel@domena.cz>"}, "default_from must not contain control"),
        ({"timeout": True}, "timeout must be a whole number of seconds, at least 1; got True."),
        ({"url": "https://exa mple.com"}, "url names a host that is not a valid host name or address"),
        ({"encryption_mode": "starttls"}, "value of encryption_mode must be one of: NEVER, STARTTLS, TLS, SSL"),
        ({"update_password": "yes"}, "value of update_password must be one of: on_create, always"),
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


@pytest.mark.parametrize(
    "options",
    [
        {"host": "smtp.example.com\ufffe"},
        {"smtp_username": "user\uffffname"},
        {"default_from": "Jméno\x0bPříjmení <uzivatel@domena.cz>"},
        {"smtp_password": "pass\x00word"},
    ],
    ids=[
        "host U+FFFE",
        "username U+FFFF",
        "default_from vertical tab",
        "password NUL",
    ],
)
def test_text_xml_cannot_carry_is_refused_before_any_request(emulator, run_module, module_args, options):
    result = run_module("flexi_smtp", {**module_args, **options})

    assert result["failed"] is True
    assert "exception" not in result
    assert emulator.requests == []


def test_refused_password_is_not_echoed(emulator, run_module, module_args):
    result = run_module("flexi_smtp", {**module_args, "smtp_password": "Secret\x00Tail"})

    assert result["msg"] == (
        "smtp_password contains a character XML cannot carry (a control character other than tab or line break, "
        "or a non-character such as U+FFFE); Flexi could not store it."
    )
    assert "Tail" not in json.dumps(result)


@pytest.mark.parametrize(
    ("credentials", "secret"),
    [
        ("admin:Url-Secret%25pw@", "Url-Secret"),
        *((f"admin:{password}@", password) for password in ("S3c/retPw", "S3c#retPw", "S3c?retPw", "S3c@ret/Pw")),
        ("admin:S3c/ret@Pw#x@", "S3c/ret@Pw#x"),
    ],
)  # fmt: skip
def test_url_with_credentials_is_refused_without_showing_them(emulator, run_module, module_args, credentials, secret):
    url = emulator.url.replace("://", f"://{credentials}")

    result = run_module("flexi_smtp", {**module_args, "url": url})

    assert result["msg"] == "url must not contain credentials; give them in username and password instead."
    assert secret not in run_module.outputs[-1]
    assert secret.split("/")[0].split("#")[0].split("?")[0] not in run_module.outputs[-1]
    assert emulator.requests == []


@pytest.mark.parametrize("url", ["https://admin:Url-Secret@[::1:5434", "admin:Url-Secret@flexi.example.com"])
def test_url_with_credentials_that_cannot_be_parsed_is_refused_without_showing_them(run_module, module_args, url):
    result = run_module("flexi_smtp", {**module_args, "url": url})

    assert result["msg"] == "url must not contain credentials; give them in username and password instead."
    assert "Url-Secret" not in run_module.outputs[-1]


@pytest.mark.parametrize(
    ("company", "path"),
    [
        ("a/b", "/c/a%2Fb"),
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


def test_company_with_spaces_is_url_encoded_and_works(emulator_factory, run_module):
    emulator = emulator_factory(companies=("my company",))
    args = {"url": emulator.url, "company": " my company ", "username": "admin", "password": "admin-secret"}

    result = run_module("flexi_smtp", {**args, "host": "new.example.com"})

    assert result["changed"] is True
    assert [(r.method, r.path) for r in emulator.requests] == [
        ("GET", "/c/my%20company/nastaveni/smtp"),
        ("PUT", "/c/my%20company/nastaveni/smtp"),
    ]


def test_url_with_trailing_slash_and_spaces_is_normalised(emulator, run_module, module_args):
    result = run_module("flexi_smtp_info", {**module_args, "url": f"  {emulator.url}/ "})

    assert "failed" not in result
    assert [r.path for r in emulator.requests] == ["/c/demo_s_r_o_/nastaveni/smtp"]


def test_port_given_as_text_is_compared_as_a_number(emulator, run_module, module_args):
    emulator.state.store(port="465")

    result = run_module("flexi_smtp", {**module_args, "port": "465"})

    assert result["changed"] is False
    assert emulator.writes() == []


def test_surrounding_spaces_are_stripped_before_comparing(emulator, run_module, module_args):
    emulator.state.store(host="smtp.example.com", defaultFrom="ABRA Flexi <flexi@example.com>")

    result = run_module(
        "flexi_smtp", {**module_args, "host": "  smtp.example.com ", "default_from": " ABRA Flexi <flexi@example.com> "}
    )

    assert result["changed"] is False
    assert emulator.writes() == []
