"""`url` is checked as the wire carries it, and failures report the URL that was sent, on both execution paths."""

from __future__ import annotations

import pytest

from tests.support.paths import PATHS, run_on

COMPANY_PATH = "/c/neni_s_r_o_/nastaveni/smtp"
REFUSED = {
    "/flexi/%2e%2e/admin": "'.' or '..' path segments",
    "/flexi/.%2E/admin": "'.' or '..' path segments",
    "/flexi/%2E/admin": "'.' or '..' path segments",
    "/flexi%2Fc%2Fdemo": "encoded '/'",
    "/flexi%5cadmin": "encoded '/'",
    "/C": "not a company URL",
    "/flexi/C/demo_s_r_o_": "not a company URL",
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("url_path", REFUSED)
def test_url_paths_that_change_on_the_wire_are_refused_before_any_request(url_path, path, emulator, run_module):
    args = {"url": emulator.url + url_path, "company": "demo_s_r_o_", "username": "admin", "password": "admin-secret"}

    result = run_on(path, run_module, "flexi_smtp_info", args)

    assert result["failed"] is True
    assert REFUSED[url_path] in result["msg"]
    assert emulator.requests == []


@pytest.mark.parametrize("path", PATHS)
def test_failure_reports_the_url_as_sent(path, emulator_factory, run_module):
    emulator = emulator_factory(path_prefix="/flexi")
    args = {
        "url": emulator.origin + "/fl%65xi",
        "company": "neni_s_r_o_",
        "username": "admin",
        "password": "admin-secret",
    }

    result = run_on(path, run_module, "flexi_smtp_info", args)

    assert result["status"] == 404
    assert [entry.path for entry in emulator.requests] == ["/flexi" + COMPANY_PATH]
    assert result["url"] == emulator.origin + "/flexi" + COMPANY_PATH
