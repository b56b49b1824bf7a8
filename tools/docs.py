"""Generate the collection's documentation pages with antsibull-docs, or check that the committed ones are current.

``python tools/docs.py generate docs/site/rst`` replaces that folder with the RST antsibull-docs writes for
``abraflexi.flexi``: the collection index, one page per module (from DOCUMENTATION, EXAMPLES and RETURN), the
environment variables, and the guides of ``docs/docsite/``. ``check`` generates into a scratch folder and fails
when the committed folder differs. Run with the tools venv's Python, with the collection on
ANSIBLE_COLLECTIONS_PATH and that venv's ``bin`` on PATH (antsibull-docs runs ansible-doc): the Makefile does both.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COLLECTION = "abraflexi.flexi"


def generate(destination: Path) -> None:
    """Write the collection's RST pages into ``destination``, which must be empty or absent."""
    antsibull_docs = Path(sys.executable).with_name("antsibull-docs")
    subprocess.run(
        [
            str(antsibull_docs),
            "collection",
            "--use-current",
            "--squash-hierarchy",
            "--fail-on-error",
            "--dest-dir",
            str(destination),
            COLLECTION,
        ],
        check=True,
    )


def relative_files(root: Path) -> set[str]:
    """Every file under ``root``, as paths relative to it."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def differences(committed: Path, fresh: Path) -> list[str]:
    """Files missing, extra or different in ``committed`` compared to ``fresh``."""
    committed_files = relative_files(committed) if committed.is_dir() else set()
    fresh_files = relative_files(fresh)
    found = [f"missing: {name}" for name in sorted(fresh_files - committed_files)]
    found += [f"not generated: {name}" for name in sorted(committed_files - fresh_files)]
    found += [
        f"differs: {name}"
        for name in sorted(fresh_files & committed_files)
        if not filecmp.cmp(committed / name, fresh / name, shallow=False)
    ]
    return found


def main() -> int:
    """``generate DEST`` or ``check DEST``."""
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    action, destination = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="docs-") as scratch:
        fresh = Path(scratch) / "rst"
        fresh.mkdir(mode=0o700)  # antsibull-docs refuses a folder others may write to
        generate(fresh)
        if action == "generate":
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(fresh, destination)
            print(f"wrote {destination}")
            return 0
        found = differences(destination, fresh)
    if found:
        print(f"{destination} is not current; run `make docs` and commit the result:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in found), file=sys.stderr)
        return 1
    print(f"{destination} is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
