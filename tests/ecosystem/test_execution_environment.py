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

from tests.ecosystem.conftest import BIN
from tests.support.collection import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "execution-environment.yml"
GALAXY = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))
TARBALL_NAME = f"abraflexi-flexi-{GALAXY['version']}.tar.gz"


def introspect(collections_root: Path) -> dict:
    """``ansible-builder introspect --sanitize`` of a folder holding ``ansible_collections/``, as data."""
    run = subprocess.run(
        [BIN / "ansible-builder", "introspect", "--sanitize", str(collections_root)],
        check=True,
        capture_output=True,
        text=True,
    )
    return yaml.safe_load(run.stdout)


@pytest.fixture
def build_context(tmp_path: Path, collection_tarball: Path) -> Path:
    """The context ``ansible-builder create`` writes for examples/execution-environment.yml."""
    # The example expects the tarball at the repository root, next to its examples/ folder.
    (tmp_path / "examples").mkdir()
    shutil.copy2(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    shutil.copy2(collection_tarball, tmp_path / collection_tarball.name)
    context = tmp_path / "context"
    subprocess.run(
        [
            BIN / "ansible-builder",
            "create",
            "--file",
            str(tmp_path / "examples" / EXAMPLE.name),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    return context


def test_create_writes_a_build_context_with_the_collection(build_context):
    containerfile = (build_context / "Containerfile").read_text(encoding="utf-8")

    assert (build_context / "_build" / "collections" / TARBALL_NAME).is_file()
    assert yaml.safe_load((build_context / "_build" / "requirements.yml").read_text(encoding="utf-8")) == {
        "collections": [{"name": f"collections/{TARBALL_NAME}", "type": "file"}]
    }
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect" in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core==2.19.14 ansible-runner==2.4.3"' in containerfile


def test_galaxy_stage_of_the_context_installs_the_collection_that_introspection_then_finds(build_context, tmp_path):
    collections_root = tmp_path / "usr-share-ansible-collections"
    build_folder = build_context / "_build"

    # What the Containerfile's galaxy stage runs in /build (the context's _build folder).
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "install", "-r", "requirements.yml", "-p", str(collections_root)],
        cwd=build_folder,
        check=True,
        capture_output=True,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(collections_root)},
    )
    dependencies = introspect(collections_root)

    assert (collections_root / "ansible_collections" / "abraflexi" / "flexi" / "MANIFEST.json").is_file()
    assert dependencies["python"] == [
        "requests>=2.25  # from collection abraflexi.flexi",
        "lxml>=4.6  # from collection abraflexi.flexi",
    ]
    assert "libxml2 [platform:rpm]  # from collection abraflexi.flexi" in dependencies["system"]
    assert "libxslt [platform:rpm]  # from collection abraflexi.flexi" in dependencies["system"]
    assert all(line.endswith("# from collection abraflexi.flexi") for line in dependencies["system"])
