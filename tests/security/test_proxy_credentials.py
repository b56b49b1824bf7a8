"""A proxy that refuses the request and echoes it shows none of the proxy credentials, on both execution paths."""

from __future__ import annotations

import base64
import json

import pytest

from tests.emulator.proxy import ForwardProxy
from tests.support.paths import PATHS, run_on

PROXY_USER = "proxy-user"
# As written in http_proxy, and as the proxy receives it.
PROXY_PASSWORDS = {"plain": ("Pr0xy-s3cret!", "Pr0xy-s3cret!"), "percent-encoded": ("Pr%C3%B8xy%40pw", "Prøxy@pw")}


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def forms(written: str, decoded: str) -> dict[str, str]:
    pair = f"{PROXY_USER}:{decoded}"
    tokens = {f"token {code}": base64.b64encode(pair.encode(code)).decode() for code in ("utf-8", "latin-1")}
    return {"as written": written, "decoded": decoded, "user:password": pair, **tokens}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("status", [407, 502, 302])
@pytest.mark.parametrize("password", PROXY_PASSWORDS)
def test_proxy_refusal_echoing_the_credentials_shows_none_of_them(password, status, path, monkeypatch, run_module):
    written, decoded = PROXY_PASSWORDS[password]
    with ForwardProxy(echo_status=status) as proxy:
        monkeypatch.setenv("http_proxy", f"http://{PROXY_USER}:{written}@127.0.0.1:{proxy.port}")
        args = {"url": "http://flexi.invalid", "company": "demo_s_r_o_", "username": "admin", "password": "pw-1"}

        result = run_on(path, run_module, "flexi_smtp_info", args)
        received = proxy.requests

    assert ("Proxy-Authorization", "Basic " + forms(written, decoded)["token latin-1"]) in received[0].headers
    assert result["failed"] is True
    assert result["status"] == status
    assert f"credentials: {PROXY_USER}:********" in result["response"]
    text = json.dumps(result, ensure_ascii=False)
    assert [name for name, form in forms(written, decoded).items() if form in text] == []
