"""The lab the integration targets run against: the emulator, SMTP sinks and the control endpoint, in one process.

``python -m tests.integration.lab STATE_DIR`` (what the ``setup_emulator`` target runs, from the collection root)
starts the lab in the background unless one is running for STATE_DIR already, and returns once it listens. The lab
writes ``STATE_DIR/vars.json`` (addresses, credentials; what the targets load) and stops by itself when the
ansible-test (else ansible-playbook) process that started it ends, or after LIFETIME seconds at the latest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.integration.control import ControlEndpoint
from tests.support.network import closed_port

LIFETIME = 3600  # seconds
COMPANY = "demo_s_r_o_"
API_USER = "admin"
API_PASSWORD = "Api-s3cret%&<\"'>:x"
WRONG_API_PASSWORD = "Wrong-api-s3cret"
SMTP_USER = "flexi@example.com"
SMTP_PASSWORD = "Smtp-s3cret%&<\"pässwörd'> $x;"
SECRETS = (API_PASSWORD, WRONG_API_PASSWORD, SMTP_PASSWORD)

# Name -> SmtpSink arguments; "auth" demands AUTH with the SMTP password.
SINKS = {
    "tls": {"mode": "tls"},
    "auth": {"mode": "starttls", "auth": (SMTP_USER, SMTP_PASSWORD)},
}


def serve(state: Path, watched: int, ready_fd: int) -> None:
    """Start everything, write STATE/vars.json, report on ready_fd, and serve until ``watched`` ends."""
    with ExitStack() as stack:
        sinks = {name: stack.enter_context(SmtpSink(**arguments)) for name, arguments in SINKS.items()}
        # Flexi trusts one CA file for its test mails; each sink has its own throw-away CA, so trust them all.
        sink_cas = state / "sink-cas.pem"
        sink_cas.write_text("".join(Path(sink.ca_path).read_text() for sink in sinks.values() if sink.ca_path))
        options = EmulatorOptions(users={API_USER: API_PASSWORD}, smtp_cafile=str(sink_cas))
        emulator = stack.enter_context(EmulatorServer(options))
        control = ControlEndpoint(emulator, sinks, SMTP_PASSWORD, SECRETS)
        lab_vars = {
            "control_url": control.mount(),
            "flexi_company": COMPANY,
            "flexi_username": API_USER,
            "flexi_password": API_PASSWORD,
            "flexi_wrong_password": WRONG_API_PASSWORD,
            "smtp_username": SMTP_USER,
            "smtp_password": SMTP_PASSWORD,
            "emulators": {"main": {"url": emulator.url}},
            "sinks": {name: {"host": sink.host, "port": sink.port} for name, sink in sinks.items()},
            "closed_port": closed_port(),
            "lab_pid": os.getpid(),
        }
        (state / "vars.json").write_text(json.dumps(lab_vars), encoding="utf-8")
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as at the end: servers closed, files removed
        for _second in range(LIFETIME):
            time.sleep(1)
            if watched and not Path(f"/proc/{watched}").exists():
                break


def start(state: Path) -> None:
    """Start a lab for STATE in the background unless one runs already; return when it listens."""
    state.mkdir(parents=True, exist_ok=True)
    vars_file = state / "vars.json"
    if vars_file.exists() and _is_lab(json.loads(vars_file.read_text(encoding="utf-8"))["lab_pid"]):
        return
    vars_file.unlink(missing_ok=True)
    read_end, write_end = os.pipe()
    with open(state / "lab.log", "ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "tests.integration.lab", str(state), "--serve", str(_owner()), str(write_end)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(write_end,),
            start_new_session=True,
        )
    os.close(write_end)
    with os.fdopen(read_end) as ready:
        if ready.readline() != "ready\n":
            sys.exit(f"the lab did not start; see {state / 'lab.log'}")


def _owner() -> int:
    """The outermost ancestor running ansible-test, else ansible-playbook: the lab lives as long."""
    found: dict[str, int] = {}
    pid = os.getppid()
    while pid > 1:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
        for tool in ("ansible-test", "ansible-playbook"):
            if tool in command:
                found[tool] = pid
        pid = parent
    return found.get("ansible-test") or found.get("ansible-playbook") or 0  # 0: none found (no /proc), watch none


def _is_lab(pid: int) -> bool:
    """Whether ``pid`` is a lab still serving (not a process that took over the number of one that ended)."""
    try:
        return b"tests.integration.lab" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


if __name__ == "__main__":
    if sys.argv[2:3] == ["--serve"]:  # the background process start() launches: WATCHED_PID READY_FD
        serve(Path(sys.argv[1]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        start(Path(sys.argv[1]))
