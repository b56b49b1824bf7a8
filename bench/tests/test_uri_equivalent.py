"""The benchmark's hand-written uri job must do the same job as flexi_smtp, or the comparison would be unfair.

Stored values use XML entities (``&``, ``<``, ``>``) and unset fields are absent from the document, so a careless
comparison would report false changes.
"""

from __future__ import annotations

import pytest

from bench.cases import play
from bench.harness import Ansible, import_tasks, job_timings, sentinel_task
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.support.request_log import requests_by_company

pytestmark = pytest.mark.integration

STORED = {
    "host": "smtp.example.com",
    "port": "25",
    "defaultFrom": "Sales & Co <sales@example.com>",
    "encryptionMode": "NEVER",
}
WANTED = {
    "host": "smtp.example.com",
    "port": 587,
    "username": "",
    "default_from": "Sales & Co <sales@example.com>",
    "encryption_mode": "STARTTLS",
}


@pytest.mark.parametrize("task_file", ["flexi_smtp.yml", "uri_job.yml"])
def test_job_writes_only_the_differing_fields_once(tmp_path, task_file):
    job_vars = {"flexi_company": "demo_s_r_o_", "smtp": WANTED}
    tasks = [*(import_tasks(task_file, "job", run, job_vars) for run in ("first", "second")), sentinel_task()]
    with EmulatorServer(EmulatorOptions(initial=STORED, unset_fields="absent")) as flexi:
        run = Ansible(tmp_path).run("uri-equivalent", play("The job twice", flexi.url, tasks))

        changed = {job.job: any(result.changed for result in job.results) for job in job_timings(run.tasks)}
        assert changed == {"first": True, "second": False}
        assert requests_by_company(flexi.requests) == {"demo_s_r_o_": ["GET", "PUT", "GET"]}
        (write,) = flexi.writes()
        assert sorted(write.fields) == ["encryptionMode", "port"]
        stored = flexi.state.stored()
    assert (stored["port"], stored["encryptionMode"], stored["username"]) == ("587", "STARTTLS", "")
    assert stored["defaultFrom"] == "Sales & Co <sales@example.com>"
