"""Rules of our ansible-test sanity setup that a passing sanity run would not reveal when broken."""

from __future__ import annotations

from tests.support.collection import REPO_ROOT


def test_no_sanity_ignore_or_skip_files():
    # ansible-test would honour tests/sanity/ignore-<version>.txt and skip-<version>.txt silently; we fix findings.
    sanity = REPO_ROOT / "tests" / "sanity"

    assert sorted(path.name for path in sanity.glob("*.txt")) == []
