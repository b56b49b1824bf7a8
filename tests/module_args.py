"""Feed a module's ``main()`` its arguments in process, on every ansible-core the collection supports.

ansible-core 2.19 added ``ansible.module_utils.testing.patch_module_args``; 2.16 to 2.18 read the arguments from
``ansible.module_utils.basic._ANSIBLE_ARGS`` (the JSON a module would get on stdin), which is what the fallback sets.
Every test that runs a module imports ``patch_module_args`` from here, so the version split lives in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19

    @contextmanager
    def patch_module_args(args: dict[str, Any] | None = None) -> Iterator[None]:
        """Expose ``args`` to every ``AnsibleModule`` created inside the block."""
        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield


__all__ = ["patch_module_args"]
