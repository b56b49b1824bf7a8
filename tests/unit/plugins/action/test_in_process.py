"""The direct path in this process: the same raw result as the module's main(), and nothing left behind."""

from __future__ import annotations

import importlib
import json
import os

import pytest
from ansible.module_utils.common.warnings import get_warning_messages

from tests.unit.plugins.action.controller import API_PASSWORD, API_USER, SMTP_PASSWORD, STORED, action, controller_code

SMTP = "abraflexi.flexi.flexi_smtp"
CASES = {
    "no change": {"host": "smtp.example.com", "port": 465},
    "change with password": {"port": 587, "smtp_password": SMTP_PASSWORD, "update_password": "always"},
    "unsupported option": {"hostname": "smtp.example.com"},
    "wrong type": {"port": "not-a-port", "smtp_password": SMTP_PASSWORD},
    "wrong api password": {"password": "Wrong-s3cret-direct", "host": "smtp.example.com"},
    "refused before any request": {"port": 70000, "smtp_password": SMTP_PASSWORD},
    "missing required": {"url": None, "company": None},
}


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
@pytest.mark.parametrize("case", CASES)
def test_direct_run_returns_what_the_module_prints(case, check_mode, emulator_factory, run_module):
    flexi_smtp = importlib.import_module("ansible_collections.abraflexi.flexi.plugins.modules.flexi_smtp")
    # One emulator per path, both holding the same settings.
    servers = [emulator_factory(users={API_USER: API_PASSWORD}, initial=STORED) for path in ("module", "direct")]
    connection = {"company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}
    given = [{"url": server.url, **connection, **CASES[case]} for server in servers]
    arguments = [{key: value for key, value in args.items() if value is not None} for args in given]

    expected = run_module("flexi_smtp", arguments[0], check_mode=check_mode)
    actual = controller_code().run_module_code(flexi_smtp.CONTRACT, SMTP, arguments[1], check_mode)

    expected.pop("exception", None)  # ansible-core adds a traceback to failures only when asked to
    assert json.loads(json.dumps(actual).replace(servers[1].url, servers[0].url)) == expected
    assert SMTP_PASSWORD not in json.dumps(actual)
    assert API_PASSWORD not in json.dumps(actual)


def test_direct_run_returns_warnings_without_touching_the_global_warning_list(emulator_factory):
    flexi_smtp_info = importlib.import_module("ansible_collections.abraflexi.flexi.plugins.modules.flexi_smtp_info")
    server = emulator_factory(users={API_USER: API_PASSWORD}, initial={**STORED, "port": "25 or 465"})
    arguments = {"url": server.url, "company": "demo_s_r_o_", "username": API_USER, "password": API_PASSWORD}
    before = get_warning_messages()

    result = controller_code().run_module_code(
        flexi_smtp_info.CONTRACT, "abraflexi.flexi.flexi_smtp_info", arguments, False
    )

    assert result["warnings"] == [
        "Flexi holds the port '25 or 465', which is not a whole number; give port to repair it."
    ]
    assert get_warning_messages() == before


def test_task_environment_feeds_fallbacks_and_leaves_no_variable_behind(emulator_factory, monkeypatch):
    server = emulator_factory(users={API_USER: API_PASSWORD}, initial=STORED)
    monkeypatch.setenv("ABRAFLEXI_COMPANY", "kept_s_r_o_")
    before = dict(os.environ)
    environment = {
        "ABRAFLEXI_URL": server.url,
        "ABRAFLEXI_COMPANY": "demo_s_r_o_",
        "ABRAFLEXI_LOGIN": API_USER,
        "ABRAFLEXI_PASSWORD": API_PASSWORD,
    }

    result = action("flexi_smtp_info", {}, environment=environment).run(task_vars={})

    assert result["settings"]["host"] == "smtp.example.com", result
    assert dict(os.environ) == before
    assert API_PASSWORD not in json.dumps(result)


def test_task_environment_is_restored_when_the_run_raises(monkeypatch):
    monkeypatch.delenv("ABRAFLEXI_PASSWORD", raising=False)
    before = dict(os.environ)

    with pytest.raises(RuntimeError), controller_code().task_environment({"ABRAFLEXI_PASSWORD": API_PASSWORD}):
        raise RuntimeError

    assert dict(os.environ) == before


@pytest.mark.parametrize(
    ("value", "wanted"),
    [(None, True), (True, True), ("yes", True), (False, False), ("false", False), ("no", False), ("0", False)],
)
def test_direct_execution_switch_reads_booleans_and_their_spellings(value, wanted):
    assert controller_code().direct_execution_wanted(value) is wanted


@pytest.mark.parametrize(
    ("transport", "async_val", "become", "switch", "direct"),
    [
        ("local", 0, False, None, True),
        ("ssh", 0, False, None, False),
        ("local", 30, False, None, False),
        ("local", 0, True, None, False),
        ("local", 0, False, "false", False),
    ],
)
def test_direct_execution_applies_only_to_plain_local_tasks(transport, async_val, become, switch, direct):
    plugin = action("flexi_smtp_info", {})
    plugin._connection.transport = transport
    plugin._task.async_val = async_val
    plugin._play_context.become = become

    assert plugin.direct_execution_applies({"abraflexi_direct_execution": switch}) is direct
