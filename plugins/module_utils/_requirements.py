# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Which Python libraries the modules need and whether they are importable (internal to abraflexi.flexi)."""

from __future__ import annotations

import traceback

LIBRARIES = ("requests", "lxml")


def missing_library() -> tuple[str, str] | None:
    """Return (name, traceback) of the first required library that cannot be imported, or None."""
    for name in LIBRARIES:
        try:
            __import__(name)
        except ImportError:
            return name, traceback.format_exc()
    return None
