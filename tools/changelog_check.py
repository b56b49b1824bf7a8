"""Fail when CHANGELOG.rst, CHANGELOG.md or changelogs/changelog.yaml are not what ``make changelog`` would write.

Run with the tools venv's Python; antsibull-changelog runs on a throw-away copy, so the checkout is never changed.

- If the version in galaxy.yml is already recorded in changelog.yaml, every fragment must be recorded too (a
  fragment added later describes a change of that same version): the copy runs ``antsibull-changelog release
  --update-existing`` with the recorded date and must come out identical.
- If it is not recorded (a new version in development), pending fragments are fine; the copy runs
  ``antsibull-changelog generate`` and the CHANGELOG files must come out identical.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CHANGES = Path("changelogs/changelog.yaml")
COMPARED = (CHANGES, Path("CHANGELOG.rst"), Path("CHANGELOG.md"))
COPIED = ("galaxy.yml", "meta", "plugins", "changelogs", *(str(path) for path in COMPARED))


def antsibull_changelog() -> str:
    """The antsibull-changelog next to this Python (the pinned one in .venv-tools)."""
    return str(Path(sys.executable).with_name("antsibull-changelog"))


def main() -> int:
    """Regenerate in a copy and compare; print what to do when something differs."""
    missing = [str(path) for path in COMPARED if not (REPO_ROOT / path).is_file()]
    if missing:
        print(f"missing {', '.join(missing)}: run `make changelog`", file=sys.stderr)
        return 1
    version = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    releases = yaml.safe_load((REPO_ROOT / CHANGES).read_text(encoding="utf-8")).get("releases") or {}
    with tempfile.TemporaryDirectory(prefix="changelog-check-") as scratch:
        copy = Path(scratch)
        for name in COPIED:
            source = REPO_ROOT / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns(".plugin-cache.yaml", "__pycache__"))
            else:
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy / name)
        if version in releases:
            command = ["release", "--update-existing", "--date", str(releases[version]["release_date"])]
        else:
            command = ["generate"]
        # Its chatter (plugin cache, "no release_summary" when nothing new was added) matters only on failure.
        run = subprocess.run(
            [antsibull_changelog(), *command, "-v"], cwd=copy, capture_output=True, text=True, check=False
        )
        if run.returncode != 0:
            print(run.stdout + run.stderr, file=sys.stderr)
            return run.returncode
        stale = [
            str(path)
            for path in COMPARED
            if (copy / path).read_text(encoding="utf-8") != (REPO_ROOT / path).read_text(encoding="utf-8")
        ]
    if stale:
        print(
            f"stale: {', '.join(stale)}; version {version} in galaxy.yml. Run `make changelog` and commit the result.",
            file=sys.stderr,
        )
        return 1
    pending = "" if version in releases else f" (version {version} not released yet: its fragments are pending)"
    print(f"changelog current{pending}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
