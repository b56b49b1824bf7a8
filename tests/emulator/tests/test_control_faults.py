"""Faults queued through the integration control endpoint arrive as JSON: every new kind must survive that."""

from __future__ import annotations

import json

import pytest
import requests

from tests.emulator.server import EmulatorServer
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH
from tests.integration.control import ControlEndpoint


@pytest.fixture
def control(emulator: EmulatorServer) -> str:
    """The URL of a control endpoint mounted on the emulator."""
    return ControlEndpoint({"main": emulator}, {}, "smtp-secret").mount_on(emulator)


def scenario(control: str, **spec: object) -> None:
    answer = requests.get(control + "/scenario", params={"spec": json.dumps(spec)}, timeout=10)
    assert answer.status_code == 200, answer.reason


def test_control_queues_a_raw_fault_with_headers_from_json(control, emulator):
    raw = {"kind": "raw", "status": 200, "body": "<html/>", "headers": [["Content-Encoding", "gzip"]]}

    scenario(control, faults=[raw])

    assert emulator.faults.pending()[0].headers == (("Content-Encoding", "gzip"),)


def test_control_queues_every_new_fault_kind(control, emulator):
    faults = [
        {"kind": "redirect", "status": 308, "location": "ftp://host/secret"},
        {"kind": "echo", "spelling": "java-urlencoder", "pad": 3},
        {"kind": "drip", "delay": 0.001, "phase": "headers"},
    ]

    scenario(control, faults=faults)
    redirect = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, allow_redirects=False, timeout=10)
    echo = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=10)
    drip = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=10)

    assert (redirect.status_code, redirect.headers["Location"]) == (308, "ftp://host/secret")
    assert "xxxPožadavek odmítnut; heslo z hlavičky Authorization: admin-secret" in echo.text
    assert (drip.status_code, "<nastaveni-smtp>" in drip.text) == (200, True)
