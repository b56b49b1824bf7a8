# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The one error type of the collection (internal to abraflexi.flexi, not a public API)."""

from __future__ import annotations

from typing import Any

# Status used when no HTTP answer arrived (refused, timeout, TLS failure), as ansible-core's fetch_url does.
NO_HTTP_STATUS = -1

# Bodies quoted in failures are cut here; Flexi's messages are short, proxies' HTML pages are not.
RESPONSE_LIMIT = 2000


def trim_response(body: str | None, limit: int = RESPONSE_LIMIT) -> str:
    """Return ``body`` stripped and cut to ``limit`` characters, saying how much was cut."""
    if not body:
        return ""
    text = body.strip()
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


class FlexiError(Exception):
    """A failure talking to Flexi or a rejected input; carries what the module reports on failure."""

    def __init__(
        self,
        msg: str,
        status: int = NO_HTTP_STATUS,
        method: str | None = None,
        url: str | None = None,
        response: str | None = None,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.status = status
        self.method = method
        self.url = url
        # Kept whole: the module masks secrets first and trims afterwards (see trim_response).
        self.response = response or ""

    def fail_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``module.fail_json``: msg, status, method, url, response."""
        return {
            "msg": self.msg,
            "status": self.status,
            "method": self.method,
            "url": self.url,
            "response": self.response,
        }
