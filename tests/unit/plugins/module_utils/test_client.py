from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_settings
from ansible_collections.abraflexi.flexi.plugins.module_utils._proxies import environment_proxies
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import build_document


@pytest.fixture
def make_client():
    """Build clients for an emulator; backoff pauses are recorded in ``client.pauses`` instead of slept."""
    clients = []

    def make(emulator, **overrides):
        params = {
            "url": overrides.pop("url", None) or emulator.url,
            "company": "demo_s_r_o_",
            "username": "admin",
            "password": "admin-secret",
            "validate_certs": True,
            "ca_path": None,
            "timeout": 30,
            **overrides,
        }
        client = FlexiClient(connection_settings(params))
        client.pauses = []
        client.sleep = client.pauses.append
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.session.close()


def test_read_is_one_get_with_basic_auth_and_xml_accepted(emulator, make_client):
    client = make_client(emulator)

    settings = client.read_settings()

    assert settings.password_set is False
    (request,) = emulator.requests
    assert (request.method, request.path, request.user) == ("GET", "/c/demo_s_r_o_/nastaveni/smtp", "admin")


def test_write_then_read_reuses_one_connection(emulator, make_client):
    client = make_client(emulator)

    client.read_settings()
    client.write_settings(build_document({"host": "smtp.example.com"}))

    assert len(client.session.adapters["http://"].poolmanager.pools) == 1
    assert emulator.state.stored()["host"] == "smtp.example.com"


def test_ca_path_makes_a_self_signed_server_trusted(emulator_factory, make_client):
    emulator = emulator_factory(tls=True)
    client = make_client(emulator, ca_path=emulator.ca_path)

    assert client.read_settings().password_set is False


def test_validate_certs_false_accepts_a_self_signed_server(emulator_factory, make_client):
    emulator = emulator_factory(tls=True)
    client = make_client(emulator, validate_certs=False)

    client.read_settings()

    assert len(emulator.requests) == 1


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
