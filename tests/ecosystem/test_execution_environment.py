"""The collection works with ansible-builder: the example EE gives a context whose collection introspection reads.

No container runtime is needed: ``ansible-builder create`` only writes the build context, and the step of the
build that installs the collection (``ansible-galaxy collection install -r requirements.yml`` in the context's
``_build`` folder) followed by the introspection the builder stage runs are replayed here on the host.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.ansible import ANSIBLE_BIN
from tests.support.collection import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "execution-environment.yml"


@pytest.fixture
def build_context(tmp_path: Path, collection_tarball: Path) -> Path:
    """The context ``ansible-builder create`` writes for examples/execution-environment.yml."""
    # The example expects the tarball at the repository root, next to its examples/ folder.
    (tmp_path / "examples").mkdir()
    shutil.copy2(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    shutil.copy2(collection_tarball, tmp_path / collection_tarball.name)
    command = [ANSIBLE_BIN / "ansible-builder", "create", "--file", f"examples/{EXAMPLE.name}", "--context", "context"]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path / "context"


def test_galaxy_stage_of_the_context_installs_the_collection_that_introspection_then_finds(build_context, tmp_path):
    installed = tmp_path / "usr-share-ansible-collections"
    install = [ANSIBLE_BIN / "ansible-galaxy", "collection", "install", "-r", "requirements.yml", "-p", installed]
    introspect = [ANSIBLE_BIN / "ansible-builder", "introspect", "--sanitize", installed]

    # What the Containerfile's galaxy stage runs in /build (the context's _build folder), then its builder stage.
    environment = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(installed)}
    subprocess.run(install, cwd=build_context / "_build", check=True, capture_output=True, env=environment)
    dependencies = yaml.safe_load(subprocess.run(introspect, check=True, capture_output=True, text=True).stdout)

    assert (installed / "ansible_collections" / "abraflexi" / "flexi" / "MANIFEST.json").is_file()
    assert dependencies["python"] == [
        "requests>=2.25  # from collection abraflexi.flexi",
        "lxml>=4.6  # from collection abraflexi.flexi",
    ]
    assert "libxml2 [platform:rpm]  # from collection abraflexi.flexi" in dependencies["system"]
    assert "libxslt [platform:rpm]  # from collection abraflexi.flexi" in dependencies["system"]
    assert all(line.endswith("# from collection abraflexi.flexi") for line in dependencies["system"])
