"""How many HTTP requests and TCP connections one module run makes (issue 7), counted through ``ansible-playbook``
with one company per task. In process, tests/unit/plugins/modules/test_faults.py counts the requests of failing runs
and tests/unit/plugins/module_utils/test_client.py the one connection."""

from __future__ import annotations

import json
import sys

import pytest

from bench.cases import STORED
from tests.support.ansible import clean_ansible_environment, run_ansible_playbook
from tests.support.modules import API_PASSWORD, API_USER
from tests.support.request_log import connections_by_company, requests_by_company

# Options that match what the benchmark's companies store.
SAME = {
    "host": "smtp.example.com",
    "port": 465,
    "smtp_username": "flexi@example.com",
    "default_from": "ABRA Flexi & Co <flexi@example.com>",
    "encryption_mode": "SSL",
}


@pytest.mark.integration
def test_each_playbook_task_makes_the_same_requests_over_one_connection(emulator_factory, smtp_sink, tmp_path):
    # The test mail goes to the SMTP sink; the options differ from STORED, so the task changes and then mails.
    mail = {**SAME, "host": smtp_sink.host, "port": smtp_sink.port, "encryption_mode": "NEVER"}
    runs = {  # company: module, its options, the requests it must make
        "no_change": ("flexi_smtp", SAME, ["GET"]),
        "change": ("flexi_smtp", {**SAME, "port": 587, "encryption_mode": "STARTTLS"}, ["GET", "PUT"]),
        "change_and_mail": (
            "flexi_smtp",
            {**mail, "test_email": "it-team@example.com"},
            ["GET", "PUT", "GET?testMail"],
        ),
        "info": ("flexi_smtp_info", {}, ["GET"]),
    }
    flexi = emulator_factory(companies=tuple(runs), smtp_scope="company", initial=STORED)
    connection = {"url": flexi.url, "username": API_USER, "password": API_PASSWORD}
    tasks = [
        {"name": company, f"abraflexi.flexi.{module}": {**connection, "company": company, **options}}
        for company, (module, options, _requests) in runs.items()
    ]
    playbook = tmp_path / "request-counts.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]), encoding="utf-8")
    arguments = ["-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}"]

    run = run_ansible_playbook([*arguments, str(playbook)], tmp_path, clean_ansible_environment(tmp_path))

    assert run.returncode == 0, run.describe()
    assert "WARNING]" not in run.output, run.describe()
    assert requests_by_company(flexi.requests) == {company: requests for company, (*_options, requests) in runs.items()}
    assert connections_by_company(flexi.requests) == dict.fromkeys(runs, 1)
