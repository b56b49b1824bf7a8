from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import (
    check_address,
    check_port,
    check_recipient,
    check_text,
)


@pytest.mark.parametrize("port", [1, 25, 465, 587, 65535])
def test_ports_an_smtp_server_can_use_are_accepted(port):
    assert check_port(port) == port


@pytest.mark.parametrize("port", [0, -1, 65536, 4651111])
def test_ports_outside_1_to_65535_are_rejected_with_the_range(port):
    with pytest.raises(FlexiError, match=rf"port must be between 1 and 65535, got {port}\."):
        check_port(port)


@pytest.mark.parametrize(
    "address",
    [
        "vzor@seznam.cz",
        "Jméno Odesílatele <vzor@seznam.cz>",
        "Jméno Příjmení <uzivatel@domena.cz>",
        "uzivatel@domena.cz",
        "ABRA Flexi <flexi@example.com>",
        '"Doe, John" <john.doe@example.com>',
        "first.last+tag@sub.example.co.uk",
        "  padded@example.com  ",
    ],
)
def test_one_address_with_or_without_display_name_is_accepted(address):
    assert check_address("default_from", address) == address.strip()


@pytest.mark.parametrize(
    ("address", "hint"),
    [
        ("a@example.com, b@example.com", "more than one address"),
        ("A <a@example.com>, B <b@example.com>", "more than one address"),
        ("Jméno <vzor@seznam.cz", "has no closing '>'"),
        ("Jméno vzor@seznam.cz>", "no opening '<'"),
        ("Jméno Odesílatele", "no '@'"),
        ("", "empty"),
        ("user@", ""),
        ("@example.com", ""),
        ("a b@example.com", ""),
        ("<a@example.com>", ""),
    ],
)
def test_anything_but_one_address_is_rejected_with_the_expected_forms(address, hint):
    with pytest.raises(FlexiError) as caught:
        check_address("default_from", address)

    assert "default_from must be exactly one address, either 'user@domain' or 'Display Name <user@domain>'" in str(
        caught.value
    )
    assert hint in str(caught.value)


def test_empty_sender_is_allowed_where_it_clears_the_setting():
    assert check_address("default_from", "  ", allow_empty=True) == ""


@given(
    name=st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=20),
    user=st.from_regex(r"[a-z0-9._+-]{1,12}", fullmatch=True),
    domain=st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True),
)
def test_any_letters_in_display_name_are_accepted(name, user, domain):
    address = f"{name} <{user}@{domain}>"

    assert check_address("test_email", address) == address


def test_empty_host_is_rejected_with_advice():
    with pytest.raises(FlexiError, match="host must not be empty; leave the option out to keep the stored value"):
        check_text("host", "  ", allow_empty=False)


@pytest.mark.parametrize("recipient", ["it@example.com", "it-team+flexi@mail.example.co.uk", "příjemce@příklad.cz"])
def test_one_bare_address_is_a_valid_test_recipient(recipient):
    assert check_recipient("test_email", f" {recipient} ") == recipient


@pytest.mark.parametrize(
    ("recipient", "hint"),
    [
        ("IT <it@example.com>", "(give the bare address, without a display name)"),
        ("a@example.com, b@example.com", "(it holds more than one address)"),
        ("a@-", ""),
        ("a@-example.com", ""),
        ("a@b#frag", ""),
        ("no-at-sign", "(no '@')"),
    ],
)
def test_test_recipient_must_be_one_bare_address(recipient, hint):
    with pytest.raises(FlexiError, match="test_email must be exactly one address, 'user@domain'") as caught:
        check_recipient("test_email", recipient)

    assert hint in caught.value.msg


@pytest.mark.parametrize("character", ["\n", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"])
def test_c0_c1_controls_and_unicode_line_separators_are_refused_in_text(character):
    with pytest.raises(FlexiError, match="host must not contain control characters"):
        check_text("host", f"smtp{character}example.com")


def test_a_boolean_port_is_refused_although_python_counts_it_as_a_number():
    with pytest.raises(FlexiError, match="port must be a whole number between 1 and 65535, not a boolean"):
        check_port(True)
