"""The HTML report of the check-mode audit, as Debian's headless Chromium renders it.

The table is read back from the DOM Chromium built (``--dump-dom``), so what is checked is what a reader's browser
sees, not the file's text; what the report says is proved on its JSON (test_audit_playbook.py) and by the renderer's
unit tests. The screenshot is saved to tests/output/audit/ and listed at the end of the run.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from tests.audit.browser import dump_dom, screenshot
from tests.audit.lab import SCRIPT_LOGIN, STATUSES
from tests.audit.playbook_runs import ARTIFACTS, keep_artifact

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dom(audit_run):
    """The page's DOM after Chromium loaded it, parsed."""
    return lxml_html.document_fromstring(dump_dom(audit_run.report_file("html")))


def text(element):
    return " ".join(element.text_content().split())


def rows(dom):
    return {row.get("data-host"): row for row in dom.xpath("//table[@id='drift']/tbody/tr")}


def cell(row, field):
    (found,) = row.xpath(f"./td[@data-field='{field}']")
    return found


def test_screenshot_of_the_report_is_saved(audit_run):
    path = screenshot(audit_run.report_file("html"), ARTIFACTS / "drift-report.png", width=1400, height=760)

    keep_artifact(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000  # a blank page is a few hundred bytes


def test_table_has_a_row_per_server_a_column_per_field_and_highlights_what_differs(dom):
    headers = [text(header) for header in dom.xpath("//table[@id='drift']/thead/tr/th")]
    brno = rows(dom)["flexi-brno"]
    highlighted = {cell.get("data-field") for cell in brno.xpath("./td[contains(@class, 'differs')]")}

    assert headers == [
        "Server",
        "Status",
        "Flexi company and URL",
        "SMTP host",
        "Port",
        "Encryption",
        "SMTP login",
        "Default sender",
        "Password",
    ]
    assert {host: row.get("data-status") for host, row in rows(dom).items()} == STATUSES
    assert highlighted == {"host", "port", "encryption_mode"}
    assert text(cell(brno, "host")) == "relay.brno.example.com → smtp.example.com"
    assert text(cell(rows(dom)["flexi-ostrava"], "password")) == "not set → would change"


def test_script_value_is_shown_as_text_and_the_page_runs_and_loads_nothing(dom):
    login = cell(rows(dom)["flexi-ostrava"], "smtp_username")
    policy = dom.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")

    assert text(login) == f"{SCRIPT_LOGIN} → flexi@example.com"
    assert dom.xpath("//script | //link | //img | //iframe | //object | //embed | //@src") == []
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'"]
