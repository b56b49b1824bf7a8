from __future__ import annotations

import json

from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK, redact

SECRET = 'p%ss&<wörd>"'


def test_secret_is_masked_in_every_spelling_and_nesting():
    value = {
        "msg": f"raw {SECRET}",
        "response": "<password>p%ss&amp;&lt;wörd&gt;&quot;</password>",
        "list": ["url p%25ss%26%3Cw%C3%B6rd%3E%22", ("plus", "p%25ss%26%3Cw%C3%B6rd%3E%22")],
        "json": json.dumps({"password": SECRET}),
    }

    masked = redact(value, [SECRET])

    text = json.dumps(masked, ensure_ascii=False)
    assert "wörd" not in text
    assert "w%C3%B6rd" not in text
    assert "w\\u00f6rd" not in text
    assert masked["msg"] == f"raw {MASK}"
    assert isinstance(masked["list"][1], tuple)


def test_no_secrets_leaves_value_untouched():
    value = {"msg": "nothing secret", "status": 400}

    assert redact(value, [None, ""]) == value


def test_non_text_values_pass_through():
    assert redact({"changed": True, "port": 465, "port_none": None}, ["465x"]) == {
        "changed": True,
        "port": 465,
        "port_none": None,
    }
