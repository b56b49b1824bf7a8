"""The field table (plugins/module_utils/_fields.py): one entry drives the spec, the write document and the diff."""

from __future__ import annotations

from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import (
    FIELDS,
    Field,
    compared_fields,
    field_argument_spec,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import build_document
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import (
    desired_settings,
    make_plan,
    settings_type,
)
from ansible_collections.abraflexi.flexi.plugins.modules import flexi_smtp

# A field Flexi does not have: only the table knows it.
TABLE = (*FIELDS, Field("smtp_timeout", "timeout", "SMTP timeout", type="int", unset=None))


def test_a_new_table_entry_reaches_the_spec_the_write_document_and_the_diff():
    stored = settings_type(compared_fields(TABLE))(smtp_timeout=10)

    spec = field_argument_spec(TABLE)
    plan = make_plan(stored, desired_settings({"smtp_timeout": 30}, compared_fields(TABLE)))
    body = build_document(plan.fields_to_send, fields=TABLE)

    assert spec["smtp_timeout"] == {"type": "int"}
    assert plan.diff == {"before": {"smtp_timeout": 10}, "after": {"smtp_timeout": 30}}
    assert b"<timeout>30</timeout>" in body


def test_module_options_are_the_table_plus_the_test_mail_options():
    spec = flexi_smtp.ARGUMENT_SPEC

    assert set(spec) == {field.option for field in FIELDS} | {"update_password", "test_email", "test_email_when"}
    assert spec["update_password"]["default"] == "on_create"
    assert spec["smtp_password"]["no_log"] is True
    assert spec["update_password"]["no_log"] is False
