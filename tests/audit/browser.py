"""Drive Debian's headless Chromium from a test: the DOM it builds from a page, and a screenshot of the page.

Each call starts a fresh browser with its own profile folder and returns when Chromium exits (``--dump-dom`` and
``--screenshot`` both quit once the page has loaded), so there is nothing to wait for. The flags keep it off the
network: on a closed network Chromium otherwise stalls on background requests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# `make chromium` installs Debian's package when missing; CHROMIUM names another browser (a path or a command).
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
TIMEOUT = 120  # seconds; a cold start on a busy 2-core machine takes a few


def chromium() -> str:
    """Path of the Chromium binary; skip the test (with the way to get one) when there is none.

    CHROMIUM, when set, must name a browser: a wrong one fails the test rather than letting another one stand in.
    """
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        named = shutil.which(explicit)
        if named is None:
            pytest.fail(f"CHROMIUM={explicit} is not an executable browser (give its path, or unset CHROMIUM)")
        return named
    found = next((path for path in map(shutil.which, CANDIDATES) if path), None)
    if not found:
        pytest.skip("Chromium is not installed: `make chromium` installs Debian's package (or set CHROMIUM)")
    return found


def _run(page: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments, page.resolve().as_uri()]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if completed.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited with {completed.returncode}:\n{completed.stderr[-4000:]}")
    return completed


def dump_dom(page: Path) -> str:
    """The DOM Chromium built from ``page``, serialised as HTML."""
    return _run(page, "--dump-dom").stdout


def screenshot(page: Path, destination: Path, width: int = 1400, height: int = 900) -> Path:
    """Save a PNG of ``page`` at the given window size to ``destination``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.unlink(missing_ok=True)
    _run(page, f"--screenshot={destination.resolve()}", f"--window-size={width},{height}")
    if not destination.is_file():
        raise AssertionError(f"Chromium did not write {destination}")
    return destination
