# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """How every abraflexi.flexi module reaches the Flexi server."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Where the ABRA Flexi API is reachable, for example C(https://flexi.example.com:5434).
      - When Flexi is served under a path behind a reverse proxy, include that path, for example
        C(https://erp.example.com/flexi); requests then go to C(https://erp.example.com/flexi/c/{company}/...).
      - A trailing slash is tolerated. Credentials, a query, a fragment, C(.) or C(..) path segments and a company
        URL (C(.../c/...)) are rejected; give the company in O(company) and the credentials in O(username) and
        O(password).
      - If not set, the E(ABRAFLEXI_URL) environment variable of the host that runs the module is used.
    type: str
    required: true
  company:
    description:
      - Database identifier of the company whose URL (C(/c/{company}/...)) reaches the settings, for example
        C(demo_s_r_o_). It is percent-encoded in the URL, so it can never point elsewhere.
      - If not set, the E(ABRAFLEXI_COMPANY) environment variable is used.
    type: str
    required: true
  username:
    description:
      - Flexi API user, sent with HTTP Basic authentication on every request.
      - Changing SMTP settings needs the ADMIN role with the server right C(access all companies).
      - If not set, the E(ABRAFLEXI_LOGIN) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the E(ABRAFLEXI_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Keep this on; to trust a self-signed server, give its CA in O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust instead of the system store, for a server with a private or
        self-signed certificate. Ignored when O(validate_certs=false).
    type: path
  timeout:
    description:
      - Seconds a whole request to Flexi may take, connecting, headers and body together (not per read).
      - Reads and writes are retried a few times on connection errors and HTTP 502, 503 or 504, never for longer
        than this in total.
      - A test mail request gets at least 45 seconds, because Flexi itself waits up to 30 seconds for the SMTP
        server.
      - At most 3600 (one hour); a larger value is refused before any request.
      - If not set, the E(ABRAFLEXI_TIMEOUT) environment variable is used, else C(30).
    type: int
    default: 30
  use_proxy:
    description:
      - Use the proxy that the E(https_proxy) or E(http_proxy) environment variable names for the scheme of O(url),
        unless E(no_proxy) covers the server, as M(ansible.builtin.uri) does.
      - >-
        These are the variables of the process that runs the module, including those a task sets with its
        C(environment) keyword. A lower-case variable wins over its upper-case spelling, even when empty, so
        C(no_proxy: "") in a task cancels an inherited E(NO_PROXY).
      - E(all_proxy) and C(~/.netrc) are never read.
      - Set to V(false) to connect to O(url) directly whatever the environment says.
    type: bool
    default: true
requirements:
  - requests >= 2.25
  - lxml >= 4.6
notes:
  - The environment variables are read by the process that runs the module, usually C(ansible-playbook) on the
    controller (tasks delegated to C(localhost)), or the job's environment in AWX.
  - Do not pass E(ABRAFLEXI_PASSWORD) through a task's C(environment) keyword; ansible-core prints those values at
    C(-vvv). Give O(password) a vaulted variable, or set the variable in the controller's environment.
"""
