"""What users see of proxies (`use_proxy` and the *_proxy environment), also with a path prefix in `url`."""

from __future__ import annotations

import base64

import pytest

from tests.emulator.proxy import ProxiedRequest
from tests.support.network import closed_port

API_PASSWORD = "admin-secret"
COMPANY_PATH = "/c/demo_s_r_o_/nastaveni/smtp"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test without proxy variables: CI machines often set some (NO_PROXY above all)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def connection(url: str, **extra: object) -> dict[str, object]:
    return {"url": url, "company": "demo_s_r_o_", "username": "admin", "password": API_PASSWORD, **extra}


def test_http_proxy_carries_a_write_under_a_path_prefix(emulator_factory, forward_proxy, run_module, monkeypatch):
    emulator = emulator_factory(path_prefix="/flexi")
    monkeypatch.setenv("http_proxy", forward_proxy.url)

    result = run_module("flexi_smtp", {**connection(emulator.url), "host": "smtp.example.cz"})

    assert result["changed"] is True
    assert forward_proxy.requests == [
        ProxiedRequest("GET", emulator.url + COMPANY_PATH),
        ProxiedRequest("PUT", emulator.url + COMPANY_PATH),
    ]
    assert emulator.state.stored()["host"] == "smtp.example.cz"


def test_https_proxy_still_verifies_the_server_certificate(emulator_factory, forward_proxy, run_module, monkeypatch):
    emulator = emulator_factory(tls=True)
    monkeypatch.setenv("https_proxy", forward_proxy.url)

    result = run_module("flexi_smtp_info", connection(emulator.url))

    assert result["failed"] is True
    assert result["msg"].startswith("TLS failure")
    assert forward_proxy.requests[0] == ProxiedRequest("CONNECT", f"127.0.0.1:{emulator.port}")
    assert emulator.requests == []


def test_https_proxy_tunnels_a_write_and_sees_no_credentials(emulator_factory, forward_proxy, run_module, monkeypatch):
    emulator = emulator_factory(tls=True)
    monkeypatch.setenv("https_proxy", forward_proxy.url)
    basic_token = base64.b64encode(f"admin:{API_PASSWORD}".encode()).decode()

    result = run_module("flexi_smtp", {**connection(emulator.url, ca_path=emulator.ca_path), "host": "smtp.example.cz"})

    assert result["changed"] is True
    assert {request.method for request in forward_proxy.requests} == {"CONNECT"}
    seen_in_clear = repr([(request.target, request.headers) for request in forward_proxy.requests])
    assert API_PASSWORD not in seen_in_clear
    assert basic_token not in seen_in_clear
    assert "authorization" not in seen_in_clear.lower()


def test_use_proxy_false_bypasses_the_proxy(emulator_factory, forward_proxy, run_module, monkeypatch):
    emulator = emulator_factory(tls=True)
    monkeypatch.setenv("http_proxy", forward_proxy.url)
    monkeypatch.setenv("https_proxy", forward_proxy.url)

    result = run_module("flexi_smtp_info", connection(emulator.url, ca_path=emulator.ca_path, use_proxy=False))

    assert "failed" not in result
    assert forward_proxy.requests == []
    assert len(emulator.requests) == 1


def test_unreachable_proxy_fails_and_names_the_proxy_settings(emulator, run_module, monkeypatch):
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")

    result = run_module("flexi_smtp_info", connection(emulator.url, timeout=5))

    assert result["failed"] is True
    assert result["status"] == -1
    assert "https_proxy / http_proxy" in result["msg"]
    assert emulator.requests == []
