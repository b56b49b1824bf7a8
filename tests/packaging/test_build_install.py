"""The built collection tarball installs and works on its own, outside this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.support.ansible import run_ansible_playbook

BIN = Path(sys.executable).parent
PLAYBOOK = """
- name: Installed collection reaches the emulator
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Configure SMTP
      abraflexi.flexi.flexi_smtp:
        host: smtp.example.com
        port: 587
        encryption_mode: STARTTLS
      register: configured
"""


def test_tarball_holds_plugins_and_no_local_caches(collection_tarball):
    with tarfile.open(collection_tarball) as archive:
        names = archive.getnames()

    assert "plugins/modules/flexi_smtp.py" in names
    assert "plugins/modules/flexi_smtp_info.py" in names
    assert "meta/runtime.yml" in names
    assert not [name for name in names if name.startswith((".venv", ".tmp", ".git/", "tests/output"))]
    assert not [name for name in names if "__pycache__" in name]


@pytest.mark.integration
def test_installed_tarball_configures_flexi(collection_tarball, tmp_path, emulator):
    collections = tmp_path / "collections"
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "install", "--force", str(collection_tarball), "-p", str(collections)],
        check=True,
        capture_output=True,
    )
    # Only the installed copy is on the collections path, so a working run proves the tarball is complete.
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ABRAFLEXI_URL": emulator.url,
        "ABRAFLEXI_COMPANY": "demo_s_r_o_",
        "ABRAFLEXI_LOGIN": "admin",
        "ABRAFLEXI_PASSWORD": "admin-secret",
    }

    run = run_ansible_playbook(("-e", f"ansible_python_interpreter={sys.executable}", str(playbook)), tmp_path, env)

    assert run.returncode == 0, run.describe()
    assert "changed=1" in run.stdout
    assert emulator.state.stored()["encryptionMode"] == "STARTTLS"
    assert "admin-secret" not in run.output
