"""A server that redirects, drips, echoes secrets, or answers 200 with the wrong thing gets a clean, safe failure.

Each case is played by the emulator's fault modes; a second emulator stands for "another host" and must never hear
from the module.
"""

from __future__ import annotations

import time
from xml.sax.saxutils import escape

import pytest

from tests.emulator.faults import Fault
from tests.support.modules import API_PASSWORD, API_USER, warning_texts
from tests.support.secrets import leaks_in, spellings

SMTP_PATH = "/c/demo_s_r_o_/nastaveni/smtp"
REDIRECTS = (301, 302, 303, 307, 308)
SMTP_PASSWORD = "Smtp-Secret-42"
# Quotes, ampersand, slash, tilde, star, space, ř: every text format escapes some of them.
HARD_API_PASSWORD = "Ap'i \"p&ss/~*ř"


# Redirects (never followed)

CALLS = {
    "read": ("flexi_smtp_info", {}, {"method": "GET"}, "GET"),
    "write": ("flexi_smtp", {"host": "smtp.example.com", "smtp_password": SMTP_PASSWORD}, {"method": "PUT"}, "PUT"),
    "test mail": (
        "flexi_smtp",
        {"test_email": "it@example.com", "test_email_when": "always"},
        {"match_query": "testMail"},
        "GET",
    ),
}  # fmt: skip


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("call", CALLS)
def test_redirect_fails_with_its_status_and_location_and_sends_nothing_there(
    emulator, emulator_factory, run_module, module_args, call, status
):
    module, options, matching, method = CALLS[call]
    other_host = emulator_factory()  # a second Flexi that nothing may ever reach
    location = other_host.url + SMTP_PATH
    emulator.inject(Fault("redirect", status=status, location=location, **matching))

    result = run_module(module, {**module_args, **options})

    assert result["failed"] is True
    assert result["status"] == status
    assert result["method"] == method
    assert f"redirect to {location}" in result["msg"]
    assert "never followed" in result["msg"]
    assert other_host.requests == []
    assert emulator.state.stored()["host"] != "smtp.example.com"


# Slow servers: timeout bounds the whole request, whichever (a body still coming: test_deadline_means_no_answer.py)


def test_dripping_headers_fail_within_the_timeout(emulator, run_module, module_args):
    emulator.inject(Fault("drip", delay=0.2, phase="headers"))
    started = time.monotonic()

    result = run_module("flexi_smtp_info", {**module_args, "timeout": 2})

    elapsed = time.monotonic() - started
    assert (result["failed"], result["status"], result["method"]) == (True, -1, "GET")
    assert result["msg"].startswith(f"Flexi did not answer within 2 s (GET {emulator.url}{SMTP_PATH})")
    assert elapsed < 3.0


# 200 answers that are not what was asked for (another root, <winstrom> failures and HTML pages: the unit tests)


def test_a_200_answer_in_another_namespace_fails_with_status_url_and_body(emulator, run_module, module_args):
    body = '<nastaveni-smtp xmlns="urn:other"><host>x</host></nastaveni-smtp>'
    emulator.inject(Fault("raw", status=200, body=body, content_type="application/xml"))

    result = run_module("flexi_smtp_info", module_args)

    assert result["failed"] is True
    assert (result["status"], result["method"], result["url"]) == (200, "GET", emulator.url + SMTP_PATH)
    assert result["msg"].startswith(f"Flexi answered HTTP 200 to GET {emulator.url}{SMTP_PATH}, but ")
    assert "instead of <nastaveni-smtp>" in result["msg"]
    assert result["response"] == body


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("<error><message>SMTP connect failed</message></error>", "application/xml", "SMTP connect failed"),
        ('<winstrom version="1.0"><success>false</success></winstrom>', "application/xml", "reports a failure"),
        ("<html><body>Přihlaste se</body></html>", "text/html", "does not confirm"),
        ("Gateway says hello", "text/plain", "not well-formed XML"),
    ],
)
def test_test_mail_counts_as_sent_only_when_flexi_confirms_it(
    emulator, run_module, module_args, body, content_type, expected
):
    emulator.inject(Fault("raw", status=200, body=body, content_type=content_type, match_query="testMail"))

    result = run_module("flexi_smtp", {**module_args, "test_email": "it@example.com", "test_email_when": "always"})

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["test_email"] == {"sent": False, "recipient": "it@example.com"}
    assert result["status"] == 200
    assert expected in result["msg"]
    assert result["response"] == body


def test_broken_content_encoding_is_a_clean_failure(emulator, run_module, module_args):
    emulator.inject(
        Fault("raw", status=200, body="<nastaveni-smtp/>", content_type="application/xml",
              headers=(("Content-Encoding", "gzip"),))
    )  # fmt: skip

    result = run_module("flexi_smtp_info", module_args)

    assert result["failed"] is True
    assert result["status"] == -1
    assert result["msg"].startswith(f"Flexi's answer to GET {emulator.url}{SMTP_PATH} could not be decoded")


# Licences (the 403 and 404 hints: tests/unit/plugins/modules/test_faults.py)


def test_licence_without_rest_writes_quotes_flexi_and_says_what_to_do(emulator_factory, run_module):
    emulator = emulator_factory(licence="no-rest-write")
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}

    result = run_module("flexi_smtp", {**args, "host": "smtp.example.com"})

    assert result["failed"] is True
    assert result["status"] == 402
    assert result["msg"] == (
        f"Flexi answered HTTP 402 to PUT {emulator.url}{SMTP_PATH}: Licence nezahrnuje zápis přes REST API. "
        "The Flexi licence does not include writing through the REST API; ask ABRA for a licence with API write "
        "access."
    )


# A secret echoed into a stored value


def test_secret_echoed_into_a_stored_value_is_masked_in_the_warning(emulator_factory, run_module):
    # Every spelling is masked by construction (tests/unit/plugins/module_utils/test_redact_by_construction.py).
    emulator = emulator_factory(users={API_USER: HARD_API_PASSWORD})
    document = f"<nastaveni-smtp><port>{escape(HARD_API_PASSWORD)}</port></nastaveni-smtp>"
    emulator.inject(Fault("raw", status=200, body=document, content_type="application/xml"))
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": HARD_API_PASSWORD}

    result = run_module("flexi_smtp_info", args)

    assert warning_texts(result) == [
        "Flexi holds the port '********', which is not a whole number; give port to repair it."
    ]
    assert leaks_in(result, spellings(HARD_API_PASSWORD)) == []


# Stored port that is not a number


def test_stored_port_that_is_not_a_number_is_reported_and_repaired(emulator_factory, run_module):
    emulator = emulator_factory(initial={"port": "465.0"})
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}

    repaired = run_module("flexi_smtp", {**args, "port": 25})

    assert warning_texts(repaired) == [
        "Flexi holds the port '465.0', which is not a whole number; give port to repair it."
    ]
    assert repaired["changed"] is True
    assert repaired["diff"] == {"before": {"port": "465.0"}, "after": {"port": 25}}
    assert emulator.state.stored()["port"] == "25"
