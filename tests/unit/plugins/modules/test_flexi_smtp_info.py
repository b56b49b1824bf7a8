from __future__ import annotations


def test_reads_stored_settings_with_one_get(emulator, run_module, module_args):
    emulator.state.store(host="smtp.example.com", port="465", username="u@example.com", password="x")

    result = run_module("flexi_smtp_info", module_args)

    assert result["changed"] is False
    assert result["settings"] == {
        "host": "smtp.example.com",
        "port": 465,
        "smtp_username": "u@example.com",
        "default_from": "",
        "encryption_mode": "",
        "password_set": True,
    }
    assert [(r.method, r.path) for r in emulator.requests] == [("GET", "/c/demo_s_r_o_/nastaveni/smtp")]


def test_check_mode_reads_the_same(emulator, run_module, module_args):
    emulator.state.store(host="smtp.example.com")

    result = run_module("flexi_smtp_info", module_args, check_mode=True)

    assert result["settings"]["host"] == "smtp.example.com"


def test_failure_reports_status_method_url_and_flexi_message(emulator, run_module, module_args):
    result = run_module("flexi_smtp_info", {**module_args, "password": "wrong-password"})

    assert result["failed"] is True
    assert result["status"] == 401
    assert result["method"] == "GET"
    assert result["url"] == f"{emulator.url}/c/demo_s_r_o_/nastaveni/smtp"
    assert "Authorization required" in result["msg"]
    assert "Check username and password" in result["msg"]
    assert "wrong-password" not in "".join(run_module.outputs)
