"""A module loads at start only what a successful run needs; failure wording and escape patterns wait."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.collection import collections_root

LAZY = ("_failure_messages", "_transport_failures", "_escapes", "_proxies")


@pytest.mark.parametrize("module", ["flexi_smtp", "flexi_smtp_info"])
def test_loading_a_module_leaves_failure_and_escape_code_unloaded(module):
    code = (
        f"import sys; sys.path.insert(0, {str(collections_root())!r}); "
        f"import ansible_collections.abraflexi.flexi.plugins.modules.{module}; "
        "print(' '.join(name.rsplit('.', 1)[-1] for name in sys.modules if '.module_utils._' in name))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()

    assert "_client" in loaded
    assert [name for name in LAZY if name in loaded] == []


@pytest.mark.parametrize(("text", "escaped"), [("ABRA Flexi & Co <a@b.cz>", False), ("Hesl&#345;", True)])
def test_escape_patterns_are_built_only_for_text_with_an_escape(text, escaped):
    code = (
        f"import sys; sys.path.insert(0, {str(collections_root())!r}); "
        "from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import redact; "
        f"print(redact({text!r}, ['Heslř']), any(name.endswith('._escapes') for name in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()

    assert output[-1] == str(escaped)
