"""Every form a secret could take in output: as is, escaped for XML, JSON, URLs and Python, and as Basic auth."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape


def spellings(secret: str) -> dict[str, str]:
    """Name -> form of ``secret`` as text formats would carry it."""
    return {
        "as is": secret,
        "XML-escaped": escape(secret),
        "XML-escaped with quotes": escape(secret, {'"': "&quot;", "'": "&apos;"}),
        "XML-escaped with numeric quotes": escape(secret, {'"': "&#34;", "'": "&#39;"}),
        "URL-encoded": quote(secret, safe=""),
        "URL-encoded for forms": quote_plus(secret, safe=""),
        "JSON-escaped": json.dumps(secret)[1:-1],
        "JSON-escaped, non-ASCII kept": json.dumps(secret, ensure_ascii=False)[1:-1],
        "Python repr": repr(secret)[1:-1],
    }


def spellings_twice(secret: str) -> dict[str, str]:
    """Each spelling spelled once more: what a server quoting our request inside its own document sends back."""
    return {
        f"{outer} of {inner}": outer_form
        for inner, inner_form in spellings(secret).items()
        for outer, outer_form in spellings(inner_form).items()
        if inner != "as is" and outer != "as is"
    }


def basic_auth_tokens(username: str, password: str) -> dict[str, str]:
    """The HTTP Basic credentials of ``username``/``password`` as a client would send them (RFC 7617)."""
    tokens = {"Basic, UTF-8": base64.b64encode(f"{username}:{password}".encode()).decode("ascii")}
    with contextlib.suppress(UnicodeEncodeError):  # a client cannot send it that way either
        tokens["Basic, Latin-1"] = base64.b64encode(f"{username}:{password}".encode("latin-1")).decode("ascii")
    return tokens


def smtp_auth_tokens(username: str, password: str) -> dict[str, str]:
    """SMTP AUTH PLAIN and LOGIN forms of the SMTP credentials (what Flexi sends to the mail server)."""
    return {
        "AUTH PLAIN": base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii"),
        "AUTH LOGIN password": base64.b64encode(password.encode()).decode("ascii"),
    }


def leaks(text: str, forms: dict[str, str]) -> list[str]:
    """Names of the forms that occur in ``text``."""
    return [name for name, form in forms.items() if form and form in text]


def leaks_in(value: object, forms: dict[str, str]) -> list[str]:
    """Names of the forms that occur in any string inside ``value`` (dicts, lists, tuples, nested), keys included.

    Searching decoded strings matters: a result serialised as JSON turns " into \\" and so hides a form from a
    plain text search.
    """
    if isinstance(value, str):
        return leaks(value, forms)
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return []
    return sorted({name for item in items for name in leaks_in(item, forms)})


def output_forms(secret: str) -> set[str]:
    """Every form of ``secret`` that must never show in a run's output or report.

    Its spellings, each spelled once more, and its leading word (every test secret starts with a distinctive one),
    which survives shell quoting and truncation.
    """
    forms = set(spellings(secret).values()) | set(spellings_twice(secret).values())
    leading_word = re.match(r"[\w-]{8,}", secret)
    if leading_word:
        forms.add(leading_word.group())
    return {form for form in forms if form}
