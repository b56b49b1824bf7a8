"""Controller code for the in-process tests of direct execution, imported only when a test runs, and the server
they run against: its login, the stored settings and the SMTP password the tasks send."""

from __future__ import annotations

import importlib
from types import ModuleType

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
