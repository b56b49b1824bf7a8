"""The test lab of one ``ansible-playbook`` run: emulators, SMTP sinks, the control endpoint and the extra vars.

Every run gets a lab of its own, so runs can go in parallel and each run's request log is its own.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tests.ansible_env import clean_ansible_environment
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.integration.control import ControlServer, LoggedRequest

HERE = Path(__file__).resolve().parent
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

COMPANY = "demo_s_r_o_"
SECOND_COMPANY = "second_s_r_o_"
API_USER = "admin"
API_PASSWORD = "Api-s3cret%&<\"'>:x"
LIMITED_USER = "clerk"
LIMITED_PASSWORD = "Clerk-s3cret%&<>"
WRONG_API_PASSWORD = "Wrong-api-s3cret"
SMTP_USER = "flexi@example.com"
SMTP_PASSWORD = "Smtp-s3cret%&<\"pässwörd'> $x;"
WRONG_SMTP_PASSWORD = "Wrong-smtp-s3cret"

# Name -> EmulatorOptions overrides: the main emulator plus one per INFERRED variant of reference/flexi-api.md.
EMULATORS = {
    "main": {},
    "tls": {"tls": True},
    "write_200": {"write_status": 200},
    "error_500": {"error_status": 500},
    "shape_errors": {"error_shape": "errors"},
    "shape_result_error": {"error_shape": "result-error"},
    "shape_bare_message": {"error_shape": "bare-message"},
    "mail_winstrom": {"test_mail_body": "winstrom"},
    "unset_absent": {"unset_fields": "absent"},
    "company_scope": {"smtp_scope": "company", "companies": (COMPANY, SECOND_COMPANY)},
}
# Name -> SmtpSink arguments; "auth" demands AUTH with the SMTP password.
SINKS = {
    "plain": {"mode": "plain"},
    "starttls": {"mode": "starttls"},
    "tls": {"mode": "tls"},
    "auth": {"mode": "starttls", "auth": (SMTP_USER, SMTP_PASSWORD)},
}


@dataclass(frozen=True)
class PlaybookRun:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        """The command and the end of its output, for assertion messages."""
        command = " ".join(self.command)
        return f"$ {command}\n--- stdout (end) ---\n{self.stdout[-12000:]}\n--- stderr ---\n{self.stderr}"


@dataclass(frozen=True)
class Lab:
    """Everything one playbook run talks to, and the folder it keeps its files in."""

    control: ControlServer
    vars_file: Path
    workdir: Path

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret the run may use; none may ever show in its output."""
        return (
            API_PASSWORD,
            LIMITED_PASSWORD,
            WRONG_API_PASSWORD,
            SMTP_PASSWORD,
            WRONG_SMTP_PASSWORD,
            self.control.stored_password,
        )

    def writes(self) -> list[LoggedRequest]:
        return [request for request in self.control.all_requests() if request.is_write]

    def test_mails(self) -> list[LoggedRequest]:
        return [request for request in self.control.all_requests() if request.is_test_mail]

    def run_target(
        self, target: str, check: bool = False, verbosity: int = 0, tasks_from: str = "main", direct: bool = True
    ) -> PlaybookRun:
        """Run targets/TARGET/tasks/TASKS_FROM.yml through target.yml; --check adds --diff.

        ``direct=False`` runs the modules as separate processes (``abraflexi_direct_execution=false``).
        """
        command = [
            str(ANSIBLE_PLAYBOOK),
            "-i",
            "localhost,",
            str(HERE / "target.yml"),
            "-e",
            f"@{self.vars_file}",
            "-e",
            f"integration_target={target}",
            "-e",
            f"integration_tasks_from={tasks_from}",
        ]
        if check:
            command += ["--check", "--diff"]
        if not direct:
            command += ["-e", "abraflexi_direct_execution=false"]
        if verbosity:
            command.append("-" + "v" * verbosity)
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=ansible_environment(self.workdir),
            cwd=self.workdir,
            timeout=600,
            check=False,
        )
        return PlaybookRun(command, completed.returncode, completed.stdout, completed.stderr)


@contextmanager
def running_lab(workdir: Path) -> Iterator[Lab]:
    """Start the sinks, the emulators (trusting the sinks' CAs for test mails) and the control endpoint."""
    with ExitStack() as stack:
        sinks = {name: stack.enter_context(SmtpSink(**arguments)) for name, arguments in SINKS.items()}
        # Flexi trusts one CA file for its test mails; each sink has its own throw-away CA, so trust them all.
        sink_cas = workdir / "sink-cas.pem"
        sink_cas.write_text("".join(Path(sink.ca_path).read_text() for sink in sinks.values() if sink.ca_path))
        common = {
            "users": {API_USER: API_PASSWORD},
            "limited_users": {LIMITED_USER: LIMITED_PASSWORD},
            "smtp_cafile": str(sink_cas),
        }
        emulators = {
            name: stack.enter_context(EmulatorServer(EmulatorOptions(**{**common, **overrides})))
            for name, overrides in EMULATORS.items()
        }
        control = ControlServer(emulators, sinks, SMTP_PASSWORD).start()
        stack.callback(control.stop)
        extra_vars = {
            "ansible_python_interpreter": sys.executable,
            "control_url": control.url,
            "flexi_company": COMPANY,
            "flexi_second_company": SECOND_COMPANY,
            "flexi_username": API_USER,
            "flexi_password": API_PASSWORD,
            "flexi_limited_username": LIMITED_USER,
            "flexi_limited_password": LIMITED_PASSWORD,
            "flexi_wrong_password": WRONG_API_PASSWORD,
            "smtp_username": SMTP_USER,
            "smtp_password": SMTP_PASSWORD,
            "wrong_smtp_password": WRONG_SMTP_PASSWORD,
            "emulators": {name: {"url": server.url, "ca_path": server.ca_path} for name, server in emulators.items()},
            "sinks": {name: {"host": sink.host, "port": sink.port} for name, sink in sinks.items()},
            "closed_port": closed_port(),
        }
        vars_file = workdir / "vars.json"
        vars_file.write_text(json.dumps(extra_vars), encoding="utf-8")
        yield Lab(control, vars_file, workdir)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ansible_environment(workdir: Path) -> dict[str, str]:
    """The environment of an ansible-playbook run: deterministic output, no user config, nothing from ABRAFLEXI_*."""
    return clean_ansible_environment(workdir, ANSIBLE_ROLES_PATH=str(HERE / "targets"), ANSIBLE_PIPELINING="1")


def secret_spellings(secret: str) -> set[str]:
    """The forms a secret could take in ansible-playbook's output: as is, XML-escaped, JSON-escaped, and its
    leading word (every secret here starts with a distinctive one), which survives shell quoting and the like."""
    forms = {secret, escape(secret), json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    leading_word = re.match(r"[\w-]{8,}", secret)
    if leading_word:
        forms.add(leading_word.group())
    return forms
