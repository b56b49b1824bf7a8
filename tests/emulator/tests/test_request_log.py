"""The request log tests use to assert what reached "Flexi" (and that no secret is kept)."""

from __future__ import annotations

import time

import requests

from tests.emulator.state import RecordedRequest
from tests.emulator.tests.flexi_client import SMTP_PATH


def test_log_records_method_path_query_user_and_status(flexi):
    flexi.get(params={"detail": "full"})

    assert flexi.emulator.requests == [
        RecordedRequest(
            method="GET",
            path=SMTP_PATH,
            query={"detail": "full"},
            user="admin",
            fields=(),
            password_present=False,
            body="",
            status=200,
            connection=1,
        )
    ]


def test_log_keeps_arrival_order(flexi, body):
    flexi.get()
    flexi.write(body(host="smtp.example.cz"))
    flexi.get("/status.json")

    assert [(entry.method, entry.path) for entry in flexi.emulator.requests] == [
        ("GET", SMTP_PATH),
        ("PUT", SMTP_PATH),
        ("GET", "/status.json"),
    ]


def test_log_records_written_fields_in_document_order(flexi, body):
    flexi.write(body(port="587", host="smtp.example.cz", password="tajne"))

    assert flexi.emulator.writes()[0].fields == ("port", "host", "password")


def test_log_notes_a_password_element_without_keeping_its_value(flexi, body):
    flexi.write(body(host="smtp.example.cz", password='tajne&"heslo'))

    entry = flexi.emulator.writes()[0]
    assert entry.password_present is True
    assert entry.body == "<nastaveni-smtp><host>smtp.example.cz</host><password><redacted></password></nastaveni-smtp>"


def test_log_redacts_password_of_a_write_that_fails_validation(flexi, body):
    flexi.write(body(port="abc", password="tajne-heslo"))

    entry = flexi.emulator.writes()[0]
    assert entry.status == 400
    assert "tajne-heslo" not in entry.body
    assert entry.password_present is True


def test_log_redacts_password_of_a_malformed_write(flexi):
    flexi.write("<nastaveni-smtp><password>tajne-heslo</password><host>")

    entry = flexi.emulator.writes()[0]
    assert "tajne-heslo" not in entry.body
    assert entry.password_present is True


def test_log_redacts_password_in_cdata(flexi):
    flexi.write("<nastaveni-smtp><password><![CDATA[tajne</password>heslo]]></password></nastaveni-smtp>")

    entry = flexi.emulator.writes()[0]
    assert "tajne" not in entry.body
    assert "heslo" not in entry.body


def test_log_never_keeps_the_basic_auth_password(flexi):
    flexi.get(auth=("admin", "admin-secret"))

    assert "admin-secret" not in repr(flexi.emulator.requests)


def test_log_records_unauthenticated_requests_with_their_user(flexi):
    requests.get(flexi.url(), auth=("intruder", "guess"), timeout=10)
    requests.get(flexi.url(), timeout=10)

    assert [(entry.user, entry.status) for entry in flexi.emulator.requests] == [("intruder", 401), (None, 401)]


def test_writes_lists_only_put_and_post(flexi, body):
    flexi.get()
    flexi.write(body(host="a.example.cz"), method="PUT")
    flexi.write(body(host="b.example.cz"), method="POST")

    assert [entry.method for entry in flexi.emulator.writes()] == ["PUT", "POST"]


def test_test_mail_requests_lists_only_gets_with_test_mail(flexi):
    flexi.get()
    flexi.test_mail("adresat@example.cz")

    assert [entry.query for entry in flexi.emulator.test_mail_requests()] == [{"testMail": "adresat@example.cz"}]


def test_requests_is_a_copy(flexi):
    flexi.get()

    flexi.emulator.requests.clear()

    assert len(flexi.emulator.requests) == 1


def test_requests_over_one_keep_alive_connection_share_its_number(flexi, body):
    flexi.get()
    flexi.write(body(host="smtp.example.cz"))
    flexi.test_mail("adresat@example.cz")

    assert [entry.connection for entry in flexi.emulator.requests] == [1, 1, 1]


def test_each_new_connection_gets_the_next_number(emulator):
    for _attempt in range(3):
        requests.get(emulator.url + SMTP_PATH, auth=("admin", "admin-secret"), timeout=10)

    assert [entry.connection for entry in emulator.requests] == [1, 2, 3]


def test_connection_numbers_go_on_after_a_reset(flexi):
    flexi.get()
    flexi.emulator.reset()
    requests.get(flexi.url(), auth=("admin", "admin-secret"), timeout=10)

    assert [entry.connection for entry in flexi.emulator.requests] == [2]


def test_log_notes_when_each_request_arrived(flexi):
    before = time.monotonic()
    flexi.get()
    flexi.get()
    after = time.monotonic()

    first, second = flexi.emulator.requests
    assert before <= first.arrived_at <= second.arrived_at <= after
