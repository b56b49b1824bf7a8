# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Case 5: what the fleet summary, the audit artifacts and the report mail cost on a large check-mode audit.

Two kinds of run of the same check-mode play over N hosts (each its own company, every one drifted), direct path,
the drift_report callback enabled in both and writing its files:

- *report files only*: summary off, no artifacts, no mail (what the callback did before these outputs existed);
- *summary + artifacts + mail*: summary on, ``abraflexi_audit_artifacts: true``, the report mailed to an SMTP sink.

The kinds alternate, so slow phases of the shared machine hit both alike. The callback's own memory is measured
in process with tracemalloc: its peak while it takes N results, builds the report, writes the files, renders the
summary and builds the mail, for several N.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.cases import DIFFERENT, fleet_company, play_vars
from bench.harness import Ansible, import_tasks, local_inventory
from bench.report import Verdict, _table
from bench.stats import Summary, ratio
from tests.emulator.server import EmulatorServer
from tests.emulator.sink import SmtpSink

KINDS = {
    "files": "report files only",
    "audit": "summary + artifacts + mail",
}
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "hosts": self.hosts,
            "forks": self.forks,
            "wall": {kind: summary.as_dict() for kind, summary in self.wall.items()},
            "task_span": {kind: summary.as_dict() for kind, summary in self.span.items()},
            "peak_rss_mib": {kind: summary.as_dict() for kind, summary in self.peak_rss.items()},
            "paired_overhead": self.paired_overhead,
            "mails": self.mails,
            "callback_peak_bytes": self.memory,
            "extra_work_seconds": self.extra_work,
        }


def run_audit_cost(
    ansible: Ansible, emulator: EmulatorServer, hosts: int, forks: int, repetitions: int
) -> AuditCostResult:
    walls: dict[str, list[float]] = {kind: [] for kind in KINDS}
    spans: dict[str, list[float]] = {kind: [] for kind in KINDS}
    peaks: dict[str, list[float]] = {kind: [] for kind in KINDS}
    inventory = local_inventory(
        {f"flexi-{index:04d}": {"flexi_company": fleet_company(index)} for index in range(hosts)}
    )
    with SmtpSink() as sink:
        for repetition in range(repetitions):
            order = list(KINDS) if repetition % 2 == 0 else list(reversed(KINDS))
            for kind in order:
                run = _audit_run(ansible, emulator, sink, inventory, kind, repetition, forks)
                (timed,) = [task for task in run.tasks if task.case == "audit"]
                if len(timed.results) != hosts or any(not result.changed for result in timed.results.values()):
                    raise RuntimeError(f"audit run ({kind}) did not find every one of {hosts} hosts drifted")
                if kind == "audit" and "FLEXI SMTP DRIFT SUMMARY (check mode)" not in run.stdout:
                    raise RuntimeError("audit run printed no fleet summary")
                walls[kind].append(run.wall)
                spans[kind].append(timed.finished - timed.started)
                peaks[kind].append(run.peak_rss_mib)
        mails = len(sink.messages)
    overheads = sorted(ratio(audit, files) - 1 for audit, files in zip(walls["audit"], walls["files"]))
    return AuditCostResult(
        hosts=hosts,
        forks=forks,
        wall={kind: Summary.of(values) for kind, values in walls.items()},
        span={kind: Summary.of(values) for kind, values in spans.items()},
        peak_rss={kind: Summary.of(values) for kind, values in peaks.items()},
        paired_overhead=Summary.of(overheads).median,
        mails=mails,
        memory={size: callback_peak_bytes(size) for size in MEMORY_SIZES},
        extra_work=extra_work_seconds(hosts),
    )


def _audit_run(
    ansible: Ansible,
    emulator: EmulatorServer,
    sink: SmtpSink,
    inventory: dict[str, Any],
    kind: str,
    repetition: int,
    forks: int,
) -> Any:
    audit = kind == "audit"
    task = import_tasks("flexi_smtp.yml", "audit", repetition, {"smtp": dict(DIFFERENT)})
    play = {
        "name": "Audit",
        "hosts": "all",
        "gather_facts": False,
        "check_mode": True,
        "vars": {**play_vars(emulator.url), "abraflexi_audit_artifacts": audit},
        "tasks": [task],
    }
    report_dir = ansible.workdir / f"audit-report-{kind}-{repetition}"
    environment = {
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer,abraflexi.flexi.drift_report",
        "ABRAFLEXI_DRIFT_REPORT_DIR": str(report_dir),
        "ABRAFLEXI_DRIFT_REPORT_SUMMARY": str(audit),
    }
    if audit:
        environment.update(
            ABRAFLEXI_DRIFT_REPORT_MAIL_TO="audit@example.com",
            ABRAFLEXI_DRIFT_REPORT_MAIL_FROM="ansible@example.com",
            ABRAFLEXI_DRIFT_REPORT_MAIL_HOST=sink.host,
            ABRAFLEXI_DRIFT_REPORT_MAIL_PORT=str(sink.port),
            ABRAFLEXI_DRIFT_REPORT_MAIL_SECURITY="none",
        )
    hosts = len(inventory["all"]["hosts"])
    return ansible.run(
        f"audit-{hosts}-{kind}-{repetition}", play, inventory=inventory, forks=forks, extra_env=environment
    )


def _drifted_result(index: int) -> dict[str, Any]:
    """A flexi_smtp check-mode result as the callback receives it, with every field of DIFFERENT drifted."""
    before = {
        "host": f"relay{index}.example.com",
        "port": 465,
        "smtp_username": "flexi@example.com",
        "default_from": "ABRA Flexi <flexi@example.com>",
        "encryption_mode": "SSL",
        "password_set": True,
    }
    after = {**before, "host": DIFFERENT["host"], "port": DIFFERENT["port"], "encryption_mode": "STARTTLS"}
    return {
        "changed": True,
        "diff": {"before": before, "after": after},
        "settings": before,
        "invocation": {"module_args": {"url": "http://127.0.0.1:8080", "company": fleet_company(index)}},
    }


def callback_peak_bytes(servers: int) -> int:
    """tracemalloc peak of the callback's work for a run over ``servers`` drifted servers, summary, artifacts and
    mail included (the mail is built, not sent)."""
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import audit_stats
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_mail import MailSettings, build_message
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import FILE_NAMES, write_report
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

    results = [_drifted_result(index) for index in range(servers)]  # Ansible holds these anyway: not counted
    settings = MailSettings(to=("audit@example.com",), sender="ansible@example.com")
    gc.collect()
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        try:
            collector = DriftCollector()
            artifacts = []  # held by ansible-core's stats, not by the callback; counted all the same
            for index, result in enumerate(results):
                collector.add_result(f"flexi-{index:04d}", "SMTP", "ok", result, True)
                artifacts.append(
                    audit_stats(f"flexi-{index:04d}", "SMTP", result, True, result["invocation"]["module_args"])
                )
            report = collector.report(cli_check_mode=True)
            write_report(report, folder, list(FILE_NAMES))
            render_summary(report)
            bytes(build_message(report, settings))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak


def extra_work_seconds(servers: int) -> dict[str, float]:
    """Time of what the three outputs add, in process for ``servers`` drifted servers (best of three): the summary,
    every result's artifact entry (spread over the forks in a real run), and building the mail."""
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._audit_artifacts import audit_stats
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_mail import MailSettings, build_message
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector
    from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

    results = [_drifted_result(index) for index in range(servers)]
    collector = DriftCollector()
    for index, result in enumerate(results):
        collector.add_result(f"flexi-{index:04d}", "SMTP", "ok", result, True)
    report = collector.report(cli_check_mode=True)
    settings = MailSettings(to=("audit@example.com",), sender="ansible@example.com")
    work = {
        "summary": lambda: render_summary(report),
        "artifacts": lambda: [
            audit_stats(f"flexi-{index:04d}", "SMTP", result, True, result["invocation"]["module_args"])
            for index, result in enumerate(results)
        ],
        "mail": lambda: bytes(build_message(report, settings)),
    }
    timings = {}
    for name, step in work.items():
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            step()
            samples.append(time.perf_counter() - started)
        timings[name] = min(samples)
    return timings


def audit_cost_table(result: AuditCostResult) -> list[str]:
    rows = [
        [
            label,
            str(result.wall[kind].n),
            f"{result.wall[kind].min:.1f}",
            f"{result.wall[kind].median:.1f}",
            f"{result.span[kind].median:.1f}",
            f"{result.peak_rss[kind].median:.0f}",
        ]
        for kind, label in KINDS.items()
    ]
    memory_rows = [
        [str(servers), f"{peak / 2**20:.1f}", f"{peak / servers / 1024:.1f}"] for servers, peak in result.memory.items()
    ]
    return [
        f"### Case 5: fleet audit outputs, {result.hosts} hosts, check mode, direct path, forks {result.forks}",
        "",
        *_table(["outputs", "n", "wall min s", "wall median s", "task span median s", "peak RSS MiB (median)"], rows),
        "",
        f"Wall-time overhead of summary + artifacts + mail (paired median): {result.paired_overhead * 100:+.1f}%; "
        f"mails received by the sink: {result.mails}.",
        "",
        f"Work the outputs add, in process for {result.hosts} servers (best of 3): "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.extra_work.items())
        + " (the artifacts spread over the forks).",
        "",
        "Callback memory (tracemalloc peak of collecting the results, the report, its files, the summary, the "
        "artifacts and the mail):",
        "",
        *_table(["servers", "peak MiB", "KiB per server"], memory_rows),
    ]


def audit_cost_verdicts(result: AuditCostResult) -> Sequence[Verdict]:
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
