"""Secrets come from the argument spec: an option declared no_log is masked in every spelling, with no list."""

from __future__ import annotations

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._module import ModuleContract, execute
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import MASK

TOKEN = "T0ken-\u0159!"
PARAMS = {"url": "https://flexi.example.com", "company": "c", "username": "admin", "password": "api-pw", "token": TOKEN}


def refuse_quoting_the_token(task):
    raise FlexiError("Flexi said: T0ken-&#345;&#x21; and api&#x2d;pw", 400, "GET", "https://flexi", TOKEN)


CONTRACT = ModuleContract({"token": {"type": "str", "no_log": True}, "host": {"type": "str"}}, refuse_quoting_the_token)


def test_a_new_no_log_option_is_masked_in_every_spelling_without_being_listed():
    outcome = execute(CONTRACT.task_function, PARAMS, False, CONTRACT.secrets(PARAMS))

    assert outcome.result["msg"] == f"Flexi said: {MASK} and {MASK}"
    assert outcome.result["response"] == MASK


def test_the_argument_spec_is_the_connection_options_then_the_modules_own():
    spec = CONTRACT.argument_spec()

    assert list(spec)[-2:] == ["token", "host"]
