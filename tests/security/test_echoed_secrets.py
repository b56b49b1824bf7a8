"""A server that echoes what it received (a debugging proxy, a chatty error page) cannot make a module leak.

The API password travels in the Basic header and the SMTP password in the write body; the emulator answers the write
with an echo fault (both passwords, decoded, in one of the spellings a server may use) or a raw fault quoting the
request as received. Neither password, in any spelling, nor the Basic token may reach the result (on both execution
paths) or anything the module prints.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tests.emulator.documents import JSON_TYPE, XML_TYPE
from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorServer
from tests.emulator.spellings import SPELLINGS, spell
from tests.support.paths import PATHS, run_on
from tests.support.secrets import basic_auth_tokens, leaks, leaks_in, spellings, spellings_twice

API_USER = "api-user"
# Every spelling of each differs from the plain text: quotes, ampersand, slash, tilde, star, space, non-ASCII.
API_PASSWORD = "Ap'i \"p&ss/~*ř%<:x>"
SMTP_PASSWORD = "Sm'tp <p&ss>/~*ö%€"

# Raw faults: {request} is the request line, headers (Authorization included) and body as received, {body} the body
# alone; each is put in spelled as the fault's `spelling` says.
ECHOES: dict[str, Fault] = {
    **{f"echo, {spelling}": Fault("echo", spelling=spelling) for spelling in SPELLINGS},
    "Flexi message quoting the request": Fault(
        "raw",
        status=400,
        body="<winstrom><success>false</success><message>{request}</message></winstrom>",
        content_type=XML_TYPE,
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


def task_args(emulator: EmulatorServer) -> dict[str, Any]:
    """A change that sends the SMTP password, authenticated with the API password."""
    connection = {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}
    return {**connection, "host": "new.example.com", "smtp_password": SMTP_PASSWORD}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("echo", list(ECHOES))
def test_echoed_secrets_never_reach_the_result_or_the_module_output(echo, path, emulator_factory, run_module):
    emulator = flexi_echoing_writes(emulator_factory, ECHOES[echo])

    result = run_on(path, run_module, "flexi_smtp", task_args(emulator))

    # Both secrets were in play, though the emulator logs no password: it accepted the API password on the read
    # (200, not 401), and logged the write with its Basic user and a <password> element.
    read, write = emulator.requests[0], emulator.writes()[0]
    assert (read.method, read.status, read.user) == ("GET", 200, API_USER)
    assert (write.user, write.password_present, write.status) == (API_USER, True, ECHOES[echo].answer_status)
    assert result["failed"] is True
    if ECHOES[echo].kind == "echo":
        assert result["msg"].count("********") == 2  # both were echoed, both masked
    assert leaks_in(result, every_spelling()) == []
    assert leaks("\n".join([json.dumps(result), *run_module.outputs]), every_spelling()) == []


def test_masking_keeps_the_rest_of_an_echoed_message(emulator_factory, run_module):
    emulator = flexi_echoing_writes(emulator_factory, ECHOES["Flexi message quoting the request"])

    result = run_module("flexi_smtp", task_args(emulator))

    assert "PUT /c/demo_s_r_o_/nastaveni/smtp" in result["msg"]
    assert "<host>new.example.com</host>" in result["msg"]
    assert "<password>********</password>" in result["msg"]
