# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Connection options shared by every module, and their checked form (internal to abraflexi.flexi)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple, Union
from urllib.parse import quote, unquote, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils._redact import basic_auth_tokens
from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import CONTROL_CHARACTERS

DEFAULT_TIMEOUT = 30
# No request to Flexi needs longer; beyond about 49 days the deadline timer itself could not be set.
MAX_TIMEOUT = 3600
# The optional scheme in front of a URL's userinfo.
_SCHEME = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?")
# A host name (letters of any script, digits, "-", "_", "."), or an IPv6 literal (urlsplit() strips the brackets).
_HOSTNAME = re.compile(r"[\w.-]+|[0-9A-Fa-f:.]+(?:%[\w.~-]+)?")

# requests' "verify": True, False, or the path of a CA bundle.
Verify = Union[bool, str]


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Argument spec of the connection options, each with its environment fallback."""
    return {
        "url": {"type": "str", "required": True, "fallback": (env_fallback, ["ABRAFLEXI_URL"])},
        "company": {"type": "str", "required": True, "fallback": (env_fallback, ["ABRAFLEXI_COMPANY"])},
        "username": {"type": "str", "fallback": (env_fallback, ["ABRAFLEXI_LOGIN"])},
        "password": {"type": "str", "no_log": True, "fallback": (env_fallback, ["ABRAFLEXI_PASSWORD"])},
        "validate_certs": {"type": "bool", "default": True},
        "ca_path": {"type": "path"},
        "timeout": {"type": "int", "default": DEFAULT_TIMEOUT, "fallback": (env_fallback, ["ABRAFLEXI_TIMEOUT"])},
        "use_proxy": {"type": "bool", "default": True},
    }


class ConnectionSettings(NamedTuple):
    """Where and how to reach Flexi, checked and ready for the HTTP client."""

    base_url: str
    company: str
    username: str | None
    password: str | None
    verify: Verify
    timeout: int
    use_proxy: bool = True

    def __repr__(self) -> str:
        return f"ConnectionSettings(base_url={self.base_url!r}, company={self.company!r}, password=<hidden>)"

    @property
    def company_url(self) -> str:
        """The company's base URL; the identifier is percent-encoded so it can never add a path segment."""
        return f"{self.base_url}/c/{quote(self.company, safe='')}"


def connection_settings(params: Mapping[str, Any]) -> ConnectionSettings:
    """Check the connection options and return them as ConnectionSettings; raise FlexiError if wrong."""
    password = params.get("password")
    username = params.get("username")
    if password and not username:
        raise FlexiError(
            "password is set but username is not; give the Flexi API user in username (or ABRAFLEXI_LOGIN)."
        )
    return ConnectionSettings(
        base_url=_base_url(params["url"]),
        company=_company(params["company"]),
        username=username and _no_controls("username", username),
        password=password,
        verify=_verify(params.get("validate_certs", True), params.get("ca_path")),
        timeout=_timeout(params.get("timeout", DEFAULT_TIMEOUT)),
        use_proxy=params.get("use_proxy", True) is not False,
    )


# Where a proxy, and so its credentials, can come from (lower and upper case, as urllib reads them).
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


def url_secrets(url: str | None) -> set[str]:
    """Every text that could be a password written into url's userinfo (as written and decoded), and the Basic
    tokens a client sends for it.

    Such a url is refused, but ansible-core still returns it in ``invocation`` and a refusal may quote it; modules
    add these to ``no_log_values``. A password may hold a raw ``/``, ``?``, ``#`` or ``@`` that no parser reads as
    its author meant, so every ``@`` is taken as a possible end of the userinfo, without parsing the URL.
    """
    text = url or ""
    start = _SCHEME.match(text).end()
    secrets: set[str] = set()
    for end in (index for index, char in enumerate(text) if char == "@" and index >= start):
        userinfo = text[start:end]
        if ":" in userinfo:
            user, password = userinfo.split(":", 1)
            if password:
                secrets.update({password, unquote(password)} | basic_auth_tokens(unquote(user), unquote(password)))
    return secrets - {"", None}


def proxy_secrets(environment: Mapping[str, str]) -> set[str]:
    """The proxy passwords in ``environment`` (raw, decoded, and the Basic tokens of ``user:password``)."""
    names = (*PROXY_VARIABLES, *(name.upper() for name in PROXY_VARIABLES))
    return {secret for name in names for secret in url_secrets(environment.get(name))}


def task_secrets(params: Mapping[str, Any], argument_spec: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Every secret a task holds, to be masked in all it returns.

    The values of the spec's ``no_log`` options (the API password, ``smtp_password``, any option added later) and
    the Basic tokens the API user would send with each, a password written into ``url``, and a proxy's password
    from the environment the task runs in.
    """
    values = {params.get(name) for name, option in argument_spec.items() if option.get("no_log")}
    secrets = {value for value in values if isinstance(value, str) and value}
    for secret in list(secrets):
        secrets |= basic_auth_tokens(params.get("username"), secret)
    return secrets | url_secrets(params.get("url")) | proxy_secrets(os.environ)


def _base_url(url: str) -> str:
    text = _no_controls("url", (url or "").strip())
    example = "e.g. https://flexi.example.com:5434 or https://erp.example.com/flexi"
    if url_secrets(text):
        # Never echo this URL: it holds credentials.
        raise FlexiError("url must not contain credentials; give them in username and password instead.")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number or out of range
    except ValueError as exc:
        raise FlexiError(f"url is not a valid URL ({exc}); {example}.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FlexiError(f"url must start with https:// (or http://) and name the server, {example}; got {text!r}.")
    if parts.username is not None or parts.password is not None:
        raise FlexiError("url must not contain credentials; give them in username and password instead.")
    if not _HOSTNAME.fullmatch(parts.hostname):
        raise FlexiError(f"url names a host that is not a valid host name or address, {example}; got {text!r}.")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise FlexiError(
            f"url must be the server address, optionally with the path Flexi is served under, {example}, without "
            f"a query or fragment; got {text!r}. Give the company database identifier in company."
        )
    path = parts.path.rstrip("/")
    if re.search(r"%(?:2[fF]|5[cC])", path):
        raise FlexiError(
            f"url must not contain an encoded '/' or '\\' (%2F, %5C) in its path, {example}; got {text!r}."
        )
    # As the server reads the path: the HTTP library decodes %2E, and Flexi's company path is case-insensitive.
    segments = [unquote(segment).lower() for segment in path.split("/")]
    if any(segment in (".", "..") for segment in segments):
        raise FlexiError(
            f"url must not contain '.' or '..' path segments, also not percent-encoded, {example}; got {text!r}."
        )
    if "c" in segments:
        raise FlexiError(
            f"url must be the server address (with the path Flexi is served under, if any), not a company URL, "
            f"{example}; got {text!r}. Give the company database identifier in company."
        )
    return f"{parts.scheme}://{parts.netloc}{path}"


def _no_controls(option: str, text: str) -> str:
    if CONTROL_CHARACTERS.search(text):
        raise FlexiError(f"{option} must not contain control characters or line breaks; got {text!r}.")
    return text


def _company(company: str) -> str:
    text = _no_controls("company", (company or "").strip())
    if not text or text in (".", ".."):
        raise FlexiError(f"company must be the company's database identifier, e.g. demo_s_r_o_; got {company!r}.")
    return text


def _verify(validate_certs: bool, ca_path: str | None) -> Verify:
    if not validate_certs:
        return False
    if ca_path:
        if not os.path.isfile(ca_path):
            raise FlexiError(
                f"ca_path {ca_path!r} is not a file; give the path of a PEM file with the CA certificate(s)."
            )
        return ca_path
    return True


def _timeout(timeout: int) -> int:
    if timeout is None or isinstance(timeout, bool) or timeout < 1:
        raise FlexiError(f"timeout must be a whole number of seconds, at least 1; got {timeout!r}.")
    if timeout > MAX_TIMEOUT:
        raise FlexiError(f"timeout must be at most {MAX_TIMEOUT} seconds (one hour); got {timeout!r}.")
    return timeout
