"""Rules of our ansible-test sanity setup that a passing sanity run would not reveal when broken."""

from __future__ import annotations

import re

import yaml

from tests.support.collection import REPO_ROOT


def test_no_sanity_ignore_or_skip_files():
    # ansible-test would honour tests/sanity/ignore-<version>.txt and skip-<version>.txt silently; we fix findings.
    sanity = REPO_ROOT / "tests" / "sanity"

    assert sorted(path.name for path in sanity.glob("*.txt")) == []


def test_requires_ansible_names_the_oldest_ansible_core_of_the_test_matrix():
    # The Makefile's version matrix is what backs the declared range; the two must move together.
    runtime = yaml.safe_load((REPO_ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    matrix = re.search(r"^MATRIX := (.+)$", (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), re.M)

    assert matrix is not None
    assert runtime["requires_ansible"] == f">={matrix.group(1).split()[0]}.0"
