"""Injected faults: what a broken Flexi (or the proxy in front of it) answers."""

from __future__ import annotations

import http.client

import pytest
import requests
from lxml import etree

from tests.emulator.faults import Fault

NGINX_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def test_slow_fault_delays_the_normal_answer(flexi):
    flexi.emulator.inject(Fault("slow", delay=0.5))

    with pytest.raises(requests.exceptions.ReadTimeout):
        flexi.session.get(flexi.url(), timeout=0.1)


def test_slow_fault_answers_normally_after_the_delay(flexi):
    flexi.emulator.inject(Fault("slow", delay=0.1))

    answer = flexi.get()

    assert answer.status_code == 200
    assert "<nastaveni-smtp>" in answer.text


def test_slow_write_still_stores(flexi, body):
    flexi.emulator.inject(Fault("slow", delay=0.05))

    flexi.write(body(host="smtp.example.cz"))

    assert flexi.emulator.state.stored()["host"] == "smtp.example.cz"


@pytest.mark.parametrize("status", [500, 503, 402, 403, 404])
def test_status_fault_answers_flexi_error_document(flexi, status):
    flexi.emulator.inject(Fault("status", status=status))

    answer = flexi.get()

    document = etree.fromstring(answer.content)
    assert answer.status_code == status
    assert document.findtext("success") == "false"
    assert document.findtext("message")


def test_status_fault_defaults_to_500(flexi):
    flexi.emulator.inject(Fault("status"))

    assert flexi.get().status_code == 500


def test_status_fault_uses_configured_error_shape(flexi_with):
    client = flexi_with(error_shape="result-error")
    client.emulator.inject(Fault("status", status=503))

    answer = client.get()

    assert etree.fromstring(answer.content).findtext("results/result/error")


def test_status_401_fault_answers_json_and_asks_for_basic_auth(flexi):
    flexi.emulator.inject(Fault("status", status=401))

    answer = flexi.get()

    assert answer.status_code == 401
    assert answer.json()["winstrom"]["message"] == "Authorization required"
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="ABRA Flexi"'


def test_faulted_write_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("status", status=500))

    flexi.write(body(host="smtp.example.cz"))

    assert flexi.emulator.state.stored()["host"] == ""


def test_html_fault_answers_nginx_502_page(flexi):
    flexi.emulator.inject(Fault("html"))

    answer = flexi.get()

    assert answer.status_code == 502
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.text == NGINX_502


def test_html_fault_takes_other_gateway_status(flexi):
    flexi.emulator.inject(Fault("html", status=504))

    answer = flexi.get()

    assert answer.status_code == 504
    assert "504 Gateway Timeout" in answer.text


def test_malformed_fault_answers_200_with_truncated_xml(flexi):
    flexi.emulator.inject(Fault("malformed"))

    answer = flexi.get()

    assert answer.status_code == 200
    assert answer.text.startswith('<?xml version="1.0" ?>\n<nastaveni-smtp>')
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(answer.content)


def test_malformed_fault_on_write_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("malformed", method="PUT"))

    answer = flexi.write(body(host="smtp.example.cz"))

    assert answer.status_code == 200
    assert answer.text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<winstrom')
    assert flexi.emulator.state.stored()["host"] == ""


def test_empty_fault_answers_200_with_empty_body(flexi):
    flexi.emulator.inject(Fault("empty"))

    answer = flexi.get()

    assert answer.status_code == 200
    assert answer.content == b""
    assert answer.headers["Content-Length"] == "0"


def test_drop_fault_closes_connection_without_answer(flexi):
    flexi.emulator.inject(Fault("drop"))

    with pytest.raises(requests.exceptions.ConnectionError):
        flexi.get()


def test_drop_fault_is_recorded_with_status_minus_one(flexi):
    flexi.emulator.inject(Fault("drop"))

    with pytest.raises(requests.exceptions.ConnectionError):
        flexi.get()

    assert flexi.emulator.requests[0].status == -1


def test_dropped_write_stores_nothing(flexi, body):
    flexi.emulator.inject(Fault("drop", method="PUT"))

    with pytest.raises(requests.exceptions.ConnectionError):
        flexi.write(body(host="smtp.example.cz"))

    assert flexi.emulator.state.stored()["host"] == ""


def test_client_can_reconnect_after_drop(flexi):
    flexi.emulator.inject(Fault("drop"))
    with pytest.raises(requests.exceptions.ConnectionError):
        flexi.get()

    answer = flexi.get()

    assert answer.status_code == 200


def test_drop_mid_body_fault_sends_headers_then_part_of_the_body(flexi):
    flexi.emulator.inject(Fault("drop_mid_body"))
    connection = http.client.HTTPConnection("127.0.0.1", flexi.emulator.port, timeout=10)
    connection.request(
        "GET", "/c/demo_s_r_o_/nastaveni/smtp", headers={"Authorization": "Basic YWRtaW46YWRtaW4tc2VjcmV0"}
    )

    response = connection.getresponse()

    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead) as incomplete:
        response.read()
    assert 0 < len(incomplete.value.partial) < int(response.headers["Content-Length"])
    connection.close()


def test_drop_mid_body_fault_fails_a_requests_client(flexi):
    flexi.emulator.inject(Fault("drop_mid_body"))

    with pytest.raises(requests.exceptions.RequestException):
        flexi.get()

    assert flexi.emulator.requests[0].status == -1


def test_fault_with_method_only_hits_that_method(flexi, body):
    flexi.emulator.inject(Fault("status", status=500, method="PUT"))

    read = flexi.get()
    write = flexi.write(body(host="smtp.example.cz"))

    assert (read.status_code, write.status_code) == (200, 500)


def test_fault_with_match_query_only_hits_test_mail(flexi):
    flexi.emulator.inject(Fault("status", status=503, match_query="testMail"))

    read = flexi.get()
    test_mail = flexi.test_mail("adresat@example.cz")

    assert (read.status_code, test_mail.status_code) == (200, 503)


def test_fault_is_used_once_by_default(flexi):
    flexi.emulator.inject(Fault("status", status=500))

    statuses = [flexi.get().status_code for _attempt in range(2)]

    assert statuses == [500, 200]


def test_fault_with_times_hits_that_many_requests(flexi):
    flexi.emulator.inject(Fault("status", status=500, times=2))

    statuses = [flexi.get().status_code for _attempt in range(3)]

    assert statuses == [500, 500, 200]


def test_fault_with_times_none_hits_every_request(flexi):
    flexi.emulator.inject(Fault("status", status=503, times=None))

    statuses = [flexi.get().status_code for _attempt in range(4)]

    assert statuses == [503] * 4


def test_faults_are_consumed_in_injection_order(flexi):
    flexi.emulator.inject(Fault("status", status=500))
    flexi.emulator.inject(Fault("html"))

    statuses = [flexi.get().status_code for _attempt in range(3)]

    assert statuses == [500, 502, 200]


def test_fault_applies_before_authentication(flexi):
    flexi.emulator.inject(Fault("html"))

    answer = requests.get(flexi.url(), timeout=10)

    assert answer.status_code == 502


def test_faulted_request_is_recorded_with_its_status(flexi):
    flexi.emulator.inject(Fault("html", status=503))

    flexi.get()

    assert flexi.emulator.requests[0].status == 503


def test_faulted_test_mail_sends_nothing(flexi, smtp_sink):
    flexi.emulator.state.store(host=smtp_sink.host, port=smtp_sink.port, encryptionMode="NEVER")
    flexi.emulator.inject(Fault("status", status=500, match_query="testMail"))

    flexi.test_mail("adresat@example.cz")

    assert smtp_sink.messages == []


def test_reset_forgets_pending_faults(flexi):
    flexi.emulator.inject(Fault("status", status=500, times=None))

    flexi.emulator.reset()

    assert flexi.get().status_code == 200


@pytest.mark.parametrize(
    "arguments",
    [{"kind": "explode"}, {"kind": "status", "times": 0}, {"kind": "slow", "delay": -1}],
)
def test_fault_rejects_invalid_arguments(arguments):
    with pytest.raises(ValueError):
        Fault(**arguments)
