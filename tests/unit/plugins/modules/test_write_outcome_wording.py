"""A failed write says the outcome is unknown only when the PUT may have reached Flexi, on both paths."""

from __future__ import annotations

import pytest

from tests.emulator.faults import Fault
from tests.support.modules import API_PASSWORD, API_USER, COMPANY
from tests.support.paths import PATHS, run_on

UNKNOWN = "Whether the settings were saved is unknown"
CASES = {
    # fault, whether the write may have reached Flexi
    "server gone before the write (refused)": (Fault("vanish", method="GET"), False),
    "connection dropped after the write was sent": (Fault("drop", method="PUT", times=None), True),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES)
def test_unknown_outcome_is_said_only_when_the_write_may_have_arrived(case, path, emulator_factory, run_module):
    fault, may_have_arrived = CASES[case]
    server = emulator_factory()  # its own: a server that vanished stays gone
    server.inject(fault)
    args = {"url": server.url, "company": COMPANY, "username": API_USER, "password": API_PASSWORD}

    result = run_on(path, run_module, "flexi_smtp", {**args, "host": "smtp.example.org"})

    assert result["failed"] is True
    assert result["status"] == -1
    assert result["method"] == "PUT"
    assert (UNKNOWN in result["msg"]) is may_have_arrived, result["msg"]
