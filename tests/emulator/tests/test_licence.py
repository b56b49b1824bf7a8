"""Licence answers: no REST API, no writes through it, or not this operation. Flexi's wording and the read that
passes are proved through the modules (tests/security/test_hostile_servers.py,
tests/unit/plugins/modules/test_faults.py)."""

from __future__ import annotations

import pytest

from tests.emulator.tests.flexi_client import settings_body


@pytest.mark.parametrize(
    ("licence", "read", "refused"),
    [("no-rest-write", 200, 402), ("no-rest-api", 404, 402), ("operation-forbidden", 200, 403)],
)
def test_licence_refuses_writes_and_the_test_mail_and_sends_nothing(flexi_with, smtp_sink, licence, read, refused):
    client = flexi_with(licence=licence)
    client.emulator.state.store(host=smtp_sink.host, port=smtp_sink.port, encryptionMode="NEVER")

    write = client.write(settings_body(host="smtp.example.cz"))
    test_mail = client.test_mail("adresat@example.cz")

    assert (client.get().status_code, write.status_code, test_mail.status_code) == (read, refused, refused)
    assert client.emulator.state.stored()["host"] == smtp_sink.host
    assert smtp_sink.messages == []
