"""An answer still coming when `timeout` passes is a timeout, whatever was read so far, on both execution paths."""

from __future__ import annotations

import time

import pytest

from tests.emulator.documents import WRITE_SUCCESS_XML
from tests.emulator.faults import Fault, truncated
from tests.support.paths import PATHS, run_on

TIMEOUT = 2
CASES = {
    "read, whole document then lingering": ("flexi_smtp_info", "GET", None),
    "read, half a document then lingering": ("flexi_smtp_info", "GET", "<winstrom><nastaveni-smtp><host>smtp"),
    "write, whole success then lingering": ("flexi_smtp", "PUT", None),
    "write, half a success then lingering": ("flexi_smtp", "PUT", truncated(WRITE_SUCCESS_XML)),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES)
def test_answer_not_ended_at_the_deadline_is_a_timeout(case, path, emulator, module_args, run_module):
    module, method, opening = CASES[case]
    emulator.inject(Fault("linger", method=method, body=opening, delay=0.5))
    args = {**module_args, "timeout": TIMEOUT, **({"host": "smtp.example.org"} if module == "flexi_smtp" else {})}

    started = time.monotonic()
    result = run_on(path, run_module, module, args)
    elapsed = time.monotonic() - started

    assert result["failed"] is True, result
    assert result["status"] == -1
    assert result["msg"].startswith(f"Flexi did not answer within {TIMEOUT} s ({method} ")
    assert ("Whether the settings were saved is unknown" in result["msg"]) is (method == "PUT")
    assert elapsed < TIMEOUT + 3
