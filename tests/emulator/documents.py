"""The documents Flexi exchanges on /nastaveni/smtp: rendering answers and reading write bodies."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from tests.emulator.state import FIELDS
from tests.emulator.validation import ErrorEntry

XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
RECORD = "nastaveni-smtp"

# The 401 body is JSON even for XML requests (public clients, see docs/flexi-api.md).
AUTH_REQUIRED_JSON = '{"winstrom":{"@version":"1.0","success":"false","message":"Authorization required"}}'

# Verbatim from the vendor article (note the empty <results></results>).
WRITE_SUCCESS_XML = """<?xml version="1.0" encoding="utf-8"?>
<winstrom version="1.0">
<success>true</success>
<stats>
<created>0</created>
<updated>1</updated>
<deleted>0</deleted>
<skipped>0</skipped>
<failed>0</failed>
</stats>
<results></results>
</winstrom>
"""

_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PASSWORD_XML = re.compile(r"(<password\b[^>]*(?<!/)>)(?:<!\[CDATA\[.*?\]\]>|<!--.*?-->|[^<])*(</password\s*>)", re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_NO_DOCTYPE = (
    'DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" set to true.'
)
_LXML_POSITION = re.compile(r", line \d+, column \d+$")
REDACTED = "<redacted>"


class BodyError(Exception):
    """The write body cannot be read at all (not well-formed, wrong root)."""


@dataclass(frozen=True)
class WriteBody:
    """The fields of a write in document order, or why the body could not be read."""

    fields: tuple[tuple[str, str], ...] = ()
    error: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _value in self.fields)

    @property
    def password(self) -> str | None:
        values = [value for name, value in self.fields if name == "password"]
        return values[-1] if values else None


# rendering


def settings_xml(stored: Mapping[str, str], unset_fields: str) -> str:
    """The bare read document (vendor article): no <winstrom> wrapper, elements in alphabetical order, password
    as a flag only."""
    lines = ['<?xml version="1.0" ?>', f"<{RECORD}>"]
    for name in FIELDS:
        value = stored.get(name, "")
        if name == "password":
            lines.append(f'<password filled="{_flag(value)}"></password>')
        elif value or unset_fields == "empty":
            lines.append(f"<{name}>{_text(value)}</{name}>")
    lines.append(f"</{RECORD}>")
    return "\n".join(lines) + "\n"


def settings_json(stored: Mapping[str, str], unset_fields: str) -> str:
    """The read document as JSON; its shape is an assumption (docs/flexi-api.md)."""
    record: dict[str, object] = {}
    for name in FIELDS:
        value = stored.get(name, "")
        if name == "password":
            record[name] = {"@filled": _flag(value)}
        elif value or unset_fields == "empty":
            record[name] = value
    return _json({"winstrom": {"@version": "1.0", RECORD: [record]}})


def success_document(fmt: str, updated: int) -> str:
    """The vendor's write answer; with nothing updated, the assumed answer of a successful test mail."""
    if fmt == "json":
        return _json({"winstrom": {"@version": "1.0", "success": "true", "stats": _stats(updated), "results": []}})
    return WRITE_SUCCESS_XML.replace("<updated>1</updated>", f"<updated>{updated}</updated>")


def error_document(entries: Sequence[ErrorEntry], shape: str, fmt: str) -> str:
    """An error in one of the shapes seen across Flexi versions (docs/flexi-api.md, "Errors and status codes")."""
    if fmt == "json":  # assumed: the JSON form carries the message, whatever shape the XML form takes
        return _json({"winstrom": {"@version": "1.0", "success": "false", "message": _joined(entries)}})
    if shape == "bare-message":
        # The vendor article quotes failures as nothing but <message>TEXT</message>.
        return f"<message>{_text(_joined(entries))}</message>\n"
    head = '<?xml version="1.0" encoding="utf-8"?>\n<winstrom version="1.0">\n<success>false</success>\n'
    if shape == "message":
        # One <message> per document, as every sample shows; several errors share it, one per line.
        return head + f"<message>{_text(_joined(entries))}</message>\n</winstrom>\n"
    if shape == "errors":
        stats = "".join(f"<{name}>{value}</{name}>" for name, value in _stats(failed=1).items())
        head += f"<stats>{stats}</stats>\n"
        errors = "<errors>\n" + "".join(_error_element(entry) for entry in entries) + "</errors>\n"
    else:
        errors = "".join(f"<error>{_text(entry.message)}</error>\n" for entry in entries)
    return head + f"<results>\n<result>\n{errors}</result>\n</results>\n</winstrom>\n"


def _error_element(entry: ErrorEntry) -> str:
    attributes = ""
    if entry.field is not None:
        attributes += f" for={quoteattr(entry.field)} path={quoteattr(f'{RECORD}[0]/{entry.field}')}"
    if entry.code is not None:
        attributes += f" code={quoteattr(entry.code)}"
    if entry.value is not None and entry.field != "password":
        attributes += f" value={quoteattr(_clean(entry.value))}"
    return f"<error{attributes}>{_text(entry.message)}</error>\n"


def _stats(updated: int = 0, failed: int = 0) -> dict[str, str]:
    return {"created": "0", "updated": str(updated), "deleted": "0", "skipped": "0", "failed": str(failed)}


def _joined(entries: Sequence[ErrorEntry]) -> str:
    return "\n".join(entry.message for entry in entries)


def _flag(password: str) -> str:
    return "true" if password else "false"


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (they can only come from a query string)."""
    return _NOT_XML_CHARS.sub("?", text)


def _text(text: str) -> str:
    return escape(_clean(text))


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)


# reading write bodies


def read_write_body(body: bytes) -> WriteBody:
    """Fields of a PUT/POST body: XML, root <nastaveni-smtp> or wrapped in <winstrom> (the modules write XML only)."""
    try:
        fields = _xml_fields(body)
    except BodyError as exc:
        return WriteBody(error=str(exc))
    return WriteBody(fields=tuple(fields))


def _xml_fields(body: bytes) -> list[tuple[str, str]]:
    if not body.strip():
        raise BodyError(_sax_message(1, 1, "Premature end of file."))
    doctype = _DOCTYPE.search(body)
    if doctype:
        # Assumption: a hardened Java parser refuses any DTD (no entity tricks reach Flexi).
        line = body.count(b"\n", 0, doctype.start()) + 1
        raise BodyError(_sax_message(line, doctype.start() - body.rfind(b"\n", 0, doctype.start()), _NO_DOCTYPE))
    try:
        root = etree.fromstring(body, _safe_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise BodyError(_sax_message(line, column, _LXML_POSITION.sub("", exc.msg))) from None
    record = _xml_record(root)
    return [
        (child.tag, "".join(child.itertext()))
        for child in record
        if isinstance(child.tag, str)  # skip unresolved entity references
    ]


def _safe_parser() -> etree.XMLParser:
    """A fresh parser per call: lxml parsers must not be shared between threads."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )


def _sax_message(line: int, column: int, text: str) -> str:
    """Assumption: Flexi is Java, so its parser errors read like SAXParseException."""
    return f"org.xml.sax.SAXParseException; lineNumber: {line}; columnNumber: {column}; {text}"


def _xml_record(root: etree._Element) -> etree._Element:
    if root.tag == RECORD:
        return root
    if root.tag != "winstrom":
        raise BodyError(f"Neznámý kořenový element '{root.tag}', očekáván '{RECORD}' nebo 'winstrom'.")
    records = [child for child in root if child.tag == RECORD]
    if len(records) != 1:
        raise BodyError(f"Dokument musí obsahovat právě jeden záznam '{RECORD}'.")
    return records[0]


def redact(body: str, password: str | None) -> str:
    """The body as logged: the text of every <password> element (and the parsed value anywhere) replaced."""
    redacted = _PASSWORD_XML.sub(rf"\1{REDACTED}\2", body)
    if password:
        redacted = redacted.replace(password, REDACTED)
        redacted = redacted.replace(escape(password), REDACTED)
    return redacted
