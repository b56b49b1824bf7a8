"""Secrets are masked however a server spells them, character by character, in msg, response and warnings."""

from __future__ import annotations

import base64
import json
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._module import execute
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK, basic_auth_tokens, redact

NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def _utf16_units(char: str) -> list[int]:
    raw = char.encode("utf-16-be", errors="surrogatepass")
    return [int.from_bytes(raw[index : index + 2], "big") for index in range(0, len(raw), 2)]


# Each escape a server writes for one character; None where it does not apply to that character.
ESCAPES = {
    "itself": lambda char: char,
    "decimal reference": lambda char: f"&#{ord(char)};",
    "decimal reference, leading zeros": lambda char: f"&#000{ord(char)};",
    "hex reference": lambda char: f"&#x{ord(char):x};",
    "hex reference, upper case, leading zeros": lambda char: f"&#X00{ord(char):X};",
    "named reference": NAMED.get,
    "percent, upper case": lambda char: "".join(f"%{byte:02X}" for byte in char.encode()),
    "percent, lower case": lambda char: "".join(f"%{byte:02x}" for byte in char.encode()),
    "JSON \\u": lambda char: "".join(f"\\u{unit:04x}" for unit in _utf16_units(char)),
    "JSON \\u, upper case": lambda char: "".join(f"\\u{unit:04X}" for unit in _utf16_units(char)),
}
CZECH = "áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ"
EMOJI = "😀🔑🚀€"
PASSWORD = st.text(
    st.sampled_from(string.punctuation + CZECH + EMOJI + string.ascii_letters + string.digits), min_size=4
)


def spelled(secret: str, choices: list[str]) -> str:
    """``secret`` with its i-th character written as escape ``choices[i]`` (itself where that does not apply)."""
    return "".join(ESCAPES[name](char) or char for char, name in zip(secret, choices))


def base64_forms(text: str) -> list[str]:
    raw = text.encode()
    forms = [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    return forms + [form.rstrip("=") for form in forms]


def outcome_of(secret: str, quoted: str) -> dict[str, object]:
    """What a run that quotes ``quoted`` in its failure message, body and a warning returns."""

    def run(task):
        task.warn(f"Flexi stored [{quoted}] as the host")
        raise FlexiError(f"Flexi answered HTTP 400: [{quoted}]", 400, "PUT", "https://flexi", f"<m>{quoted}</m>")

    outcome = execute(run, {}, False, {secret} | basic_auth_tokens("admin", secret))
    return {"msg": outcome.result["msg"], "response": outcome.result["response"], "warnings": outcome.warnings}


def assert_masked(result: dict[str, object], quoted: str) -> None:
    text = json.dumps(result, ensure_ascii=False)
    assert quoted not in text.replace(MASK, "")
    assert MASK in result["msg"] and MASK in result["response"] and MASK in result["warnings"][0]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(secret=PASSWORD, data=st.data())
@example(secret="Heslo\u0159", data=None)  # a server writing XML as US-ASCII escapes only the "ř"
def test_a_password_spelled_with_any_mix_of_escapes_is_masked(secret, data):
    if data is None:
        choices = ["itself"] * 5 + ["decimal reference"]
    else:
        choices = data.draw(st.lists(st.sampled_from(list(ESCAPES)), min_size=len(secret), max_size=len(secret)))
    quoted = spelled(secret, choices)

    assert_masked(outcome_of(secret, quoted), quoted)


@pytest.mark.parametrize("escape", list(ESCAPES))
def test_every_escape_applied_to_every_character_is_masked(escape):
    secret = "S3cret!x Hesl\u0159 <&\"'> \U0001f511"
    quoted = spelled(secret, [escape] * len(secret))

    assert_masked(outcome_of(secret, quoted), quoted)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(secret=PASSWORD, which=st.integers(0, 3), user_and_secret=st.booleans())
def test_base64_of_the_password_and_of_user_colon_password_is_masked(secret, which, user_and_secret):
    quoted = base64_forms(f"admin:{secret}" if user_and_secret else secret)[which]

    assert_masked(outcome_of(secret, quoted), quoted)


@pytest.mark.parametrize(
    ("secrets", "text"),
    [
        (["abc-1", "1-xyz"], "said abc-1-xyz."),  # overlapping: masking one first would leave "-xyz"
        (["s3cret", "s3cret-and-more"], "said s3cret-and-more."),  # one inside the other
        (["s3cret-and-more", "s3cret"], "said s3cret&#45;and-more."),  # the longer one spelled, the shorter not
    ],
)
def test_secrets_inside_or_across_each_other_leave_no_remainder(secrets, text):
    assert redact(text, secrets) == f"said {MASK}."


def test_no_secrets_leave_a_value_untouched():
    value = {"msg": "nothing secret", "status": 400}

    assert redact(value, [None, ""]) == value


def test_secrets_handed_to_ansible_core_come_longest_first():
    from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import LongestFirst

    assert list(LongestFirst({"ab", "abcd", "a", "abc"})) == ["abcd", "abc", "ab", "a"]
