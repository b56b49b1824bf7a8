"""`<success>false</success>` anywhere in Flexi's answer fails the task with Flexi's message, on both paths."""

from __future__ import annotations

import pytest

from tests.emulator.documents import XML_TYPE
from tests.emulator.faults import Fault
from tests.support.paths import PATHS, run_on

SETTINGS = "<nastaveni-smtp><host>smtp.example.com</host><port>465</port></nastaveni-smtp>"
REFUSED = f"<winstrom><success>false</success><message>Licence neplatná</message>{SETTINGS}</winstrom>"
NESTED = (
    "<winstrom><success>true</success><results><result><success>false</success>"
    "<message>Licence neplatná</message></result></results></winstrom>"
)
# request -> (module, extra options, fault)
CASES = {
    "read": ("flexi_smtp_info", {}, Fault("raw", method="GET", body=REFUSED, content_type=XML_TYPE)),
    "write": ("flexi_smtp", {"host": "smtp.example.org"}, Fault("raw", status=201, method="PUT", body=NESTED)),
    "test mail": (
        "flexi_smtp",
        {"test_email": "ops@example.com", "test_email_when": "always"},
        Fault("raw", match_query="testMail", body=REFUSED, content_type=XML_TYPE),
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("request_kind", CASES)
def test_success_false_in_the_answer_fails_quoting_flexi(request_kind, path, emulator, module_args, run_module):
    module, extra, fault = CASES[request_kind]
    emulator.inject(fault)

    result = run_on(path, run_module, module, {**module_args, **extra})

    assert result["failed"] is True, result
    assert result["status"] in (200, 201)
    assert "Licence neplatná" in result["msg"]
    assert result.get("test_email", {}).get("sent") is not True
