"""The forward proxy's echo mode: a refusal quoting the request and its proxy credentials, as some proxies do."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.proxy import ForwardProxy


@pytest.mark.parametrize("status", [407, 502, 302])
def test_echo_mode_quotes_the_proxy_credentials_and_forwards_nothing(status):
    with ForwardProxy(echo_status=status) as proxy:
        proxies = {"http": f"http://user:pa%40ss@127.0.0.1:{proxy.port}"}
        answer = requests.get("http://127.0.0.1:9/x", proxies=proxies, allow_redirects=False, timeout=10)
        port = proxy.port

    assert answer.status_code == status
    assert "credentials: user:pa@ss" in answer.text
    assert "Proxy-Authorization: Basic dXNlcjpwYUBzcw==" in answer.text
    if status == 302:
        assert answer.headers["Location"] == f"http://user:pa%40ss@127.0.0.1:{port}/login"
