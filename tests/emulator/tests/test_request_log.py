"""The request log tests use to assert what reached "Flexi": never holding a secret."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.state import RecordedRequest
from tests.emulator.tests.flexi_client import SMTP_PATH


def test_log_records_method_path_query_user_fields_and_status(flexi, body):
    flexi.get(params={"detail": "full"})
    flexi.write(body(port="587", host="smtp.example.cz", password="tajne"), method="POST")
    flexi.test_mail("adresat@example.cz")
    requests.get(flexi.url(), auth=("intruder", "guess"), timeout=10)

    read, write, test_mail, intruder = flexi.emulator.requests
    assert read == RecordedRequest("GET", SMTP_PATH, {"detail": "full"}, "admin", (), False, "", 200, 1)
    assert (write.method, write.fields, write.password_present, write.status) == (
        "POST",
        ("port", "host", "password"),
        True,
        201,
    )
    assert flexi.emulator.writes() == [write]
    assert flexi.emulator.test_mail_requests() == [test_mail]
    assert (intruder.user, intruder.status, intruder.connection) == ("intruder", 401, 2)


@pytest.mark.parametrize(
    "document",
    [
        "<nastaveni-smtp><host>smtp.example.cz</host><password>tajne&amp;heslo</password></nastaveni-smtp>",
        "<nastaveni-smtp><port>abc</port><password>tajne&amp;heslo</password></nastaveni-smtp>",
        "<nastaveni-smtp><password>tajne&amp;heslo</password><host>",
        "<nastaveni-smtp><password><![CDATA[tajne</password>&amp;heslo]]></password></nastaveni-smtp>",
    ],
    ids=["stored", "failing validation", "malformed", "CDATA"],
)
def test_log_notes_a_password_element_without_keeping_its_value(flexi, document):
    flexi.write(document, auth=("admin", "admin-secret"))

    (entry,) = flexi.emulator.writes()
    assert entry.password_present is True
    assert "<redacted>" in entry.body
    for secret in ("tajne", "heslo", "admin-secret"):
        assert secret not in repr(entry)
