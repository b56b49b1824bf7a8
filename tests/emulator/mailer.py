"""Flexi's test mail: really sent with smtplib through the stored settings, failures worded like JavaMail."""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tests.emulator.validation import parse_address

SUBJECT = "Testovací email"  # subject and body: vendor article
BODY = "Testovací email ze systému ABRA Flexi."
IMPLICIT_TLS_MODES = ("SSL", "TLS")
# JavaMail's defaults when no port is set: smtp 25, smtps 465.
DEFAULT_PORTS = {"NEVER": 25, "STARTTLS": 25, "SSL": 465, "TLS": 465, "": 25}
# Assumed wording: what Flexi says with no host stored is not public.
NO_HOST_MESSAGE = "Není nastaven SMTP server (host): test e-mailu nelze odeslat."
EHLO_NAME = "localhost"  # avoids socket.getfqdn(), which may wait on DNS


@dataclass(frozen=True)
class JavaException:
    """Just enough of a Java exception to print it the way Flexi does."""

    name: str
    message: str | None = None
    cause: JavaException | None = None
    # javax.mail.MessagingException and its subclasses print their nested exceptions in toString().
    messaging: bool = False

    def to_string(self) -> str:
        """Throwable.toString(), with MessagingException's "nested exception is" chain."""
        text = self._own_string()
        nested = self.cause if self.messaging else None
        while nested is not None:
            text += ";\n  nested exception is:\n\t" + nested._own_string()
            nested = nested.cause if nested.messaging else None
        return text

    def flexi_text(self) -> str:
        """What Flexi puts in <message>: toString(), then the message of every exception in the chain.

        As in the vendor article's sample, which ends with "...timeout 30000" and "vzor.seznam.cz".
        """
        lines = [self.to_string()]
        current: JavaException | None = self
        while current is not None:
            if current.message is not None:
                lines.append(current.message)
            current = current.cause
        return "\n".join(lines)

    def _own_string(self) -> str:
        return self.name if self.message is None else f"{self.name}: {self.message}"


class MailFailure(Exception):
    """The test mail could not be sent; str() of it is Flexi's text."""


class ConnectFailure(Exception):
    """No TCP connection to the SMTP server (JavaMail's MailConnectException)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class StartTlsUnsupported(smtplib.SMTPException):
    """STARTTLS is configured but the server does not offer it."""


class TlsFailure(Exception):
    """The TLS handshake failed, at connect (SSL/TLS) or after STARTTLS."""

    def __init__(self, cause: ssl.SSLError, during_starttls: bool) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.during_starttls = during_starttls


@dataclass(frozen=True)
class MailTarget:
    """Where the test mail goes: the stored host and port (or the mode's default port)."""

    host: str
    port: int
    mode: str
    timeout: float


def send_test_mail(
    stored: Mapping[str, str],
    recipient: str,
    *,
    cafile: str | None = None,
    timeout: float = 30.0,
    relay: tuple[str, int] | None = None,
) -> None:
    """Send Flexi's test mail to `recipient` through the stored settings; raise MailFailure with Flexi's text.

    `relay` (host, port) replaces the stored host and port, as a catch-all mail server on a test bench would.
    """
    to_address = parse_address(recipient)
    if to_address is None:
        # Assumed: JavaMail's InternetAddress wording.
        raise MailFailure(
            JavaException(
                "javax.mail.internet.AddressException", f"Illegal address in string ``{recipient}''"
            ).flexi_text()
        )
    if not stored.get("host"):
        raise MailFailure(NO_HOST_MESSAGE)
    mode = stored.get("encryptionMode", "")
    port_text = stored.get("port", "")
    port = int(port_text) if port_text.isdigit() else DEFAULT_PORTS.get(mode, 25)
    target = MailTarget(*(relay or (stored["host"], port)), mode, timeout)
    message, sender = compose(stored, recipient)
    client = _SmtpClient(target, _tls_context(cafile))
    try:
        client.open()
        client.ehlo_or_helo_if_needed()
        if target.mode == "STARTTLS":
            client.secure()
        if stored.get("username") and client.has_extn("auth"):
            # Like JavaMail: log in only when the server offers AUTH.
            client.login_utf8(stored["username"], stored.get("password", ""))
        client.send_message(message, from_addr=sender, to_addrs=[to_address])
        client.quit()
    except (ConnectFailure, TlsFailure, smtplib.SMTPException, OSError) as exc:
        raise MailFailure(java_exception(exc, target).flexi_text()) from None
    finally:
        client.close()


def compose(stored: Mapping[str, str], recipient: str) -> tuple[EmailMessage, str]:
    """The test message and its envelope sender (defaultFrom's address, else the SMTP user name)."""
    default_from = stored.get("defaultFrom", "")
    sender = parse_address(default_from) or stored.get("username", "")
    message = EmailMessage()
    if default_from or sender:
        message["From"] = default_from or sender
    message["To"] = recipient
    message["Subject"] = SUBJECT
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or EHLO_NAME)
    message.set_content(BODY, charset="utf-8", cte="quoted-printable")
    return message, sender


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    if cafile:
        return ssl.create_default_context(cafile=cafile)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _SmtpClient(smtplib.SMTP):
    """smtplib.SMTP that tells connect, TLS and SMTP failures apart and logs in with UTF-8 credentials."""

    def __init__(self, target: MailTarget, context: ssl.SSLContext) -> None:
        super().__init__(local_hostname=EHLO_NAME, timeout=target.timeout)
        self._target = target
        self._context = context

    def open(self) -> None:
        # Not SMTP.connect(): it would turn port 0 into 25, while JavaMail connects to what is stored.
        self._host = self._target.host
        self.sock = self._get_socket(self._target.host, self._target.port, self.timeout)
        self.file = None
        self.getreply()

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        try:
            sock = socket.create_connection((host, port), timeout)
        except OSError as exc:
            raise ConnectFailure(exc) from exc
        if self._target.mode not in IMPLICIT_TLS_MODES:
            return sock
        try:
            return self._context.wrap_socket(sock, server_hostname=host)
        except ssl.SSLError as exc:
            sock.close()
            raise TlsFailure(exc, during_starttls=False) from exc
        except OSError:
            sock.close()
            raise

    def secure(self) -> None:
        if not self.has_extn("starttls"):
            raise StartTlsUnsupported("STARTTLS")
        try:
            code, reply = self.starttls(context=self._context)
        except ssl.SSLError as exc:
            raise TlsFailure(exc, during_starttls=True) from exc
        if code != 220:
            raise smtplib.SMTPResponseException(code, reply)
        self.ehlo()

    def login_utf8(self, username: str, password: str) -> None:
        """AUTH PLAIN (or LOGIN when only that is offered); smtplib's own login() only sends ASCII."""
        mechanisms = self.esmtp_features.get("auth", "").upper().split()
        user, secret = username.encode("utf-8"), password.encode("utf-8")
        if "LOGIN" in mechanisms and "PLAIN" not in mechanisms:
            code, reply = self.docmd("AUTH", "LOGIN " + _b64(user))
            if code == 334:
                code, reply = self.docmd(_b64(secret))
        else:
            code, reply = self.docmd("AUTH", "PLAIN " + _b64(b"\0" + user + b"\0" + secret))
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Python failure -> the JavaMail exception Flexi would report.


def java_exception(exc: BaseException, target: MailTarget) -> JavaException:
    """Translate a delivery failure into the JavaMail exception Flexi would have caught."""
    if isinstance(exc, ConnectFailure):
        return JavaException(
            "com.sun.mail.util.MailConnectException",
            f"Couldn't connect to host, port: {target.host}, {target.port}; timeout {round(target.timeout * 1000)}",
            _socket_cause(exc.cause, target.host),
            messaging=True,
        )
    if isinstance(exc, TlsFailure):
        text = (
            "Could not convert socket to TLS"
            if exc.during_starttls
            else f"Could not connect to SMTP host: {target.host}, port: {target.port}"
        )
        return JavaException("javax.mail.MessagingException", text, _ssl_cause(exc.cause, target.host), messaging=True)
    if isinstance(exc, smtplib.SMTPException):
        return _smtp_exception(exc)
    return _io_exception(exc)


def _socket_cause(cause: OSError, host: str) -> JavaException:
    if isinstance(cause, socket.gaierror):
        return JavaException("java.net.UnknownHostException", host)
    if isinstance(cause, ConnectionRefusedError):
        return JavaException("java.net.ConnectException", "Connection refused")
    if isinstance(cause, TimeoutError):
        return JavaException("java.net.SocketTimeoutException", "connect timed out")
    return JavaException("java.net.ConnectException", cause.strerror or str(cause))


def _ssl_cause(cause: ssl.SSLError, host: str) -> JavaException:
    if isinstance(cause, ssl.SSLCertVerificationError):
        if cause.verify_code in (62, 64):  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
            if cause.verify_code == 64:
                detail = f"No subject alternative names matching IP address {host} found"
            else:
                detail = f"No subject alternative DNS name matching {host} found."
            return JavaException(
                "javax.net.ssl.SSLHandshakeException",
                f"java.security.cert.CertificateException: {detail}",
            )
        return JavaException(
            "javax.net.ssl.SSLHandshakeException",
            "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
            f"unable to find valid certification path to requested target ({cause.verify_message})",
        )
    if cause.reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL", "HTTP_REQUEST"):
        # The server answered in plain text where TLS was expected.
        return JavaException("javax.net.ssl.SSLException", "Unsupported or unrecognized SSL message")
    return JavaException("javax.net.ssl.SSLHandshakeException", cause.reason or str(cause))


def _smtp_exception(exc: smtplib.SMTPException) -> JavaException:
    if isinstance(exc, StartTlsUnsupported):
        return JavaException("javax.mail.MessagingException", "STARTTLS is required but host does not support STARTTLS")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = [
            JavaException("com.sun.mail.smtp.SMTPAddressFailedException", _reply(code, text), messaging=True)
            for code, text in exc.recipients.values()
        ]
        return JavaException("javax.mail.SendFailedException", "Invalid Addresses", refusals[0], messaging=True)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return JavaException("javax.mail.AuthenticationFailedException", _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        sender = JavaException("com.sun.mail.smtp.SMTPSenderFailedException", reply, messaging=True)
        return JavaException("com.sun.mail.smtp.SMTPSendFailedException", reply, sender, messaging=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return JavaException("com.sun.mail.smtp.SMTPSendFailedException", _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc.__context__, OSError):
        # smtplib reports a read timeout or reset as SMTPServerDisconnected; the socket error is the real cause.
        return _io_exception(exc.__context__)
    if not isinstance(exc, smtplib.SMTPServerDisconnected):
        return JavaException("javax.mail.MessagingException", str(exc))
    return JavaException(
        "javax.mail.MessagingException",
        "Exception reading response",
        JavaException("java.net.SocketException", "Connection closed by remote host"),
        messaging=True,
    )


def _io_exception(exc: BaseException) -> JavaException:
    if isinstance(exc, TimeoutError):
        cause = JavaException("java.net.SocketTimeoutException", "Read timed out")
    elif isinstance(exc, ConnectionResetError):
        cause = JavaException("java.net.SocketException", "Connection reset")
    else:
        cause = JavaException("java.io.IOException", str(exc))
    return JavaException("javax.mail.MessagingException", "Exception reading response", cause, messaging=True)


def _reply(code: int, text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"
