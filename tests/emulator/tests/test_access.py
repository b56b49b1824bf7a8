"""Authentication, rights, routes, formats and methods around the SMTP resource."""

from __future__ import annotations

import pytest
import requests
from lxml import etree

from tests.emulator.tests.flexi_client import CLERK, SMTP_PATH

AUTH_REQUIRED = {"winstrom": {"@version": "1.0", "success": "false", "message": "Authorization required"}}


def test_request_without_credentials_answers_401_json(flexi):
    answer = requests.get(flexi.url(), timeout=10)

    assert answer.status_code == 401
    assert answer.json() == AUTH_REQUIRED
    assert answer.headers["Content-Type"].startswith("application/json")


def test_401_asks_for_basic_auth_in_flexi_realm(flexi):
    answer = requests.get(flexi.url(), timeout=10)

    assert answer.headers["WWW-Authenticate"] == 'Basic realm="ABRA Flexi"'


def test_request_with_wrong_password_answers_401(flexi):
    answer = flexi.get(auth=("admin", "wrong"))

    assert answer.status_code == 401
    assert answer.json() == AUTH_REQUIRED


def test_xml_request_with_wrong_password_still_gets_json_401(flexi):
    answer = flexi.get(SMTP_PATH + ".xml", auth=("nobody", "admin-secret"))

    assert answer.status_code == 401
    assert answer.json() == AUTH_REQUIRED


def test_write_without_credentials_is_refused_and_stores_nothing(flexi, body):
    answer = requests.put(flexi.url(), data=body(host="evil.example.cz"), timeout=10)

    assert answer.status_code == 401
    assert flexi.emulator.state.stored()["host"] == ""


def test_status_json_needs_authentication(flexi):
    answer = requests.get(flexi.url("/status.json"), timeout=10)

    assert answer.status_code == 401


def test_status_json_reports_running_app_server(flexi):
    answer = flexi.get("/status.json")

    status = answer.json()["status"]
    assert answer.status_code == 200
    assert status["appServerRunning"] == "true"
    assert status["version"] == "2025.x-emulator"


def test_company_list_has_the_public_clients_shape(flexi_with):
    client = flexi_with(companies=("demo_s_r_o_", "druha_firma"))

    answer = client.get("/c.json")

    companies = answer.json()["companies"]["company"]
    assert [company["dbNazev"] for company in companies] == ["demo_s_r_o_", "druha_firma"]
    assert all(company["stavEnum"] == "ESTABLISHED" and company["nazev"] for company in companies)


def test_user_with_special_characters_in_password_can_log_in(flexi_with):
    client = flexi_with(users={"správce": 'p:%&<"é'})

    answer = client.get(auth=("správce", 'p:%&<"é'))

    assert answer.status_code == 200


def test_limited_user_gets_403_on_smtp_settings(flexi):
    answer = flexi.get(auth=CLERK)

    assert answer.status_code == 403
    assert "Přístup ke všem firmám" in etree.fromstring(answer.content).findtext("message")


def test_limited_user_cannot_write_smtp_settings(flexi, body):
    answer = flexi.write(body(host="evil.example.cz"), auth=CLERK)

    assert answer.status_code == 403
    assert flexi.emulator.state.stored()["host"] == ""


def test_limited_user_cannot_send_test_mail(flexi):
    answer = flexi.test_mail("adresat@example.cz", auth=CLERK)

    assert answer.status_code == 403


def test_limited_user_may_read_server_status(flexi):
    answer = flexi.get("/status.json", auth=CLERK)

    assert answer.status_code == 200


def test_unknown_company_answers_404_error_document(flexi):
    answer = flexi.get("/c/neexistuje/nastaveni/smtp")

    assert answer.status_code == 404
    assert "neexistuje" in etree.fromstring(answer.content).findtext("message")


def test_unknown_path_answers_404(flexi):
    answer = flexi.get("/c/demo_s_r_o_/faktura-vydana")

    assert answer.status_code == 404


def test_path_outside_companies_answers_404(flexi):
    answer = flexi.get("/nothing-here")

    assert answer.status_code == 404


def test_delete_on_smtp_settings_answers_405(flexi):
    flexi.emulator.state.store(host="smtp.example.cz")

    answer = flexi.session.delete(flexi.url(), timeout=10)

    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"


def test_head_on_smtp_settings_answers_405_without_body(flexi):
    answer = flexi.session.head(flexi.url(), timeout=10)

    assert answer.status_code == 405
    assert answer.content == b""
    assert int(answer.headers["Content-Length"]) > 0


@pytest.mark.parametrize("suffix", [".csv", ".html", ".pdf"])
def test_other_format_suffix_answers_406(flexi, suffix):
    answer = flexi.get(SMTP_PATH + suffix)

    assert answer.status_code == 406


def test_error_documents_follow_json_suffix(flexi):
    answer = flexi.get("/c/demo_s_r_o_/nastaveni/smtp.json", auth=CLERK)

    assert answer.status_code == 403
    assert answer.json()["winstrom"]["success"] == "false"
