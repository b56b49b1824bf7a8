"""The test lab of one ``ansible-playbook`` run: emulators, SMTP sinks, the control endpoint and the extra vars.

Every run gets a lab of its own, so runs can go in parallel and each run's request log is its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.integration.control import ControlEndpoint, LoggedRequest
from tests.support.ansible import (
    MATRIX_ANSIBLE_BIN,
    PlaybookRun,
    clean_ansible_environment,
    module_host_vars,
    run_ansible_playbook,
)
from tests.support.network import closed_port

HERE = Path(__file__).resolve().parent

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

# Name -> EmulatorOptions overrides: the main emulator, TLS, and one per assumed variant of docs/flexi-api.md.
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
class Lab:
    """Everything one playbook run talks to, and the folder it keeps its files in."""

    control: ControlEndpoint
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
        """Run roles/ROLE/tasks/TASKS_FROM.yml through play_role.yml; --check adds --diff.

        ``direct=False`` runs the modules as separate processes (``abraflexi_direct_execution=false``).
        """
        arguments = [
            "-i",
            "localhost,",
            str(HERE / "play_role.yml"),
            "-e",
            f"@{self.vars_file}",
            "-e",
            f"integration_target={target}",
            "-e",
            f"integration_tasks_from={tasks_from}",
        ]
        if check:
            arguments += ["--check", "--diff"]
        if not direct:
            arguments += ["-e", "abraflexi_direct_execution=false"]
        if verbosity:
            arguments.append("-" + "v" * verbosity)
        return run_ansible_playbook(
            arguments, self.workdir, ansible_environment(self.workdir), ansible_bin=MATRIX_ANSIBLE_BIN
        )


@contextmanager
def running_lab(workdir: Path) -> Iterator[Lab]:
    """Start the sinks and the emulators (trusting the sinks' CAs for test mails); mount the control endpoint on
    the main emulator."""
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
        control = ControlEndpoint(emulators, sinks, SMTP_PASSWORD)
        control_url = control.mount_on(emulators["main"])
        extra_vars = {
            **module_host_vars(),
            "control_url": control_url,
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


def ansible_environment(workdir: Path) -> dict[str, str]:
    """The environment of an ansible-playbook run: deterministic output, no user config, nothing from ABRAFLEXI_*."""
    return clean_ansible_environment(workdir, ANSIBLE_ROLES_PATH=str(HERE / "roles"), ANSIBLE_PIPELINING="1")
