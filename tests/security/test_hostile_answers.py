"""Hostile XML from a server posing as Flexi: refused or read safely, never reading files or the network.

Each answer comes from the emulator's raw or endless fault through the module's main(). A second emulator, the
canary, stands at every external address the documents name and must never be contacted; a file with a known
secret stands at every file path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ansible_collections.abraflexi.flexi.plugins.module_utils import _settings_xml as settings_xml
from tests.emulator.documents import XML_TYPE
from tests.emulator.faults import Fault
from tests.emulator.server import EmulatorServer

COMPANY = "demo_s_r_o_"
FILE_CONTENT = "CONTENT-OF-A-LOCAL-FILE-7f3a"
DTD_REFUSED = "the answer carries a DTD (<!DOCTYPE>), which Flexi never sends; refusing to read it"
# Ten levels of ten references each: about 3 GB of "lol" if a parser expanded it.
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10))
    + "]><nastaveni-smtp><host>&lol9;</host></nastaveni-smtp>"
).encode()


@pytest.fixture
def local_file(tmp_path: Path) -> Path:
    secret_file = tmp_path / "local-secret.txt"
    secret_file.write_text(FILE_CONTENT)
    return secret_file


@pytest.fixture
def canary(emulator_factory) -> EmulatorServer:
    """A server no document may make anyone contact (it counts every TCP connection); it answers the file's secret."""
    canary = emulator_factory()
    canary.inject(Fault("raw", status=200, body=f"<host>{FILE_CONTENT}</host>", content_type=XML_TYPE, times=None))
    return canary


def hostile_documents(local_file: Path, canary_url: str) -> dict[str, bytes]:
    """Documents that would read a file or contact the canary if a parser resolved what they ask for."""
    return {
        "external file entity": (
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{local_file}">]>'
            "<nastaveni-smtp><host>&xxe;</host></nastaveni-smtp>"
        ).encode(),
        "external network entity": (
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "{canary_url}/entity">]>'
            "<nastaveni-smtp><host>&xxe;</host></nastaveni-smtp>"
        ).encode(),
        "external DTD": (
            f'<?xml version="1.0"?><!DOCTYPE nastaveni-smtp SYSTEM "{canary_url}/smtp.dtd">'
            "<nastaveni-smtp><host>&fromdtd;</host></nastaveni-smtp>"
        ).encode(),
        "parameter entity": (
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % remote SYSTEM "{canary_url}/param.dtd"> %remote;]>'
            "<nastaveni-smtp><host>h</host></nastaveni-smtp>"
        ).encode(),
        "DTD in UTF-16": (
            f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{local_file}">]>'
            "<nastaveni-smtp><host>&xxe;</host></nastaveni-smtp>"
        ).encode("utf-16"),
    }


HOSTILE = ["external file entity", "external network entity", "external DTD", "parameter entity", "DTD in UTF-16"]


@pytest.fixture
def flexi_reading(emulator_factory):
    """``flexi_reading(body, status=200)``: an emulator answering every read with ``body``; writes as Flexi does."""

    def start(read_body: bytes, status: int = 200) -> EmulatorServer:
        emulator = emulator_factory()
        emulator.inject(Fault("raw", status=status, body=read_body, content_type=XML_TYPE, method="GET", times=None))
        return emulator

    return start


def args_for(url: str, **options: Any) -> dict[str, Any]:
    return {"url": url, "company": COMPANY, "username": "admin", "password": "admin-secret", **options}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_read_answer_is_refused_before_parsing_reading_no_file_and_no_network(
    flexi_reading, run_module, local_file, canary, name
):
    flexi = flexi_reading(hostile_documents(local_file, canary.url)[name])

    result = run_module("flexi_smtp", args_for(flexi.url, host="new.example.com"))

    assert result["failed"] is True
    assert result["msg"].endswith(f", but {DTD_REFUSED}.")
    assert [request.method for request in flexi.requests] == ["GET"]
    assert FILE_CONTENT not in run_module.outputs[-1]
    assert canary.connections_accepted == 0


@pytest.mark.parametrize("name", HOSTILE)
def test_parser_resolves_nothing_even_without_the_dtd_check(local_file, canary, name):
    # Defence in depth: were the <!DOCTYPE> check gone, the parser itself reads no file and opens no connection.
    body = hostile_documents(local_file, canary.url)[name]

    try:
        root = settings_xml.etree.fromstring(body, parser=settings_xml._parser())
        text = settings_xml.etree.tostring(root, encoding="unicode")
    except settings_xml.etree.XMLSyntaxError as exc:
        text = str(exc)

    assert FILE_CONTENT not in text
    assert canary.connections_accepted == 0


def test_xinclude_is_not_processed(flexi_reading, run_module, local_file, canary):
    # No DTD needed for XInclude, so the document passes the DTD check; the include must stay an inert element.
    document = (
        '<nastaveni-smtp xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<host><xi:include href="file://{local_file}" parse="text"/></host>'
        f'<username><xi:include href="{canary.url}/include" parse="text"/></username>'
        "</nastaveni-smtp>"
    ).encode()
    flexi = flexi_reading(document)

    result = run_module("flexi_smtp_info", args_for(flexi.url))

    assert (result["settings"]["host"], result["settings"]["smtp_username"]) == ("", "")
    assert FILE_CONTENT not in run_module.outputs[-1]
    assert canary.connections_accepted == 0


def test_entity_expansion_bomb_in_an_error_answer_yields_no_message(flexi_reading, run_module):
    flexi = flexi_reading(BILLION_LAUGHS, status=500)

    result = run_module("flexi_smtp", args_for(flexi.url, host="new.example.com"))

    assert result["msg"] == (
        f"Flexi answered HTTP 500 to GET {flexi.url}/c/{COMPANY}/nastaveni/smtp without a Flexi message (see response)."
    )


def test_endless_answer_is_cut_off(emulator_factory, run_module):
    # Chunked, without Content-Length and without end: the client must stop reading on its own.
    flexi = emulator_factory()
    flexi.inject(Fault("endless", body="<nastaveni-smtp><host>", times=None))

    result = run_module("flexi_smtp_info", args_for(flexi.url))

    assert result["msg"].endswith(", but the answer is larger than 1048576 bytes, far more than a Flexi document.")
