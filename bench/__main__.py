# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m bench` (`make bench`): start the emulator, run every case, print the tables and the target verdicts
(also to report.md, the raw numbers to results.json)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import functools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
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

# Each option: its help, its default and its default with --quick (which only shows that the benchmark works).
OPTIONS = {
    "rounds": ("timed rounds of cases 1 and 2", 10, 3),
    "fleet_sizes": ("hosts per fleet run", "1,10,50", "1,10"),
    "forks": ("forks settings of the fleet runs", "1,5,10", "1,5,10"),
    "fleet_repetitions": ("runs per fleet size and forks", 3, 1),
    "startup_repetitions": ("direct payload runs", 10, 3),
    "import_repetitions": ("-X importtime runs", 3, 1),
    "audit_hosts": ("hosts of case 5", 1000, 50),
    "audit_forks": ("forks of case 5", 5, 5),
    "audit_repetitions": ("runs of each kind in case 5", 3, 1),
}


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options given on the command line win; the others take their default, or their --quick default."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    for name, (help_text, default, _quick) in OPTIONS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), help=f"{help_text} (default {default})")
    parser.add_argument(
        "--cases",
        default="core,audit",
        help="which cases to run, comma-separated: core (1 to 4), audit (5) (default both)",
    )
    parser.add_argument("--quick", action="store_true", help="few repetitions, to check that the benchmark works")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target does not hold")
    parser.add_argument(
        "--output", type=Path, default=REPO_ROOT / "bench" / "output", help="where results.json and report.md go"
    )
    args = parser.parse_args(argv)
    for name, (_help, default, quick) in OPTIONS.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else default)
    return args


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo")
    models = re.findall(
        r"^model name\s*:\s*(.*?)\s*$", cpuinfo.read_text(encoding="utf-8") if cpuinfo.exists() else "", re.M
    )
    describe = ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": models[0] if models else platform.processor() or platform.machine(),
        "cores": os.cpu_count() or 1,
        "load_average_at_start": list(os.getloadavg()),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {package: metadata.version(package) for package in ("ansible-core", "requests", "lxml", "urllib3")},
        "commit": subprocess.run(describe, capture_output=True, text=True, check=False).stdout.strip(),
    }


def as_json(value: Any) -> Any:
    """For json.dumps: a dataclass as its fields, a path as text."""
    if dataclasses.is_dataclass(value):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    say = functools.partial(print, flush=True)
    sizes, forks_options = (
        [int(part) for part in text.split(",") if part.strip()] for text in (args.fleet_sizes, args.forks)
    )
    install()  # case 5 imports the collection's plugin_utils in this process
    info = machine()
    cores = info["cores"]
    shutil.rmtree(args.output / "work", ignore_errors=True)
    ansible = Ansible(args.output / "work")
    companies = (
        *companies_for_tasks(args.rounds),
        *(fleet_company(index) for index in range(max(*sizes, args.audit_hosts))),
        *STARTUP_COMPANIES,
    )
    started = time.monotonic()
    say(f"abraflexi.flexi benchmark on {info['cpu']} ({cores} cores), {info['date']}")
    selected = {name.strip() for name in args.cases.split(",")}
    arguments = {key: str(value) for key, value in vars(args).items()}
    results: dict[str, Any] = {"machine": info, "arguments": arguments, "tasks": {}, "fleet": [], "audit": None}
    results["startup"] = {}
    found, blocks = [], []
    with EmulatorServer(EmulatorOptions(companies=companies, smtp_scope="company", initial=STORED)) as emulator:
        if "core" in selected:
            say(f"- cases 1 and 2: {args.rounds} rounds of {len(TASK_KINDS)} job kinds, interleaved ...")
            tasks = results["tasks"] = run_task_cases(ansible, emulator, args.rounds)
            say(f"- case 4: module start-up, {args.startup_repetitions} runs per payload ...")
            startup = run_startup(ansible, emulator, args.startup_repetitions, args.import_repetitions)
            results["startup"] = {result.payload.name: result for result in startup}
            say(f"- case 3: fleet {sizes} hosts x forks {forks_options}, {args.fleet_repetitions} runs each ...")
            fleet = results["fleet"] = run_fleet(ansible, emulator, sizes, forks_options, args.fleet_repetitions)
            found += verdicts(tasks, fleet, startup, cores)
            blocks += [*task_tables(tasks), floor_note(tasks), *fleet_table(fleet, cores), *projection(fleet, cores)]
            blocks += startup_tables(startup)
        if "audit" in selected:
            say(
                f"- case 5: fleet audit outputs, {args.audit_hosts} hosts, forks {args.audit_forks}, "
                f"{args.audit_repetitions} runs of each kind ..."
            )
            audit = results["audit"] = run_audit_cost(
                ansible, emulator, args.audit_hosts, args.audit_forks, args.audit_repetitions
            )
            found += audit_cost_verdicts(audit)
            blocks += audit_cost_table(audit)
    info["load_average_at_end"] = list(os.getloadavg())
    start, end = (" / ".join(f"{value:.2f}" for value in info[f"load_average_at_{when}"]) for when in ("start", "end"))
    header = [
        f"- date: {info['date']}; commit {info['commit']}",
        f"- machine: {info['cpu']}, {cores} cores, {info['system']}",
        f"- load average (1, 5, 15 min) at start {start}, at end {end}",
        f"- Python {info['python']}; " + ", ".join(f"{name} {version}" for name, version in info["versions"].items()),
        f"- benchmark run time: {time.monotonic() - started:.0f} s",
    ]
    # Only the load at the start tells of other work: the fleet runs with forks 10 raise it by themselves.
    if info["load_average_at_start"][0] > cores:
        header.append(
            f"- WARNING: other work kept the machine busy (1-min load above {cores} cores at the start); timings are "
            "inflated and noisy, ratios less so (both sides are interleaved). Re-run on a quiet machine."
        )
    targets = "\n".join(verdict.line() for verdict in found)
    report = "\n\n".join(
        ["## Benchmark results", "\n".join(header), *blocks, "### Targets (issues 7, 14 and 18)", targets]
    )
    say("\n" + report + "\n")
    (args.output / "report.md").write_text(report + "\n", encoding="utf-8")
    results["targets"] = found
    (args.output / "results.json").write_text(json.dumps(results, indent=2, default=as_json), encoding="utf-8")
    print(f"Raw numbers: {args.output / 'results.json'}")
    return 1 if args.strict and not all(verdict.holds for verdict in found) else 0


if __name__ == "__main__":
    sys.exit(main())
