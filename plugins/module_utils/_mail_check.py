# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""The optional test mail: whether to ask Flexi for one, and how its outcome is reported (internal)."""

from __future__ import annotations

from typing import Any

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils._errors import FlexiError


def test_mail_result(recipient: str | None, sent: bool = False) -> dict[str, Any]:
    """The test_email return value."""
    return {"sent": sent, "recipient": recipient}


def should_send_test_mail(recipient: str | None, when: str, settings_written: bool, check_mode: bool) -> bool:
    """Whether to ask Flexi for its test mail: never in check mode; after a write, or every run with when='always'."""
    if not recipient or check_mode:
        return False
    return settings_written or when == "always"


def check_mail_delivery(client: FlexiClient, recipient: str, settings_saved: bool) -> dict[str, Any]:
    """Have Flexi send its test mail and return the test_email result; a failure says whether the settings were
    saved and quotes Flexi."""
    try:
        client.send_test_mail(recipient)
    except FlexiError as exc:
        if settings_saved:
            prefix = f"The SMTP settings were saved, but the test mail to {recipient} failed"
        else:
            prefix = f"The test mail to {recipient} failed (no settings were changed)"
        raise FlexiError(f"{prefix}: {exc.msg}", exc.status, exc.method, exc.url, exc.response) from None
    return test_mail_result(recipient, sent=True)
