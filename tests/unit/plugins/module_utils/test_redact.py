from __future__ import annotations

from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import redact


def test_no_secrets_leaves_value_untouched():
    value = {"msg": "nothing secret", "status": 400}

    assert redact(value, [None, ""]) == value


def test_non_text_values_pass_through():
    assert redact({"changed": True, "port": 465, "port_none": None}, ["465x"]) == {
        "changed": True,
        "port": 465,
        "port_none": None,
    }
