"""A 404 on the read names both causes: a wrong company or url, and a licence without the REST API."""

from __future__ import annotations

import pytest

from tests.support.paths import PATHS, run_on


@pytest.mark.parametrize("path", PATHS)
def test_404_on_the_read_names_the_company_and_the_licence(path, emulator_factory, run_module):
    emulator = emulator_factory(licence="no-rest-api")
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": "admin", "password": "admin-secret"}

    result = run_on(path, run_module, "flexi_smtp_info", args)

    assert result["status"] == 404
    assert "Check company" in result["msg"]
    assert "Flexi also answers 404 to reads when its licence does not include the REST API." in result["msg"]
