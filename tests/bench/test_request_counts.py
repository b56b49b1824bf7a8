"""How many HTTP requests and TCP connections one module run makes (issue 7), counted, not timed.

The emulator's request log gives both: each entry names its company and the number of the TCP connection it came
on. The first tests run ``main()`` in process; the integration test runs the real AnsiballZ payloads through
``ansible-playbook``, one company per task.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from tests.emulator.server import EmulatorServer
from tests.support.ansible import clean_ansible_environment, run_ansible_playbook
from tests.support.collection import install
from tests.support.modules import API_PASSWORD, API_USER, COMPANY
from tests.support.request_log import connections_by_company, requests_by_company

install()

STORED = {
    "host": "smtp.example.com",
    "port": "465",
    "username": "flexi@example.com",
    "defaultFrom": "ABRA Flexi <flexi@example.com>",
    "encryptionMode": "SSL",
}
SAME = {
    "host": "smtp.example.com",
    "port": 465,
    "smtp_username": "flexi@example.com",
    "default_from": "ABRA Flexi <flexi@example.com>",
    "encryption_mode": "SSL",
}
CHANGE = {**SAME, "port": 587, "encryption_mode": "STARTTLS"}


def sink_options(sink) -> dict[str, Any]:
    """Options that differ from STORED and point Flexi's test mail at the SMTP sink."""
    return {**SAME, "host": sink.host, "port": sink.port, "encryption_mode": "NEVER"}


@pytest.fixture
def flexi(emulator_factory) -> EmulatorServer:
    return emulator_factory(initial=STORED)


@pytest.fixture
def connection(flexi) -> dict[str, Any]:
    return {"url": flexi.url, "company": COMPANY, "username": API_USER, "password": API_PASSWORD}


def test_no_change_makes_one_get_over_one_connection(flexi, connection, run_module):
    result = run_module("flexi_smtp", {**connection, **SAME})

    assert result["changed"] is False
    assert requests_by_company(flexi.requests) == {COMPANY: ["GET"]}
    assert connections_by_company(flexi.requests) == {COMPANY: 1}


def test_change_makes_one_get_and_one_put_over_one_connection(flexi, connection, run_module):
    result = run_module("flexi_smtp", {**connection, **CHANGE})

    assert result["changed"] is True
    assert requests_by_company(flexi.requests) == {COMPANY: ["GET", "PUT"]}
    assert connections_by_company(flexi.requests) == {COMPANY: 1}


def test_change_with_test_email_adds_only_the_test_mail_on_the_same_connection(
    flexi, connection, run_module, smtp_sink
):
    options = {**connection, **sink_options(smtp_sink), "test_email": "it-team@example.com"}

    result = run_module("flexi_smtp", options)

    assert result["changed"] is True
    assert result["test_email"]["sent"] is True
    assert requests_by_company(flexi.requests) == {COMPANY: ["GET", "PUT", "GET?testMail"]}
    assert connections_by_company(flexi.requests) == {COMPANY: 1}
    assert len(smtp_sink.wait_for(1)) == 1


def test_info_makes_one_get_over_one_connection(flexi, connection, run_module):
    run_module("flexi_smtp_info", connection)

    assert requests_by_company(flexi.requests) == {COMPANY: ["GET"]}
    assert connections_by_company(flexi.requests) == {COMPANY: 1}


@pytest.mark.integration
def test_each_playbook_task_makes_the_same_requests_over_one_connection(emulator_factory, smtp_sink, tmp_path):
    companies = ("no_change", "change", "change_and_mail")
    flexi = emulator_factory(companies=companies, smtp_scope="company", initial=STORED)
    options = {
        "no_change": SAME,
        "change": CHANGE,
        "change_and_mail": {**sink_options(smtp_sink), "test_email": "it-team@example.com"},
    }
    connection = {"url": flexi.url, "username": API_USER, "password": API_PASSWORD}
    tasks = [
        {"name": company, "abraflexi.flexi.flexi_smtp": {**connection, "company": company, **options[company]}}
        for company in companies
    ]
    playbook = tmp_path / "request-counts.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]), encoding="utf-8")
    arguments = ["-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}"]

    run = run_ansible_playbook([*arguments, str(playbook)], tmp_path, clean_ansible_environment(tmp_path))

    assert run.returncode == 0, run.describe()
    assert "WARNING]" not in run.output, run.describe()
    assert requests_by_company(flexi.requests) == {
        "no_change": ["GET"],
        "change": ["GET", "PUT"],
        "change_and_mail": ["GET", "PUT", "GET?testMail"],
    }
    assert connections_by_company(flexi.requests) == {"no_change": 1, "change": 1, "change_and_mail": 1}
