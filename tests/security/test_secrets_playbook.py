"""No secret ever shown: every scenario through the real ansible-playbook at -vvv --diff.

The API and SMTP passwords come from Ansible Vault, as the recipe of docs/security.md keeps them. One playbook runs
every scenario as a task (success with a delivered test mail, check mode, diff, no change, the
info module, and every failure: Flexi's errors, proxy pages, broken answers, network and TLS failures, bad input,
a server echoing what it received). Each failure scenario has its own emulator with a lasting fault, so the
scenarios cannot disturb each other. The passwords contain %, &, <, ", ' and non-ASCII characters; none of them
may appear, in any spelling (as is, XML-escaped, URL-encoded, JSON-escaped, as HTTP Basic or SMTP AUTH token), in
stdout, stderr, the ansible log, or the registered results (diffs included).
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.security.playbook import PlaybookRun, ansible_environment, run_playbook, save_results_task
from tests.security.test_echoed_secrets import ECHOES
from tests.support.ansible import ANSIBLE_BIN
from tests.support.secrets import basic_auth_tokens, leaks, leaks_in, smtp_auth_tokens, spellings, spellings_twice

pytestmark = pytest.mark.integration

COMPANY = "demo_s_r_o_"
API_USER = "admin"
API_PASSWORD = 'Api%pw&<"ř€ü:x>'
WRONG_API_PASSWORD = 'Wrong%api&<"pw€>'
LIMITED_USER = "clerk"
LIMITED_PASSWORD = 'Clerk%pw&<"č>'
URL_PASSWORD = "Url%pw&<ř"
SMTP_USER = "flexi@example.com"
SMTP_PASSWORD = "Smtp%pw&<\"ä€'> ;x"
WRONG_SMTP_PASSWORD = 'Wrong%smtp&<"pw€>'
SECRETS = (API_PASSWORD, WRONG_API_PASSWORD, LIMITED_PASSWORD, URL_PASSWORD, SMTP_PASSWORD, WRONG_SMTP_PASSWORD)
CREDENTIALS = ((API_USER, API_PASSWORD), (API_USER, WRONG_API_PASSWORD), (LIMITED_USER, LIMITED_PASSWORD))
STORED = {
    "host": "smtp.example.com",
    "port": "465",
    "username": SMTP_USER,
    "password": "stored-before",
    "defaultFrom": "ABRA Flexi <flexi@example.com>",
    "encryptionMode": "SSL",
}
SMTP_OPTIONS = {
    "host": "smtp.example.com",
    "port": 465,
    "smtp_username": SMTP_USER,
    "default_from": "ABRA Flexi <flexi@example.com>",
    "encryption_mode": "SSL",
}
NEW_PASSWORD = {"smtp_password": "{{ smtp_password }}", "update_password": "always"}


@dataclass(frozen=True)
class Scenario:
    """One task: which server it talks to, with which options, and the outcome it must have."""

    server: str
    options: dict[str, Any] = field(default_factory=dict)
    connection: dict[str, Any] = field(default_factory=dict)
    module: str = "flexi_smtp"
    check_mode: bool = False
    failed: bool = True
    status: int | None = None


SCENARIOS = {
    "success_with_test_mail": Scenario(
        "mail",
        {
            "host": "{{ sink_host }}",
            "port": "{{ sink_port }}",
            "encryption_mode": "STARTTLS",
            "smtp_username": SMTP_USER,
            "smtp_password": "{{ smtp_password }}",
            "default_from": "ABRA Flexi <flexi@example.com>",
            "test_email": "it@example.com",
        },
        failed=False,
    ),
    "password_rotation_with_diff": Scenario("stored", {**SMTP_OPTIONS, **NEW_PASSWORD}, failed=False),
    "check_mode_with_diff": Scenario(
        "stored", {"host": "new.example.com", **NEW_PASSWORD}, check_mode=True, failed=False
    ),
    "no_change": Scenario("stored", {**SMTP_OPTIONS, "smtp_password": "{{ smtp_password }}"}, failed=False),
    "info": Scenario("stored", module="flexi_smtp_info", failed=False),
    "test_mail_login_rejected": Scenario(
        "mail",
        {"smtp_password": "{{ wrong_smtp_password }}", "update_password": "always", "test_email": "it@example.com"},
        status=400,
    ),
    "test_mail_refused": Scenario(
        "refusing_mail",
        {
            "host": "127.0.0.1",
            "port": "{{ closed_port }}",
            "encryption_mode": "NEVER",
            **NEW_PASSWORD,
            "test_email": "it@example.com",
        },
        status=400,
    ),
    "wrong_api_password": Scenario("stored", NEW_PASSWORD, {"password": "{{ wrong_api_password }}"}, status=401),
    "user_without_the_right": Scenario(
        "stored", NEW_PASSWORD, {"username": LIMITED_USER, "password": "{{ limited_password }}"}, status=403
    ),
    "unknown_company": Scenario("stored", NEW_PASSWORD, {"company": "no_such_company"}, status=404),
    "info_wrong_api_password": Scenario(
        "stored", module="flexi_smtp_info", connection={"password": "{{ wrong_api_password }}"}, status=401
    ),
    "write_405": Scenario("fault_405", NEW_PASSWORD, status=405),
    "write_500": Scenario("fault_500", NEW_PASSWORD, status=500),
    "proxy_502_page": Scenario("fault_502", NEW_PASSWORD, status=502),
    "malformed_xml": Scenario("fault_malformed", NEW_PASSWORD, status=200),
    "empty_body": Scenario("fault_empty", NEW_PASSWORD, status=200),
    "slow_answer": Scenario("fault_slow", NEW_PASSWORD, {"timeout": 1}, status=-1),
    "write_dropped_mid_answer": Scenario("fault_drop_mid_body", NEW_PASSWORD, status=-1),
    "connection_refused": Scenario("stored", NEW_PASSWORD, {"url": "http://127.0.0.1:{{ closed_port }}"}, status=-1),
    "tls_name_mismatch": Scenario(
        "tls_other_name", NEW_PASSWORD, {"ca_path": "{{ servers.tls_other_name.ca_path }}"}, status=-1
    ),
    "tls_unknown_ca": Scenario("tls_other_name", NEW_PASSWORD, status=-1),
    "url_with_credentials": Scenario("stored", NEW_PASSWORD, {"url": "{{ url_with_credentials }}"}, status=-1),
    "bad_port_with_passwords": Scenario("stored", {**NEW_PASSWORD, "port": 0}, status=-1),
    "echoing_server": Scenario("echo", NEW_PASSWORD, status=400),
    "info_echoing_server": Scenario("echo_reads", module="flexi_smtp_info", status=400),
}

# A server error quoting the whole request, Authorization header and body included ({request}, XML-escaped).
ECHO = replace(ECHOES["Flexi message quoting the request"], times=None)

# Emulators by name: EmulatorOptions overrides and lasting faults.
EMULATORS: dict[str, tuple[dict[str, Any], tuple[Fault, ...]]] = {
    "stored": ({}, ()),
    "mail": ({}, ()),
    "refusing_mail": ({}, ()),
    "fault_405": ({}, (Fault(kind="status", status=405, method="PUT", times=None),)),
    "fault_500": ({}, (Fault(kind="status", status=500, method="PUT", times=None),)),
    "fault_502": ({}, (Fault(kind="html", status=502, times=None),)),
    "fault_malformed": ({}, (Fault(kind="malformed", method="GET", times=None),)),
    "fault_empty": ({}, (Fault(kind="empty", method="GET", times=None),)),
    "fault_slow": ({}, (Fault(kind="slow", delay=5.0, method="GET", times=None),)),
    "fault_drop_mid_body": ({}, (Fault(kind="drop_mid_body", method="PUT", times=None),)),
    "tls_other_name": ({"tls": True, "tls_hostname": "flexi.other.example"}, ()),
    # Reads like Flexi with no password stored (so flexi_smtp sends one); echoes every write.
    "echo": ({"initial": {"host": "old.example.com"}}, (replace(ECHO, method="PUT"),)),
    "echo_reads": ({}, (ECHO,)),
}


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def every_secret_spelling() -> dict[str, str]:
    """Name -> form, for every spelling of every secret and every token built from one."""
    forms: dict[str, str] = {}
    for number, secret in enumerate(SECRETS):
        spelled = {**spellings(secret), **spellings_twice(secret)}
        forms.update({f"secret {number} {name}": form for name, form in spelled.items()})
    for number, (user, password) in enumerate(CREDENTIALS):
        forms.update(
            {f"credentials {number} {name}": token for name, token in basic_auth_tokens(user, password).items()}
        )
    for number, password in enumerate((SMTP_PASSWORD, WRONG_SMTP_PASSWORD)):
        forms.update(
            {f"SMTP login {number} {name}": token for name, token in smtp_auth_tokens(SMTP_USER, password).items()}
        )
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


def test_every_secret_and_token_is_among_the_checked_spellings():
    checked = set(every_secret_spelling().values())

    assert set(SECRETS) <= checked
    assert {basic_auth_tokens(user, password)["Basic, UTF-8"] for user, password in CREDENTIALS} <= checked


def scenario_task(name: str, scenario: Scenario) -> dict[str, Any]:
    connection = {
        "url": f"{{{{ servers.{scenario.server}.url }}}}",
        "company": COMPANY,
        "username": API_USER,
        "password": "{{ api_password }}",
        **scenario.connection,
    }
    return {
        "name": f"Scenario {name}",
        f"abraflexi.flexi.{scenario.module}": {**connection, **scenario.options},
        "register": f"outcome_{name}",
        "ignore_errors": True,
        "check_mode": scenario.check_mode,
    }


@dataclass(frozen=True)
class SecretsRun:
    run: PlaybookRun
    servers: dict[str, EmulatorServer]
    sink: SmtpSink
    vault_text: str


@pytest.fixture(scope="module")
def secrets_run(tmp_path_factory) -> Iterator[SecretsRun]:
    """Start every server, run every scenario once through ansible-playbook -vvv --diff; shared by the tests below."""
    workdir = tmp_path_factory.mktemp("secrets")
    sink = SmtpSink(mode="starttls", auth=(SMTP_USER, SMTP_PASSWORD)).start()
    users = {"users": {API_USER: API_PASSWORD}, "limited_users": {LIMITED_USER: LIMITED_PASSWORD}}
    servers: dict[str, EmulatorServer] = {}
    try:
        for name, (overrides, faults) in EMULATORS.items():
            emulator = EmulatorServer(EmulatorOptions(**users, smtp_cafile=sink.ca_path, **overrides)).start()
            servers[name] = emulator
            for fault in faults:
                emulator.inject(fault)
        servers["stored"].state.store(**STORED)
        results_file = workdir / "results.json"
        plays = [
            {
                "name": "Every scenario, for secrets",
                "hosts": "localhost",
                "connection": "local",
                "gather_facts": False,
                "tasks": [scenario_task(name, scenario) for name, scenario in SCENARIOS.items()]
                + [save_results_task(list(SCENARIOS), results_file)],
            }
        ]
        vault, vault_id = vault_file(workdir, {"api_password": API_PASSWORD, "smtp_password": SMTP_PASSWORD})
        extra_vars = {
            "servers": {name: {"url": server.url, "ca_path": server.ca_path} for name, server in servers.items()},
            "wrong_api_password": WRONG_API_PASSWORD,
            "limited_password": LIMITED_PASSWORD,
            "wrong_smtp_password": WRONG_SMTP_PASSWORD,
            "url_with_credentials": servers["stored"].url.replace("://", f"://{API_USER}:{URL_PASSWORD}@"),
            "sink_host": sink.host,
            "sink_port": sink.port,
            "closed_port": closed_port(),
        }

        options = ("-vvv", "--diff", "--vault-id", vault_id, "-e", f"@{vault}")

        run = run_playbook(workdir, plays, extra_vars, options=options, results_file=results_file)

        yield SecretsRun(run, servers, sink, vault.read_text(encoding="utf-8"))
    finally:
        for server in servers.values():
            server.stop()
        sink.stop()


def test_playbook_ran_every_scenario(secrets_run):
    run = secrets_run.run

    assert run.returncode == 0, run.describe()
    assert sorted(name for name, outcome in run.results.items() if outcome) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_had_its_expected_outcome(secrets_run, name):
    scenario, outcome = SCENARIOS[name], secrets_run.run.results[name]

    assert bool(outcome.get("failed")) is scenario.failed, outcome
    assert outcome.get("status") == scenario.status
    # ansible-core 2.19 puts "(traceback unavailable)" in every failed result; a module traceback would be here.
    assert "Traceback" not in outcome.get("exception", "")
    assert "module_stderr" not in outcome


def test_vault_file_holds_no_password_in_clear(secrets_run):
    assert secrets_run.vault_text.count("$ANSIBLE_VAULT;1.2;AES256;flexi") == 2
    assert leaks(secrets_run.vault_text, every_secret_spelling()) == []


def test_secrets_really_travelled(secrets_run):
    # Absence proves nothing unless the passwords were in play: Flexi stored them (the vaulted SMTP password among
    # them) and the sink logged in with one.
    (mail,) = secrets_run.sink.messages

    assert mail.auth_login == SMTP_USER
    assert secrets_run.servers["stored"].state.stored()["password"] == SMTP_PASSWORD
    assert secrets_run.servers["mail"].state.stored()["password"] == WRONG_SMTP_PASSWORD
    # The emulator logs no password: the Basic user on every echoed read, a <password> element in an echoed write.
    echoed_reads = secrets_run.servers["echo_reads"].requests
    assert echoed_reads
    assert all(request.user == API_USER for request in echoed_reads)
    assert any(request.password_present for request in secrets_run.servers["echo"].writes())


def test_diff_and_check_mode_scenarios_show_the_password_only_as_changed(secrets_run):
    outcomes = secrets_run.run.results

    assert outcomes["password_rotation_with_diff"]["diff"]["after"]["password"] == "<changed>"
    assert outcomes["check_mode_with_diff"]["diff"]["after"]["password"] == "<changed>"
    assert "--- before" in secrets_run.run.stdout


@pytest.mark.parametrize("where", ["stdout", "stderr", "log", "results_text"])
def test_no_secret_in_any_spelling_anywhere(secrets_run, where):
    text = getattr(secrets_run.run, where)

    assert leaks(text, every_secret_spelling()) == []


def test_registered_results_hold_no_secret_in_any_decoded_string(secrets_run):
    assert leaks_in(secrets_run.run.results, every_secret_spelling()) == []


def test_run_shows_no_traceback(secrets_run):
    assert "Traceback" not in secrets_run.run.everything


def test_run_shows_no_warning(secrets_run):
    assert "[WARNING]" not in secrets_run.run.stdout + secrets_run.run.stderr


def test_url_credentials_are_masked_even_in_the_printed_invocation(secrets_run):
    # At -vvv ansible-core prints the module's arguments; url is no no_log option, so the module masks it itself.
    masked_url = secrets_run.servers["stored"].url.replace("://", f"://{API_USER}:********@")

    assert f'"url": "{masked_url}"' in secrets_run.run.stdout
