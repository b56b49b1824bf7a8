"""A server that echoes what it received (a debugging proxy, a chatty error page) cannot make a module leak.

The API password travels in the Basic header and the SMTP password in the write body; a stub answers the write
with both echoed in several encodings. Neither password, in any spelling, nor the Basic token may reach the result
or anything the module prints.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest

from tests.security.stub import StubAnswer, StubRequest, StubServer
from tests.support.secrets import basic_auth_tokens, leaks, leaks_in, spellings, spellings_twice

API_USER = "api-user"
API_PASSWORD = 'Api%pw&<"ř€:x>'
SMTP_PASSWORD = "Smtp%pw&<\"ä€'>"
EMPTY_SETTINGS = b'<nastaveni-smtp><host>old.example.com</host><password filled="false"></password></nastaveni-smtp>'


def echo_of(request: StubRequest) -> str:
    """What the stub received, as text: request line, headers (Authorization included) and body."""
    headers = "\n".join(f"{name}: {value}" for name, value in request.headers.items())
    return f"{request.method} {request.target}\n{headers}\n\n{request.body.decode('utf-8', 'replace')}"


ECHOES: dict[str, Callable[[StubRequest], StubAnswer]] = {
    "Flexi message quoting the request": lambda request: StubAnswer(
        400,
        f"<winstrom><success>false</success><message>{escape(echo_of(request))}</message></winstrom>".encode(),
    ),
    "proxy HTML page showing the request": lambda request: StubAnswer(
        502, f"<html><body><pre>{escape(echo_of(request))}</pre></body></html>".encode(), "text/html"
    ),
    "JSON error quoting the request": lambda request: StubAnswer(
        400,
        json.dumps({"winstrom": {"success": "false", "message": echo_of(request)}}).encode(),
        "application/json",
    ),
    "URL-encoded echo": lambda request: StubAnswer(
        400, f"<message>received={quote(echo_of(request), safe='')}</message>".encode()
    ),
    "base64 echo of the Authorization header": lambda request: StubAnswer(
        400, f"<message>auth was {request.headers.get('Authorization')}</message>".encode()
    ),
    "base64 echo of the body": lambda request: StubAnswer(
        400, f"<message>body was {base64.b64encode(request.body).decode()}</message>".encode()
    ),
}


def flexi_then(echo: Callable[[StubRequest], StubAnswer]) -> Callable[[StubRequest], StubAnswer]:
    """Answer the read like Flexi with no password stored (so the password is sent); answer the write with echo."""
    return lambda request: StubAnswer(200, EMPTY_SETTINGS) if request.method == "GET" else echo(request)


def every_spelling() -> dict[str, str]:
    forms: dict[str, str] = {}
    for label, secret in (("API password", API_PASSWORD), ("SMTP password", SMTP_PASSWORD)):
        forms.update(
            {f"{label} {name}": form for name, form in {**spellings(secret), **spellings_twice(secret)}.items()}
        )
    forms.update(basic_auth_tokens(API_USER, API_PASSWORD))
    return forms


@dataclass(frozen=True)
class EchoedRun:
    stub: StubServer
    result: dict[str, Any]
    output: str


@pytest.fixture(params=list(ECHOES), ids=list(ECHOES))
def echoed_run(request, stub_factory, run_module) -> EchoedRun:
    stub = stub_factory(flexi_then(ECHOES[request.param]))
    args = {
        "url": stub.url,
        "company": "demo_s_r_o_",
        "username": API_USER,
        "password": API_PASSWORD,
        "host": "new.example.com",
        "smtp_password": SMTP_PASSWORD,
    }

    result = run_module("flexi_smtp", args, diff=True)

    return EchoedRun(stub, result, run_module.outputs[-1])


def test_echoing_server_really_received_both_secrets(echoed_run):
    write = next(request for request in echoed_run.stub.requests if request.method == "PUT")

    assert echoed_run.result["failed"] is True
    assert escape(SMTP_PASSWORD).encode() in write.body
    assert write.headers["Authorization"] == f"Basic {basic_auth_tokens(API_USER, API_PASSWORD)['Basic, UTF-8']}"


def test_echoed_secrets_never_reach_the_result(echoed_run):
    assert leaks_in(echoed_run.result, every_spelling()) == []
    assert leaks(json.dumps(echoed_run.result), every_spelling()) == []


def test_echoed_secrets_never_reach_the_module_output(echoed_run):
    assert leaks(echoed_run.output, every_spelling()) == []
    assert leaks_in(json.loads(echoed_run.output), every_spelling()) == []


def test_masking_keeps_the_rest_of_an_echoed_message(stub_factory, run_module):
    stub = stub_factory(flexi_then(ECHOES["Flexi message quoting the request"]))
    args = {"url": stub.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}

    result = run_module("flexi_smtp", {**args, "host": "new.example.com", "smtp_password": SMTP_PASSWORD})

    assert "PUT /c/demo_s_r_o_/nastaveni/smtp" in result["msg"]
    assert "<host>new.example.com</host>" in result["msg"]
    assert "<password>********</password>" in result["msg"]
