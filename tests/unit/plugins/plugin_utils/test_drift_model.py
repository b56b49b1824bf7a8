"""The drift report's model fed with the results the callback receives, including hostile ones (values the module
would never return) to prove the report's own redaction by key and by pattern."""

from __future__ import annotations

import pytest

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector, scrub, scrub_text
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import (
    render_html,
    render_json,
    render_markdown,
)

from .drift_results import NOW, TASK, flexi_result, one_host_report


def all_forms(report):
    return {"json": render_json(report), "markdown": render_markdown(report), "html": render_html(report)}


def only_check(report):
    ((check,),) = [host["checks"] for host in report["hosts"]]
    return check


# what the report says


def test_differing_fields_keep_before_and_after_and_the_target_shows_as_given():
    result = flexi_result({"host": "old.example.com", "port": 25}, {"host": "smtp.example.com", "port": 25})
    result["invocation"]["module_args"]["url"] = "https://erp.example.com/flexi/"

    report = one_host_report(result)

    check = only_check(report)
    assert check["status"] == "drifted"
    assert check["fields"] == {
        "host": {"before": "old.example.com", "after": "smtp.example.com", "differs": True},
        "port": {"before": 25, "after": 25, "differs": False},
    }
    assert check["target"] == {"url": "https://erp.example.com/flexi/", "company": "demo_s_r_o_"}
    assert "https://erp.example.com/flexi/" in render_markdown(report)
    assert '<span class="url">https://erp.example.com/flexi/</span>' in render_html(report)


@pytest.mark.parametrize(
    ("before", "after", "check_mode", "expected"),
    [
        ({"password_set": False}, {"password_set": True, "password": "<changed>"}, True, ("not set", "would change")),
        ({"password_set": True}, {"password_set": True, "password": "<changed>"}, False, ("set", "changed")),
        ({"password_set": True}, {"password_set": True}, True, ("set", "set")),
        ({"password_set": False}, {"password_set": False}, True, ("not set", "not set")),
    ],
)
def test_password_is_shown_only_as_its_state(before, after, check_mode, expected):
    check = only_check(one_host_report(flexi_result(before, after), check_mode=check_mode))

    assert (check["fields"]["password"]["before"], check["fields"]["password"]["after"]) == expected


def test_loop_gives_one_check_per_item_with_its_label():
    loop = {
        "results": [
            {**flexi_result({"host": "a"}, {"host": "b"}), "_ansible_item_label": "brno"},
            {**flexi_result({"host": "b"}, {"host": "b"}), "_ansible_item_label": "ostrava"},
            {"skipped": True, "_ansible_item_label": "plzen"},
            {"failed": True, "msg": "Flexi answered HTTP 404", "status": 404, "_ansible_item_label": "liberec"},
        ]
    }

    report = one_host_report(loop, outcome="failed")

    checks = report["hosts"][0]["checks"]
    assert [(check["item"], check["status"]) for check in checks] == [
        ("brno", "drifted"),
        ("ostrava", "in_sync"),
        ("plzen", "skipped"),
        ("liberec", "failed"),
    ]
    assert report["hosts"][0]["status"] == "failed"


def test_host_status_is_its_worst_check_and_counts_add_up():
    collector = DriftCollector()
    collector.add_result("a", TASK, "ok", flexi_result({"host": "x"}, {"host": "y"}), True)
    collector.add_result("a", "second task", "failed", {"msg": "boom", "status": 500}, True)
    collector.add_result("b", TASK, "ok", flexi_result({"host": "x"}, {"host": "x"}), True)
    collector.add_result("b", "second task", "ok", flexi_result({"port": 25}, {"port": 465}), True)
    collector.add_result("c", TASK, "skipped", {"skipped": True}, True)
    collector.add_result("d", TASK, "unreachable", {"msg": "ssh: refused", "unreachable": True}, True)
    collector.add_stop("e", "Check the OS", "failed", {"msg": "too old"}, True)

    report = collector.report(now=NOW)

    assert {host["host"]: host["status"] for host in report["hosts"]} == {
        "a": "failed",
        "b": "drifted",
        "c": "skipped",
        "d": "unreachable",
        "e": "failed",
    }
    counts = report["counts"]
    assert counts == {"hosts": 5, "in_sync": 0, "drifted": 1, "failed": 2, "unreachable": 1, "skipped": 1}


def test_a_stop_is_ignored_for_a_host_that_has_flexi_results():
    collector = DriftCollector()
    collector.add_result("a", TASK, "ok", flexi_result({"host": "x"}, {"host": "x"}), True)
    collector.add_stop("a", "Later task", "failed", {"msg": "later failure"}, True)

    assert collector.report(now=NOW)["hosts"][0]["status"] == "in_sync"


def test_no_log_result_is_hidden_but_counted():
    censored = {"changed": True, "censored": "the output has been hidden due to the fact that 'no_log: true' ..."}

    check = only_check(one_host_report(censored))

    assert (check["status"], check["hidden"], check["fields"]) == ("drifted", True, {})
    assert "hidden by no_log on the task" in render_html(one_host_report(censored))


@pytest.mark.parametrize(
    ("modes", "mode", "title"),
    [
        ([True], "check", "SMTP drift audit (check mode, nothing was changed)"),
        ([False], "applied", "SMTP change report (changes were applied)"),
        ([True, False], "mixed", "SMTP drift and change report (some tasks in check mode, some applied)"),
    ],
)
def test_title_says_whether_anything_was_changed(modes, mode, title):
    collector = DriftCollector()
    for index, check_mode in enumerate(modes):
        collector.add_result(f"h{index}", TASK, "ok", flexi_result({"host": "x"}, {"host": "y"}), check_mode)

    report = collector.report(now=NOW)

    assert (report["mode"], report["title"]) == (mode, title)
    assert f"<h1>{title}</h1>" in render_html(report)
    assert render_markdown(report).startswith(f"# {title}\n")


def test_run_without_flexi_smtp_still_writes_a_report():
    report = DriftCollector().report(now=NOW, cli_check_mode=True)

    assert report["counts"]["hosts"] == 0
    assert report["mode"] == "check"
    assert "No flexi_smtp task ran." in render_html(report)
    assert "No flexi\\_smtp task ran." in render_markdown(report)


def test_hosts_are_in_natural_order():
    collector = DriftCollector()
    for host in ("flexi10", "flexi2", "Flexi1"):
        collector.add_result(host, TASK, "ok", flexi_result({"host": "x"}, {"host": "x"}), True)

    assert [host["host"] for host in collector.report(now=NOW)["hosts"]] == ["Flexi1", "flexi2", "flexi10"]


# redaction: the report's own defences, whatever a result holds


def test_no_password_value_survives_in_any_form():
    leaky = flexi_result(
        {"host": "a", "smtp_password": "LEAK-1", "password_set": True, "nested": {"api_token": "LEAK-2"}},
        {"host": "https://user:LEAK-3@b.example.com", "password": "LEAK-4", "secret": "LEAK-5", "password_set": True},
        msg="ignored on success",
    )
    leaky["invocation"]["module_args"].update(url="https://admin:LEAK-6@flexi.example.com", password="LEAK-7")
    failing = {
        "msg": 'login with password=LEAK-8 refused at https://admin:LEAK-9@flexi/ ("token": "LEAK-10")',
        "status": 401,
        "response": "<smtp><password>LEAK-11</password></smtp>",
    }
    collector = DriftCollector()
    collector.add_result("a", TASK, "ok", leaky, True)
    collector.add_result("b", TASK, "failed", failing, True)
    collector.add_result(
        "c", TASK, "ok", {**leaky, "_ansible_item_label": {"company": "x", "password": "LEAK-12"}}, True
    )

    report = collector.report(now=NOW)

    for form, text in all_forms(report).items():
        assert "LEAK" not in text, f"{form}: {text}"
    fields = report["hosts"][0]["checks"][0]["fields"]
    assert set(fields) == {"host", "nested", "password"}
    assert fields["nested"]["before"] == "{}"
    assert fields["password"] == {"before": "set", "after": "set", "differs": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://admin:s3cret@flexi.example.com:5434/c/x", "https://flexi.example.com:5434/c/x"),
        ("password=s3cret and more", "password=******** and more"),
        ('{"smtp_password": "s3cret"}', '{"smtp_password": "********"}'),
        ("API_TOKEN: abc123", "API_TOKEN: ********"),
        ("<password>s3cret</password>", "<password>********</password>"),
        ("<smtp_password>pass</smtp_password>", "<smtp_password>********</smtp_password>"),
        ("password=ab<cd>ef next", "password=******** next"),
        ('{"password": "a \\"quoted\\" b", "host": "x"}', '{"password": "********", "host": "x"}'),
        ("https://flexi/c/x?token=abc&company=y", "https://flexi/c/x?token=********&company=y"),
        ("'passwd': 'it is long'", "'passwd': '********'"),
        ("password_set: true", "password_set: true"),
        ('"password": "<changed>"', '"password": "<changed>"'),
        ("Check password and url.", "Check password and url."),
        ("a\tb\nc\rd\x1be\u2028f\ud800", "a\tb\nc\\x0dd\\x1be\\u2028f\\ud800"),
    ],
)
def test_secrets_in_text_are_masked(text, expected):
    assert scrub_text(text) == expected


def test_secret_named_keys_are_dropped_at_any_depth():
    assert scrub({"a": 1, "Password": "x", "b": [{"token": "y", "c": "d"}], "smtp_passwd": "z"}) == {
        "a": 1,
        "b": [{"c": "d"}],
    }
