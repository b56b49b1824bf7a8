"""What the built collection tarball holds. That it installs and works on its own, outside this checkout, is the
AWX-style job's proof (tests/ecosystem/test_awx_runner.py runs the installed tarball only)."""

from __future__ import annotations

import tarfile


def test_tarball_holds_no_local_caches(collection_tarball):
    with tarfile.open(collection_tarball) as archive:
        names = archive.getnames()

    assert not [name for name in names if name.startswith((".venv", ".tmp", ".git/", "tests/output"))]
    assert not [name for name in names if "__pycache__" in name]
