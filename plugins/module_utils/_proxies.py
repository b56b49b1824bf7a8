# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Internal to abraflexi.flexi: not a public API; it may change in any release.
"""Which proxy the environment names for a URL, read as ansible.builtin.uri reads it (internal to abraflexi.flexi)."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit


def environment_proxies(url: str) -> dict[str, str]:
    """The proxies http_proxy / https_proxy name for url, or none when no_proxy covers its host.

    Read as urllib (so ansible.builtin.uri) reads them: a lower-case variable wins over its upper-case spelling even
    when empty, so a task's `no_proxy: ""` cancels an inherited NO_PROXY, which requests would still apply; and
    all_proxy, which requests would take, does not count.
    """
    environment = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(urlsplit(url).netloc, environment):
        return {}
    return {scheme: environment[scheme] for scheme in ("http", "https") if scheme in environment}
