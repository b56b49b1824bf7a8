"""Every fault Flexi, a proxy in front of it or the network can produce, seen through flexi_smtp's main().

The task fails with a short msg (status, method, URL without credentials, Flexi's message
verbatim), no traceback, and nothing stored changes. Retries are counted in the emulator's request log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from tests.emulator.app import FAULT_MESSAGES, NO_COMPANY_MESSAGE, NO_RIGHT_MESSAGE
from tests.emulator.faults import Fault
from tests.support.network import closed_port
from tests.support.secrets import basic_auth_tokens, leaks_in, spellings

COMPANY = "demo_s_r_o_"
SMTP_PATH = f"/c/{COMPANY}/nastaveni/smtp"
# Differs from what the emulator holds, so every run plans a write.
CHANGE = {"host": "new.example.com", "port": 587}
UNKNOWN_OUTCOME = "Whether the settings were saved is unknown; run the task again to compare."
TLS_ADVICE = (
    "Set ca_path to the CA that signed the server's certificate, or validate_certs: false for a server you trust "
    "by other means."
)


@pytest.fixture(autouse=True)
def backoff_pauses(monkeypatch) -> list[float]:
    """Backoff pauses of every client the module creates, recorded instead of slept (the transport's own seam)."""
    pauses: list[float] = []
    original_init = FlexiClient.__init__

    def recording_init(self: FlexiClient, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.transport.sleep = pauses.append

    monkeypatch.setattr(FlexiClient, "__init__", recording_init)
    return pauses


@dataclass(frozen=True)
class FaultCase:
    """One fault: how to provoke it and what the user must see.

    ``message`` is the whole expected msg; ``{url}`` stands for the request URL and ``{any}`` for text that
    depends on the platform (OS or OpenSSL wording, lxml positions). The result's status and method must be the ones
    the message names. ``requests`` is how many requests reach the emulator: more than one of the failing method
    only where a retry can help. ``response`` is text the result's response must hold.
    """

    message: str
    requests: int = 1
    response: str = ""
    faults: tuple[Fault, ...] = ()
    server: dict[str, Any] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)
    refused: bool = False
    trust_emulator_ca: bool = False

    @property
    def status(self) -> int:
        answered = re.match(r"Flexi answered HTTP (\d+)", self.message)
        return int(answered.group(1)) if answered else -1

    @property
    def method(self) -> str:
        return re.search(r"\b(GET|PUT) \{url\}", self.message).group(1)

    def expected(self, url: str) -> re.Pattern[str]:
        parts = re.split(r"(\{url\}|\{any\})", self.message)
        pattern = "".join(
            re.escape(url) if part == "{url}" else ".+" if part == "{any}" else re.escape(part) for part in parts
        )
        return re.compile(pattern, re.DOTALL)


FAULTS = {
    "401 for a wrong password": FaultCase(
        "Flexi answered HTTP 401 to GET {url}: Authorization required. "
        "Check username and password (or ABRAFLEXI_LOGIN / ABRAFLEXI_PASSWORD).",
        args={"password": "wrong-secret"},
    ),
    "403 for a user without the right": FaultCase(
        f"Flexi answered HTTP 403 to GET {{url}}: {NO_RIGHT_MESSAGE} "
        "The API user needs the ADMIN role with the server right 'access all companies'; Flexi also answers 403 "
        "when its licence does not permit the operation.",
        args={"username": "clerk", "password": "clerk-secret"},
    ),
    "404 for an unknown company": FaultCase(
        f"Flexi answered HTTP 404 to GET {{url}}: {NO_COMPANY_MESSAGE.format(company='demo_s_r_o_')} "
        "Check company (the company's database identifier, e.g. demo_s_r_o_) and url; Flexi also answers 404 to reads "
        "when its licence does not include the REST API.",
        server={"companies": ("other_s_r_o_",)},
    ),
    "405 on the write": FaultCase(
        "Flexi answered HTTP 405 to PUT {url}: Method Not Allowed",
        requests=2,
        faults=(Fault(kind="status", status=405, method="PUT"),),
    ),
    "500 on the write": FaultCase(
        f"Flexi answered HTTP 500 to PUT {{url}}: {FAULT_MESSAGES[500]}",
        requests=2,
        faults=(Fault(kind="status", status=500, method="PUT"),),
    ),
    "HTML 502 page from a proxy": FaultCase(
        "Flexi answered HTTP 502 to GET {url} without a Flexi message (see response).",
        requests=3,
        response="<title>502 Bad Gateway</title>",
        faults=(Fault(kind="html", status=502, times=None),),
    ),
    "malformed XML read": FaultCase(
        "Flexi answered HTTP 200 to GET {url}, but the answer is not well-formed XML ({any}).",
        faults=(Fault(kind="malformed", method="GET"),),
    ),
    "malformed XML write answer": FaultCase(
        f"Flexi answered HTTP 200 to PUT {{url}}, but the answer is not well-formed XML ({{any}}). {UNKNOWN_OUTCOME}",
        requests=2,
        faults=(Fault(kind="malformed", method="PUT"),),
    ),
    "empty body": FaultCase(
        "Flexi answered HTTP 200 to GET {url}, but the answer is empty, not an XML document.",
        faults=(Fault(kind="empty", method="GET"),),
    ),
    "slow answer beyond timeout": FaultCase(
        "Flexi did not answer within 1 s (GET {url}); raise timeout if the server is slow.",
        faults=(Fault(kind="slow", delay=5.0, method="GET", times=None),),
        args={"timeout": 1},
    ),
    "connection refused": FaultCase(
        "Connection to Flexi failed (GET {url}): {any}Connection refused.",
        requests=0,
        refused=True,
    ),
    "server gone after the read, before the write": FaultCase(
        "Connection to Flexi failed (PUT {url}): {any}Connection refused.",
        faults=(Fault(kind="vanish", method="GET"),),
    ),
    "connection closed without an answer": FaultCase(
        "Connection to Flexi failed (GET {url}): Remote end closed connection without response.",
        requests=3,
        faults=(Fault(kind="drop", method="GET", times=None),),
    ),
    "connection dropped mid-answer": FaultCase(
        "Connection to Flexi failed (GET {url}): IncompleteRead({any}).",
        requests=3,
        faults=(Fault(kind="drop_mid_body", method="GET", times=None),),
    ),
    "connection dropped mid-answer to the write": FaultCase(
        f"Connection to Flexi failed (PUT {{url}}): IncompleteRead({{any}}). {UNKNOWN_OUTCOME}",
        requests=4,
        faults=(Fault(kind="drop_mid_body", method="PUT", times=None),),
    ),
    "TLS certificate for another name": FaultCase(
        f"TLS failure talking to Flexi (GET {{url}}): [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        f"{{any}}. {TLS_ADVICE}",
        requests=0,
        server={"tls": True, "tls_hostname": "flexi.other.example"},
        trust_emulator_ca=True,
    ),
    "TLS certificate from an unknown CA": FaultCase(
        f"TLS failure talking to Flexi (GET {{url}}): [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        f"{{any}}. {TLS_ADVICE}",
        requests=0,
        server={"tls": True},
    ),
}


@pytest.mark.parametrize("case", list(FAULTS.values()), ids=list(FAULTS))
def test_fault_fails_the_task_with_one_short_message_and_stores_nothing(case, emulator_factory, run_module):
    """flexi_smtp tries to change two fields and runs into the fault."""
    emulator = emulator_factory(**case.server)
    for fault in case.faults:
        emulator.inject(fault)
    base_url = f"http://127.0.0.1:{closed_port()}" if case.refused else emulator.url
    args = {"url": base_url, "company": COMPANY, "username": "admin", "password": "admin-secret", **CHANGE, **case.args}
    if case.trust_emulator_ca:
        args["ca_path"] = emulator.ca_path
    stored_before = emulator.state.stored()

    result = run_module("flexi_smtp", args)
    emulator.stop()  # wakes a slow answer, so every request that arrived is in the log

    url = base_url + SMTP_PATH
    assert (result["failed"], result["changed"]) == (True, False)
    assert case.expected(url).fullmatch(result["msg"]), result["msg"]
    assert (result["status"], result["method"], result["url"]) == (case.status, case.method, url)
    assert "exception" not in result
    assert "module_stderr" not in result
    assert "Traceback" not in run_module.outputs[-1]
    assert len(emulator.requests) == case.requests
    assert case.response in result.get("response", "")
    assert emulator.state.stored() == stored_before
    assert leaks_in(result, {**spellings("admin-secret"), **basic_auth_tokens("admin", "admin-secret")}) == []


# Retries: only the read and the settings write, on connection errors and 502/503/504, bounded by the timeout.

PASSING_FAULTS = {
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "504": {"kind": "status", "status": 504},
    "HTML 502 page": {"kind": "html", "status": 502},
    "closed without answer": {"kind": "drop"},
    "dropped mid-answer": {"kind": "drop_mid_body"},
}


@pytest.mark.parametrize("method", ["GET", "PUT"])
@pytest.mark.parametrize("fault", list(PASSING_FAULTS.values()), ids=list(PASSING_FAULTS))
def test_read_and_write_are_retried_after_a_passing_fault(
    emulator, run_module, module_args, backoff_pauses, fault, method
):
    emulator.inject(Fault(method=method, **fault))

    result = run_module("flexi_smtp", {**module_args, **CHANGE})

    assert result["changed"] is True
    assert [r.method for r in emulator.requests] == ["GET", method, "PUT"]
    assert emulator.requests[-1].status == 201
    assert emulator.state.stored()["host"] == "new.example.com"
    assert backoff_pauses == [0.5]


@pytest.mark.parametrize(("timeout", "pauses"), [(30, [0.5, 1.5]), (1, [0.5])])
def test_lasting_gateway_errors_get_at_most_three_attempts_within_the_timeout(
    emulator, run_module, module_args, backoff_pauses, timeout, pauses
):
    """Pauses are 0.5 s then 1.5 s; with timeout 1 the second pause would end after the deadline."""
    emulator.inject(Fault(kind="status", status=503, method="GET", times=None))

    result = run_module("flexi_smtp", {**module_args, **CHANGE, "timeout": timeout})

    assert result["status"] == 503
    assert [r.status for r in emulator.requests] == [503] * (len(pauses) + 1)
    assert backoff_pauses == pauses


@pytest.mark.parametrize("fault", list(PASSING_FAULTS.values()), ids=list(PASSING_FAULTS))
def test_test_mail_is_never_retried(emulator, run_module, module_args, fault):
    emulator.inject(Fault(match_query="testMail", times=None, **fault))

    result = run_module("flexi_smtp", {**module_args, **CHANGE, "test_email": "it@example.com"})

    assert result["failed"] is True
    assert len(emulator.test_mail_requests()) == 1


@pytest.mark.parametrize("delivered", [True, False], ids=["delivered", "failed"])
def test_no_request_follows_the_test_mail(delivered, emulator, smtp_sink, run_module, module_args):
    """The test mail is the last request, so "test mail sent but a later read failed" cannot happen."""
    port = smtp_sink.port if delivered else closed_port()
    args = {**module_args, "host": smtp_sink.host, "port": port, "encryption_mode": "NEVER"}

    result = run_module("flexi_smtp", {**args, "test_email": "it@example.com"})

    assert result.get("failed", False) is not delivered
    assert [(r.method, tuple(r.query)) for r in emulator.requests] == [("GET", ()), ("PUT", ()), ("GET", ("testMail",))]
