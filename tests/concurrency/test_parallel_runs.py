"""Twenty hosts run flexi_smtp at once (ansible-playbook --forks 10) against one emulator.

Each host wants different settings. Against an emulator with per-company settings (smtp_scope="company") each host
manages its own company; against one with a single server-wide record (smtp_scope="server", our assumed default for
Flexi, see docs/flexi-api.md) all twenty manage the same record. Every run must report what it did truthfully and no
write may be lost: with per-company settings every company ends as its host left it; with one shared record the
final settings are exactly one host's settings, never a mix.

Why never a mix: every host's values differ from every other host's in host, port, username and sender (the
encryption mode is the same for all), so whatever a host reads, it sends all four; a write is applied whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.security.playbook import PlaybookRun, run_playbook

pytestmark = pytest.mark.integration

HOSTS = [f"node{number:02d}" for number in range(1, 21)]
COMPANIES = tuple(f"firma_{number:02d}_s_r_o_" for number in range(1, 21))
SCOPES = ("company", "server")


def desired(number: int) -> dict[str, Any]:
    """What host number ``number`` (1-based) wants, as flexi_smtp returns it."""
    return {
        "host": f"smtp{number:02d}.example.com",
        "port": 2000 + number,
        "smtp_username": f"user{number:02d}@example.com",
        "default_from": f"Sender {number:02d} <sender{number:02d}@example.com>",
        "encryption_mode": "STARTTLS",
        "password_set": False,
    }


def as_stored(settings: dict[str, Any]) -> dict[str, str]:
    """flexi_smtp's settings in the emulator's field names (no password stored)."""
    return {
        "host": settings["host"],
        "port": str(settings["port"]),
        "username": settings["smtp_username"],
        "defaultFrom": settings["default_from"],
        "encryptionMode": settings["encryption_mode"],
        "password": "",
    }


DESIRED = {host: desired(number) for number, host in enumerate(HOSTS, start=1)}


def flexi_task(scope: str) -> dict[str, Any]:
    company = "{{ company }}" if scope == "company" else COMPANIES[0]
    options = {key: f"{{{{ wanted.{key} }}}}" for key in ("host", "port", "smtp_username", "default_from")}
    return {
        "name": f"Set this host's SMTP settings ({scope} scope)",
        "abraflexi.flexi.flexi_smtp": {
            "url": f"{{{{ urls.{scope} }}}}",
            "company": company,
            "username": "admin",
            "password": "{{ api_password }}",
            "encryption_mode": "STARTTLS",
            **options,
        },
        "register": f"outcome_{scope}",
        "ignore_errors": True,
    }


@dataclass(frozen=True)
class ParallelRun:
    run: PlaybookRun
    emulators: dict[str, EmulatorServer]
    outcomes: dict[str, dict[str, dict[str, Any]]]  # scope -> host -> registered result


@pytest.fixture(scope="module")
def parallel_run(tmp_path_factory) -> Iterator[ParallelRun]:
    """One ansible-playbook run: every host sets its settings in both emulators, ten hosts at a time."""
    workdir = tmp_path_factory.mktemp("parallel")
    results_dir = workdir / "results"
    results_dir.mkdir()
    emulators = {
        scope: EmulatorServer(EmulatorOptions(smtp_scope=scope, companies=COMPANIES)).start() for scope in SCOPES
    }
    try:
        inventory = {
            "all": {
                "hosts": {
                    host: {"ansible_connection": "local", "company": company, "wanted": DESIRED[host]}
                    for host, company in zip(HOSTS, COMPANIES)
                }
            }
        }
        save = {
            "name": "Save this host's results",
            "ansible.builtin.copy": {
                "content": "{{ {'company': outcome_company, 'server': outcome_server} | to_json }}",
                "dest": f"{results_dir}/{{{{ inventory_hostname }}}}.json",
                "mode": "0600",
            },
        }
        plays = [
            {
                "name": "Twenty hosts, one Flexi",
                "hosts": "all",
                "gather_facts": False,
                "tasks": [flexi_task("company"), flexi_task("server"), save],
            }
        ]
        extra_vars = {
            "urls": {scope: emulator.url for scope, emulator in emulators.items()},
            "api_password": "admin-secret",
        }

        run = run_playbook(workdir, plays, extra_vars, inventory=inventory, options=("--forks", "10"))

        saved = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in results_dir.glob("*.json")}
        outcomes = {scope: {host: saved[host][scope] for host in saved} for scope in SCOPES}
        yield ParallelRun(run, emulators, outcomes)
    finally:
        for emulator in emulators.values():
            emulator.stop()


@pytest.mark.parametrize("scope", SCOPES)
def test_every_run_reports_the_settings_it_wrote_and_every_host_wrote_once(parallel_run, scope):
    writes = parallel_run.emulators[scope].writes()

    reported = {
        host: (outcome.get("failed", False), outcome["changed"], outcome["settings"])
        for host, outcome in parallel_run.outcomes[scope].items()
    }
    statuses = {host: [w.status for w in writes if f"<host>{DESIRED[host]['host']}</host>" in w.body] for host in HOSTS}

    assert reported == {host: (False, True, DESIRED[host]) for host in HOSTS}, parallel_run.run.describe()
    assert statuses == {host: [201] for host in HOSTS}


def test_each_company_holds_its_own_hosts_settings(parallel_run):
    emulator = parallel_run.emulators["company"]

    stored = {host: emulator.state.stored(company) for host, company in zip(HOSTS, COMPANIES)}

    assert stored == {host: as_stored(DESIRED[host]) for host in HOSTS}


def test_shared_settings_end_as_exactly_one_hosts_settings(parallel_run):
    emulator = parallel_run.emulators["server"]
    # A write with fewer fields could leave a mix of two hosts' settings behind.
    fields = {frozenset(write.fields) for write in emulator.writes()}
    differing = {"host", "port", "username", "defaultFrom"}

    assert emulator.state.stored() in [as_stored(settings) for settings in DESIRED.values()]
    assert fields <= {frozenset(differing), frozenset({*differing, "encryptionMode"})}
