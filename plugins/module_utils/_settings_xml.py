# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Flexi's XML: read the settings document, build the write document, pull out error messages.

Internal to abraflexi.flexi. The parser resolves no entities, loads no DTD and touches no network.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import (
    PASSWORD_FIELD,
    SETTINGS_FIELDS,
    Field,
    Value,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings

try:
    from lxml import etree
except ImportError:  # reported by the module through missing_required_lib
    etree = None

ROOT = "nastaveni-smtp"
WRAPPER = "winstrom"
# Option name -> element name in the settings document (see docs/flexi-api.md, "The settings document").
ELEMENTS = {smtp_field.option: smtp_field.element for smtp_field in SETTINGS_FIELDS}
MAX_DOCUMENT_BYTES = 1024 * 1024


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_document(body: bytes) -> Any:
    """Parse body safely and return its root element; raise FlexiError if it is not a plain XML document."""
    if not body or not body.strip():
        raise FlexiError("the answer is empty, not an XML document")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FlexiError(f"the answer is larger than {MAX_DOCUMENT_BYTES} bytes, far more than a Flexi document")
    # Flexi never sends a DTD; one could only carry entity tricks, so refuse before the parser sees it.
    if b"<!DOCTYPE" in body:
        raise FlexiError("the answer carries a DTD (<!DOCTYPE>), which Flexi never sends; refusing to read it")
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FlexiError(f"the answer is not well-formed XML ({exc})") from None
    if root is None:
        raise FlexiError("the answer is not an XML document")
    if root.getroottree().docinfo.doctype:  # a DTD in an encoding the byte check above cannot see
        raise FlexiError("the answer carries a DTD (<!DOCTYPE>), which Flexi never sends; refusing to read it")
    return root


def _text(element: Any) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def settings_in(root: Any) -> SmtpSettings:
    """The settings of a parsed answer (bare, or inside <winstrom>; unset fields empty or absent); raise FlexiError
    if it holds none."""
    if root.tag == WRAPPER and root.find(ROOT) is not None:
        root = root.find(ROOT)
    if root.tag != ROOT:
        raise FlexiError(f"the answer is not a settings document (<{root.tag}> instead of <{ROOT}>)")

    values = {
        smtp_field.option: smtp_field.stored(_text(root.find(smtp_field.element))) for smtp_field in SETTINGS_FIELDS
    }
    password = root.find(PASSWORD_FIELD.element)
    return SmtpSettings(**values, password_set=password is not None and password.get("filled") == "true")


def holds_settings(root: Any) -> bool:
    """True for the settings document (bare or inside <winstrom>), as Flexi answers a read."""
    return root.tag == ROOT or (root.tag == WRAPPER and root.find(ROOT) is not None)


def reports_failure(root: Any) -> bool:
    """True when any <success> in the document says false: Flexi failed, whatever else the answer holds."""
    return any(_text(element) == "false" for element in root.iter("success"))


def build_document(
    values: Mapping[str, Value], password: str | None = None, fields: Sequence[Field] = SETTINGS_FIELDS
) -> bytes:
    """The write document: only ``values`` (by option name, elements from ``fields``), plus the password if given."""
    elements = {smtp_field.option: smtp_field.element for smtp_field in fields}
    root = etree.Element(ROOT)
    for option, value in values.items():
        etree.SubElement(root, elements[option]).text = "" if value is None else str(value)
    if password is not None:
        etree.SubElement(root, PASSWORD_FIELD.element).text = password
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def succeeded(root: Any) -> bool:
    """True for a parsed <winstrom> answer whose <success> is true and no <success> inside it is false (an empty
    <results> is normal)."""
    return root.tag == WRAPPER and _text(root.find("success")) == "true" and not reports_failure(root)


def error_messages(body: bytes) -> list[str]:
    """Every message in a Flexi error answer, verbatim and in order; [] when the body holds none.

    Handles the three XML shapes (<message>, <errors><error>, <result><error>), a bare
    <message> and the JSON body Flexi sends with 401. Never raises: this runs on answers already known to be bad.
    """
    try:
        root = parse_document(body)
    except FlexiError:
        return _json_messages(body)
    return messages_in(root)


def messages_in(root: Any) -> list[str]:
    """Every <message> and <error> text of a parsed answer, in order."""
    return [text for element in root.iter("message", "error") if (text := _text(element))]


def _json_messages(body: bytes) -> list[str]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return []
    messages: list[str] = []
    _collect_json_messages(document, messages)
    return messages


def _collect_json_messages(node: Any, messages: list[str], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("message", "error") and isinstance(value, str) and value.strip():
                messages.append(value.strip())
            else:
                _collect_json_messages(value, messages, depth + 1)
    elif isinstance(node, list):
        for item in node:
            _collect_json_messages(item, messages, depth + 1)
