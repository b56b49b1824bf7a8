"""`validate_certs: false` silences urllib3's warning for its own requests only, not for the rest of the process."""

from __future__ import annotations

import warnings

import pytest
from urllib3.exceptions import InsecureRequestWarning

from tests.support.paths import PATHS, run_on


def insecure_filters() -> list[tuple]:
    return [entry for entry in warnings.filters if entry[2] is InsecureRequestWarning]


@pytest.mark.parametrize("path", PATHS)
def test_unverified_run_leaves_the_process_warning_filters_as_they_were(path, emulator_factory, run_module):
    emulator = emulator_factory(tls=True)
    args = {"url": emulator.url, "company": "demo_s_r_o_", "username": "admin", "password": "admin-secret"}
    before = insecure_filters()

    result = run_on(path, run_module, "flexi_smtp_info", {**args, "validate_certs": False})

    assert "failed" not in result, result
    assert insecure_filters() == before
