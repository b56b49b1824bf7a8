"""The environment of every ansible-playbook run the tests and the benchmark start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.collection_path import install

# `make test` runs the integration targets again with other ansible-core versions and module-side Pythons (its
# version matrix): TEST_ANSIBLE_BIN names the bin folder of a venv with another ansible-core, TEST_MODULE_PYTHON another
# interpreter for the modules. Unset, both are those of the venv running the tests.
ANSIBLE_BIN = Path(os.environ.get("TEST_ANSIBLE_BIN") or Path(sys.executable).parent).absolute()
MODULE_PYTHON = str(Path(os.environ.get("TEST_MODULE_PYTHON") or sys.executable).absolute())


def module_host_vars() -> dict[str, object]:
    """Variables that make the modules run on MODULE_PYTHON.

    Given a TEST_MODULE_PYTHON, direct execution in the controller process is switched off as well, so the modules
    really run on that interpreter.
    """
    host_vars: dict[str, object] = {"ansible_python_interpreter": MODULE_PYTHON}
    if os.environ.get("TEST_MODULE_PYTHON"):
        host_vars["abraflexi_direct_execution"] = False
    return host_vars


def clean_ansible_environment(
    workdir: Path, config: Path | None = None, *, silence_inventory_warnings: bool = True, **extra: str
) -> dict[str, str]:
    """This process's environment without ANSIBLE_* and ABRAFLEXI_*, plus settings that make a run repeatable.

    No user or system ansible.cfg: ``config``, or an empty one in ``workdir``. Ansible's home and temporary folders
    inside ``workdir``, this checkout as the collection, plain output from the default callback. With
    ``silence_inventory_warnings``, the implicit-localhost and unparsed-inventory warnings are off (for runs whose
    inventory is implicit on purpose). ``extra`` adds or overrides variables.
    """
    if config is None:
        config = workdir / "ansible.cfg"
        config.touch()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "ABRAFLEXI_"))}
    environment.update(
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_COLLECTIONS_PATH=str(install()),
        ANSIBLE_HOME=str(workdir / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-local"),
        ANSIBLE_REMOTE_TEMP=str(workdir / "ansible-remote"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        PYTHONUNBUFFERED="1",
    )
    if silence_inventory_warnings:
        environment.update(ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    environment.update(extra)
    return environment
