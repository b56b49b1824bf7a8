"""The direct path (the module's code in the controller) against the module path, through ansible-playbook."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.integration.direct_playbooks import (
    API_PASSWORD,
    API_USER,
    PATHS,
    SMTP_PASSWORD,
    STORED,
    PlaybookRun,
    needs_ansible_playbook,
    run_playbook,
)

pytestmark = needs_ansible_playbook


@pytest.fixture
def playbook_runner(tmp_path: Path) -> Callable[..., PlaybookRun]:
    """``run(tasks, direct, play_vars=None, verbosity=0)`` in a folder of this test's own."""

    def run(tasks: Sequence[Mapping[str, Any]], direct: bool, *args: Any, **kwargs: Any) -> PlaybookRun:
        return run_playbook(tmp_path / ("direct" if direct else "module"), tasks, direct, *args, **kwargs)

    return run


COMPANY = "demo_s_r_o_"
SAME = {
    "host": "smtp.example.com",
    "port": 465,
    "smtp_username": "flexi@example.com",
    "default_from": "ABRA Flexi <flexi@example.com>",
    "encryption_mode": "SSL",
}
CONNECTION = {
    "url": "{{ flexi_url }}",
    "company": COMPANY,
    "username": API_USER,
    "password": "{{ flexi_password }}",
}
# Keys that may differ between the paths, and why.
IGNORED_KEYS = {
    # Set by ansible-core when it parses a module's output; the direct path has no output to parse.
    "_ansible_parsed",
}


def smtp(register: str, **options: Any) -> dict[str, Any]:
    return {"name": register, "abraflexi.flexi.flexi_smtp": options, "register": register, "ignore_errors": True}


def smtp_info(register: str, **options: Any) -> dict[str, Any]:
    return {"name": register, "abraflexi.flexi.flexi_smtp_info": options, "register": register, "ignore_errors": True}


SCENARIOS = [
    smtp("no_change", **CONNECTION, **SAME),
    {**smtp("check_mode", **CONNECTION, host="smtp2.example.com", port=587), "check_mode": True, "diff": True},
    {
        **smtp("change_with_diff", **CONNECTION, port=587, smtp_password=SMTP_PASSWORD, update_password="always"),
        "diff": True,
    },
    smtp("unauthorized", **{**CONNECTION, "password": "Wrong-s3cret-direct"}, host="smtp.example.com"),
    smtp("unsupported_option", **CONNECTION, hostname="smtp.example.com"),
    smtp("wrong_type", **CONNECTION, port="not-a-port"),
    smtp("bad_choice", **CONNECTION, encryption_mode="PLAIN"),
    smtp("missing_required", username=API_USER, password="{{ flexi_password }}", smtp_password=SMTP_PASSWORD),
    smtp("refused_before_request", **CONNECTION, port=0, smtp_password=SMTP_PASSWORD),
    {
        **smtp_info("environment_fallback"),
        "environment": {
            "ABRAFLEXI_URL": "{{ flexi_url }}",
            "ABRAFLEXI_COMPANY": COMPANY,
            "ABRAFLEXI_LOGIN": API_USER,
            "ABRAFLEXI_PASSWORD": "{{ flexi_password }}",
        },
    },
    {
        "name": "module_defaults group",
        "module_defaults": {"group/abraflexi.flexi.flexi": CONNECTION},
        "block": [smtp_info("module_defaults_info"), smtp("module_defaults_smtp", host="smtp.example.com")],
    },
    smtp_info("stored_port_warning", **{**CONNECTION, "url": "{{ odd_flexi_url }}"}),
    {**smtp_info("no_log_task", **CONNECTION), "no_log": True},
]


@pytest.fixture(scope="module")
def scenario_runs(tmp_path_factory) -> dict[str, Any]:
    """Every scenario once per path, each path against fresh emulators holding the same settings.

    The emulators' addresses (their ports differ) are replaced by placeholders in the results.
    """
    runs = {}
    for name, direct in PATHS.items():
        options = EmulatorOptions(users={API_USER: API_PASSWORD}, initial=STORED)
        odd_options = EmulatorOptions(users={API_USER: API_PASSWORD}, initial={**STORED, "port": "25 or 465"})
        with EmulatorServer(options) as main, EmulatorServer(odd_options) as odd:
            play_vars = {"flexi_url": main.url, "odd_flexi_url": odd.url, "flexi_password": API_PASSWORD}
            run = run_playbook(tmp_path_factory.mktemp(name), SCENARIOS, direct, play_vars)
            requests = [(request.method, request.path, request.body) for request in main.requests]
            text = run.results_text.replace(main.url, "<flexi_url>").replace(odd.url, "<odd_flexi_url>")
        runs[name] = replace(run, results_text=text)
        runs[name + "_requests"] = requests
    return runs


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key not in IGNORED_KEYS}


def warning_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "WARNING]" in line]


def test_every_scenario_returns_the_same_result_on_both_paths(scenario_runs):
    direct, module = scenario_runs["direct"], scenario_runs["module"]

    assert direct.returncode == module.returncode == 0, direct.output + module.output
    assert set(direct.results) == set(module.results)
    for scenario in module.results:
        assert comparable(direct.results[scenario]) == comparable(module.results[scenario]), scenario


def test_both_paths_make_the_same_requests(scenario_runs):
    assert scenario_runs["direct_requests"] == scenario_runs["module_requests"]


def test_both_paths_show_the_same_warning(scenario_runs):
    direct, module = scenario_runs["direct"], scenario_runs["module"]

    assert warning_lines(direct.output) == warning_lines(module.output)
    assert any("which is not a whole number" in line for line in warning_lines(direct.output))


def test_scenarios_cover_what_they_claim(scenario_runs):
    results = scenario_runs["direct"].results

    assert results["no_change"]["changed"] is False
    assert results["check_mode"]["changed"] is True
    assert results["check_mode"]["diff"]["after"]["port"] == 587
    assert results["change_with_diff"]["diff"]["after"]["password"] == "<changed>"
    assert results["unauthorized"]["status"] == 401
    assert results["unsupported_option"]["msg"].startswith(
        "Unsupported parameters for (abraflexi.flexi.flexi_smtp) module: hostname."
    )
    assert "cannot be converted to an int" in results["wrong_type"]["msg"]
    assert "value of encryption_mode must be one of" in results["bad_choice"]["msg"]
    assert results["missing_required"]["msg"] == "missing required arguments: company, url"
    assert results["environment_fallback"]["settings"]["host"] == "smtp.example.com"
    assert results["module_defaults_info"]["settings"]["host"] == "smtp.example.com"
    assert results["module_defaults_smtp"]["changed"] is False


@pytest.mark.parametrize("path", PATHS)
def test_secrets_never_show_in_verbose_output(path, emulator_factory, playbook_runner):
    emulator = emulator_factory(users={API_USER: API_PASSWORD}, initial=STORED)
    task = smtp("change", **CONNECTION, port=587, smtp_password=SMTP_PASSWORD, update_password="always")

    run = playbook_runner(
        [{**task, "diff": True}], PATHS[path], {"flexi_url": emulator.url, "flexi_password": API_PASSWORD}, 3
    )

    assert run.returncode == 0, run.output
    assert run.results["change"]["changed"] is True
    for secret in (API_PASSWORD, SMTP_PASSWORD):
        assert secret not in run.output
        assert secret.split("%", maxsplit=1)[0] not in run.output


@pytest.mark.parametrize(("path", "packages_the_module"), [("direct", False), ("module", True)])
def test_direct_path_runs_no_module_payload(path, packages_the_module, emulator_factory, playbook_runner):
    emulator = emulator_factory(users={API_USER: API_PASSWORD}, initial=STORED)

    run = playbook_runner(
        [smtp("read", **CONNECTION, **SAME)],
        PATHS[path],
        {"flexi_url": emulator.url, "flexi_password": API_PASSWORD},
        3,
    )

    assert run.returncode == 0, run.output
    assert run.results["read"]["changed"] is False
    assert bool(re.search(r"AnsiballZ_flexi_smtp\.py", run.output)) is packages_the_module
