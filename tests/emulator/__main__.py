"""Run the Flexi emulator from the command line: `.venv/bin/python -m tests.emulator --port 5434 [--tls] ...`.

Prints the URL once listening and stops by itself after --lifetime seconds (or on SIGINT/SIGTERM). `make emulator`
runs it with --tls, an SMTP sink and --banner, until Ctrl-C: what to try the collection against by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

try:
    from tests.emulator.faults import FAULT_KINDS, Fault
    from tests.emulator.server import _CHOICES, EmulatorOptions, EmulatorServer
    from tests.emulator.sink import MODES, SmtpSink, print_mail
    from tests.emulator.spellings import SPELLINGS
    from tests.support.collection import collections_root
except ModuleNotFoundError as missing:  # a Python without the test packages, e.g. the system's
    sys.exit(
        f"python -m tests.emulator needs the packages of requirements-test.txt ({missing}): run `make emulator`, or "
        "`make venv` and then `.venv/bin/python -m tests.emulator`."
    )


# Help of the EmulatorOptions variants (docs/flexi-api.md), shown with their choices and default.
_VARIANT_HELP = {
    "smtp_scope": "one SMTP settings record for the server, or one per company",
    "write_status": "status of a successful write",
    "error_status": "status of a failed write or test mail",
    "error_shape": "the shape of error documents",
    "test_mail_body": "what a successful test mail answers",
    "unset_fields": "how the read document shows an unset field",
    "licence": "no-rest-write: writes and the test mail answer 402; operation-forbidden: they answer 403",
}


def build_parser() -> argparse.ArgumentParser:
    """Options given on the command line override EmulatorOptions' defaults; the others are left out."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator",
        description=(
            "Run the emulated ABRA Flexi server (tests and demo). `make emulator` runs it with --port 5434 --tls "
            "--smtp-sink tls --banner --lifetime 0 (until Ctrl-C): what to try playbooks against by hand."
        ),
        argument_default=argparse.SUPPRESS,
    )
    option = parser.add_argument
    defaults = EmulatorOptions()
    option("--port", type=int, help="0 picks a free port (default)")
    option("--tls", action="store_true", help="serve HTTPS with a throw-away CA")
    option("--cert-dir", help="where to write the CA and server PEM files (kept); temporary otherwise")
    option("--path-prefix", metavar="PATH", help="serve under this path, e.g. /flexi, as behind a reverse proxy")
    option("--companies", help="comma-separated company database ids (default demo_s_r_o_)")
    for name, choices in _CHOICES.items():
        default = getattr(defaults, name)
        help_text = f"{_VARIANT_HELP[name]} (default {default})"
        option(f"--{name.replace('_', '-')}", type=type(default), choices=choices, help=help_text)
    option("--smtp-cafile", help="CA the test mail trusts for STARTTLS/SSL/TLS; unverified by default")
    option("--smtp-timeout", type=float, help="SMTP connect timeout in seconds (default 30)")
    option(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=(
            f"queue a one-shot fault (repeatable): a JSON object of its fields; kinds: {', '.join(FAULT_KINDS)}. "
            """E.g. '{"kind": "status", "status": 503}', '{"kind": "echo", "spelling": "base64"}' """
            f"(spellings: {', '.join(SPELLINGS)}), "
            """'{"kind": "raw", "status": 200, "body": "<html/>", "content_type": "text/html", """
            """"headers": [["Content-Encoding", "gzip"]], "match_query": "testMail", "times": null}'"""
        ),
    )
    option(
        "--smtp-sink",
        choices=MODES,
        metavar="MODE",
        help=(
            f"also run an SMTP sink ({', '.join(MODES)}: tls for encryption_mode SSL or TLS, starttls for STARTTLS, "
            "plain for NEVER) that takes every test mail, whatever host and port the settings name, accepts any "
            "login and prints each mail on stdout"
        ),
    )
    option(
        "--lifetime",
        type=float,
        default=3600.0,
        help="stop by itself after this many seconds (default: an hour); 0 runs until Ctrl-C or SIGTERM",
    )
    option(
        "--banner",
        action="store_true",
        default=False,
        help="print what a playbook needs (url, company, login, password, ca_path, where mail goes) instead of the URL",
    )
    option(
        "--inventory",
        metavar="FILE",
        default=None,
        help="write an inventory for the README's first playbook here: group flexi_servers, host localhost",
    )
    option("--verbose", action="store_true", default=False, help="log every request to stderr")
    return parser


_NOT_OPTIONS = ("fault", "smtp_sink", "lifetime", "banner", "inventory", "verbose")


def options_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> EmulatorOptions:
    overrides: dict[str, Any] = {name: value for name, value in vars(args).items() if name not in _NOT_OPTIONS}
    if "companies" in overrides:
        overrides["companies"] = tuple(name.strip() for name in args.companies.split(",") if name.strip())
    try:
        return EmulatorOptions(**overrides)
    except ValueError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error() exits


def parse_fault(spec: str) -> Fault:
    """A JSON object of Fault's fields (see --help); ValueError if invalid."""
    fields = json.loads(spec)
    if not isinstance(fields, dict):
        raise ValueError("a fault must be a JSON object")
    try:
        return Fault(**fields)
    except TypeError as exc:  # an unknown or missing field
        raise ValueError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    options = options_from(args, parser)
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as exc:
        parser.error(f"--fault: {exc}")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    with ExitStack() as stack:
        sink = None
        if "smtp_sink" in args:
            sink = stack.enter_context(SmtpSink(args.smtp_sink, cert_dir=options.cert_dir, on_message=print_mail))
            options = dataclasses.replace(
                options, smtp_relay=(sink.host, sink.port), smtp_cafile=options.smtp_cafile or sink.ca_path
            )
        try:
            emulator = stack.enter_context(EmulatorServer(options))
        except OSError as exc:  # the port is taken, most likely
            parser.exit(1, f"{parser.prog}: cannot listen on port {options.port}: {exc.strerror or exc}\n")
        for fault in faults:
            emulator.inject(fault)
        if args.inventory:
            write_inventory(Path(args.inventory), emulator, sink)
        print("\n".join(banner(emulator, sink, args)) if args.banner else emulator.url, flush=True)
        if not done.wait(args.lifetime or None):
            print(f"{parser.prog}: stopping, --lifetime {args.lifetime:g} s is over", file=sys.stderr, flush=True)
    return 0


def banner(emulator: EmulatorServer, sink: SmtpSink | None, args: argparse.Namespace) -> list[str]:
    """What a playbook needs to reach the emulator, and where its test mail goes."""
    options = emulator.options
    login, password = next(iter(options.users.items()))
    lines = [
        "Flexi emulator: the connection options of a playbook",
        f"  url:      {emulator.url} (or {emulator.url.replace('127.0.0.1', 'localhost', 1)})",
        f"  company:  {', '.join(options.companies)}",
        f"  username: {login}",
        f"  password: {password}",
    ]
    if emulator.ca_path:
        lines.append(f"  ca_path:  {emulator.ca_path} (the CA of its certificate, for 127.0.0.1 and localhost)")
    if sink is not None:
        encryption = {"tls": "SSL or TLS", "starttls": "STARTTLS", "plain": "NEVER"}[sink.mode]
        lines += [
            f"Test mail: to the SMTP sink on {sink.host}:{sink.port}, whatever host and port the settings name",
            f"  encryption_mode {encryption}; any smtp_username and smtp_password; each mail is printed below",
        ]
    if args.inventory:
        ansible_playbook = _shown(Path(sys.executable).with_name("ansible-playbook"))
        lines += [
            f"Playbooks: {args.inventory} holds the variables of the README's first playbook (saved as",
            "  first_playbook.yml, say) and of examples/provision_smtp.yml, for host localhost:",
            f"  ANSIBLE_COLLECTIONS_PATH={_shown(collections_root())} {ansible_playbook} -i {args.inventory} "
            "examples/provision_smtp.yml --check --diff",
        ]
    lines.append("Runs until Ctrl-C." if not args.lifetime else f"Stops by itself after {args.lifetime:g} s.")
    return lines


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it, else absolute."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_inventory(path: Path, emulator: EmulatorServer, sink: SmtpSink | None) -> None:
    """An inventory with which the README's first playbook and examples/provision_smtp.yml run against this emulator.

    Host localhost in flexi_servers (the README playbook builds its url from the host name), with the variables of
    both playbooks. Emulator passwords only: nothing here is secret.
    """
    login, password = next(iter(emulator.options.users.items()))
    encryption = {"tls": "SSL", "starttls": "STARTTLS", "plain": "NEVER"}[sink.mode if sink else "tls"]
    host_vars = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,  # has requests and lxml
        # The README's first playbook.
        "flexi_ca_path": emulator.ca_path,
        "vault_flexi_api_password": password,
        "vault_flexi_smtp_password": "any-password",
        # examples/provision_smtp.yml (examples/inventory.yml's variables).
        "flexi_url": emulator.url,
        "flexi_company": emulator.options.companies[0],
        "flexi_username": login,
        "flexi_password": password,
        "smtp_host": "smtp.example.com",
        "smtp_port": 465 if encryption == "SSL" else 587,
        "smtp_encryption_mode": encryption,
        "smtp_username": "flexi@example.com",
        "smtp_password": "any-password",
        "smtp_default_from": "ABRA Flexi <flexi@example.com>",
        "smtp_test_email": "it-team@example.com",
    }
    lines = [
        f"# Written by `python -m tests.emulator --inventory`: the Flexi emulator at {emulator.url}.",
        "flexi_servers:",
        "  hosts:",
        "    localhost:",
        *(f"      {name}: {json.dumps(value)}" for name, value in host_vars.items() if value is not None),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
