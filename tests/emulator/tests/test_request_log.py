"""The request log tests use to assert what reached "Flexi": never holding a secret."""

from __future__ import annotations

import pytest


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
