"""`path_prefix`: the emulated Flexi served under a path, as behind a reverse proxy that maps only that path."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.server import EmulatorOptions
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH

PREFIX = "/flexi"


def test_url_ends_with_the_path_prefix(emulator_factory):
    emulator = emulator_factory(path_prefix=PREFIX)

    url = emulator.url

    assert url == f"http://127.0.0.1:{emulator.port}/flexi"


def test_settings_are_read_under_the_prefix_and_logged_with_it(flexi_with):
    flexi = flexi_with(path_prefix=PREFIX)

    answer = flexi.get()

    assert answer.status_code == 200
    assert "<nastaveni-smtp>" in answer.text
    assert [(entry.method, entry.path, entry.status) for entry in flexi.emulator.requests] == [
        ("GET", PREFIX + SMTP_PATH, 200)
    ]


def test_write_under_the_prefix_is_stored(flexi_with, body):
    flexi = flexi_with(path_prefix=PREFIX)

    written = flexi.write(body(host="smtp.example.cz"))

    assert written.status_code == 201
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"
    assert flexi.emulator.writes()[0].path == PREFIX + SMTP_PATH


def test_status_and_company_list_are_served_under_the_prefix(flexi_with):
    flexi = flexi_with(path_prefix="/erp/flexi")

    status = flexi.get("/status.json")
    companies = flexi.get("/c.json")

    assert status.json()["status"]["appServerRunning"] == "true"
    assert companies.json()["companies"]["company"][0]["dbNazev"] == "demo_s_r_o_"


@pytest.mark.parametrize("path", [SMTP_PATH, "/status.json", "/flexible" + SMTP_PATH, "/"])
def test_path_outside_the_prefix_answers_the_proxy_404_without_asking_for_credentials(emulator_factory, path):
    emulator = emulator_factory(path_prefix=PREFIX)
    root = f"http://127.0.0.1:{emulator.port}"

    answer = requests.get(root + path, timeout=10)

    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/html"
    assert "WWW-Authenticate" not in answer.headers
    assert [(entry.path, entry.status) for entry in emulator.requests] == [(path, 404)]


def test_write_outside_the_prefix_stores_nothing(emulator_factory, body):
    emulator = emulator_factory(path_prefix=PREFIX)
    root = f"http://127.0.0.1:{emulator.port}"

    answer = requests.put(root + SMTP_PATH, data=body(host="smtp.example.cz"), auth=ADMIN, timeout=10)

    assert answer.status_code == 404
    assert emulator.state.stored()["host"] == ""


def test_flexi_not_found_message_names_the_path_behind_the_prefix(flexi_with):
    flexi = flexi_with(path_prefix=PREFIX)

    answer = flexi.get("/c/demo_s_r_o_/nastaveni/jine")

    assert answer.status_code == 404
    assert "'/c/demo_s_r_o_/nastaveni/jine'" in answer.text


def test_https_url_carries_the_prefix(flexi_with):
    flexi = flexi_with(path_prefix=PREFIX, tls=True)

    answer = flexi.get()

    assert flexi.emulator.url.startswith("https://127.0.0.1:")
    assert flexi.emulator.url.endswith(PREFIX)
    assert answer.status_code == 200


@pytest.mark.parametrize("prefix", ["flexi", "/flexi/", "/", "//flexi", "/a/../b", "/..", "/fl exi", "/flexi?x=1"])
def test_malformed_prefix_is_refused(prefix):
    with pytest.raises(ValueError, match="path_prefix"):
        EmulatorOptions(path_prefix=prefix)
