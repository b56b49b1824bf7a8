"""Throw-away certificate authorities (trustme) for the emulator's HTTPS and the SMTP sink's TLS."""

from __future__ import annotations

import os
import shutil
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

import trustme


@dataclass(frozen=True)
class TlsMaterial:
    """A server context, and the CA a client needs (the server's own PEM file lies beside it)."""

    context: ssl.SSLContext
    ca_path: str


def server_names(hostname: str) -> tuple[str, ...]:
    """The names the server certificate covers: the given one, plus localhost for 127.0.0.1."""
    return (hostname, "localhost") if hostname == "127.0.0.1" else (hostname,)


def issue_server_tls(names: Sequence[str], directory: str, prefix: str) -> TlsMaterial:
    """A fresh CA and a server certificate for `names`, written as PEM files into `directory`."""
    authority = trustme.CA()
    leaf = authority.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    ca_path = os.path.join(directory, f"{prefix}-ca.pem")
    authority.cert_pem.write_to_path(ca_path)
    leaf.private_key_and_cert_chain_pem.write_to_path(os.path.join(directory, f"{prefix}-server.pem"))
    return TlsMaterial(context, ca_path)


class CertDirectory:
    """The given directory (kept), or a temporary one removed by cleanup()."""

    def __init__(self, path: str | None, prefix: str) -> None:
        self._owned = path is None
        self.path = tempfile.mkdtemp(prefix=f"{prefix}-") if path is None else path
        os.makedirs(self.path, exist_ok=True)

    def cleanup(self) -> None:
        if self._owned:
            shutil.rmtree(self.path, ignore_errors=True)
