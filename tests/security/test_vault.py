"""The Ansible Vault recipe of docs/security.md works, and the vaulted passwords never show, even at -vvv."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.security.playbook import PlaybookRun, ansible_environment, run_playbook
from tests.support.ansible import ANSIBLE_BIN
from tests.support.secrets import basic_auth_tokens, leaks, spellings, spellings_twice

pytestmark = pytest.mark.integration

ANSIBLE_VAULT = ANSIBLE_BIN / "ansible-vault"
API_PASSWORD = 'Vault-api%pw&<"ř€>'
SMTP_PASSWORD = "Vault-smtp%pw&<\"ä'>"


def encrypt_string(workdir: Path, vault_id: str, name: str, value: str) -> str:
    """``ansible-vault encrypt_string --stdin-name NAME``, the value piped in without a final newline."""
    completed = subprocess.run(
        [str(ANSIBLE_VAULT), "encrypt_string", "--vault-id", vault_id, "--stdin-name", name],
        input=value,
        capture_output=True,
        text=True,
        env=ansible_environment(workdir),
        cwd=workdir,
        timeout=120,
        check=True,
    )
    return completed.stdout


@dataclass(frozen=True)
class VaultRun:
    run: PlaybookRun
    emulator: EmulatorServer
    vault_text: str


@pytest.fixture(scope="module")
def vault_run(tmp_path_factory) -> Iterator[VaultRun]:
    workdir = tmp_path_factory.mktemp("vault")
    password_file = workdir / "vault-password"
    password_file.write_text("correct horse battery staple\n", encoding="utf-8")
    password_file.chmod(0o600)
    vault_id = f"flexi@{password_file}"
    vault_file = workdir / "vault.yml"
    vault_file.write_text(
        encrypt_string(workdir, vault_id, "flexi_api_password", API_PASSWORD)
        + encrypt_string(workdir, vault_id, "flexi_smtp_password", SMTP_PASSWORD),
        encoding="utf-8",
    )
    emulator = EmulatorServer(EmulatorOptions(users={"ansible": API_PASSWORD})).start()
    try:
        plays = [
            {
                "name": "Provision the SMTP settings, passwords from the vault",
                "hosts": "localhost",
                "connection": "local",
                "gather_facts": False,
                "module_defaults": {
                    "group/abraflexi.flexi.flexi": {
                        "url": emulator.url,
                        "company": "demo_s_r_o_",
                        "username": "ansible",
                        "password": "{{ flexi_api_password }}",
                    }
                },
                "tasks": [
                    {
                        "name": "Send mail through the company mail server",
                        "abraflexi.flexi.flexi_smtp": {
                            "host": "smtp.example.com",
                            "port": 465,
                            "encryption_mode": "SSL",
                            "smtp_username": "flexi@example.com",
                            "smtp_password": "{{ flexi_smtp_password }}",
                            "default_from": "ABRA Flexi <flexi@example.com>",
                        },
                    }
                ],
            }
        ]
        options = ("-vvv", "--diff", "--vault-id", vault_id, "-e", f"@{vault_file}")

        run = run_playbook(workdir, plays, {}, options=options)

        yield VaultRun(run, emulator, vault_file.read_text(encoding="utf-8"))
    finally:
        emulator.stop()


def test_vault_file_holds_no_password_in_clear(vault_run):
    assert "$ANSIBLE_VAULT;1.2;AES256;flexi" in vault_run.vault_text
    assert API_PASSWORD not in vault_run.vault_text
    assert SMTP_PASSWORD not in vault_run.vault_text


def test_vaulted_passwords_reach_flexi(vault_run):
    assert vault_run.run.returncode == 0, vault_run.run.describe()
    assert [request.user for request in vault_run.emulator.requests] == ["ansible", "ansible"]
    assert vault_run.emulator.state.stored()["password"] == SMTP_PASSWORD


def test_vaulted_passwords_never_show_at_full_verbosity(vault_run):
    forms = {
        **{f"API {name}": form for name, form in {**spellings(API_PASSWORD), **spellings_twice(API_PASSWORD)}.items()},
        **{
            f"SMTP {name}": form
            for name, form in {**spellings(SMTP_PASSWORD), **spellings_twice(SMTP_PASSWORD)}.items()
        },
        **basic_auth_tokens("ansible", API_PASSWORD),
    }

    assert leaks(vault_run.run.everything, forms) == []
