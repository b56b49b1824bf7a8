"""The drift report of a provisioning playbook: loops, several flexi_smtp tasks per host, no_log, skipped tasks,
hosts stopped early or unreachable, and the callback configured through ansible.cfg.

tests/audit/playbooks/fleet_changes.yml runs once, for real, against a fresh fleet; the report lists what changed.
Check mode from the command line and a re-run finding everything in sync are the callback's and the model's unit
tests (tests/unit/plugins/callback/, tests/unit/plugins/plugin_utils/).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.audit.lab import API_PASSWORD, API_USER, BRNO, OSTRAVA, WANTED_SMTP_PASSWORD, AuditLab, closed_port
from tests.audit.playbook_runs import CALLBACK, AuditRun, keep_artifact
from tests.support.ansible import clean_ansible_environment, run_ansible_playbook

pytestmark = pytest.mark.integration

PLAYBOOK = Path(__file__).parent / "playbooks" / "fleet_changes.yml"


def write_inventory(lab: AuditLab, path: Path) -> Path:
    praha, branches = lab.emulators["praha"], lab.emulators["branches"]
    inventory = {
        "flexi_servers": {
            "hosts": {
                "flexi-branches": {
                    "flexi_url": branches.url,
                    "flexi_companies": [BRNO, OSTRAVA],
                    "flexi_sender": "Flexi Brno <flexi@example.com>",
                },
                "flexi-praha": {
                    "flexi_url": praha.url,
                    "flexi_ca_path": praha.ca_path,
                    "flexi_companies": ["praha_s_r_o_"],
                    "flexi_sender": "ABRA Flexi <flexi@example.com>",
                },
                "flexi-broken": {"flexi_broken": True},
                "flexi-gone": {
                    "ansible_connection": "ssh",
                    "ansible_host": "127.0.0.1",
                    "ansible_port": closed_port(),
                    "ansible_user": "nobody",
                },
            },
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "flexi_api_username": API_USER,
                "flexi_api_password": API_PASSWORD,
                "flexi_smtp_password": WANTED_SMTP_PASSWORD,
            },
        }
    }
    path.write_text(json.dumps(inventory, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> AuditRun:
    """The real run; the callback is enabled and configured in ansible.cfg."""
    workdir = tmp_path_factory.mktemp("changes-run")
    config_dir = workdir / "config"
    config_dir.mkdir()
    config = config_dir / "ansible.cfg"
    config.write_text(
        f"[defaults]\ncallbacks_enabled = {CALLBACK}\n\n"
        "[abraflexi_flexi_drift]\nreport_dir = reports\nformats = json, html\n",
        encoding="utf-8",
    )
    with AuditLab(workdir / "lab" / "inventory.yml") as lab:
        inventory = write_inventory(lab, workdir / "inventory.json")
        environment = clean_ansible_environment(
            workdir, config, silence_inventory_warnings=False, ANSIBLE_HOST_KEY_CHECKING="0"
        )
        played = run_ansible_playbook(("-i", str(inventory), str(PLAYBOOK)), workdir, environment, timeout=300)
        first = AuditRun(**vars(played), report_dir=config_dir / "reports")
    assert first.report_file("json").is_file(), first.describe()
    keep_artifact(first.report_file("html"), "changes-report.html")
    return first


def host_checks(report, host):
    return next(h for h in report["hosts"] if h["host"] == host)["checks"]


def test_counts_cover_changed_in_sync_stopped_and_unreachable_hosts(run):
    report = run.report()

    assert report["mode"] == "applied"
    assert report["counts"] == {"hosts": 4, "in_sync": 1, "drifted": 1, "failed": 1, "unreachable": 1, "skipped": 0}, (
        run.describe()
    )
    assert {host["host"]: host["status"] for host in report["hosts"]} == {
        "flexi-branches": "drifted",
        "flexi-broken": "failed",
        "flexi-gone": "unreachable",
        "flexi-praha": "in_sync",
    }
    assert '<span class="badge drifted">changed</span>' in run.report_text("html")


def test_loop_items_and_each_task_get_their_own_row(run):
    checks = host_checks(run.report(), "flexi-branches")

    assert [(check["task"], check["item"], check["status"]) for check in checks] == [
        ("Every company sends through the company mail server", BRNO, "drifted"),
        ("Every company sends through the company mail server", OSTRAVA, "in_sync"),
        ("Sender of the first company", None, "drifted"),
        ("Password of the last company, quietly", None, "drifted"),
        ("Only when asked to", None, "skipped"),
    ]


def test_changed_fields_show_value_before_and_after_the_run(run):
    loop_brno, sender, hidden = (host_checks(run.report(), "flexi-branches")[index] for index in (0, 2, 3))

    assert loop_brno["check_mode"] is False
    assert loop_brno["target"]["company"] == BRNO
    assert {name: (state["before"], state["after"]) for name, state in loop_brno["fields"].items()} == {
        "host": ("relay.brno.example.com", "smtp.example.com"),
        "port": (587, 465),
        "encryption_mode": ("STARTTLS", "SSL"),
    }
    assert sender["fields"]["default_from"] == {
        "before": "ABRA Flexi <flexi@example.com>",
        "after": "Flexi Brno <flexi@example.com>",
        "differs": True,
    }
    assert hidden["hidden"] is True
    assert hidden["fields"] == {}


def test_stopped_and_unreachable_hosts_are_reported_with_the_task_that_ended_them(run):
    (broken,) = host_checks(run.report(), "flexi-broken")
    (gone,) = host_checks(run.report(), "flexi-gone")

    assert broken["task"] == "Stop hosts that are marked broken"
    assert broken["msg"] == (
        'Stopped at task "Stop hosts that are marked broken", before any flexi_smtp task: flexi-broken is marked broken'
    )
    assert (gone["status"], gone["task"]) == ("unreachable", "Reach the host")


def test_ini_settings_choose_folder_and_formats(run):
    # The folder is relative to the ansible.cfg that sets it.
    assert sorted(os.listdir(run.report_dir)) == ["drift-report.html", "drift-report.json"]


def test_run_has_no_warning(run):
    assert [line for line in run.output.splitlines() if "WARNING]" in line] == [], run.describe()
