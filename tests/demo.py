"""``make demo``: examples/provision_smtp.yml against an emulated ABRA Flexi and a local SMTP server.

The emulator (HTTPS, its own CA) starts with no SMTP settings; the SMTP server wants STARTTLS and a login. The
playbook runs three times: with ``--check --diff`` (shows what would change, writes nothing), for real (writes
the settings, Flexi sends its test mail), and again (nothing to change, nothing written). Then the test mail as
the SMTP server received it, and the requests Flexi saw in each run. Exits 1 when a run does not behave so.

Run it with ``python -m tests.demo`` from the repository root.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import tempfile
from contextlib import ExitStack
from email import message_from_bytes, policy
from pathlib import Path
from typing import NamedTuple

from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.emulator.state import RecordedRequest
from tests.support.ansible import clean_ansible_environment, run_ansible_playbook
from tests.support.collection import REPO_ROOT, install

PLAYBOOK = REPO_ROOT / "examples" / "provision_smtp.yml"
COMPANY = "demo_s_r_o_"
API_USER = "admin"
SMTP_USER = "flexi@example.com"
TEST_MAIL_TO = "it-team@example.com"
RULE = "=" * 78
# Each run, repeated against `make emulator` (its inventory names the emulator, its sink and their passwords).
RERUN = "ANSIBLE_COLLECTIONS_PATH=.tmp/collections .venv/bin/ansible-playbook -i .tmp/emulator/inventory.yml"


class Step(NamedTuple):
    label: str
    title: str
    options: str
    changed: int  # the changed count of the recap
    writes: int  # how many writes Flexi sees, and as many test mails


STEPS = (
    Step("check", "Run 1 of 3: --check --diff shows what would change, and writes nothing", "--check --diff", 1, 0),
    Step("for real", "Run 2 of 3: for real; Flexi stores the settings and sends its test mail", "", 1, 1),
    Step("again", "Run 3 of 3: again; nothing to change, so nothing is written or sent", "", 0, 0),
)


def main() -> int:
    install()
    api_password = f"demo-api-{secrets.token_urlsafe(12)}"
    smtp_password = f"demo-smtp-{secrets.token_urlsafe(12)}"
    problems: list[str] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="flexi-demo-")))
        sink = stack.enter_context(SmtpSink(mode="starttls", auth=(SMTP_USER, smtp_password)))
        flexi = stack.enter_context(
            EmulatorServer(EmulatorOptions(tls=True, users={API_USER: api_password}, smtp_cafile=sink.ca_path))
        )
        inventory = write_inventory(workdir, flexi, sink, api_password, smtp_password)
        print(RULE)
        print(f"Emulated ABRA Flexi: {flexi.url} (company {COMPANY}, no SMTP settings stored yet)")
        print(f"SMTP server:         {sink.host}:{sink.port} (STARTTLS, login {SMTP_USER} required)")
        print(f"Playbook:            {PLAYBOOK.relative_to(REPO_ROOT)}")
        print("Each run can be repeated by hand: start `make emulator` in another terminal, then run the command")
        print("shown under its title.")
        summaries = []
        for step in STEPS:
            first = len(flexi.requests)
            output, run_problems = run_step(step, inventory, workdir)
            requests = flexi.requests[first:]
            run_problems += check_requests(step, requests)
            summaries.append((step, requests))
            problems += [f"{step.title}: {problem}" for problem in run_problems]
            print(output, end="")
        problems += show_mail(sink)
        show_requests(summaries)
    print(RULE)
    if problems:
        print("DEMO FAILED:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("Demo OK: check mode wrote nothing, the real run wrote once and the test mail arrived, the rerun changed")
    print("nothing.")
    return 0


def write_inventory(
    workdir: Path, flexi: EmulatorServer, sink: SmtpSink, api_password: str, smtp_password: str
) -> Path:
    """examples/inventory.yml's layout, pointed at the emulator and the sink (JSON is YAML)."""
    host_vars = {
        "flexi_url": flexi.url,
        "flexi_company": COMPANY,
        "flexi_username": API_USER,
        "flexi_password": api_password,
        "flexi_ca_path": flexi.ca_path,
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "smtp_host": sink.host,
        "smtp_port": sink.port,
        "smtp_encryption_mode": "STARTTLS",
        "smtp_username": SMTP_USER,
        "smtp_password": smtp_password,
        "smtp_default_from": f"ABRA Flexi demo <{SMTP_USER}>",
        "smtp_test_email": TEST_MAIL_TO,
    }
    inventory = workdir / "inventory.yml"
    inventory.write_text(json.dumps({"flexi_servers": {"hosts": {"flexi-demo": host_vars}}}), encoding="utf-8")
    return inventory


def run_step(step: Step, inventory: Path, workdir: Path) -> tuple[str, list[str]]:
    """Run the playbook once; return what to print and what went wrong."""
    # The demo's own inventory is gone when it ends; `make emulator` writes one that lasts.
    shown = " ".join([RERUN, str(PLAYBOOK.relative_to(REPO_ROOT)), *step.options.split()])
    completed = run_ansible_playbook(
        ("-i", str(inventory), str(PLAYBOOK), *step.options.split()),
        workdir,
        clean_ansible_environment(workdir, ANSIBLE_PIPELINING="1"),
        timeout=300,
        cwd=REPO_ROOT,
    )
    output = completed.output
    problems = []
    if completed.returncode != 0:
        problems.append(f"ansible-playbook exited {completed.returncode}")
    recap = re.search(r"^flexi-demo\s*: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0\b", completed.stdout, re.M)
    if recap is None:
        problems.append("no successful PLAY RECAP line")
    elif int(recap.group(1)) != step.changed:
        problems.append(f"expected changed={step.changed}, got changed={recap.group(1)}")
    if "WARNING]" in output:
        problems.append("ansible-playbook printed a warning")
    return f"\n{RULE}\n{step.title}\n$ {shown}\n{RULE}\n{output}", problems


def check_requests(step: Step, requests: list[RecordedRequest]) -> list[str]:
    seen = {
        "write(s) to Flexi": sum(request.method in ("PUT", "POST") for request in requests),
        "test mail request(s)": sum("testMail" in request.query for request in requests),
    }
    return [f"expected {step.writes} {what}, saw {count}" for what, count in seen.items() if count != step.writes]


def show_mail(sink: SmtpSink) -> list[str]:
    print(f"\n{RULE}\nThe test mail, as the SMTP server received it\n{RULE}")
    mails = sink.messages
    for mail in mails:
        headers = message_from_bytes(mail.raw, policy=policy.default)
        print(f"From:    {headers.get('From', '')} (envelope sender {mail.mail_from})")
        print(f"To:      {', '.join(mail.rcpt_tos)}")
        print(f"Subject: {mail.subject}")
        print(f"Body:    {mail.body}")
        print(f"(over {'TLS' if mail.tls else 'plain SMTP'}, logged in as {mail.auth_login or 'nobody'})")
    if len(mails) == 1 and mails[0].rcpt_tos == (TEST_MAIL_TO,):
        return []
    return [f"expected one test mail to {TEST_MAIL_TO}, the SMTP server received {len(mails)}"]


def show_requests(summaries: list[tuple[Step, list[RecordedRequest]]]) -> None:
    print(f"\n{RULE}\nWhat Flexi saw in each run\n{RULE}")
    for number, (step, requests) in enumerate(summaries, start=1):
        described = ", ".join(describe(request) for request in requests) or "nothing"
        print(f"Run {number} ({step.label}): {described}")


def describe(request: RecordedRequest) -> str:
    if request.method in ("PUT", "POST"):
        return f"{request.method} {request.status} ({', '.join(request.fields)})"
    if "testMail" in request.query:
        return f"GET {request.status} (test mail to {request.query['testMail']})"
    return f"GET {request.status} (read the settings)"


if __name__ == "__main__":
    sys.exit(main())
