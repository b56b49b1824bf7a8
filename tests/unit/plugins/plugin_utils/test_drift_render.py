"""The drift report's renderers: hostile values (markup, table syntax, any text) reach the page as the same text,
never as markup, and never break a Markdown table row; only the chosen forms are written."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector, scrub_text
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import (
    render_html,
    render_markdown,
    write_report,
)

from .drift_results import NOW, TASK, flexi_result, one_host_report

# escaping


HOSTILE = "<script>alert('x')</script>"


def test_html_shows_markup_as_text():
    result = flexi_result({"host": HOSTILE}, {"host": "smtp.example.com"}, _ansible_item_label="<b>item</b>")
    collector = DriftCollector()
    collector.add_result("<img src=x onerror=alert(1)>", "<i>task</i>", "ok", result, True)
    collector.add_result("second", "<i>task</i>", "failed", {"msg": "<script>bad()</script>", "status": 500}, True)
    page = render_html(collector.report(now=NOW))

    dom = lxml_html.document_fromstring(page)

    assert dom.xpath("//script | //img | //b | //i") == []
    row = dom.xpath("//tbody/tr")[0]
    assert row.get("data-host") == "<img src=x onerror=alert(1)>"
    assert row.xpath("./td[@data-field='host']/span[@class='before']")[0].text_content() == HOSTILE
    assert "&lt;script&gt;bad()&lt;/script&gt;" in page


def _unescaped_pipes(row: str) -> int:
    return sum(1 for index, char in enumerate(row) if char == "|" and (index == 0 or row[index - 1] != "\\"))


@settings(max_examples=60, deadline=None)
@given(host=st.text(min_size=1, max_size=30), before=st.text(max_size=40), after=st.text(max_size=40))
def test_any_text_reaches_the_page_as_the_same_text(host, before, after):
    host = host.strip() or "h"
    result = flexi_result({"default_from": before}, {"default_from": after})
    collector = DriftCollector()
    collector.add_result(host, TASK, "ok", result, True)
    report = collector.report(now=NOW)

    dom = lxml_html.document_fromstring(render_html(report))

    (row,) = dom.xpath("//tbody/tr")
    cell_state = report["hosts"][0]["checks"][0]["fields"]["default_from"]
    assert row.get("data-host") == scrub_text(host)
    spans = row.xpath("./td[@data-field='default_from']/span")
    shown = [span.text_content() for span in spans if span.get("class") in ("before", "after")]
    expected = [cell_state["before"], cell_state["after"]] if before != after else []
    assert [text.removeprefix("\u2192\u00a0") for text in shown] == [
        value if value else "(empty)" for value in expected
    ]
    assert dom.xpath("//script") == []


@settings(max_examples=60, deadline=None)
@given(value=st.text(max_size=40))
@example(value="a|b\nc `tick` | pipe")
def test_markup_and_any_value_keep_the_markdown_row_in_shape(value):
    collector = DriftCollector()
    collector.add_result("<script>flexi</script>|host", TASK, "ok", flexi_result({"host": value}, {"host": "x"}), True)

    markdown = render_markdown(collector.report(now=NOW))

    (row,) = [
        line for line in markdown.splitlines() if line.startswith("| &lt;script&gt;flexi&lt;/script&gt;\\|host |")
    ]
    assert _unescaped_pipes(row) == 5  # Server, Status, Flexi, SMTP host: four cells
    assert "<script>flexi" not in markdown


# writing


def test_only_the_chosen_forms_are_written_and_older_files_replaced(tmp_path):
    (tmp_path / "drift-report.json").write_text("old", encoding="utf-8")
    report = one_host_report(flexi_result({"host": "a"}, {"host": "b"}))

    written = write_report(report, str(tmp_path / "."), ["json", "html"])

    assert [form for form, path in written] == ["json", "html"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["drift-report.html", "drift-report.json"]
    assert json.loads((tmp_path / "drift-report.json").read_text(encoding="utf-8"))["counts"]["drifted"] == 1
