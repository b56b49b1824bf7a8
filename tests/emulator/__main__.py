"""Run the Flexi emulator from the command line: `python -m tests.emulator --port 5434 [--tls] ...`.

Prints the URL once listening and stops by itself after --lifetime seconds (or on SIGINT/SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from tests.emulator.faults import FAULT_KINDS, Fault
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.emulator.sink import write_ready_file
from tests.emulator.spellings import SPELLINGS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator", description="Run the emulated ABRA Flexi server (tests and demo)."
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throw-away CA")
    parser.add_argument("--tls-hostname", default="127.0.0.1", help="name in the server certificate")
    parser.add_argument("--cert-dir", help="where to write the CA and server PEM files (kept); temporary otherwise")
    parser.add_argument("--user", action="append", metavar="NAME:PASS", help="admin user (repeatable)")
    parser.add_argument("--limited-user", action="append", metavar="NAME:PASS", help="user without the admin right")
    parser.add_argument(
        "--path-prefix",
        default="",
        metavar="PATH",
        help="serve under this path, e.g. /flexi, as behind a reverse proxy",
    )
    parser.add_argument("--companies", default="demo_s_r_o_", help="comma-separated company database ids")
    parser.add_argument("--smtp-scope", choices=("server", "company"), default="server")
    parser.add_argument("--write-status", type=int, choices=(200, 201), default=201)
    parser.add_argument("--error-status", type=int, choices=(400, 500), default=400)
    parser.add_argument(
        "--error-shape", choices=("message", "errors", "result-error", "bare-message"), default="message"
    )
    parser.add_argument("--test-mail-body", choices=("settings", "winstrom"), default="settings")
    parser.add_argument("--unset-fields", choices=("empty", "absent"), default="empty")
    parser.add_argument(
        "--licence",
        choices=("full", "no-rest-write", "operation-forbidden"),
        default="full",
        help="no-rest-write: writes and the test mail answer 402; operation-forbidden: they answer 403",
    )
    parser.add_argument("--smtp-cafile", help="CA the test mail trusts for STARTTLS/SSL/TLS; unverified by default")
    parser.add_argument("--smtp-timeout", type=float, default=30.0, help="SMTP connect timeout in seconds")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=(
            f"queue a one-shot fault (repeatable); kinds: {', '.join(FAULT_KINDS)}. Short forms: status:503, "
            "html:504, slow:2.5, drip:DELAY[:body|headers], redirect:[STATUS]:LOCATION (e.g. "
            "redirect:307:http://127.0.0.1:1/c/x/nastaveni/smtp), echo:SPELLING[:PAD] "
            f"(spellings: {', '.join(SPELLINGS)}), raw:STATUS. Any fault with all its fields as a JSON object: "
            """'{"kind": "raw", "status": 200, "body": "<html/>", "content_type": "text/html", """
            """"headers": [["Content-Encoding", "gzip"]], "match_query": "testMail", "times": null}'"""
        ),
    )
    parser.add_argument("--lifetime", type=float, default=3600.0, help="stop by itself after this many seconds")
    parser.add_argument("--ready-file", help='write {"url", "ca_path"} as JSON here once listening')
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def options_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> EmulatorOptions:
    overrides: dict[str, Any] = {
        "port": args.port,
        "tls": args.tls,
        "tls_hostname": args.tls_hostname,
        "cert_dir": args.cert_dir,
        "companies": tuple(name.strip() for name in args.companies.split(",") if name.strip()),
        "smtp_scope": args.smtp_scope,
        "write_status": args.write_status,
        "error_status": args.error_status,
        "error_shape": args.error_shape,
        "test_mail_body": args.test_mail_body,
        "unset_fields": args.unset_fields,
        "licence": args.licence,
        "smtp_cafile": args.smtp_cafile,
        "smtp_timeout": args.smtp_timeout,
        "path_prefix": args.path_prefix,
    }
    if args.user:
        overrides["users"] = _accounts(args.user, parser)
    if args.limited_user:
        overrides["limited_users"] = _accounts(args.limited_user, parser)
    try:
        return EmulatorOptions(**overrides)
    except ValueError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error() exits


def parse_fault(spec: str) -> Fault:
    """A JSON object of Fault's fields, or a short form `KIND[:ARG...]` (see --help); ValueError if invalid."""
    if spec.lstrip().startswith("{"):
        return _json_fault(spec)
    kind, _colon, argument = spec.partition(":")
    if kind == "slow":
        return Fault(kind, delay=float(argument or 1.0))
    if kind == "drip":
        delay, _colon, phase = argument.partition(":")
        return Fault(kind, delay=float(delay or 1.0), phase=phase or "body")
    if kind == "redirect":
        status, colon, location = argument.partition(":")
        if not colon:
            raise ValueError("expected redirect:STATUS:LOCATION")
        return Fault(kind, status=int(status) if status else None, location=location)
    if kind == "echo":
        spelling, _colon, pad = argument.partition(":")
        return Fault(kind, spelling=spelling or "plain", pad=int(pad or 0))
    if argument:
        return Fault(kind, status=int(argument))
    return Fault(kind)


def _json_fault(spec: str) -> Fault:
    fields = json.loads(spec)
    if not isinstance(fields, dict):
        raise ValueError("a JSON fault must be an object")
    try:
        return Fault(**fields)
    except TypeError as exc:  # an unknown or missing field
        raise ValueError(str(exc)) from None


def _accounts(specs: Sequence[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    accounts = {}
    for spec in specs:
        name, colon, password = spec.partition(":")
        if not colon or not name:
            parser.error(f"expected NAME:PASS, got {spec!r}")
        accounts[name] = password
    return accounts


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
    with EmulatorServer(options) as emulator:
        for fault in faults:
            emulator.inject(fault)
        if args.ready_file:
            write_ready_file(args.ready_file, {"url": emulator.url, "ca_path": emulator.ca_path})
        print(emulator.url, flush=True)  # last: whoever reads it may rely on the ready file
        done.wait(args.lifetime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
