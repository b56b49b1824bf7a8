"""How many HTTP requests and TCP connections one module run makes (issue 7), counted, not timed.

The emulator's request log gives the requests; a ConnectionProbe (a byte-for-byte TCP relay in front of the
emulator) gives the connections, which the emulator cannot see. The first tests run ``main()`` in process; the
integration test runs the real AnsiballZ payloads through ``ansible-playbook``, one probe per task.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from bench.cases import requests_by_company
from bench.harness import Ansible
from bench.probe import ConnectionProbe
from tests.emulator.server import EmulatorServer
from tests.support.collection import install
from tests.support.modules import patch_module_args

install()

COMPANY = "demo_s_r_o_"
API_USER = "admin"
API_PASSWORD = "admin-secret"
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


def sink_options(sink) -> dict[str, Any]:
    """Options that differ from STORED and point Flexi's test mail at the SMTP sink."""
    return {**SAME, "host": sink.host, "port": sink.port, "encryption_mode": "NEVER"}


@pytest.fixture
def flexi(emulator_factory) -> EmulatorServer:
    return emulator_factory(initial=STORED)


@pytest.fixture
def probe(flexi) -> Iterator[ConnectionProbe]:
    with ConnectionProbe(flexi.port) as relay:
        yield relay


@pytest.fixture
def run_module(capsys, probe) -> Callable[..., dict[str, Any]]:
    """Run a module's main() in process against the emulator through the probe; return its result."""

    def run(name: str, options: dict[str, Any]) -> dict[str, Any]:
        module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.modules.{name}")
        connection = {"url": probe.url, "company": COMPANY, "username": API_USER, "password": API_PASSWORD}
        with patch_module_args({**connection, **options}), pytest.raises(SystemExit):
            module.main()
        return json.loads(capsys.readouterr().out)

    return run


def requests_made(flexi: EmulatorServer) -> list[str]:
    return requests_by_company(flexi.requests).get(COMPANY, [])


def test_no_change_makes_one_get_over_one_connection(flexi, probe, run_module):
    result = run_module("flexi_smtp", SAME)

    assert result["changed"] is False
    assert requests_made(flexi) == ["GET"]
    assert len(probe.connections) == 1


def test_change_makes_one_get_and_one_put_over_one_connection(flexi, probe, run_module):
    result = run_module("flexi_smtp", {**SAME, "port": 587, "encryption_mode": "STARTTLS"})

    assert result["changed"] is True
    assert requests_made(flexi) == ["GET", "PUT"]
    assert len(probe.connections) == 1


def test_change_with_test_email_adds_only_the_test_mail_on_the_same_connection(flexi, probe, run_module, smtp_sink):
    result = run_module("flexi_smtp", {**sink_options(smtp_sink), "test_email": "it-team@example.com"})

    assert result["changed"] is True
    assert result["test_email"]["sent"] is True
    assert requests_made(flexi) == ["GET", "PUT", "GET?testMail"]
    assert len(probe.connections) == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_info_makes_one_get_over_one_connection(flexi, probe, run_module):
    run_module("flexi_smtp_info", {})

    assert requests_made(flexi) == ["GET"]
    assert len(probe.connections) == 1


@pytest.mark.integration
def test_each_playbook_task_makes_the_same_requests_over_one_connection(emulator_factory, smtp_sink, tmp_path):
    companies = ("no_change", "change", "change_and_mail")
    flexi = emulator_factory(companies=companies, smtp_scope="company", initial=STORED)
    options = {
        "no_change": SAME,
        "change": {**SAME, "port": 587, "encryption_mode": "STARTTLS"},
        "change_and_mail": {**sink_options(smtp_sink), "test_email": "it-team@example.com"},
    }
    probes = {company: ConnectionProbe(flexi.port).start() for company in companies}
    try:
        tasks = [
            {
                "name": f"flexi_smtp, {company}",
                "abraflexi.flexi.flexi_smtp": {
                    "url": probes[company].url,
                    "company": company,
                    "username": API_USER,
                    "password": API_PASSWORD,
                    **options[company],
                },
            }
            for company in companies
        ]
        play = {"name": "Request counts", "hosts": "localhost", "gather_facts": False, "tasks": tasks}

        Ansible(tmp_path, install()).run("request-counts", play)

        connections = {company: len(probe.connections) for company, probe in probes.items()}
    finally:
        for probe in probes.values():
            probe.stop()
    assert requests_by_company(flexi.requests) == {
        "no_change": ["GET"],
        "change": ["GET", "PUT"],
        "change_and_mail": ["GET", "PUT", "GET?testMail"],
    }
    assert connections == {"no_change": 1, "change": 1, "change_and_mail": 1}
