"""The spellings in which a hostile server may quote a secret back (the `echo` fault, a `raw` echo of a request)."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote

SPELLINGS = (
    "plain",
    "xml",
    "html-hex",
    "html-dec",
    "json",
    "percent-slash",
    "percent-all",
    "java-urlencoder",
    "base64",
    "hex",
    "xml-ascii",
    "some-references",
    "uri-component",
    "base64url",
)

# html-dec: decimal references for the quotes, named ones for the rest (as MarkupSafe/Jinja write them).
_HTML_DECIMAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"}
_URI_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()")
_JAVA_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


def spell(text: str, spelling: str) -> str:
    """`text` written the way `spelling` names."""
    if spelling == "plain":
        return text
    if spelling == "xml":
        return html.escape(text, quote=False)  # &amp; &lt; &gt;, quotes kept: XML text content
    if spelling == "html-hex":
        return html.escape(text, quote=True)  # &amp; &lt; &gt; &quot; &#x27;
    if spelling == "html-dec":
        return "".join(_HTML_DECIMAL.get(char, char) for char in text)
    if spelling == "json":
        return json.dumps(text)[1:-1]  # a JSON string's inside, non-ASCII as \uXXXX
    if spelling == "percent-slash":
        return quote(text)  # keeps "/", UTF-8, upper-case hex
    if spelling == "percent-all":
        return quote(text, safe="")  # "/" too: only letters, digits and "-._~" kept
    if spelling == "java-urlencoder":
        return java_urlencoded(text)
    if spelling == "base64":
        return base64.b64encode(text.encode("utf-8")).decode("ascii")
    if spelling == "hex":
        return text.encode("utf-8").hex()
    if spelling == "xml-ascii":  # XML written as US-ASCII: every other character a decimal reference
        return "".join(char if char.isascii() else f"&#{ord(char)};" for char in html.escape(text, quote=False))
    if spelling == "some-references":  # only punctuation escaped, as hex references with leading zeros
        return "".join(f"&#x00{ord(char):X};" if char.isascii() and not char.isalnum() else char for char in text)
    if spelling == "uri-component":  # JavaScript's encodeURIComponent: keeps !'()*, lower-case hex here
        return "".join(char if char in _URI_KEPT else quote(char, safe="").lower() for char in text)
    if spelling == "base64url":
        return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")
    raise ValueError(f"unknown spelling {spelling!r}")


def java_urlencoded(text: str) -> str:
    """What Java's URLEncoder.encode(text, "UTF-8") returns: `.-*_` and ASCII letters and digits kept,
    space as `+`, every other byte of the UTF-8 form as upper-case %XX (so `~` becomes `%7E`)."""
    spelled = []
    for char in text:
        if char in _JAVA_KEPT:
            spelled.append(char)
        elif char == " ":
            spelled.append("+")
        else:
            # A lone surrogate becomes "?" (%3F), as Java's encoder writes an unmappable character.
            spelled.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "replace"))
    return "".join(spelled)
