# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# ruff: noqa: E402 (Ansible's convention: DOCUMENTATION comes before the imports)

DOCUMENTATION = r"""
name: drift_report
type: aggregate
short_description: Write one drift report of every flexi_smtp task in a run, as JSON, Markdown and HTML
version_added: 0.1.0
description:
  - Collects the result of every M(abraflexi.flexi.flexi_smtp) task in a playbook run and, when the run ends, writes
    one report in three forms into O(report_dir), C(drift-report.json) for machines, C(drift-report.md) for a ticket
    and C(drift-report.html), a self-contained page without external assets. It prints one line per file written.
  - Run the provisioning playbook with C(--check) and the report is a drift audit, what differs on which server.
    Without check mode it reports what was changed. The title says which.
  - Every host is counted once, as in sync, drifted (changed, outside check mode), failed, unreachable or skipped.
    A host counts as unreachable when Ansible could not reach it or when Flexi gave no HTTP answer (status -1).
    A host that stopped at an earlier task of a play that runs M(abraflexi.flexi.flexi_smtp) is reported as failed
    or unreachable with that task's message.
  - A task with a loop, and several M(abraflexi.flexi.flexi_smtp) tasks per host, give one row per task and item.
  - Passwords appear only as V(set), V(not set), V(would change) (check mode) or V(changed). Keys named like a
    password, secret or token are dropped, and credentials in URLs and C(password=...) pairs in messages are masked.
  - After the play recap it prints a fleet summary (O(summary)), and it can mail the report (O(mail_to)). Every
    option can be set by an environment variable, so an AWX custom credential can inject the mail settings.
  - With the variable C(abraflexi_audit_artifacts=true), M(abraflexi.flexi.flexi_smtp) results also carry the audit
    as C(ansible_stats), one key per server, which AWX keeps as the job's C(artifacts); that needs no callback.
  - Only enabled callbacks run, so this one has to be enabled in configuration.
author:
  - abraflexi.flexi maintainers (@abraflexi)
requirements:
  - Enable in configuration, for example C(callbacks_enabled = abraflexi.flexi.drift_report) in the C([defaults])
    section of C(ansible.cfg), or E(ANSIBLE_CALLBACKS_ENABLED=abraflexi.flexi.drift_report).
options:
  report_dir:
    description:
      - Folder the report files are written to; created when missing. Files of an earlier run are replaced.
      - A relative path is relative to the current folder, or to the folder of C(ansible.cfg) when set there.
    type: path
    default: ./flexi-drift-report
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_DIR
    ini:
      - section: abraflexi_flexi_drift
        key: report_dir
  formats:
    description:
      - The forms of the report to write.
    type: list
    elements: str
    choices: [json, markdown, html]
    default: [json, markdown, html]
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_FORMATS
    ini:
      - section: abraflexi_flexi_drift
        key: formats
  summary:
    description:
      - Print a fleet summary after the play recap, in the run's output (and so in an AWX job's output). It gives the
        counts of servers in sync, drifted, failed and unreachable, then one line per failed, unreachable or drifted
        server with its failure status and message, or the fields that differ.
      - "A differing field reads C(host: 'relay.example.com' -> 'smtp.example.com'); the password only ever as
        C(password: <changed>) or its states (C(set), C(not set)). Long lists end with C(and N more)."
    type: bool
    default: true
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_SUMMARY
    ini:
      - section: abraflexi_flexi_drift
        key: summary
  mail_to:
    description:
      - Mail the report to these addresses when the run ends, the HTML page as the body, the JSON and the Markdown
        attached. No mail when unset. In the environment, separate addresses with commas.
      - A mail that cannot be sent gives a warning with the reason; the run's result does not change.
      - A run in which no M(abraflexi.flexi.flexi_smtp) task ran sends no mail and prints no summary.
    type: list
    elements: str
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_TO
    ini:
      - section: abraflexi_flexi_drift
        key: mail_to
  mail_from:
    description:
      - Sender address of the mail. Needed when O(mail_to) is set.
    type: str
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_FROM
    ini:
      - section: abraflexi_flexi_drift
        key: mail_from
  mail_host:
    description:
      - The mail server (SMTP) the report is sent through.
    type: str
    default: localhost
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_HOST
    ini:
      - section: abraflexi_flexi_drift
        key: mail_host
  mail_port:
    description:
      - Port of the mail server. Unset, it is 465 for O(mail_security=ssl), 587 for V(starttls) and 25 for V(none).
    type: int
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_PORT
    ini:
      - section: abraflexi_flexi_drift
        key: mail_port
  mail_security:
    description:
      - V(ssl) speaks TLS from the first byte (SMTPS), V(starttls) upgrades the connection with STARTTLS before the
        login, V(none) sends the mail in plain text.
    type: str
    choices: [ssl, starttls, none]
    default: starttls
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_SECURITY
    ini:
      - section: abraflexi_flexi_drift
        key: mail_security
  mail_username:
    description:
      - Login at the mail server; no login when unset.
    type: str
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_USERNAME
    ini:
      - section: abraflexi_flexi_drift
        key: mail_username
  mail_password:
    description:
      - Password of O(mail_username). Never shown; a warning that would quote it shows C(********) instead.
    type: str
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_PASSWORD
    ini:
      - section: abraflexi_flexi_drift
        key: mail_password
  mail_validate_certs:
    description:
      - Whether the mail server's TLS certificate must be valid for O(mail_host). Turn off only for a test server.
    type: bool
    default: true
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_VALIDATE_CERTS
    ini:
      - section: abraflexi_flexi_drift
        key: mail_validate_certs
  mail_ca_path:
    description:
      - PEM file of the certificate authorities to trust for the mail server instead of the system's.
    type: path
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_CA_PATH
    ini:
      - section: abraflexi_flexi_drift
        key: mail_ca_path
  mail_when:
    description:
      - V(always) mails the report after every run; V(problems) only when a server drifted (or was changed), failed
        or was unreachable.
    type: str
    choices: [always, problems]
    default: always
    env:
      - name: ABRAFLEXI_DRIFT_REPORT_MAIL_WHEN
    ini:
      - section: abraflexi_flexi_drift
        key: mail_when
seealso:
  - module: abraflexi.flexi.flexi_smtp
"""

import os
from collections.abc import Iterable
from typing import Any

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_mail import (
    MailError,
    MailSettings,
    mail_report,
    recipients,
)
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_model import DriftCollector
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_render import (
    FILE_NAMES,
    FORMAT_LABELS,
    write_report,
)
from ansible_collections.abraflexi.flexi.plugins.plugin_utils._drift_summary import render_summary

ACTION = "abraflexi.flexi.flexi_smtp"


# The callback: Ansible's events in, DriftCollector calls out.


def is_flexi_smtp(task: Any) -> bool:
    """Whether a task runs abraflexi.flexi.flexi_smtp (by any name that resolves to it)."""
    action = str(getattr(task, "action", "") or "")
    # Ask for the resolved name only when the written one could be it: resolved_action warns on templated actions.
    if not action.endswith("flexi_smtp") or "{" in action:
        return False
    return getattr(task, "resolved_action", None) == ACTION


def _walk_tasks(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        nested = [getattr(item, part, None) for part in ("block", "rescue", "always")]
        if any(isinstance(part, list) for part in nested):
            for part in nested:
                yield from _walk_tasks(part or [])
        else:
            yield item


def _result_parts(result: Any) -> tuple[Any, str, Any]:
    """The task, host name and returned data of a task result handed to a callback.

    ansible-core 2.19 gave the result public ``task``, ``host`` and ``result`` attributes; 2.16 to 2.18 have only the
    underscored ones, which 2.19 keeps as deprecated aliases.
    """
    if hasattr(result, "result"):
        return result.task, result.host.get_name(), result.result
    return result._task, result._host.get_name(), result._result


class CallbackModule(CallbackBase):
    """Collect flexi_smtp results during the run; write the report when the run ends."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "abraflexi.flexi.drift_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: Any = None) -> None:
        super().__init__(display=display)
        self.collector = DriftCollector()
        self._play_runs_flexi_smtp = False

    # where results come from

    def v2_playbook_on_start(self, playbook: Any) -> None:
        name = getattr(playbook, "_file_name", None)
        if name:
            self.collector.playbooks.append(os.path.basename(str(name)))

    def v2_playbook_on_play_start(self, play: Any) -> None:
        sections = [getattr(play, part, None) or [] for part in ("pre_tasks", "tasks", "post_tasks", "handlers")]
        self._play_runs_flexi_smtp = any(is_flexi_smtp(task) for section in sections for task in _walk_tasks(section))

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        # Tasks from roles and includes are seen only here.
        if is_flexi_smtp(task):
            self._play_runs_flexi_smtp = True

    def v2_playbook_on_handler_task_start(self, task: Any) -> None:
        self.v2_playbook_on_task_start(task, False)

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed", ignore_errors)

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record(result, "unreachable")

    def _record(self, result: Any, outcome: str, ignore_errors: bool = False) -> None:
        task, host, returned = _result_parts(result)
        check_mode = getattr(task, "check_mode", None)  # the task's, its block's or its play's, else --check
        if not isinstance(check_mode, bool):
            check_mode = bool(context.CLIARGS.get("check", False))
        if is_flexi_smtp(task):
            self.collector.add_result(host, result.task_name, outcome, returned, check_mode)
            self._play_runs_flexi_smtp = True
        elif outcome in ("failed", "unreachable") and not ignore_errors and self._play_runs_flexi_smtp:
            self.collector.add_stop(host, result.task_name, outcome, returned, check_mode)

    # where the report goes

    def v2_playbook_on_stats(self, stats: Any) -> None:
        report = self.collector.report(cli_check_mode=bool(context.CLIARGS.get("check", False)))
        self._write_files(report)
        if not report["hosts"]:  # a run without flexi_smtp (the callback may be enabled for every job)
            return
        if self.get_option("summary"):
            self._display.display(render_summary(report))
        self._send_mail(report)

    def _write_files(self, report: dict[str, Any]) -> None:
        directory = self.get_option("report_dir")
        formats = [name for name in FILE_NAMES if name in (self.get_option("formats") or [])]
        if not formats:
            return
        try:
            written = write_report(report, directory, formats)
        except OSError as exc:
            self._display.warning(f"{self.CALLBACK_NAME}: could not write the report to {directory}: {exc}")
            return
        for name, path in written:
            self._display.display(f"Flexi drift report ({FORMAT_LABELS[name]}): {path}")

    def mail_settings(self) -> MailSettings | None:
        """The mail options, or None when no recipient is set. Raises MailError for a setting that cannot work."""
        to = recipients(self.get_option("mail_to"))
        if not to:
            return None
        sender = self.get_option("mail_from")
        if not sender:
            raise MailError("mail_from is not set; the report needs a sender address")
        return MailSettings(
            to=to,
            sender=sender,
            host=self.get_option("mail_host") or "localhost",
            port=self.get_option("mail_port"),
            security=self.get_option("mail_security") or "starttls",
            username=self.get_option("mail_username") or None,
            password=self.get_option("mail_password") or None,
            validate_certs=self.get_option("mail_validate_certs") is not False,
            ca_path=self.get_option("mail_ca_path") or None,
            when=self.get_option("mail_when") or "always",
        )

    def _send_mail(self, report: dict[str, Any]) -> None:
        try:
            settings = self.mail_settings()
            sent = settings is not None and mail_report(report, settings)
        except MailError as exc:
            # A report that cannot be mailed must not fail the run it reports on.
            self._display.warning(f"{self.CALLBACK_NAME}: the report was not mailed: {exc}")
            return
        if sent:
            self._display.display(f"Flexi drift report mailed to {', '.join(settings.to)}")
