"""Properties over generated input: XML round trips, error parsing, address validation and redaction."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK, redact
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import (
    ELEMENTS,
    build_document,
    error_messages,
    parse_document,
    settings_in,
    succeeded,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import SmtpSettings
from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import (
    check_address,
    check_password,
    check_text,
)
from tests.emulator.spellings import SPELLINGS, spell
from tests.support.secrets import spellings, spellings_twice

ADDRESS_FORMS = "exactly one address, either 'user@domain' or 'Display Name <user@domain>'"
# Characters XML 1.0 can carry (https://www.w3.org/TR/xml/#charsets).
XML_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
    lambda char: char in "\t\n\r" or ord(char) >= 0x20
)
XML_TEXT = st.text(alphabet=XML_CHARACTERS)
# Any str at all, weighted towards XML's edges: controls, lone surrogates, the non-characters U+FFFE and U+FFFF.
EDGE_CHARACTERS = st.sampled_from(["\x00", "\x08", "\x0b", "\x1f", "\x7f", "\ud800", "\udfff", "\ufffe", "\uffff"])
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()) | EDGE_CHARACTERS | XML_CHARACTERS)
# No per-example deadline: the test machines are shared, and a slow example is not a failure here.
RELAXED = settings(deadline=None)
THOROUGH = settings(deadline=None, max_examples=300)

# XML build and parse


@RELAXED
@given(
    fields=st.dictionaries(
        st.sampled_from(sorted(set(ELEMENTS) - {"port"})), XML_TEXT.map(str.strip), max_size=len(ELEMENTS) - 1
    ),
    port=st.none() | st.integers(1, 65535),
)
def test_any_subset_of_fields_round_trips_and_only_those_are_sent(fields, port):
    given_fields = {**fields, **({"port": port} if port is not None else {})}

    document = build_document(given_fields)

    sent = [child.tag for child in etree.fromstring(document)]
    assert sorted(sent) == sorted(ELEMENTS[option] for option in given_fields)
    assert settings_in(parse_document(document)) == SmtpSettings(**given_fields)


@RELAXED
@given(text=ANY_TEXT)
def test_text_validation_lets_through_only_what_the_write_document_can_carry(text):
    try:
        value = check_text("host", text)
    except FlexiError:
        return

    assert settings_in(parse_document(build_document({"host": value}))).host == value


@RELAXED
@given(password=ANY_TEXT)
@example(password=" \t\r\n leading and trailing space ")
def test_any_password_xml_can_carry_is_sent_exactly_and_any_other_refused_unshown(password):
    try:
        value = check_password("smtp_password", password)
    except FlexiError as exc:
        assert password not in exc.msg or not password
        return

    assert etree.fromstring(build_document({}, password=value)).findtext("password") == password


# Parsing what a server sends

TAGS = ("winstrom", "message", "error", "errors", "results", "result", "nastaveni-smtp", "port")
XML_TOKENS = st.sampled_from(
    [
        *(f"<{tag}>" for tag in TAGS),
        *(f"</{tag}>" for tag in TAGS),
        '<winstrom version="1.0">',
        "<success>false</success>",
        "<success>true</success>",
        '<error for="port" value="1">',
        '<password filled="true"/>',
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="bogus"?>',
        "<!DOCTYPE x []>",
        '<!ENTITY e "x">',
        "&e;",
        "&amp;",
        "&#0;",
        "&#x1F600;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        *'<>&"=/[]{}',
        '{"winstrom":{"message":"x"}}',
        '{"message":',
    ]
)
XML_ISH = st.lists(XML_TOKENS | st.text(max_size=8), max_size=30).map("".join)
XML_ISH_BYTES = XML_ISH.flatmap(
    lambda text: st.sampled_from(["utf-8", "utf-16", "latin-1"]).map(lambda codec: text.encode(codec, errors="replace"))
)


@THOROUGH
@given(body=XML_ISH_BYTES | st.binary(max_size=2000))
def test_error_parser_returns_a_list_of_messages_for_any_answer(body):
    messages = error_messages(body)

    assert isinstance(messages, list)
    assert all(isinstance(message, str) and message for message in messages)


@THOROUGH
@pytest.mark.parametrize("read", [settings_in, succeeded], ids=["settings", "success"])
@given(body=XML_ISH_BYTES | st.binary(max_size=2000))
def test_answer_parsers_raise_only_our_own_error(read, body):
    with contextlib.suppress(FlexiError):  # anything else fails the test
        read(parse_document(body))


# Address validation (the vendor article's two forms, 'Jméno Příjmení <uzivatel@domena.cz>' and bare)


@THOROUGH
@given(text=ANY_TEXT | st.lists(st.sampled_from(["<", ">", "@", ",", '"', " ", "a", "b.cz", "\n"])).map("".join))
def test_any_text_is_either_one_address_or_refused_with_the_accepted_forms(text):
    try:
        accepted = check_address("default_from", text)
    except FlexiError as exc:
        assert ADDRESS_FORMS in exc.msg or "must not contain control characters" in exc.msg
        return

    mailbox = accepted[accepted.rindex("<") + 1 : -1] if accepted.endswith(">") else accepted
    assert accepted == text.strip()
    assert mailbox.count("@") == 1


# Redaction


def _spellings(secret: str) -> list[str]:
    """Every spelling the test toolkit and the emulator's echoing server write, each written independently of the
    redactor: as is, escaped for XML, HTML, JSON, URLs, Java and Python, spelled twice, base64 and hex."""
    forms = [*spellings(secret).values(), *spellings_twice(secret).values()]
    forms += [spell(secret, spelling) for spelling in SPELLINGS]
    return [form for form in dict.fromkeys(forms) if form]


# A secret holding "*" could be rebuilt from the mask's own stars next to surrounding text; that shows no secret.
SECRET = st.text(st.characters(exclude_categories=("Cs",)), min_size=1).filter(lambda secret: "*" not in secret)


@RELAXED
@given(secret=SECRET, before=st.text(), after=st.text(), form=st.integers(0, 100))
@example(secret='p%ss&<wörd>"', before="<password>", after="</password>", form=2)
@example(secret="aa", before="a", after="a", form=0)
def test_secret_is_masked_in_any_text_around_it(secret, before, after, form):
    spelled = _spellings(secret)
    text = before + spelled[form % len(spelled)] + after

    masked = redact(text, [secret])

    assert MASK in masked
    assert [spelling for spelling in _spellings(secret) if spelling in masked] == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


@RELAXED
@given(secret=SECRET, words=st.lists(st.text(), min_size=1, max_size=5), form=st.integers(0, 100))
def test_secret_is_masked_at_any_depth_of_a_result(secret, words, form):
    spellings = _spellings(secret)
    spelled = spellings[form % len(spellings)]
    result = {"msg": spelled.join(words), "diff": {"after": [spelled, {"password": (spelled,)}]}, "status": 400}

    masked = redact(result, [secret])

    assert [text for text in _strings(masked) for spelling in spellings if spelling in text] == []
    assert masked["status"] == 400


def _encoded_forms(secret: str) -> list[str]:
    """Base64 (standard and URL-safe, unpadded) of the secret's UTF-8 and Latin-1 bytes: masked by design."""
    forms = []
    for encoding in ("utf-8", "latin-1"):
        with contextlib.suppress(UnicodeEncodeError):
            raw = secret.encode(encoding)
            forms += [base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")]
    return [form.rstrip("=") for form in forms]


# Text with no escape in it ("&", "%", "\\", "+"): the secret can stand in it only as written, in base64 or in hex.
PLAIN_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="&%\\+"))


@RELAXED
@given(secret=SECRET, text=PLAIN_TEXT)
def test_text_without_the_secret_is_left_alone(secret, text):
    assume(not any(form in text for form in (secret, *_encoded_forms(secret))))
    assume(secret.encode("utf-8").hex() not in text.lower())

    assert redact(text, [secret]) == text
