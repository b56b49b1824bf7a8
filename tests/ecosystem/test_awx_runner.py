"""The example playbook run the way AWX runs a job: ansible-runner with a private data directory.

AWX copies the project into ``<private data dir>/project``, writes the inventory, the credential's environment
variables (``env/envvars``, from the injectors of the "ABRA Flexi API" credential type in the AWX guide,
docs/docsite/rst/guide_awx.rst) and the extra variables (``env/extravars``, here the SMTP password from a "Flexi
SMTP mailbox" credential), runs ``ansible-runner run``, and keeps what it writes under ``artifacts/<job id>/``:
``status``, ``rc``, ``stdout`` and one JSON file per job event, which is what AWX shows and stores. This test does
the same against the Flexi emulator and an SMTP sink that insists on the SMTP login, with the collection installed
from the built tarball (as in an execution environment). That no secret shows in a job's output is tests/security's
proof: every scenario at -vvv --diff, registered results included, which is what the job events carry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from tests.audit import lab as audit_lab
from tests.emulator.server import EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.support.ansible import ANSIBLE_BIN
from tests.support.collection import REPO_ROOT

PLAYBOOK = "provision_smtp.yml"
TASK = "Configure the SMTP server and send a test mail after a change"
API_USER, API_PASSWORD = "admin", "admin-secret"  # the emulator's default admin
SMTP_USER, SMTP_PASSWORD = "flexi@example.com", "Mailbox-Secret-4711"
TEST_RECIPIENT = "it-team@example.com"


@dataclass(frozen=True)
class Job:
    """What AWX keeps of one job: ansible-runner's artifacts folder, read back."""

    status: str
    rc: int
    stdout: str
    events: list[dict[str, Any]]


@pytest.fixture
def provision_job(
    tmp_path: Path,
    installed_collection: Path,
    smtp_sink_factory: Callable[..., SmtpSink],
    emulator_factory: Callable[..., EmulatorServer],
) -> Job:
    """One job of the provisioning job template against an emulated Flexi with nothing configured, and a mail server
    on STARTTLS that takes mail only after AUTH with the SMTP login and password."""
    smtp_sink = smtp_sink_factory(mode="starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    flexi = emulator_factory(smtp_cafile=smtp_sink.ca_path)
    inventory = {
        "flexi_servers": {
            "hosts": {"flexi-1": {"flexi_url": flexi.url, "flexi_company": "demo_s_r_o_"}},
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                # The playbook takes the API login from variables; the credential arrives as environment variables.
                "flexi_username": "{{ lookup('ansible.builtin.env', 'ABRAFLEXI_LOGIN') }}",
                "flexi_password": "{{ lookup('ansible.builtin.env', 'ABRAFLEXI_PASSWORD') }}",
                "smtp_host": smtp_sink.host,
                "smtp_port": smtp_sink.port,
                "smtp_encryption_mode": "STARTTLS",
                "smtp_username": SMTP_USER,
                "smtp_default_from": f"ABRA Flexi <{SMTP_USER}>",
                "smtp_test_email": TEST_RECIPIENT,
            },
        }
    }
    # The "ABRA Flexi API" credential's env injectors, plus what the execution environment provides.
    envvars = {
        "ABRAFLEXI_LOGIN": API_USER,
        "ABRAFLEXI_PASSWORD": API_PASSWORD,
        "ANSIBLE_COLLECTIONS_PATH": str(installed_collection),
    }
    # The "Flexi SMTP mailbox" credential's extra_vars injector.
    return run_job(tmp_path / "provision", PLAYBOOK, inventory, envvars, {"smtp_password": SMTP_PASSWORD})


def run_job(folder: Path, playbook: str, inventory: Any, envvars: Any, extravars: Any) -> Job:
    """``ansible-runner run`` of the playbook in a private data directory ``folder`` that holds examples/ as its
    project, the inventory and the env/ files."""
    shutil.copytree(REPO_ROOT / "examples", folder / "project")
    settings = {"job_timeout": 300, "idle_timeout": 120}
    for name, document in (("inventory/hosts.json", inventory), ("env/envvars", envvars),
                           ("env/extravars", extravars), ("env/settings", settings)):  # fmt: skip
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(document))
    ident = folder.name
    command = [ANSIBLE_BIN / "ansible-runner", "run", str(folder), "--playbook", playbook, "--ident", ident]
    # ansible-runner starts ansible-playbook by name: the one next to it, as in an execution environment.
    env = {**os.environ, "PATH": f"{ANSIBLE_BIN}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(command, env=env, capture_output=True, check=False, timeout=600)
    folder = folder / "artifacts" / ident
    events = [json.loads(path.read_text(encoding="utf-8")) for path in (folder / "job_events").glob("*.json")]
    return Job(
        status=(folder / "status").read_text(encoding="utf-8").strip(),
        rc=int((folder / "rc").read_text(encoding="utf-8")),
        stdout=(folder / "stdout").read_text(encoding="utf-8"),
        events=events,
    )


def test_job_configures_flexi_and_sends_the_test_mail(provision_job):
    # The sink takes mail only after AUTH, so a sent test mail means the mailbox credential arrived.
    assert (provision_job.status, provision_job.rc) == ("successful", 0), provision_job.stdout
    events = [item["event_data"] for item in provision_job.events if item["event"] == "runner_on_ok"]
    (result,) = [event for event in events if event.get("task") == TASK]
    assert result["resolved_action"] == "abraflexi.flexi.flexi_smtp"
    assert result["res"]["changed"] is True
    assert result["res"]["settings"]["password_set"] is True
    assert result["res"]["test_email"] == {"sent": True, "recipient": TEST_RECIPIENT}
    assert stats_event(provision_job)["changed"] == {"flexi-1": 1}
    assert "[WARNING]" not in provision_job.stdout


# The drift audit as an AWX job template runs it: examples/audit_smtp.yml in check mode over the audit lab's fleet
# (flexi-praha in sync, flexi-brno and flexi-ostrava drifted, flexi-plzen failing, flexi-liberec unreachable), the
# callback enabled in env/envvars, its mail settings injected as the "Flexi drift report mail" credential type of
# the AWX guide would inject them, and abraflexi_audit_artifacts on.

MAIL_USER, MAIL_PASSWORD = "audit-bot@example.com", "Report-Mail-s3cret-4712"
EXPECTED_ARTIFACTS = {
    "flexi-praha": ("in_sync", []),
    "flexi-brno": ("drifted", ["encryption_mode", "host", "port"]),
    "flexi-ostrava": ("drifted", ["default_from", "password", "smtp_username"]),
}


@pytest.fixture
def report_sink() -> Iterator[SmtpSink]:
    """The mail server the report goes to: STARTTLS, and AUTH with the report's own login."""
    with SmtpSink(mode="starttls", auth=(MAIL_USER, MAIL_PASSWORD)) as sink:
        yield sink


@pytest.fixture
def audit_job(tmp_path: Path, installed_collection: Path, report_sink: SmtpSink) -> Job:
    """One job of the audit job template on the module path, whose stats come from the module's invocation (the
    direct path's are the action's unit tests)."""
    with audit_lab.AuditLab(tmp_path / "lab" / "inventory.yml") as lab:
        inventory = lab.inventory()
        # The API password comes from the "ABRA Flexi API" credential, not from the inventory.
        inventory["flexi_servers"]["vars"]["flexi_api_password"] = (
            "{{ lookup('ansible.builtin.env', 'ABRAFLEXI_PASSWORD') }}"
        )
        envvars = {
            "ABRAFLEXI_PASSWORD": audit_lab.API_PASSWORD,
            "ABRAFLEXI_DRIFT_REPORT_MAIL_TO": "audit@example.com,it@example.com",
            "ABRAFLEXI_DRIFT_REPORT_MAIL_FROM": "Flexi audit <ansible@example.com>",
            "ABRAFLEXI_DRIFT_REPORT_MAIL_HOST": report_sink.host,
            "ABRAFLEXI_DRIFT_REPORT_MAIL_PORT": str(report_sink.port),
            "ABRAFLEXI_DRIFT_REPORT_MAIL_SECURITY": "starttls",
            "ABRAFLEXI_DRIFT_REPORT_MAIL_USERNAME": MAIL_USER,
            "ABRAFLEXI_DRIFT_REPORT_MAIL_PASSWORD": MAIL_PASSWORD,
            "ABRAFLEXI_DRIFT_REPORT_MAIL_CA_PATH": report_sink.ca_path,
            "ANSIBLE_COLLECTIONS_PATH": str(installed_collection),
            "ANSIBLE_CALLBACKS_ENABLED": "abraflexi.flexi.drift_report",
            "ABRAFLEXI_DRIFT_REPORT_DIR": str(tmp_path / "audit" / "report"),
        }
        extravars = {"abraflexi_audit_artifacts": True, "abraflexi_direct_execution": False}
        return run_job(tmp_path / "audit", "audit_smtp.yml", inventory, envvars, extravars)


def artifacts_by_server(artifact_data: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """Each server's status and differing fields, from a job's artifacts."""
    found = {}
    for entry in artifact_data.values():
        (check,) = entry["checks"].values()
        found[entry["host"]] = (check["status"], sorted(check["changes"]))
    return found


def stats_event(job: Job) -> dict[str, Any]:
    (event,) = [item["event_data"] for item in job.events if item["event"] == "playbook_on_stats"]
    return event


def test_audit_job_holds_the_drift_prints_the_summary_and_mails_the_report(audit_job, report_sink):
    # flexi-plzen and flexi-liberec fail, on purpose
    assert (audit_job.status, audit_job.rc) == ("failed", 2), audit_job.stdout
    assert artifacts_by_server(stats_event(audit_job)["artifact_data"]) == EXPECTED_ARTIFACTS
    # Failed servers never reach the artifacts (ansible-core merges ok results only): the host summary has them.
    assert stats_event(audit_job)["failures"] == {"flexi-plzen": 1, "flexi-liberec": 1}
    # What the summary and the mail hold: tests/unit/plugins/plugin_utils/; here that the job prints and sends them.
    assert (
        "FLEXI SMTP DRIFT SUMMARY (check mode): 5 servers, 1 in sync, 2 drifted, 1 failed, 1 unreachable"
    ) in audit_job.stdout
    (mail,) = report_sink.wait_for(1)
    message = message_from_bytes(mail.raw, policy=policy.default)
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert (mail.auth_login, mail.tls, mail.rcpt_tos) == (MAIL_USER, True, ("audit@example.com", "it@example.com"))
    assert mail.subject == "Flexi SMTP drift audit: 2 drifted, 1 failed, 1 unreachable of 5 servers"
    assert 'data-count="drifted"><span class="n">2</span>' in message.get_body(("html",)).get_content()
    assert json.loads(attachments["drift-report.json"])["counts"]["hosts"] == 5
    assert "| flexi-brno | **drifted** |" in attachments["drift-report.md"]
