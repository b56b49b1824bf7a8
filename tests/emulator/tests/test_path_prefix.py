"""`path_prefix`: the emulated Flexi served under a path, as behind a reverse proxy that maps only that path."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.server import EmulatorOptions
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH

PREFIX = "/flexi"


def test_settings_are_read_and_written_under_the_prefix_and_logged_with_it(flexi_with, body):
    flexi = flexi_with(path_prefix=PREFIX)

    read = flexi.get()
    written = flexi.write(body(host="smtp.example.cz"))

    assert flexi.emulator.url == f"http://127.0.0.1:{flexi.emulator.port}{PREFIX}"
    assert ("<nastaveni-smtp>" in read.text, written.status_code) == (True, 201)
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"
    assert [(entry.method, entry.path) for entry in flexi.emulator.requests] == [
        ("GET", PREFIX + SMTP_PATH),
        ("PUT", PREFIX + SMTP_PATH),
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", SMTP_PATH), ("PUT", SMTP_PATH), ("GET", "/status.json"), ("GET", "/flexible" + SMTP_PATH), ("GET", "/")],
)
def test_path_outside_the_prefix_answers_the_proxy_404_without_asking_for_credentials(emulator_factory, method, path):
    emulator = emulator_factory(path_prefix=PREFIX)

    write = "<nastaveni-smtp><host>smtp.example.cz</host></nastaveni-smtp>" if method == "PUT" else None

    answer = requests.request(method, emulator.origin + path, data=write, auth=ADMIN if write else None, timeout=10)

    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/html"
    assert "WWW-Authenticate" not in answer.headers
    assert [(entry.path, entry.status) for entry in emulator.requests] == [(path, 404)]
    assert emulator.state.stored()["host"] == ""


@pytest.mark.parametrize("prefix", ["flexi", "/flexi/", "/", "//flexi", "/a/../b", "/..", "/fl exi", "/flexi?x=1"])
def test_malformed_prefix_is_refused(prefix):
    with pytest.raises(ValueError, match="path_prefix"):
        EmulatorOptions(path_prefix=prefix)
