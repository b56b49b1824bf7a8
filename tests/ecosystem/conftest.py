"""Fixtures for the ecosystem tests: the built collection installed alone, and the tools of the test venv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.ansible import ANSIBLE_BIN


@pytest.fixture(scope="session")
def installed_collection(tmp_path_factory: pytest.TempPathFactory, collection_tarball: Path) -> Path:
    """A collections folder (the one that holds ``ansible_collections/``) with only the built tarball installed."""
    root = tmp_path_factory.mktemp("collections")
    subprocess.run(
        [ANSIBLE_BIN / "ansible-galaxy", "collection", "install", str(collection_tarball), "-p", str(root)],
        check=True,
        capture_output=True,
        # Only this folder counts, so a copy installed elsewhere on the machine cannot satisfy the install.
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(root)},
    )
    return root
