"""Mirror the collection's files into ``DEST/ansible_collections/abraflexi/flexi`` for ansible-test.

ansible-test runs only from a collection that sits in an ``ansible_collections/<namespace>/<name>`` tree, and a
symlink does not do (it resolves the real path). So ``make sanity`` and ``make units`` work on a copy. The copy
holds the files git would commit (tracked plus untracked-but-not-ignored, so work in progress is tested too) and
nothing else: no venvs, caches or build output. Files that left the checkout are removed from the copy, but the
copy's ``tests/output/`` is kept, because ansible-test keeps its delegation venv there and reuses it.

The copy is a git repository of its own (``git init``, nothing committed). ansible-test looks for ``.git`` from the
collection upwards; without one in the copy it would find the checkout's, which ignores ``.tmp/``, and skip every
file. In its own repository it lists the copy's files as untracked, and the copied .gitignore applies.

Usage: ``python tools/stage_collection.py DEST``; prints the collection's path in the copy.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Used only without git (an unpacked archive): what .gitignore keeps out of the repository.
SKIPPED_NAMES = {
    ".git",
    ".tmp",
    ".ansible",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".mypy_cache",
}
KEPT_IN_COPY = ("tests/output", ".git")


def collection_files() -> list[str]:
    """Paths, relative to the repository root, of the files that make up the collection."""
    if (REPO_ROOT / ".git").exists() and shutil.which("git"):
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        ).stdout.decode()
        return sorted(path for path in listing.split("\0") if path and (REPO_ROOT / path).is_file())
    files = []
    for directory, subdirectories, names in os.walk(REPO_ROOT):
        relative = Path(directory).relative_to(REPO_ROOT)
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in SKIPPED_NAMES
            and not name.startswith(".venv")
            and (relative / name).as_posix() != "tests/output"
        ]
        files.extend((relative / name).as_posix() for name in names if not name.endswith(".pyc"))
    return sorted(files)


def sync(files: list[str], target: Path) -> None:
    """Make ``target`` hold exactly ``files`` (copied when new or different), leaving KEPT_IN_COPY alone."""
    wanted = set(files)
    for relative in files:
        source, copy = REPO_ROOT / relative, target / relative
        if copy.is_file() and filecmp.cmp(source, copy, shallow=False):
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
    for directory, subdirectories, names in os.walk(target, topdown=True):
        relative = Path(directory).relative_to(target)
        subdirectories[:] = [name for name in subdirectories if (relative / name).as_posix() not in KEPT_IN_COPY]
        for name in names:
            if (relative / name).as_posix() not in wanted:
                (Path(directory) / name).unlink()
    for directory in sorted((entry[0] for entry in os.walk(target)), reverse=True):
        relative = Path(directory).relative_to(target).as_posix()
        if relative == "." or relative.startswith(KEPT_IN_COPY):
            continue
        if not any(Path(directory).iterdir()):
            Path(directory).rmdir()


def main() -> None:
    """Stage the collection under the folder given as the only argument."""
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    target = Path(sys.argv[1]).resolve() / "ansible_collections" / "abraflexi" / "flexi"
    target.mkdir(parents=True, exist_ok=True)
    sync(collection_files(), target)
    if not (target / ".git").exists() and shutil.which("git"):
        subprocess.run(["git", "init", "--quiet", str(target)], check=True)
    print(target)


if __name__ == "__main__":
    main()
