"""`SmtpSink`: an aiosmtpd server on 127.0.0.1 that keeps every mail it receives, for assertions."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.emulator.certs import CertDirectory, TlsMaterial, issue_server_tls, server_names

HOST = "127.0.0.1"
MODES = ("plain", "starttls", "tls")
AUTH_REQUIRED = "530 5.7.0 Authentication required"


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    subject: str
    body: str  # decoded text, final line break removed
    auth_login: str | None
    raw: bytes
    tls: bool


class _Handler:
    """aiosmtpd hooks: enforce AUTH when configured, reject listed recipients, keep accepted mail."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self._sink.auth is None:
            # A sink without credentials offers no AUTH at all (aiosmtpd would offer it and then always refuse).
            return [line for line in responses if not line.startswith("250-AUTH")]
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        # Checked here rather than with aiosmtpd's auth_required, which insists on TLS before AUTH and warns.
        if self._sink.auth is not None and not session.authenticated:
            return AUTH_REQUIRED
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self._sink.reject_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self._sink._keep(_received(server, session, envelope))
        return "250 Message accepted for delivery"


class SmtpSink:
    """SMTP server for tests: mode plain, starttls (STARTTLS required before MAIL) or tls (implicit TLS).

    With `auth=(user, password)` it requires AUTH PLAIN or LOGIN with exactly those credentials (535 otherwise).
    `reject_recipients` lists addresses answered with 550, to provoke a rejected recipient.
    """

    def __init__(
        self,
        mode: str = "plain",
        auth: tuple[str, str] | None = None,
        *,
        reject_recipients: Sequence[str] = (),
        cert_dir: str | None = None,
        on_message: Callable[[ReceivedMail], None] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.auth = auth
        self.host = HOST
        self.reject_recipients = frozenset(address.lower() for address in reject_recipients)
        self._cert_dir = cert_dir
        self._on_message = on_message
        self._messages: list[ReceivedMail] = []
        self._arrived = threading.Condition()
        self._controller: _Controller | None = None
        self._certs: CertDirectory | None = None
        self._tls: TlsMaterial | None = None

    def start(self) -> SmtpSink:
        if self._controller is not None:
            raise RuntimeError("the sink is already running")
        if self.mode != "plain":
            self._certs = CertDirectory(self._cert_dir, "smtp-sink")
            self._tls = issue_server_tls(server_names(HOST), self._certs.path, "smtp")
        controller = _Controller(
            _Handler(self),
            hostname=HOST,
            port=0,
            server_hostname="localhost",  # aiosmtpd would otherwise call socket.getfqdn()
            ssl_context=self._tls.context if self.mode == "tls" else None,
            tls_context=self._tls.context if self.mode == "starttls" else None,
            require_starttls=self.mode == "starttls",
            auth_require_tls=self.mode == "starttls",
            authenticator=self._authenticate if self.auth is not None else None,
            timeout=30,
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._certs is not None:
            self._certs.cleanup()
        self._certs = None
        self._tls = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the sink is not running")
        return self._controller.port

    @property
    def ca_path(self) -> str | None:
        """CA of the sink's certificate (starttls and tls modes): give it to the emulator as smtp_cafile."""
        return self._tls.ca_path if self._tls is not None else None

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._arrived:
            return list(self._messages)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMail]:
        """Block until at least `count` mails arrived; return them all."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._messages) >= count, timeout):
                raise AssertionError(
                    f"SMTP sink on port {self.port}: expected {count} mail(s) within {timeout}s, "
                    f"got {len(self._messages)}"
                )
            return list(self._messages)

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert self.auth is not None
        expected = LoginPassword(self.auth[0].encode("utf-8"), self.auth[1].encode("utf-8"))
        if isinstance(auth_data, LoginPassword) and auth_data == expected:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    def _keep(self, mail: ReceivedMail) -> None:
        with self._arrived:
            self._messages.append(mail)
            self._arrived.notify_all()
        if self._on_message is not None:
            self._on_message(mail)


class _QuietSession(Session):
    """aiosmtpd 1.4 itself sets the deprecated `login_data` after every AUTH and warns about it; skip the warning."""

    @property
    def login_data(self) -> Any:
        return self._login_data

    @login_data.setter
    def login_data(self, value: Any) -> None:
        self._login_data = value


class _Smtp(SMTP):
    def _create_session(self) -> Session:
        return _QuietSession(self.loop)


class _Controller(Controller):
    """aiosmtpd's Controller, able to listen on port 0 (it would otherwise probe port 0 to check readiness)."""

    def factory(self) -> SMTP:
        return _Smtp(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def _received(server: SMTP, session: Session, envelope: Envelope) -> ReceivedMail:
    raw = envelope.original_content or b""  # bytes: the sink does not decode data
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    body = text_part.get_content().replace("\r\n", "\n") if text_part is not None else ""
    login = getattr(session.auth_data, "login", None) if session.authenticated else None
    transport = server.transport
    return ReceivedMail(
        mail_from=envelope.mail_from or "",
        rcpt_tos=tuple(envelope.rcpt_tos),
        subject=str(message.get("Subject", "")),
        body=body[:-1] if body.endswith("\n") else body,
        auth_login=login.decode("utf-8") if isinstance(login, bytes) else login,
        raw=raw,
        tls=session.ssl is not None or (transport is not None and transport.get_extra_info("ssl_object") is not None),
    )


def print_mail(mail: ReceivedMail) -> None:
    """One received mail, for a person watching the terminal."""
    stamp = time.strftime("%H:%M:%S")
    print(
        f"[{stamp}] mail from {mail.mail_from} to {', '.join(mail.rcpt_tos)} "
        f"(tls={mail.tls}, auth={mail.auth_login})\n  Subject: {mail.subject}\n  {mail.body}",
        flush=True,
    )
