"""A fleet of emulated Flexi servers with known drift, for the drift report tests and docs/drift-audit.md.

Five inventory hosts on three emulators, compared with the settings ``examples/audit_smtp.yml`` wants
(``WANTED``):

| host | Flexi | what the audit finds |
|---|---|---|
| flexi-praha | emulator 1 (HTTPS, server-wide settings) | in sync |
| flexi-brno | emulator 2, company ``brno_s_r_o_`` | drifted: host, port, encryption |
| flexi-ostrava | emulator 2, company ``ostrava_s_r_o_`` | drifted: login (``<script>``...), sender, no password |
| flexi-plzen | emulator 3, company that does not exist | failed: Flexi answers 404 |
| flexi-liberec | a port nobody listens on | unreachable: no HTTP answer |

``python -m tests.audit.lab --inventory PATH -- COMMAND ...`` starts the fleet, writes the inventory, runs COMMAND
(with ANSIBLE_COLLECTIONS_PATH set) and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.support.collection import install
from tests.support.network import closed_port

API_USER = "auditor"
API_PASSWORD = "Api-Audit-s3cret-%&<>"
WANTED_SMTP_PASSWORD = "Wanted-Sm7p-s3cret-<script>"
STORED_SMTP_PASSWORDS = ("Stored-Praha-Sm7p-s3cret", "Stored-Brno-Sm7p-s3cret")
SCRIPT_LOGIN = "<script>alert('drift')</script>"

# The settings every server should hold (group vars of the inventory, read by examples/audit_smtp.yml).
WANTED = {
    "flexi_smtp_host": "smtp.example.com",
    "flexi_smtp_port": 465,
    "flexi_smtp_encryption_mode": "SSL",
    "flexi_smtp_username": "flexi@example.com",
    "flexi_smtp_default_from": "ABRA Flexi <flexi@example.com>",
}
IN_SYNC = {
    "host": "smtp.example.com",
    "port": "465",
    "encryptionMode": "SSL",
    "username": "flexi@example.com",
    "defaultFrom": "ABRA Flexi <flexi@example.com>",
}
BRNO, OSTRAVA = "brno_s_r_o_", "ostrava_s_r_o_"
# What the audit finds on each host (the table above).
STATUSES = {
    "flexi-brno": "drifted",
    "flexi-liberec": "unreachable",
    "flexi-ostrava": "drifted",
    "flexi-plzen": "failed",
    "flexi-praha": "in_sync",
}


class AuditLab:
    """Start the emulators, seed their drift and write an inventory; ``with AuditLab(inventory_path) as lab: ...``."""

    def __init__(self, inventory_path: Path) -> None:
        self.inventory_path = Path(inventory_path)
        self.emulators: dict[str, EmulatorServer] = {}

    def __enter__(self) -> AuditLab:
        accounts = {"users": {API_USER: API_PASSWORD}, "limited_users": {}}
        try:
            self.emulators["praha"] = EmulatorServer(
                EmulatorOptions(tls=True, companies=("praha_s_r_o_",), **accounts)
            ).start()
            self.emulators["branches"] = EmulatorServer(
                EmulatorOptions(companies=(BRNO, OSTRAVA), smtp_scope="company", **accounts)
            ).start()
            self.emulators["plzen"] = EmulatorServer(EmulatorOptions(companies=("jina_firma",), **accounts)).start()
        except BaseException:
            self.__exit__()
            raise
        praha, branches = self.emulators["praha"].state, self.emulators["branches"].state
        praha.store(**IN_SYNC, password=STORED_SMTP_PASSWORDS[0])
        branches.store(
            company=BRNO,
            **{**IN_SYNC, "host": "relay.brno.example.com", "port": "587", "encryptionMode": "STARTTLS"},
            password=STORED_SMTP_PASSWORDS[1],
        )
        branches.store(
            company=OSTRAVA,
            **{**IN_SYNC, "username": SCRIPT_LOGIN, "defaultFrom": "Ostrava <posta@ostrava.example.com>"},
            password="",
        )
        # JSON is YAML; only its owner may read it, it holds the API password.
        self.inventory_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.inventory_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(self.inventory(), stream, indent=2)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for server in self.emulators.values():
            server.stop()
        self.emulators.clear()

    def inventory(self) -> dict[str, Any]:
        praha, branches, plzen = (self.emulators[name] for name in ("praha", "branches", "plzen"))
        hosts = {
            "flexi-praha": {"flexi_url": praha.url, "flexi_company": "praha_s_r_o_", "flexi_ca_path": praha.ca_path},
            "flexi-brno": {"flexi_url": branches.url, "flexi_company": BRNO},
            "flexi-ostrava": {"flexi_url": branches.url, "flexi_company": OSTRAVA},
            "flexi-plzen": {"flexi_url": plzen.url, "flexi_company": "plzen_s_r_o_"},
            "flexi-liberec": {"flexi_url": f"http://127.0.0.1:{closed_port()}", "flexi_company": "liberec_s_r_o_"},
        }
        group_vars = {
            "flexi_api_username": API_USER,
            "flexi_api_password": API_PASSWORD,
            "flexi_smtp_password": WANTED_SMTP_PASSWORD,
            **WANTED,
        }
        return {"flexi_servers": {"hosts": hosts, "vars": group_vars}}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.audit.lab", description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", default=".tmp/audit-lab/inventory.yml", help="where to write the inventory")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS: run it, then stop")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("name the COMMAND to run against the fleet")
    install()  # ANSIBLE_COLLECTIONS_PATH for COMMAND
    with AuditLab(Path(args.inventory).resolve()) as lab:
        print(f"Flexi fleet up: inventory {lab.inventory_path}", flush=True)
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
