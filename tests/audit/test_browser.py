"""Which browser the drift report's browser tests use: CHROMIUM when set, else the first of the usual names."""

from __future__ import annotations

import shutil

import pytest

from tests.audit.browser import chromium


def test_chromium_variable_names_the_browser_by_path_or_command(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "true")

    assert chromium() == shutil.which("true")


def test_chromium_variable_naming_no_browser_fails_instead_of_falling_back(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")

    with pytest.raises(pytest.fail.Exception, match="CHROMIUM=/nonexistent/chromium is not an executable browser"):
        chromium()
