"""The environment of every ansible-playbook run the tests and the benchmark start."""

from __future__ import annotations

import os
from pathlib import Path

from tests.collection_path import install


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
