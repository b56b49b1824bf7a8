# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Case 5: what the fleet summary, the audit artifacts and the report mail add to a check-mode audit of N drifted
hosts (direct path, drift_report writing its files in both kinds of run, which alternate), and the callback's own
memory, measured in process with tracemalloc."""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.cases import DIFFERENT, fleet_company, fleet_inventory, play
from bench.harness import Ansible, Summary, import_tasks, ratio, rotated
from bench.report import Verdict, table
from tests.emulator.server import EmulatorServer
from tests.emulator.sink import SmtpSink

KINDS = {"files": "report files only", "audit": "summary + artifacts + mail"}
MAX_OVERHEAD = 0.05
MEMORY_SIZES = (250, 500, 1000, 2000)
# Linear growth: the peak per server at the largest size is at most this much above the one at the smallest.
MAX_PER_SERVER_GROWTH = 1.25


@dataclass(frozen=True)
class AuditCostResult:
    hosts: int
    forks: int
    wall: dict[str, Summary]
    span: dict[str, Summary]
    peak_rss: dict[str, Summary]
    paired_overhead: float  # median over repetitions of (audit wall / files wall of the same repetition) - 1
    mails: int
    memory: dict[int, int]  # servers -> tracemalloc peak bytes of the callback's work
    extra_work: dict[str, float]  # seconds of each added output's own work for `hosts` servers, in process


def run_audit_cost(
    ansible: Ansible, emulator: EmulatorServer, hosts: int, forks: int, repetitions: int
) -> AuditCostResult:
    runs: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    with SmtpSink() as sink:
        mail = {
            "ABRAFLEXI_DRIFT_REPORT_MAIL_TO": "audit@example.com",
            "ABRAFLEXI_DRIFT_REPORT_MAIL_FROM": "ansible@example.com",
            "ABRAFLEXI_DRIFT_REPORT_MAIL_HOST": sink.host,
            "ABRAFLEXI_DRIFT_REPORT_MAIL_PORT": str(sink.port),
            "ABRAFLEXI_DRIFT_REPORT_MAIL_SECURITY": "none",
        }
        for repetition in range(repetitions):
            for kind in rotated(list(KINDS), repetition):
                audit = kind == "audit"
                environment = {
                    "ANSIBLE_CALLBACKS_ENABLED": "bench_timer,abraflexi.flexi.drift_report",
                    "ABRAFLEXI_DRIFT_REPORT_DIR": str(ansible.workdir / f"audit-report-{kind}-{repetition}"),
                    "ABRAFLEXI_DRIFT_REPORT_SUMMARY": str(audit),
                    **(mail if audit else {}),
                }
                task = import_tasks("flexi_smtp.yml", "audit", repetition, {"smtp": dict(DIFFERENT)})
                audit_play = play(
                    "Audit", emulator.url, [task], hosts="all", check_mode=True, abraflexi_audit_artifacts=audit
                )
                run = ansible.run(
                    f"audit-{hosts}-{kind}-{repetition}", audit_play, fleet_inventory(hosts), forks, **environment
                )
                results = run.timed("audit").results
                if len(results) != hosts or any(not result.changed for result in results.values()):
                    raise RuntimeError(f"audit run ({kind}) did not find every one of {hosts} hosts drifted")
                if audit and "FLEXI SMTP DRIFT SUMMARY (check mode)" not in run.stdout:
                    raise RuntimeError("audit run printed no fleet summary")
                runs[kind].append(run)
        mails = len(sink.messages)
    walls = {kind: [run.wall for run in kind_runs] for kind, kind_runs in runs.items()}
    overheads = [ratio(with_outputs, files) - 1 for with_outputs, files in zip(walls["audit"], walls["files"])]
    return AuditCostResult(
        hosts=hosts,
        forks=forks,
        wall={kind: Summary.of(values) for kind, values in walls.items()},
        span={kind: Summary.of(run.timed("audit").span for run in kind_runs) for kind, kind_runs in runs.items()},
        peak_rss={kind: Summary.of(run.peak_rss_mib for run in kind_runs) for kind, kind_runs in runs.items()},
        paired_overhead=Summary.of(overheads).median,
        mails=mails,
        memory={size: callback_peak_bytes(size) for size in MEMORY_SIZES},
        extra_work=extra_work_seconds(hosts),
    )


def _audit_work(servers: int) -> dict[str, Callable[[], Any]]:
    """The callback's work for ``servers`` drifted check-mode results: each step, to run in order."""
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import audit_stats
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_mail import MailSettings, build_message
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import FILE_NAMES, write_report
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

    # A flexi_smtp check-mode result as the callback receives it, with every field of DIFFERENT drifted.
    results = []
    for index in range(servers):
        before = {"host": f"relay{index}.example.com", "port": 465, "smtp_username": "flexi@example.com"}
        before.update(default_from="ABRA Flexi <flexi@example.com>", encryption_mode="SSL", password_set=True)
        after = {**before, "host": DIFFERENT["host"], "port": DIFFERENT["port"], "encryption_mode": "STARTTLS"}
        arguments = {"url": "http://127.0.0.1:8080", "company": fleet_company(index)}
        results.append({"changed": True, "diff": {"before": before, "after": after}, "settings": before,
                        "invocation": {"module_args": arguments}})  # fmt: skip
    settings = MailSettings(to=("audit@example.com",), sender="ansible@example.com")
    state: dict[str, Any] = {}

    def collect() -> None:
        collector = DriftCollector()
        for index, result in enumerate(results):
            collector.add_result(f"flexi-{index:04d}", "SMTP", "ok", result, True)
        state["report"] = collector.report(cli_check_mode=True)

    def write_files() -> None:
        with tempfile.TemporaryDirectory() as folder:
            write_report(state["report"], folder, list(FILE_NAMES))

    return {
        "collect": collect,
        "files": write_files,
        "summary": lambda: render_summary(state["report"]),
        "artifacts": lambda: [
            audit_stats(f"flexi-{index:04d}", "SMTP", result, True, result["invocation"]["module_args"])
            for index, result in enumerate(results)
        ],
        "mail": lambda: bytes(build_message(state["report"], settings)),
    }


def callback_peak_bytes(servers: int) -> int:
    """tracemalloc peak of the callback's work for ``servers`` drifted servers, the mail built but not sent. The
    results, which Ansible holds anyway, are not counted; the artifacts, which ansible-core's stats hold, are."""
    work = _audit_work(servers)
    gc.collect()
    tracemalloc.start()
    _kept = [step() for step in work.values()]
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _seconds(step: Callable[[], Any]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def extra_work_seconds(servers: int) -> dict[str, float]:
    """Seconds (best of three, in process, ``servers`` drifted servers) of each output's own work: the summary,
    every result's artifact entry (spread over the forks in a real run), building the mail."""
    work = _audit_work(servers)
    work["collect"]()
    return {name: min(_seconds(work[name]) for _repeat in range(3)) for name in ("summary", "artifacts", "mail")}


def audit_cost_table(result: AuditCostResult) -> list[str]:
    rows = [
        [label, str(result.wall[kind].n), f"{result.wall[kind].min:.1f}", f"{result.wall[kind].median:.1f}",
         f"{result.span[kind].median:.1f}", f"{result.peak_rss[kind].median:.0f}"]
        for kind, label in KINDS.items()
    ]  # fmt: skip
    memory_rows = [
        [str(servers), f"{peak / 2**20:.1f}", f"{peak / servers / 1024:.1f}"] for servers, peak in result.memory.items()
    ]
    return [
        f"### Case 5: fleet audit outputs, {result.hosts} hosts, check mode, direct path, forks {result.forks}",
        table("outputs | n | wall min s | wall median s | task span median s | peak RSS MiB (median)", rows),
        f"Wall-time overhead of summary + artifacts + mail (paired median): {result.paired_overhead * 100:+.1f}%; "
        f"mails received by the sink: {result.mails}.",
        f"Work the outputs add, in process for {result.hosts} servers (best of 3): "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.extra_work.items())
        + " (the artifacts spread over the forks).",
        "Callback memory (tracemalloc peak of collecting the results, the report, its files, the summary, the "
        "artifacts and the mail):",
        table("servers | peak MiB | KiB per server", memory_rows),
    ]


def audit_cost_verdicts(result: AuditCostResult) -> list[Verdict]:
    per_server = [peak / servers for servers, peak in result.memory.items()]
    growth = per_server[-1] / per_server[0]
    return [
        Verdict(
            f"fleet audit ({result.hosts} hosts): summary + artifacts + mail add <= {MAX_OVERHEAD:.0%} wall time",
            result.paired_overhead <= MAX_OVERHEAD,
            f"{result.paired_overhead * 100:+.1f}% (paired median; medians {result.wall['audit'].median:.1f} vs "
            f"{result.wall['files'].median:.1f} s)",
        ),
        Verdict(
            "fleet audit: the callback's peak memory grows at most linearly in servers",
            growth <= MAX_PER_SERVER_GROWTH,
            f"{per_server[0] / 1024:.1f} KiB per server at {MEMORY_SIZES[0]}, {per_server[-1] / 1024:.1f} at "
            f"{MEMORY_SIZES[-1]} ({growth:.2f}x)",
        ),
    ]
