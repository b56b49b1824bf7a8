from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_settings
from ansible_collections.abraflexi.flexi.plugins.module_utils._proxies import environment_proxies
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import build_document


def test_write_then_read_reuses_one_connection(emulator):
    params = {"url": emulator.url, "company": "demo_s_r_o_", "username": "admin", "password": "admin-secret"}
    client = FlexiClient(connection_settings({**params, "validate_certs": True, "ca_path": None, "timeout": 30}))

    with client:
        client.read_settings()
        client.write_settings(build_document({"host": "smtp.example.com"}))

        assert len(client.transport.session.adapters["http://"].poolmanager.pools) == 1
    assert emulator.state.stored()["host"] == "smtp.example.com"


PROXY = "http://proxy.example.com:3128"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, {}),
        ({"http_proxy": PROXY}, {"http": PROXY}),
        ({"HTTPS_PROXY": PROXY}, {"https": PROXY}),
        ({"all_proxy": PROXY}, {}),
        ({"HTTP_PROXY": PROXY, "http_proxy": ""}, {}),
        ({"http_proxy": PROXY, "no_proxy": "flexi.example.com"}, {}),
        ({"http_proxy": PROXY, "no_proxy": ".example.com"}, {}),
        ({"http_proxy": PROXY, "no_proxy": "*"}, {}),
        ({"http_proxy": PROXY, "NO_PROXY": "flexi.example.com", "no_proxy": ""}, {"http": PROXY}),
        ({"http_proxy": PROXY, "no_proxy": "other.example.com"}, {"http": PROXY}),
    ],
)
def test_environment_proxies_read_the_environment_as_urllib_does(monkeypatch, environment, expected):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    proxies = environment_proxies("http://flexi.example.com:5434/flexi/c/x/nastaveni/smtp")

    assert proxies == expected
