# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m bench` (`make bench`): start the emulator, run every case, print the tables and the target verdicts.

Raw numbers go to bench/output/results.json (git-ignored), the printed report to bench/output/report.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.audit_cost import audit_cost_table, audit_cost_verdicts, run_audit_cost
from bench.cases import STORED, TASK_KINDS, companies_for_tasks, fleet_company, run_fleet, run_task_cases
from bench.harness import Ansible
from bench.report import fleet_table, floor_note, projection, startup_tables, task_tables, verdicts
from bench.startup import STARTUP_COMPANIES, run_startup
from tests.emulator.server import EmulatorOptions, EmulatorServer
from tests.support.collection import REPO_ROOT, install

OUTPUT = REPO_ROOT / "bench" / "output"
CASES = ("core", "audit")  # core: cases 1 to 4; audit: case 5


# Repetitions of a full run, and of a --quick run (which only shows that the benchmark works).
DEFAULTS = {
    "rounds": 10,
    "fleet_sizes": "1,10,50",
    "forks": "1,5,10",
    "fleet_repetitions": 3,
    "startup_repetitions": 10,
    "import_repetitions": 3,
    "audit_hosts": 1000,
    "audit_forks": 5,
    "audit_repetitions": 3,
}
QUICK = {
    **DEFAULTS,
    "rounds": 3,
    "fleet_sizes": "1,10",
    "fleet_repetitions": 1,
    "startup_repetitions": 3,
    "import_repetitions": 1,
    "audit_hosts": 50,
    "audit_repetitions": 1,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, help=f"timed rounds of cases 1 and 2 (default {DEFAULTS['rounds']})")
    parser.add_argument("--fleet-sizes", help=f"hosts per fleet run (default {DEFAULTS['fleet_sizes']})")
    parser.add_argument("--forks", help=f"forks settings of the fleet runs (default {DEFAULTS['forks']})")
    parser.add_argument(
        "--fleet-repetitions", type=int, help=f"runs per fleet size and forks (default {DEFAULTS['fleet_repetitions']})"
    )
    parser.add_argument(
        "--startup-repetitions", type=int, help=f"direct payload runs (default {DEFAULTS['startup_repetitions']})"
    )
    parser.add_argument(
        "--import-repetitions", type=int, help=f"-X importtime runs (default {DEFAULTS['import_repetitions']})"
    )
    parser.add_argument("--audit-hosts", type=int, help=f"hosts of case 5 (default {DEFAULTS['audit_hosts']})")
    parser.add_argument("--audit-forks", type=int, help=f"forks of case 5 (default {DEFAULTS['audit_forks']})")
    parser.add_argument(
        "--audit-repetitions", type=int, help=f"runs of each kind in case 5 (default {DEFAULTS['audit_repetitions']})"
    )
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"which cases to run, comma-separated (default {','.join(CASES)})"
    )
    parser.add_argument("--quick", action="store_true", help="few repetitions, to check that the benchmark works")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target does not hold")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where results.json and report.md go")
    return parser


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options given on the command line win; the others come from DEFAULTS, or QUICK with --quick."""
    args = build_parser().parse_args(argv)
    for name, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _load(values: Sequence[float] | None) -> str:
    return " / ".join(f"{value:.2f}" for value in values) if values else "unknown"


def _busy_warning(info: dict[str, Any], cores: int) -> list[str]:
    # Only the load at the start tells of other work: the fleet runs with forks 10 raise it by themselves.
    start = info["load_average_at_start"]
    if start and start[0] > cores:
        return [
            f"- WARNING: other work kept the machine busy (1-min load above {cores} cores at the start); timings are "
            "inflated and noisy, ratios less so (both sides are interleaved). Re-run on a quiet machine."
        ]
    return []


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    versions = {}
    for package in ("ansible-core", "requests", "lxml", "urllib3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count() or 1,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    sizes, forks_options = _numbers(args.fleet_sizes), _numbers(args.forks)
    collections_root = install()
    info = machine()
    cores = info["cores"]
    args.output.mkdir(parents=True, exist_ok=True)
    workdir = args.output / "work"
    shutil.rmtree(workdir, ignore_errors=True)
    ansible = Ansible(workdir, collections_root)

    companies = (
        *companies_for_tasks(args.rounds),
        *(fleet_company(index) for index in range(max(*sizes, args.audit_hosts))),
        *STARTUP_COMPANIES,
    )
    options = EmulatorOptions(companies=companies, smtp_scope="company", initial=STORED)
    started = time.monotonic()
    print(f"abraflexi.flexi benchmark on {info['cpu']} ({cores} cores), {info['date']}", flush=True)
    selected = {name.strip() for name in args.cases.split(",")}
    tasks: dict[str, Any] = {}
    startup: list[Any] = []
    fleet: list[Any] = []
    audit = None
    with EmulatorServer(options) as emulator:
        if "core" in selected:
            print(f"- cases 1 and 2: {args.rounds} rounds of {len(TASK_KINDS)} job kinds, interleaved ...", flush=True)
            tasks = run_task_cases(ansible, emulator, args.rounds)
            print(f"- case 4: module start-up, {args.startup_repetitions} runs per payload ...", flush=True)
            startup = run_startup(ansible, emulator, args.startup_repetitions, args.import_repetitions)
            print(
                f"- case 3: fleet {sizes} hosts x forks {forks_options}, {args.fleet_repetitions} runs each ...",
                flush=True,
            )
            fleet = run_fleet(ansible, emulator, sizes, forks_options, args.fleet_repetitions)
        if "audit" in selected:
            print(
                f"- case 5: fleet audit outputs, {args.audit_hosts} hosts, forks {args.audit_forks}, "
                f"{args.audit_repetitions} runs of each kind ...",
                flush=True,
            )
            audit = run_audit_cost(ansible, emulator, args.audit_hosts, args.audit_forks, args.audit_repetitions)
    elapsed = time.monotonic() - started
    load_at_end = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    info["load_average_at_end"] = load_at_end

    found = [
        *(verdicts(tasks, fleet, startup, cores) if "core" in selected else ()),
        *(audit_cost_verdicts(audit) if audit is not None else ()),
    ]
    header = [
        "## Benchmark results",
        "",
        f"- date: {info['date']}; commit {info['commit']}",
        f"- machine: {info['cpu']}, {cores} cores, {info['system']}",
        f"- load average (1, 5, 15 min) at start {_load(info['load_average_at_start'])}, at end {_load(load_at_end)}",
        f"- Python {info['python']}; " + ", ".join(f"{name} {version}" for name, version in info["versions"].items()),
        f"- benchmark run time: {elapsed:.0f} s",
        *_busy_warning(info, cores),
        "",
    ]
    core = (
        [
            *task_tables(tasks),
            "",
            *floor_note(tasks),
            "",
            *fleet_table(fleet, cores),
            "",
            *projection(fleet, cores),
            "",
            *startup_tables(startup),
            "",
        ]
        if "core" in selected
        else []
    )
    lines = [
        *header,
        *core,
        *([*audit_cost_table(audit), ""] if audit is not None else ()),
        "### Targets (issues 7, 14 and 18)",
        "",
        *(verdict.line() for verdict in found),
    ]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    (args.output / "report.md").write_text(report, encoding="utf-8")
    results = {
        "machine": info,
        "arguments": {key: str(value) for key, value in vars(args).items()},
        "tasks": {name: result.as_dict() for name, result in tasks.items()},
        "fleet": [result.as_dict() for result in fleet],
        "audit": audit.as_dict() if audit is not None else None,
        "startup": {result.payload.name: result.as_dict() for result in startup},
        "targets": [verdict.as_dict() for verdict in found],
    }
    (args.output / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"Raw numbers: {args.output / 'results.json'}")
    if args.strict and not all(verdict.holds for verdict in found):
        return 1
    return 0
