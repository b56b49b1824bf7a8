"""`python -m tests.emulator` and `make emulator` as the README, the demo and the tests run them."""

from __future__ import annotations

import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests import demo
from tests.emulator.__main__ import build_parser, options_from, parse_fault
from tests.emulator.server import EmulatorOptions
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH
from tests.support.ansible import clean_ansible_environment, run_ansible_playbook

REPO_ROOT = Path(__file__).resolve().parents[3]


class Running:
    """A CLI process whose stdout lines are read with a deadline."""

    def __init__(self, *arguments: str, command: tuple[str, ...] = (sys.executable, "-m")) -> None:
        environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.process = subprocess.Popen(
            [*command, *arguments],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, which Ctrl-C (interrupt) reaches as a whole
        )

        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line.strip())

    def line(self, timeout: float = 15.0) -> str:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout}s") from None

    def lines_until(self, last: str, timeout: float = 60.0) -> list[str]:
        """Lines up to and including the one equal to ``last``, all within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while not lines or lines[-1] != last:
            lines.append(self.line(max(deadline - time.monotonic(), 0.01)))
        return lines

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(15)
        self._reader.join(5)
        self.process.stdout.close()
        self.process.stderr.close()
        return code


def test_cli_queues_its_faults_and_applies_its_options():
    fault = '{"kind": "raw", "status": 200, "body": "<html>login</html>", "headers": [["X-Proxy", "yes"]]}'
    with Running("tests.emulator", "--fault", fault, "--licence", "no-rest-write") as emulator:
        url = emulator.line()

        raw = requests.get(url + SMTP_PATH, auth=ADMIN, timeout=5)
        write = requests.put(url + SMTP_PATH, auth=ADMIN, data=b"<nastaveni-smtp/>", timeout=5)

        assert url.startswith("http://127.0.0.1:")
        assert (raw.text, raw.headers["X-Proxy"]) == ("<html>login</html>", "yes")
        assert write.status_code == 402
        assert emulator.stop() == 0  # SIGTERM ends it cleanly


def test_cli_says_when_its_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with Running("tests.emulator", "--port", str(port)) as emulator:
            assert emulator.process.wait(15) == 1
            assert f"cannot listen on port {port}: Address already in use" in emulator.process.stderr.read()


def test_cli_stops_by_itself_after_lifetime_and_says_so():
    with Running("tests.emulator", "--lifetime", "0.2") as emulator:
        emulator.line()

        assert emulator.process.wait(15) == 0
        assert "stopping, --lifetime 0.2 s is over" in emulator.process.stderr.read()


def test_cli_options_map_onto_emulator_options():
    parser = build_parser()
    arguments = parser.parse_args(
        [
            "--companies", "a,b",
            "--smtp-scope", "company",
            "--write-status", "200",
            "--error-status", "500",
            "--error-shape", "errors",
            "--test-mail-body", "winstrom",
            "--unset-fields", "absent",
            "--licence", "operation-forbidden",
            "--smtp-timeout", "2.5",
            "--path-prefix", "/erp/flexi",
        ]
    )  # fmt: skip

    options = options_from(arguments, parser)

    assert options.companies == ("a", "b")
    assert (options.smtp_scope, options.write_status, options.error_status) == ("company", 200, 500)
    assert (options.error_shape, options.test_mail_body, options.unset_fields) == ("errors", "winstrom", "absent")
    assert (options.licence, options.smtp_timeout, options.path_prefix) == ("operation-forbidden", 2.5, "/erp/flexi")
    assert options_from(parser.parse_args([]), parser) == EmulatorOptions()


def test_cli_rejects_malformed_path_prefix(capsys):
    parser = build_parser()

    with pytest.raises(SystemExit):
        options_from(parser.parse_args(["--path-prefix", "flexi/"]), parser)

    assert "path_prefix" in capsys.readouterr().err


@pytest.mark.parametrize("spec", ["status:503", '{"kind": "raw", "x": 1}', "[1]", "{"])
def test_cli_rejects_invalid_fault_specs(spec):
    with pytest.raises(ValueError):
        parse_fault(spec)


README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def start_make_emulator(folder: Path) -> tuple[Running, str]:
    """`make emulator` on a free port, writing into ``folder``; and its banner."""
    running = Running("emulator", "EMULATOR_PORT=0", f"EMULATOR_DIR={folder}", command=("make", "--no-print-directory"))
    return running, "\n".join(running.lines_until("Runs until Ctrl-C."))


@pytest.fixture(scope="module")
def make_emulator(tmp_path_factory) -> Iterator[tuple[Running, dict[str, str]]]:
    """`make emulator`, and what its banner names (field: value)."""
    running, banner = start_make_emulator(tmp_path_factory.mktemp("make-emulator"))
    with running:
        fields = dict(re.findall(r"^(url|company|username|password|ca_path): +(\S+)", banner, re.M))
        fields["inventory"] = re.search(r"^Playbooks: (\S+) holds", banner, re.M).group(1)
        yield running, fields


def test_make_emulator_prints_what_the_readme_says_and_serves_it(make_emulator):
    _running, fields = make_emulator
    url, company = fields["url"], fields["company"]

    answer = requests.get(
        f"{url}/c/{company}/nastaveni/smtp",
        auth=(fields["username"], fields["password"]),
        verify=fields["ca_path"],
        timeout=10,
    )

    assert url.startswith("https://127.0.0.1:")
    assert answer.status_code == 200
    for value in (company, fields["username"], fields["password"], "ca_path", "make emulator", "Ctrl-C"):
        assert value in README


def test_readme_first_playbook_runs_as_written_against_make_emulator(make_emulator, tmp_path):
    running, fields = make_emulator
    playbook_text = re.search(r"## A first playbook\n\n```yaml\n(.*?)```", README, re.S).group(1)
    # The README's playbook names port 5434, the port `make emulator` uses unless told otherwise.
    playbook = tmp_path / "first_playbook.yml"
    playbook.write_text(playbook_text.replace(":5434", ":" + fields["url"].rsplit(":", 1)[1]), encoding="utf-8")

    environment = clean_ansible_environment(tmp_path)

    run = run_ansible_playbook(("-i", fields["inventory"], str(playbook)), tmp_path, environment)

    assert run.returncode == 0, run.describe()
    assert re.search(r"^localhost\s*: ok=1\s+changed=1 ", run.stdout, re.M), run.describe()
    mail = " ".join(running.lines_until("Subject: Testovací email"))
    assert "mail from flexi@example.com to it-team@example.com" in mail


def test_make_emulator_stops_on_ctrl_c(tmp_path):
    running, banner = start_make_emulator(tmp_path)
    url = re.search(r"^url: +(\S+)", banner, re.M).group(1)

    with running:
        os.killpg(running.process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        code = running.process.wait(15)
        errors = running.process.stderr.read()

    assert code == -signal.SIGINT  # make ends as an interrupted program does
    assert "Traceback" not in errors
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5, verify=False)


def test_commands_make_demo_shows_rerun_against_make_emulator(make_emulator, tmp_path):
    _running, fields = make_emulator
    shown = shlex.split(demo.RERUN.replace(".tmp/emulator/inventory.yml", fields["inventory"]))
    settings = dict(token.split("=", 1) for token in shown if "=" in token and not token.startswith("-"))
    command = [token for token in shown if token not in {f"{name}={value}" for name, value in settings.items()}]
    environment = {**clean_ansible_environment(tmp_path), **settings}

    run = subprocess.run(
        [*command, str(demo.PLAYBOOK.relative_to(REPO_ROOT)), "--check", "--diff"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^localhost\s*: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0 ", run.stdout, re.M), run.stdout
