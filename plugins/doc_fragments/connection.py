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
      - Base URL of the ABRA Flexi server, scheme, host and port only, for example C(https://flexi.example.com:5434).
      - A trailing slash is tolerated; a path, query or credentials in the URL are rejected.
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
      - Seconds to wait for each answer from Flexi. Reads and writes are retried a few times on connection errors
        and HTTP 502, 503 or 504, never for longer than this in total.
      - A test mail request waits at least 45 seconds, because Flexi itself waits up to 30 seconds for the SMTP server.
      - If not set, the E(ABRAFLEXI_TIMEOUT) environment variable is used, else C(30).
    type: int
    default: 30
requirements:
  - requests >= 2.25
  - lxml >= 4.6
notes:
  - The environment variables are read by the process that runs the module, usually C(ansible-playbook) on the
    controller (tasks delegated to C(localhost)), or the job's environment in AWX.
  - Do not pass E(ABRAFLEXI_PASSWORD) through a task's C(environment) keyword; ansible-core prints those values at
    C(-vvv). Give O(password) a vaulted variable, or set the variable in the controller's environment.
"""
