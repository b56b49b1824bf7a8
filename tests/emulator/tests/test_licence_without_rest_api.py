"""A licence without the REST API: reads answer 404 and writes 402, as the vendor documents."""

from __future__ import annotations


def test_licence_without_rest_api_answers_reads_404_and_writes_402(flexi_with, body):
    client = flexi_with(licence="no-rest-api")

    assert client.get().status_code == 404
    assert client.write(body(host="smtp.example.cz")).status_code == 402
