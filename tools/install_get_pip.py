"""Put the offline pip bootstrap where the running ansible-test looks for its ``get-pip`` script.

Run it with the Python that has ansible-core installed (``.venv/bin/python tools/install_get_pip.py``). ansible-test
bootstraps pip in every venv it creates with a script it downloads once into
``~/.ansible/test/cache/get_pip_<pip version>.py``; the download host is not reachable from our machines, so this
copies ``tools/get_pip_bootstrap.py`` to that path and says so. A script already there (downloaded or ours) is left
alone, silently.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import ansible_test

BOOTSTRAP = Path(__file__).with_name("get_pip_bootstrap.py")
CACHE = Path("~/.ansible/test/cache").expanduser()


def pip_version() -> str:
    """The pip version this ansible-test pins in its venvs (``get_venv_packages`` in python_requirements.py)."""
    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"\bpip='([0-9.]+)'", source.read_text(encoding="utf-8"))
    if match is None:
        sys.exit(f"cannot find the pip version ansible-test pins in {source}")
    return match.group(1)


def main() -> None:
    """Copy the bootstrap into ansible-test's cache unless a script is already there."""
    target = CACHE / f"get_pip_{pip_version().replace('.', '_')}.py"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BOOTSTRAP, target)
        print(f"pip bootstrap for ansible-test: {target}")


if __name__ == "__main__":
    main()
