"""Controller code for the in-process tests of direct execution, imported only when a test runs, and the server
they run against: its login, the stored settings and the SMTP password the tasks send."""

from __future__ import annotations

import importlib
from types import ModuleType, SimpleNamespace
from typing import Any

API_USER = "admin"
API_PASSWORD = "Api-s3cret-direct%&<x"
SMTP_PASSWORD = "Smtp-s3cret-direct%&<x"
STORED = {
    "host": "smtp.example.com",
    "port": "465",
    "username": "flexi@example.com",
    "password": "stored-smtp-secret",
    "defaultFrom": "ABRA Flexi <flexi@example.com>",
    "encryptionMode": "SSL",
}


def controller_code() -> ModuleType:
    """The direct-execution helper (controller code), imported only when a test runs."""
    return importlib.import_module("ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct")


def action(name: str, task_args: dict[str, Any], check_mode: bool = False, environment: dict | None = None) -> Any:
    """The action of module ``name`` on a local connection, with just what it reads of task and connection."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    module = importlib.import_module(f"ansible_collections.abraflexi.flexi.plugins.action.{name}")
    task = SimpleNamespace(
        args=task_args,
        action=f"abraflexi.flexi.{name}",
        async_val=0,
        check_mode=check_mode,
        no_log=False,
        environment=[environment or {}],
        get_name=lambda: "Outgoing mail goes through the company mail server",
    )
    connection = SimpleNamespace(transport="local", _shell=SimpleNamespace(env_prefix=lambda **variables: ""))
    templar = Templar(loader=DataLoader(), variables={})
    return module.ActionModule(task, connection, SimpleNamespace(become=False), DataLoader(), templar, None)
