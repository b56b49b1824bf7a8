"""The environment of the host running a module changes only what the user asked it to.

~/.netrc and REQUESTS_CA_BUNDLE, which requests alone would also read, never are (the proxy variables:
tests/unit/plugins/modules/test_proxy_and_path.py).
"""

from __future__ import annotations


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
