"""Authentication, rights, routes, formats and methods around the SMTP resource."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.tests.flexi_client import ADMIN, CLERK, SMTP_PATH, document, message_of, settings_body


@pytest.mark.parametrize(
    ("method", "path", "auth"),
    [
        ("GET", SMTP_PATH, None),
        ("GET", SMTP_PATH, ("admin", "wrong")),
        ("GET", SMTP_PATH + ".xml", ("nobody", "admin-secret")),
        ("PUT", SMTP_PATH, None),
        ("GET", "/status.json", None),
    ],
)
def test_missing_or_wrong_credentials_answer_json_401_asking_for_basic_auth(flexi, method, path, auth):
    answer = requests.request(method, flexi.url(path), auth=auth, data=b"<nastaveni-smtp/>", timeout=10)

    assert answer.status_code == 401
    assert answer.text == document("error_401.json")
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="ABRA Flexi"'
    assert flexi.emulator.state.stored()["host"] == ""


def test_status_json_reports_running_app_server_even_to_a_limited_user(flexi):
    answer = flexi.get("/status.json", auth=CLERK)

    status = answer.json()["status"]
    assert answer.status_code == 200
    assert (status["appServerRunning"], status["version"]) == ("true", "2025.x-emulator")


def test_company_list_has_the_public_clients_shape(flexi_with):
    client = flexi_with(companies=("demo_s_r_o_", "druha_firma"))

    answer = client.get("/c.json")

    companies = answer.json()["companies"]["company"]
    assert [company["dbNazev"] for company in companies] == ["demo_s_r_o_", "druha_firma"]
    assert all(company["stavEnum"] == "ESTABLISHED" and company["nazev"] for company in companies)


@pytest.mark.parametrize(
    ("method", "path", "auth", "status", "wording"),
    [
        *((method, path, CLERK, 403, "Přístup ke všem firmám") for method, path in (
            ("GET", SMTP_PATH), ("PUT", SMTP_PATH), ("GET", SMTP_PATH + "?testMail=adresat@example.cz"),
        )),
        ("GET", "/c/neexistuje/nastaveni/smtp", ADMIN, 404, "Firma 'neexistuje' neexistuje."),
        ("GET", "/c/demo_s_r_o_/faktura-vydana", ADMIN, 404, "'/c/demo_s_r_o_/faktura-vydana' neexistuje"),
        ("GET", "/nothing-here", ADMIN, 404, "'/nothing-here' neexistuje"),
        ("DELETE", SMTP_PATH, ADMIN, 405, "Metoda DELETE"),
        ("GET", SMTP_PATH + ".csv", ADMIN, 406, "Nepodporovaný formát 'csv'"),
        ("GET", SMTP_PATH + ".pdf", ADMIN, 406, "Nepodporovaný formát 'pdf'"),
    ],
)  # fmt: skip
def test_limited_user_or_unknown_company_path_method_or_format_answers_its_status(
    flexi, method, path, auth, status, wording
):
    flexi.emulator.state.store(host="smtp.example.cz")

    answer = flexi.request(method, path, auth=auth, data=settings_body(host="evil.example.cz").encode())

    assert answer.status_code == status
    assert wording in message_of(answer)
    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"
    if status == 405:
        assert "GET" in answer.headers["Allow"]
