"""The control endpoint that lets the target playbooks set up scenarios and observe their effects.

Mounted on the emulator under ``/_lab`` (requests there are not logged, take no fault and need no credentials) and
called through the ``ansible.builtin.url`` lookup: /scenario resets the emulator and every sink and stores settings,
/observe reads the request log, the stored settings (passwords only as flags) and the mail each sink received.
The requests of every scenario are kept, so /verify can tell what a whole run did ("a --check run wrote nothing and
sent no test mail") and whether any secret the lab knows showed in its output.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.emulator.app import Answer, IncomingRequest
from tests.emulator.server import EmulatorServer
from tests.emulator.sink import SmtpSink
from tests.emulator.state import RecordedRequest
from tests.support.secrets import output_forms

PREFIX = "/_lab"
MAIL_WAIT_SECONDS = 10.0
JSON_TYPE = "application/json"


class ControlEndpoint:
    """Answers /scenario, /observe and /verify for the emulator it is mounted on and the named sinks."""

    def __init__(
        self, emulator: EmulatorServer, sinks: Mapping[str, SmtpSink], smtp_password: str, lab_secrets: Sequence[str]
    ):
        self.emulator = emulator
        self.sinks = dict(sinks)
        self._smtp_password = smtp_password
        # What "password_set: true" in a scenario stores: a password only this process knows.
        self.stored_password = f"stored-before-{secrets.token_hex(8)}"
        self._lock = threading.Lock()
        self._history: list[RecordedRequest] = []
        self._verified = 0  # how many requests of the history an earlier /verify has accounted for
        self._secrets = (*lab_secrets, self.stored_password)

    def mount(self) -> str:
        """Serve the endpoint from the emulator under PREFIX; return its URL (the playbooks' ``control_url``)."""
        self.emulator.mount(PREFIX, self.answer)
        return self.emulator.origin + PREFIX

    def answer(self, request: IncomingRequest) -> Answer:
        """GET /<operation>?spec=JSON (GET for the url lookup); a failure answers 400, the reason as status text."""
        operations = {"/scenario": self.scenario, "/observe": self.observe, "/verify": self.verify}
        target = urlsplit(request.target)
        try:
            if request.method != "GET":
                raise ValueError(f"{request.method} is not served here, only GET")
            spec = json.loads(parse_qs(target.query).get("spec", ["{}"])[0])
            operation = operations[target.path]
            return Answer(200, json.dumps(operation(**spec)), JSON_TYPE)
        except Exception as exc:  # reported to the playbook, which stops with this text
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            return Answer(400, "", JSON_TYPE, reason=reason.encode("latin-1", "replace").decode("latin-1"))

    # the operations

    def scenario(self, stored: Mapping[str, Any] | None = None) -> dict:
        """Reset the emulator (keeping its log in the history) and every sink; then store settings."""
        server = self.emulator
        with self._lock:
            self._history.extend(server.requests)
            server.reset()
        for sink in self.sinks.values():
            sink.clear()
        fields = dict(stored or {})
        if "password_set" in fields:
            fields["password"] = self.stored_password if fields.pop("password_set") else ""
        if fields:
            server.state.store(server.state.companies[0], **fields)
        return {"url": server.url}

    def observe(self, wait: Mapping[str, int] | None = None) -> dict:
        """The emulator's requests and stored settings since the scenario began, and every sink's mail."""
        for sink_name, count in (wait or {}).items():
            self.sinks[sink_name].wait_for(count, MAIL_WAIT_SECONDS)
        request_keys = ("method", "path", "query", "user", "fields", "password_present")
        mail_keys = ("rcpt_tos", "auth_login", "tls")
        return {
            "requests": [{key: getattr(request, key) for key in request_keys} for request in self.emulator.requests],
            "stored": self._stored(self.emulator.state.companies[0]),
            "mail": {
                name: [{key: getattr(mail, key) for key in mail_keys} for mail in sink.messages]
                for name, sink in self.sinks.items()
            },
        }

    def verify(self, log: str) -> dict:
        """What the run that printed the file ``log`` did since the last /verify: its writes and test mail requests,
        and the names of the secrets (never the secrets) that show in the file in any spelling."""
        with self._lock:
            requests = [*self._history, *self.emulator.requests]
        since, self._verified = requests[self._verified :], len(requests)
        text = Path(log).read_text(encoding="utf-8", errors="replace")
        shown = [n for n, secret in enumerate(self._secrets, 1) if any(map(text.__contains__, output_forms(secret)))]
        return {
            "requests": len(since),
            "writes": sum(request.method in ("PUT", "POST") for request in since),
            "test_mails": sum(request.method == "GET" and "testMail" in request.query for request in since),
            "secrets_shown": [f"secret #{n}" for n in shown],
        }

    def _stored(self, company: str) -> dict[str, Any]:
        stored = self.emulator.state.stored(company)
        password = stored.pop("password")
        return {
            **stored,
            "password_set": bool(password),
            "password_is_smtp_password": password == self._smtp_password,
        }
