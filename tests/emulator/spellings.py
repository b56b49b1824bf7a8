"""The spellings in which a hostile server may quote a secret back (the `echo` fault, a `raw` echo of a request)."""

from __future__ import annotations

import base64
import html
import json
from typing import Callable
from urllib.parse import quote

# html-dec: decimal references for the quotes, named ones for the rest (as MarkupSafe/Jinja write them).
_HTML_DECIMAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"}
_URI_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()")
_JAVA_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


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


_SPELLERS: dict[str, Callable[[str], str]] = {
    "plain": lambda text: text,
    "xml": lambda text: html.escape(text, quote=False),  # &amp; &lt; &gt;, quotes kept: XML text content
    "html-hex": lambda text: html.escape(text, quote=True),  # &amp; &lt; &gt; &quot; &#x27;
    "html-dec": lambda text: "".join(_HTML_DECIMAL.get(char, char) for char in text),
    "json": lambda text: json.dumps(text)[1:-1],  # a JSON string's inside, non-ASCII as \uXXXX
    "percent-slash": quote,  # keeps "/", UTF-8, upper-case hex
    "percent-all": lambda text: quote(text, safe=""),  # "/" too: only letters, digits and "-._~" kept
    "java-urlencoder": java_urlencoded,
    "base64": lambda text: base64.b64encode(text.encode("utf-8")).decode("ascii"),
    "hex": lambda text: text.encode("utf-8").hex(),
    # XML written as US-ASCII: every other character a decimal reference
    "xml-ascii": lambda text: "".join(
        char if char.isascii() else f"&#{ord(char)};" for char in html.escape(text, quote=False)
    ),
    # only punctuation escaped, as hex references with leading zeros
    "some-references": lambda text: "".join(
        f"&#x00{ord(char):X};" if char.isascii() and not char.isalnum() else char for char in text
    ),
    # JavaScript's encodeURIComponent: keeps !'()*, lower-case hex here
    "uri-component": lambda text: "".join(char if char in _URI_KEPT else quote(char, safe="").lower() for char in text),
    "base64url": lambda text: base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("="),
}
SPELLINGS = tuple(_SPELLERS)


def spell(text: str, spelling: str) -> str:
    """`text` written the way `spelling` names."""
    return _SPELLERS[spelling](text)
