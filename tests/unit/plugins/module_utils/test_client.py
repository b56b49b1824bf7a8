from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient, environment_proxies
from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_settings
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import build_document
from tests.emulator.faults import Fault


@pytest.fixture
def make_client():
    """Build clients for an emulator; backoff pauses are recorded in ``client.pauses`` instead of slept."""
    clients = []

    def make(emulator, **overrides):
        params = {
            "url": overrides.pop("url", None) or emulator.url,
            "company": "demo_s_r_o_",
            "username": "admin",
            "password": "admin-secret",
            "validate_certs": True,
            "ca_path": None,
            "timeout": 30,
            **overrides,
        }
        client = FlexiClient(connection_settings(params))
        client.pauses = []
        client.sleep = client.pauses.append
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.session.close()


def test_read_is_one_get_with_basic_auth_and_xml_accepted(emulator, make_client):
    client = make_client(emulator)

    settings = client.read_settings()

    assert settings.password_set is False
    (request,) = emulator.requests
    assert (request.method, request.path, request.user) == ("GET", "/c/demo_s_r_o_/nastaveni/smtp", "admin")


def test_write_then_read_reuses_one_connection(emulator, make_client):
    client = make_client(emulator)

    client.read_settings()
    client.write_settings(build_document({"host": "smtp.example.com"}))

    assert len(client.session.adapters["http://"].poolmanager.pools) == 1
    assert emulator.state.stored()["host"] == "smtp.example.com"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_read_is_retried_on_gateway_errors(emulator, make_client, status):
    emulator.inject(Fault(kind="status", status=status, method="GET"))
    client = make_client(emulator)

    client.read_settings()

    assert [r.status for r in emulator.requests] == [status, 200]
    assert client.pauses == [0.5]


def test_read_is_retried_after_a_dropped_connection(emulator, make_client):
    emulator.inject(Fault(kind="drop", method="GET"))
    client = make_client(emulator)

    client.read_settings()

    assert [r.status for r in emulator.requests] == [-1, 200]


def test_read_is_retried_after_an_answer_cut_short(emulator, make_client):
    emulator.inject(Fault(kind="drop_mid_body", method="GET"))
    client = make_client(emulator)

    client.read_settings()

    assert len(emulator.requests) == 2


def test_retries_stop_after_three_attempts_with_the_last_answer(emulator, make_client):
    emulator.inject(Fault(kind="status", status=503, method="GET", times=None))
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert len(emulator.requests) == 3
    assert caught.value.status == 503
    assert client.pauses == [0.5, 1.5]


def test_backoff_never_waits_past_the_timeout(emulator, make_client):
    emulator.inject(Fault(kind="status", status=503, method="GET", times=None))
    client = make_client(emulator, timeout=1)

    with pytest.raises(FlexiError):
        client.read_settings()

    assert client.pauses == [0.5]
    assert len(emulator.requests) == 2


def test_write_is_retried_after_a_dropped_connection_and_stored_once(emulator, make_client):
    emulator.inject(Fault(kind="drop", method="PUT"))
    client = make_client(emulator)

    client.write_settings(build_document({"port": 587}))

    assert [w.status for w in emulator.writes()] == [-1, 201]
    assert emulator.state.stored()["port"] == "587"


def test_test_mail_is_never_retried(emulator, make_client):
    emulator.inject(Fault(kind="drop", match_query="testMail"))
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.send_test_mail("it@example.com")

    assert len(emulator.test_mail_requests()) == 1
    assert caught.value.status == -1
    assert caught.value.url.endswith("/nastaveni/smtp?testMail=it%40example.com")


def test_slow_answer_beyond_timeout_fails_without_http_status(emulator, make_client):
    emulator.inject(Fault(kind="slow", delay=2.0, method="GET"))
    client = make_client(emulator, timeout=1)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == -1
    assert "did not answer within 1 s" in caught.value.msg
    assert "raise timeout" in caught.value.msg


def test_proxy_html_page_reports_status_and_keeps_the_body(emulator, make_client):
    emulator.inject(Fault(kind="html", status=502, times=None))
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == 502
    assert "without a Flexi message (see response)" in caught.value.msg
    assert "502 Bad Gateway" in caught.value.response


@pytest.mark.parametrize(("kind", "reason"), [("malformed", "not well-formed XML"), ("empty", "the answer is empty")])
def test_unreadable_read_answer_is_reported_with_its_status(emulator, make_client, kind, reason):
    emulator.inject(Fault(kind=kind, method="GET"))
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == 200
    assert reason in caught.value.msg


def test_unreadable_write_answer_says_the_outcome_is_unknown(emulator, make_client):
    emulator.inject(Fault(kind="malformed", method="PUT"))
    client = make_client(emulator)

    with pytest.raises(FlexiError, match="Whether the settings were saved is unknown"):
        client.write_settings(build_document({"port": 587}))


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (401, "Check username and password"),
        (403, "ADMIN role with the server right 'access all companies'"),
        (404, "Check company"),
    ],
)
def test_access_errors_add_what_to_check(emulator, make_client, status, hint):
    emulator.inject(Fault(kind="status", status=status))
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == status
    assert hint in caught.value.msg


def test_limited_user_gets_403_with_flexi_message(emulator_factory, make_client):
    emulator = emulator_factory(limited_users={"clerk": "clerk-secret"})
    client = make_client(emulator, username="clerk", password="clerk-secret")

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == 403
    assert caught.value.msg.startswith(f"Flexi answered HTTP 403 to GET {emulator.url}/c/demo_s_r_o_/nastaveni/smtp: ")


def test_unknown_company_is_404(emulator, make_client):
    client = make_client(emulator, company="no such company")

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == 404
    assert "/c/no%20such%20company/nastaveni/smtp" in caught.value.url


def test_refused_connection_is_status_minus_one_with_the_reason(make_client, emulator):
    url = emulator.url
    emulator.stop()
    client = make_client(emulator, url=url, timeout=1)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == -1
    assert "Connection refused" in caught.value.msg
    assert "object at 0x" not in caught.value.msg


def test_self_signed_server_fails_verification_by_default_with_advice(emulator_factory, make_client):
    emulator = emulator_factory(tls=True)
    client = make_client(emulator)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == -1
    assert "TLS failure" in caught.value.msg
    assert "Set ca_path" in caught.value.msg
    assert emulator.requests == []


def test_ca_path_makes_a_self_signed_server_trusted(emulator_factory, make_client):
    emulator = emulator_factory(tls=True)
    client = make_client(emulator, ca_path=emulator.ca_path)

    assert client.read_settings().password_set is False


def test_validate_certs_false_accepts_a_self_signed_server(emulator_factory, make_client):
    emulator = emulator_factory(tls=True)
    client = make_client(emulator, validate_certs=False)

    client.read_settings()

    assert len(emulator.requests) == 1


def test_certificate_for_another_name_is_refused_even_with_ca_path(emulator_factory, make_client):
    emulator = emulator_factory(tls=True, tls_hostname="flexi.other.example")
    client = make_client(emulator, ca_path=emulator.ca_path)

    with pytest.raises(FlexiError) as caught:
        client.read_settings()

    assert caught.value.status == -1
    assert "TLS failure" in caught.value.msg


PROXY = "http://proxy.example.com:3128"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, {}),
        ({"http_proxy": PROXY}, {"http": PROXY}),
        ({"HTTPS_PROXY": PROXY}, {"https": PROXY}),
        ({"all_proxy": PROXY}, {}),
        ({"HTTP_PROXY": PROXY, "http_proxy": ""}, {}),
        ({"http_proxy": PROXY, "no_proxy": "flexi.example.com"}, {}),
        ({"http_proxy": PROXY, "no_proxy": ".example.com"}, {}),
        ({"http_proxy": PROXY, "no_proxy": "*"}, {}),
        ({"http_proxy": PROXY, "NO_PROXY": "flexi.example.com", "no_proxy": ""}, {"http": PROXY}),
        ({"http_proxy": PROXY, "no_proxy": "other.example.com"}, {"http": PROXY}),
    ],
)
def test_environment_proxies_read_the_environment_as_urllib_does(monkeypatch, environment, expected):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    proxies = environment_proxies("http://flexi.example.com:5434/flexi/c/x/nastaveni/smtp")

    assert proxies == expected
