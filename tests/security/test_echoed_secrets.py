"""A server that echoes what it received (a debugging proxy, a chatty error page) cannot make a module leak.

The API password travels in the Basic header and the SMTP password in the write body; the emulator answers the write
with an echo fault (both passwords, decoded, in one of the spellings a server may use) or a raw fault quoting the
request as received. Neither password, in any spelling, nor the Basic token may reach the result or anything the
module prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.emulator.documents import JSON_TYPE, XML_TYPE
from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorServer
from tests.emulator.spellings import SPELLINGS, spell
from tests.support.secrets import basic_auth_tokens, leaks, leaks_in, spellings, spellings_twice

API_USER = "api-user"
# Every spelling of each differs from the plain text: quotes, ampersand, slash, tilde, star, space, non-ASCII.
API_PASSWORD = "Ap'i \"p&ss/~*ř%<:x>"
SMTP_PASSWORD = "Sm'tp <p&ss>/~*ö%€"

# Raw faults: {request} is the request line, headers (Authorization included) and body as received, {authorization}
# and {body} those parts alone; each is put in spelled as the fault's `spelling` says.
ECHOES: dict[str, Fault] = {
    **{f"echo, {spelling}": Fault("echo", spelling=spelling) for spelling in SPELLINGS},
    "Flexi message quoting the request": Fault(
        "raw",
        status=400,
        body="<winstrom><success>false</success><message>{request}</message></winstrom>",
        content_type=XML_TYPE,
        spelling="xml",
    ),
    "proxy HTML page showing the request": Fault(
        "raw",
        status=502,
        body="<html><body><pre>{request}</pre></body></html>",
        content_type="text/html",
        spelling="xml",
    ),
    "JSON error quoting the request": Fault(
        "raw",
        status=400,
        body='{"winstrom": {"success": "false", "message": "{request}"}}',
        content_type=JSON_TYPE,
        spelling="json",
    ),
    "URL-encoded echo": Fault(
        "raw", status=400, body="<message>received={request}</message>", content_type=XML_TYPE, spelling="percent-all"
    ),
    "base64 echo of the Authorization header": Fault(
        "raw", status=400, body="<message>auth was {authorization}</message>", content_type=XML_TYPE
    ),
    "base64 echo of the body": Fault(
        "raw", status=400, body="<message>body was {body}</message>", content_type=XML_TYPE, spelling="base64"
    ),
}


def flexi_echoing_writes(emulator_factory, echo: Fault) -> EmulatorServer:
    """Reads like Flexi with no password stored (so the password is sent); answers every write with ``echo``."""
    emulator = emulator_factory(users={API_USER: API_PASSWORD}, initial={"host": "old.example.com"})
    emulator.inject(replace(echo, method="PUT", times=None))
    return emulator


def every_spelling() -> dict[str, str]:
    forms: dict[str, str] = {}
    for label, secret in (("API password", API_PASSWORD), ("SMTP password", SMTP_PASSWORD)):
        spelled = {**spellings(secret), **spellings_twice(secret), **{name: spell(secret, name) for name in SPELLINGS}}
        forms.update({f"{label} {name}": form for name, form in spelled.items()})
    forms.update(basic_auth_tokens(API_USER, API_PASSWORD))
    return forms


def module_args(emulator: EmulatorServer) -> dict[str, Any]:
    return {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}


@dataclass(frozen=True)
class EchoedRun:
    emulator: EmulatorServer
    echo: Fault
    result: dict[str, Any]
    output: str


@pytest.fixture(params=list(ECHOES), ids=list(ECHOES))
def echoed_run(request, emulator_factory, run_module) -> EchoedRun:
    echo = ECHOES[request.param]
    emulator = flexi_echoing_writes(emulator_factory, echo)
    args = {**module_args(emulator), "host": "new.example.com", "smtp_password": SMTP_PASSWORD}

    result = run_module("flexi_smtp", args, diff=True)

    return EchoedRun(emulator, echo, result, run_module.outputs[-1])


def test_echoing_server_really_received_both_secrets(echoed_run):
    # The emulator never logs a password: it accepted the API password on the read (200, not 401), and logged
    # the write with its Basic user and a <password> element.
    read, write = echoed_run.emulator.requests[0], echoed_run.emulator.writes()[0]

    assert echoed_run.result["failed"] is True
    assert (read.method, read.status, read.user) == ("GET", 200, API_USER)
    assert (write.user, write.password_present, write.status) == (API_USER, True, echoed_run.echo.answer_status)
    if echoed_run.echo.kind == "echo":
        assert echoed_run.result["msg"].count("********") == 2  # both were echoed, both masked


def test_echoed_secrets_never_reach_the_result_or_the_module_output(echoed_run):
    assert leaks_in(echoed_run.result, every_spelling()) == []
    assert leaks(json.dumps(echoed_run.result), every_spelling()) == []
    assert leaks(echoed_run.output, every_spelling()) == []
    assert leaks_in(json.loads(echoed_run.output), every_spelling()) == []


def test_masking_keeps_the_rest_of_an_echoed_message(emulator_factory, run_module):
    emulator = flexi_echoing_writes(emulator_factory, ECHOES["Flexi message quoting the request"])

    args = {**module_args(emulator), "host": "new.example.com", "smtp_password": SMTP_PASSWORD}

    result = run_module("flexi_smtp", args)

    assert "PUT /c/demo_s_r_o_/nastaveni/smtp" in result["msg"]
    assert "<host>new.example.com</host>" in result["msg"]
    assert "<password>********</password>" in result["msg"]
