"""Whatever the HTTP libraries raise ends as one clean failure: our message, status -1, method, URL, no secret."""

from __future__ import annotations

import http.client
import inspect

import pytest
import requests
import urllib3

from ansible_collections.abraflexi.flexi.plugins.module_utils import _client as client_module
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import RESPONSE_LIMIT, FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._module import execute
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK
from tests.security.conftest import API_PASSWORD

SMTP_PASSWORD = "Smtp-Secret-42"


def _exception_classes(*modules) -> list[type[BaseException]]:
    classes = {
        member
        for module in modules
        for _name, member in inspect.getmembers(module, inspect.isclass)
        if issubclass(member, Exception) and not issubclass(member, Warning)
    }
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


LIBRARY_EXCEPTIONS = _exception_classes(requests.exceptions, urllib3.exceptions, http.client)


def _instance(cls: type[BaseException], text: str) -> BaseException:
    """An instance of cls whose text carries ``text``, however its constructor wants its arguments."""
    for args in ((text,), (None, text), (None, None, text), (None, text, None)):
        try:
            return cls(*args)
        except Exception:  # try the next constructor shape
            continue
    instance = cls.__new__(cls)
    instance.args = (text,)
    return instance


@pytest.mark.parametrize("exception_class", LIBRARY_EXCEPTIONS, ids=lambda cls: cls.__qualname__)
def test_every_library_exception_ends_as_a_clean_masked_failure(
    emulator, run_module, module_args, monkeypatch, exception_class
):
    leaky = f"Location: ftp://evil.example/{API_PASSWORD} body <password>{SMTP_PASSWORD}</password>"

    def explode(self, *args, **kwargs):
        raise _instance(exception_class, leaky)

    monkeypatch.setattr(requests.Session, "request", explode)

    result = run_module("flexi_smtp", {**module_args, "port": 465, "smtp_password": SMTP_PASSWORD})

    assert result["failed"] is True
    assert result["status"] == -1
    assert result["method"] == "GET"
    assert result["url"] == f"{emulator.url}/c/demo_s_r_o_/nastaveni/smtp"
    transport_failures = (
        "Flexi did not answer",
        "TLS failure",
        "The proxy",
        "No connection",
        "Connection to Flexi failed",
        "Flexi's answer",
        "url cannot be used",
        "Request to Flexi failed",
    )
    assert result["msg"].startswith(transport_failures)
    assert "Module failed" not in run_module.outputs[-1]
    assert API_PASSWORD not in run_module.outputs[-1]
    assert SMTP_PASSWORD not in run_module.outputs[-1]


def test_an_unforeseen_exception_is_still_a_masked_failure_with_the_fields(
    emulator, run_module, module_args, monkeypatch
):
    def explode(self, *args, **kwargs):
        raise RuntimeError(f"internal state {API_PASSWORD}")

    monkeypatch.setattr(client_module.FlexiClient, "read_settings", explode)

    result = run_module("flexi_smtp_info", module_args)

    assert result["failed"] is True
    assert result["status"] == -1
    assert result["msg"].startswith("Unexpected error (RuntimeError): internal state ")
    assert set(result) >= {"msg", "status", "method", "url", "response"}
    assert API_PASSWORD not in run_module.outputs[-1]


@pytest.mark.parametrize("offset", [1, 4, 8, len(API_PASSWORD) - 1])
def test_response_is_masked_before_it_is_trimmed(offset):
    # The secret starts `offset` characters before the cut, so a trim first would leave its beginning.
    body = "x" * (RESPONSE_LIMIT - offset) + API_PASSWORD + "y" * 100

    def fail(task):
        raise FlexiError("Flexi said no", 400, "GET", "https://flexi.example.com/c/x/nastaveni/smtp", body)

    outcome = execute(fail, {}, check_mode=False, secrets={API_PASSWORD})

    assert outcome.failed
    masked = ("x" * (RESPONSE_LIMIT - offset) + MASK + "y" * 100)[:RESPONSE_LIMIT]
    assert (
        outcome.result["response"]
        == f"{masked}... [{len(body) - len(API_PASSWORD) + len(MASK) - RESPONSE_LIMIT} more characters]"
    )
