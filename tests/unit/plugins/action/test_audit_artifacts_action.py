"""The flexi_smtp action adds the audit as ansible_stats only when abraflexi_audit_artifacts is true, on both paths."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from tests.unit.plugins.action.controller import API_PASSWORD, API_USER, SMTP_PASSWORD, STORED, action, controller_code

TASK = "Outgoing mail goes through the company mail server"


@pytest.fixture
def task_args(emulator_factory) -> dict[str, Any]:
    server = emulator_factory(users={API_USER: API_PASSWORD}, initial=STORED)
    return {
        "url": server.url,
        "company": "demo_s_r_o_",
        "username": API_USER,
        "password": API_PASSWORD,
        "port": 587,
        "smtp_password": SMTP_PASSWORD,
        "update_password": "always",
    }


def test_result_carries_no_ansible_stats_unless_asked(task_args):
    # Which values ask for them: test_audit_artifacts.py; asked, they are there: the next test.
    result = action("flexi_smtp", task_args, check_mode=True).run(task_vars={"inventory_hostname": "flexi-a"})

    assert "ansible_stats" not in result


def test_stats_name_the_server_its_task_and_loop_item_without_a_secret(task_args):
    task_vars = {"inventory_hostname": "flexi-a", "abraflexi_audit_artifacts": True, "ansible_loop_var": "company"}
    task_vars["company"] = "demo_s_r_o_"

    result = action("flexi_smtp", task_args, check_mode=True).run(task_vars=task_vars)

    (entry,) = result["ansible_stats"]["data"].values()
    check = entry["checks"][f"{TASK} [demo_s_r_o_]"]
    assert (entry["host"], entry["drifted"], check["status"], check["check_mode"]) == ("flexi-a", True, "drifted", True)
    assert check["changes"]["port"] == {"before": 465, "after": 587}
    assert check["changes"]["password"]["after"] == "would change"
    assert SMTP_PASSWORD not in json.dumps(result["ansible_stats"])
    assert API_PASSWORD not in json.dumps(result["ansible_stats"])


def test_failed_task_carries_no_stats(task_args):
    task_args["password"] = "Wrong-s3cret"

    result = action("flexi_smtp", task_args, check_mode=True).run(
        task_vars={"inventory_hostname": "a", "abraflexi_audit_artifacts": True}
    )

    assert result["failed"] is True
    assert "ansible_stats" not in result


def test_on_the_module_path_stats_come_from_the_module_result(task_args, monkeypatch):
    """With direct execution off the module runs in its own process; the action reads what that process returned."""
    direct = controller_code()
    module = importlib.import_module("ansible_collections.abraflexi.flexi.plugins.modules.flexi_smtp")
    returned = direct.run_module_code(module.CONTRACT, "abraflexi.flexi.flexi_smtp", task_args, check_mode=True)
    hosts_run = []

    def module_process(self, tmp=None, task_vars=None):
        hosts_run.append(task_vars["inventory_hostname"])
        return dict(returned)

    monkeypatch.setattr(direct.NormalAction, "run", module_process)
    task_vars = {"inventory_hostname": "flexi-a", "abraflexi_audit_artifacts": True, "abraflexi_direct_execution": 0}
    # The task's own url differs from the one the module ran with: only the module's result may be used.
    task = action("flexi_smtp", {**task_args, "url": "https://elsewhere.example"}, check_mode=True)

    result = task.run(task_vars=task_vars)

    assert hosts_run == ["flexi-a"]
    (entry,) = list(result["ansible_stats"]["data"].values())
    check = entry["checks"][TASK]
    assert check["url"] == task_args["url"]
    assert check["changes"]["port"] == {"before": 465, "after": 587}
    assert SMTP_PASSWORD not in json.dumps(result["ansible_stats"])
