"""Fixtures shared by every test: the Flexi emulator and the SMTP sink, each stopped at teardown."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.emulator.proxy import ForwardProxy
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.support.collection import REPO_ROOT
from tests.support.modules import API_PASSWORD, API_USER, COMPANY, ModuleRunner


@pytest.fixture
def module_args(emulator) -> dict[str, Any]:
    """Connection options that reach the ``emulator`` fixture as its admin user."""
    return {"url": emulator.url, "company": COMPANY, "username": API_USER, "password": API_PASSWORD}


@pytest.fixture
def run_module(capsys) -> ModuleRunner:
    """Run a module's main() in process: ``run_module(name, args, check_mode=False, diff=False) -> result``."""
    return ModuleRunner(capsys)


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator with default options."""
    with EmulatorServer(EmulatorOptions()) as server:
        yield server


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    """A forward proxy on 127.0.0.1 (plain HTTP and CONNECT); `.url` for `proxies=`, `.requests` what it got."""
    with ForwardProxy() as proxy:
        yield proxy


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    """Start emulators with EmulatorOptions overrides, e.g. `emulator_factory(tls=True, error_shape="errors")`."""
    started: list[EmulatorServer] = []

    def start(**overrides: Any) -> EmulatorServer:
        server = EmulatorServer(EmulatorOptions(**overrides)).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A plain SMTP sink without AUTH."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp_sink_factory() -> Iterator[Callable[..., SmtpSink]]:
    """Start SMTP sinks, e.g. `smtp_sink_factory(mode="starttls", auth=("user", "pass"))`."""
    started: list[SmtpSink] = []

    def start(**kwargs: Any) -> SmtpSink:
        sink = SmtpSink(**kwargs).start()
        started.append(sink)
        return sink

    yield start
    for sink in reversed(started):
        sink.stop()


@pytest.fixture(scope="session")
def collection_tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``abraflexi-flexi-<version>.tar.gz`` built from this checkout as Galaxy would get it (build_ignore applies)."""
    out = tmp_path_factory.mktemp("build")
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    subprocess.run([galaxy, "collection", "build", REPO_ROOT, "--output-path", out], check=True, capture_output=True)
    (tarball,) = out.glob("abraflexi-flexi-*.tar.gz")
    return tarball
