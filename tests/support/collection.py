"""Make ``ansible_collections.abraflexi.flexi`` importable here and in the ``ansible-playbook`` runs we start.

Ansible finds a collection only under ``ansible_collections/<namespace>/<name>``: unless the checkout already sits in
such a tree (ansible-test), a symlink under ``.tmp/collections`` (git-ignored) provides one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def collections_root() -> Path:
    """The folder that holds ``ansible_collections/abraflexi/flexi`` for this checkout."""
    if REPO_ROOT.parent.name == "abraflexi" and REPO_ROOT.parent.parent.name == "ansible_collections":
        return REPO_ROOT.parent.parent.parent
    root = REPO_ROOT / ".tmp" / "collections"
    link = root / "ansible_collections" / "abraflexi" / "flexi"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    return root


def install() -> Path:
    """Put the collection on ``sys.path`` and on ``ANSIBLE_COLLECTIONS_PATH``; return its collections root."""
    root = collections_root()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(root)
    return root
