"""No secret shown by the real ansible-playbook at -vvv --diff, with both passwords vaulted as docs/security.md says.

What a module returns is proved in process, and the integration targets check every run's output on both paths;
this run adds what only ansible-core's printing shows: a password change's diff, a failure quoting the whole request
(Basic header and SMTP password), the invocation -vvv prints for a url with credentials. No password (with %, &, <,
", ' and non-ASCII characters) may show, in any spelling or as Basic token, in stdout, stderr, log or results.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.security.playbook import PlaybookRun, ansible_environment, run_playbook, save_results_task
from tests.security.test_echoed_secrets import ECHOES
from tests.support.ansible import ANSIBLE_BIN
from tests.support.secrets import basic_auth_tokens, leaks, leaks_in, spellings, spellings_twice

pytestmark = pytest.mark.integration

COMPANY = "demo_s_r_o_"
API_USER = "admin"
API_PASSWORD = 'Api%pw&<"ř€ü:x>'
URL_PASSWORD = "Url%pw&<ř"
SMTP_PASSWORD = "Smtp%pw&<\"ä€'> ;x"
NEW_PASSWORD = {"smtp_password": "{{ smtp_password }}", "update_password": "always"}
# Name -> (server, options over the connection, whether it fails, status).
SCENARIOS: dict[str, tuple[str, dict[str, Any], bool, int | None]] = {
    "password_rotation_with_diff": ("stored", NEW_PASSWORD, False, None),
    "echoing_server": ("echo", NEW_PASSWORD, True, 400),
    "url_with_credentials": ("stored", {"url": "{{ url_with_credentials }}", **NEW_PASSWORD}, True, -1),
}
# Reads like Flexi with no password stored (so the password is sent); answers every write with a Flexi message
# quoting the whole request, Authorization header and body included.
ECHO = replace(ECHOES["Flexi message quoting the request"], method="PUT", times=None)


def every_secret_spelling() -> dict[str, str]:
    """Name -> form, for every spelling of every secret and the Basic token built from the API password."""
    forms = dict(basic_auth_tokens(API_USER, API_PASSWORD))
    for number, secret in enumerate((API_PASSWORD, URL_PASSWORD, SMTP_PASSWORD)):
        spelled = {**spellings(secret), **spellings_twice(secret)}
        forms.update({f"secret {number} {name}": form for name, form in spelled.items()})
    return forms


def vault_file(workdir: Path, secrets: dict[str, str]) -> tuple[Path, str]:
    """Each secret as a vaulted string (``ansible-vault encrypt_string --stdin-name``) in one vars file; the file
    and the --vault-id that opens it."""
    password_file = workdir / "vault-password"
    password_file.write_text("correct horse battery staple\n", encoding="utf-8")
    password_file.chmod(0o600)
    vault_id = f"flexi@{password_file}"
    encrypted = [
        subprocess.run(
            [str(ANSIBLE_BIN / "ansible-vault"), "encrypt_string", "--vault-id", vault_id, "--stdin-name", name],
            input=value,
            capture_output=True,
            text=True,
            env=ansible_environment(workdir),
            cwd=workdir,
            timeout=120,
            check=True,
        ).stdout
        for name, value in secrets.items()
    ]
    path = workdir / "vault.yml"
    path.write_text("".join(encrypted), encoding="utf-8")
    return path, vault_id


def scenario_task(name: str, server: str, options: dict[str, Any]) -> dict[str, Any]:
    connection = {
        "url": f"{{{{ servers.{server} }}}}",
        "company": COMPANY,
        "username": API_USER,
        "password": "{{ api_password }}",
    }
    return {
        "name": f"Scenario {name}",
        "abraflexi.flexi.flexi_smtp": {**connection, "host": "smtp.example.com", **options},
        "register": f"outcome_{name}",
        "ignore_errors": True,
    }


@dataclass(frozen=True)
class SecretsRun:
    run: PlaybookRun
    servers: dict[str, EmulatorServer]


@pytest.fixture(scope="module")
def secrets_run(tmp_path_factory) -> Iterator[SecretsRun]:
    """Run every scenario once through ansible-playbook -vvv --diff; shared by the tests below."""
    workdir = tmp_path_factory.mktemp("secrets")
    users = {API_USER: API_PASSWORD}
    with ExitStack() as stack:
        stored = stack.enter_context(EmulatorServer(EmulatorOptions(users=users, initial={"password": "old"})))
        echo = stack.enter_context(EmulatorServer(EmulatorOptions(users=users, initial={"host": "old.example.com"})))
        echo.inject(ECHO)
        servers = {"stored": stored, "echo": echo}
        results_file = workdir / "results.json"
        plays = [
            {
                "name": "Every scenario, for secrets",
                "hosts": "localhost",
                "connection": "local",
                "gather_facts": False,
                "tasks": [
                    scenario_task(name, server, options) for name, (server, options, *_expected) in SCENARIOS.items()
                ]
                + [save_results_task(list(SCENARIOS), results_file)],
            }
        ]
        vault, vault_id = vault_file(workdir, {"api_password": API_PASSWORD, "smtp_password": SMTP_PASSWORD})
        extra_vars = {
            "servers": {name: server.url for name, server in servers.items()},
            "url_with_credentials": stored.url.replace("://", f"://{API_USER}:{URL_PASSWORD}@"),
        }
        options = ("-vvv", "--diff", "--vault-id", vault_id, "-e", f"@{vault}")

        run = run_playbook(workdir, plays, extra_vars, options=options, results_file=results_file)

        yield SecretsRun(run, servers)


def test_playbook_ran_every_scenario_to_its_outcome_without_traceback_or_warning(secrets_run):
    run = secrets_run.run

    assert run.returncode == 0, run.describe()
    assert {name: (bool(outcome.get("failed")), outcome.get("status")) for name, outcome in run.results.items()} == {
        name: (failed, status) for name, (*_setup, failed, status) in SCENARIOS.items()
    }
    assert "Traceback" not in run.everything
    assert "[WARNING]" not in run.output


def test_vaulted_passwords_really_travelled(secrets_run):
    # Absence proves nothing unless the passwords were in play: Flexi stored the SMTP password, and the echoing
    # server let the API password read (200) before it was sent a <password> it echoed (the log keeps no password).
    echo = secrets_run.servers["echo"]

    assert secrets_run.servers["stored"].state.stored()["password"] == SMTP_PASSWORD
    assert [(request.method, request.status, request.user) for request in echo.requests] == [
        ("GET", 200, API_USER),
        ("PUT", 400, API_USER),
    ]
    assert echo.writes()[0].password_present


def test_password_change_shows_in_the_printed_diff_only_as_changed(secrets_run):
    assert secrets_run.run.results["password_rotation_with_diff"]["diff"]["after"]["password"] == "<changed>"
    assert "--- before" in secrets_run.run.stdout


def test_no_secret_in_any_spelling_in_any_output_or_result(secrets_run):
    assert leaks(secrets_run.run.everything, every_secret_spelling()) == []
    assert leaks_in(secrets_run.run.results, every_secret_spelling()) == []


def test_url_credentials_are_masked_even_in_the_printed_invocation(secrets_run):
    # At -vvv ansible-core prints the module's arguments; url is no no_log option, so the module masks it itself.
    masked_url = secrets_run.servers["stored"].url.replace("://", f"://{API_USER}:********@")

    assert f'"url": "{masked_url}"' in secrets_run.run.stdout
