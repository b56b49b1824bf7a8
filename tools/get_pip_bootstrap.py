"""Offline stand-in for the ``get-pip`` script that ansible-test downloads to bootstrap pip in its venvs.

ansible-test looks for ``~/.ansible/test/cache/get_pip_<version>.py`` before it downloads one, and runs it in a
fresh venv as ``python quiet_pip.py <pip options> pip==<version> [--no-setuptools] [--no-wheel]``. The download
host is unreachable here, so ``make sanity`` copies this file to that path. It installs pip from the Python's own
``ensurepip`` and then upgrades it to the requested version from the package index pip is configured with.
"""

from __future__ import annotations

import subprocess
import sys

# Options only the real get-pip script understands; pip itself would reject them.
GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main() -> None:
    """Install pip with ensurepip, then install what ansible-test asked for (the pinned pip)."""
    pip_arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
    subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pip_arguments], check=True)


if __name__ == "__main__":
    main()
