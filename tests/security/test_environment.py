"""The environment of the host running a module changes only what the user asked it to.

http_proxy / https_proxy / no_proxy are honoured (as ansible.builtin.uri does) unless use_proxy is false;
all_proxy, ~/.netrc and REQUESTS_CA_BUNDLE, which requests alone would also read, never are.
"""

from __future__ import annotations

import pytest

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.mark.parametrize(
    ("variable", "use_proxy"),
    [("ALL_PROXY", True), ("all_proxy", True), ("HTTP_PROXY", False), ("http_proxy", False)],
)
def test_proxy_variables_are_ignored_unless_asked_for(
    emulator, run_module, module_args, forward_proxy, monkeypatch, variable, use_proxy
):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv(variable, forward_proxy.url)

    result = run_module("flexi_smtp_info", {**module_args, "use_proxy": use_proxy})

    assert "failed" not in result
    assert forward_proxy.requests == []
    assert [request.user for request in emulator.requests] == ["admin"]


def test_netrc_cannot_add_credentials(emulator, run_module, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login admin password admin-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))

    result = run_module("flexi_smtp_info", {"url": emulator.url, "company": "demo_s_r_o_"})

    assert result["status"] == 401
    assert [request.user for request in emulator.requests] == [None]


def test_ca_bundle_variable_does_not_change_whom_tls_trusts(emulator_factory, run_module, monkeypatch):
    emulator = emulator_factory(tls=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emulator.ca_path)
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": "admin", "password": "admin-secret"}

    result = run_module("flexi_smtp_info", args)

    assert result["msg"].startswith("TLS failure talking to Flexi")
    assert emulator.requests == []
