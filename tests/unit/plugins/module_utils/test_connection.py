from __future__ import annotations

import re

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import (
    connection_argument_spec,
    connection_settings,
    task_secrets,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError


def params(**given):
    base = {
        "url": "https://flexi.example.com:5434",
        "company": "demo_s_r_o_",
        "username": "admin",
        "password": "api-secret",
        "validate_certs": True,
        "ca_path": None,
        "timeout": 30,
    }
    base.update(given)
    return base


@pytest.mark.parametrize(
    ("url", "base_url"),
    [
        ("https://flexi.example.com/erp/flexi", "https://flexi.example.com/erp/flexi"),
        ("  http://10.0.0.5:5434/erp/flexi/ ", "http://10.0.0.5:5434/erp/flexi"),
    ],
)
def test_url_is_normalised_to_scheme_host_port_and_path_prefix(url, base_url):
    settings = connection_settings(params(url=url))

    assert settings.base_url == base_url
    assert settings.company_url == base_url + "/c/demo_s_r_o_"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("flexi.example.com:5434", "url must start with https://"),
        ("ftp://flexi.example.com", "url must start with https://"),
        ("https://flexi.example.com:5434/c/demo", "not a company URL"),
        ("https://flexi.example.com:5434/?x=1", "without a query or fragment"),
        ("https://flexi.example.com:5434/flexi#top", "without a query or fragment"),
        ("https://flexi.example.com/flexi/../admin", "must not contain '.' or '..'"),
        ("https://exa mple.com", "not a valid host name or address"),
        ("https://flexi.example.com:99999", "url is not a valid URL"),
    ],
)
def test_bad_url_is_rejected_with_an_example(url, message):
    with pytest.raises(FlexiError, match=message) as caught:
        connection_settings(params(url=url))

    assert "https://flexi.example.com:5434" in str(caught.value)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"url": "https://flexi.\u2028example.com"}, "url must not contain control characters"),
        ({"url": "https://flexi.example.com/\x85flexi"}, "url must not contain control characters"),
        ({"company": "demo\x1b_s_r_o_"}, "company must not contain control characters"),
        ({"username": "admin\u2029"}, "username must not contain control characters"),
        ({"company": ""}, "company must be the company's database identifier"),
        ({"company": " "}, "company must be the company's database identifier"),
        ({"company": "."}, "company must be the company's database identifier"),
        ({"company": ".."}, "company must be the company's database identifier"),
        ({"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' is not a file"),
        ({"timeout": 0}, "timeout must be a whole number of seconds, at least 1"),
        ({"timeout": -5}, "timeout must be a whole number of seconds, at least 1"),
        ({"username": None}, "password is set but username is not"),
    ],
)
def test_bad_connection_option_is_refused_saying_what_is_wrong(given, message):
    with pytest.raises(FlexiError, match=re.escape(message)):
        connection_settings(params(**given))


@pytest.mark.parametrize(
    ("validate_certs", "ca_path", "verify"),
    [
        (True, None, True),
        (False, None, False),
        (True, "CA", "CA"),
        (False, "CA", False),
    ],
)
def test_certificate_verification_matrix(tmp_path, validate_certs, ca_path, verify):
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("PEM")
    resolved = str(ca_file) if ca_path else None

    settings = connection_settings(params(validate_certs=validate_certs, ca_path=resolved))

    assert settings.verify == (str(ca_file) if verify == "CA" else verify)


def test_password_never_appears_in_repr():
    assert "api-secret" not in repr(connection_settings(params()))


def test_every_connection_option_has_an_environment_fallback_except_tls_settings():
    spec = connection_argument_spec()

    fallbacks = {name: entry["fallback"][1][0] for name, entry in spec.items() if "fallback" in entry}

    assert fallbacks == {
        "url": "ABRAFLEXI_URL",
        "company": "ABRAFLEXI_COMPANY",
        "username": "ABRAFLEXI_LOGIN",
        "password": "ABRAFLEXI_PASSWORD",
        "timeout": "ABRAFLEXI_TIMEOUT",
    }
    assert spec["password"]["no_log"] is True


SPEC = {**connection_argument_spec(), "smtp_password": {"type": "str", "no_log": True}, "host": {"type": "str"}}


def test_task_secrets_cover_the_api_password_its_basic_token_a_url_password_and_no_log_options():
    given = params(url="https://admin:p%40ss@flexi.example.com", smtp_password="smtp-secret", host="smtp.example.com")

    secrets = task_secrets(given, SPEC)

    # base64 of "admin:api-secret", the Authorization header the client would send
    assert secrets >= {"api-secret", "YWRtaW46YXBpLXNlY3JldA==", "p%40ss", "p@ss", "smtp-secret"}
    assert "smtp.example.com" not in secrets


def test_task_secrets_leave_out_options_that_are_not_set():
    assert task_secrets(params(username=None, password=None), SPEC) == set()
