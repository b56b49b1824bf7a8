#!/usr/bin/python
# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: flexi_smtp_info
short_description: Read the outgoing mail (SMTP) settings of an ABRA Flexi server
version_added: 0.1.0
description:
  - Reads the SMTP settings stored in ABRA Flexi (C(/c/{company}/nastaveni/smtp)) with one request and returns them.
  - Flexi never returns the SMTP password, only whether one is stored (RV(settings.password_set)).
  - Changes nothing, so it is safe in check mode and in audits.
author:
  - abraflexi.flexi maintainers (@abraflexi)
extends_documentation_fragment:
  - abraflexi.flexi.connection
  - abraflexi.flexi.attributes
  - abraflexi.flexi.attributes.READ_ONLY
seealso:
  - module: abraflexi.flexi.flexi_smtp
"""

EXAMPLES = r"""
- name: Read the SMTP settings
  abraflexi.flexi.flexi_smtp_info:
    url: https://flexi.example.com:5434
    company: demo_s_r_o_
    username: admin
    password: "{{ flexi_api_password }}"
  register: flexi_smtp

- name: Fail when no SMTP password is stored
  ansible.builtin.assert:
    that: flexi_smtp.settings.password_set
    fail_msg: "Flexi on {{ inventory_hostname }} has no SMTP password"
"""

RETURN = r"""
settings:
  description: The SMTP settings stored in Flexi.
  returned: success
  type: dict
  contains:
    host:
      description: SMTP server host; empty when none is stored.
      type: str
      sample: smtp.example.com
    port:
      description:
        - SMTP server port; null when none is stored.
        - When Flexi holds something that is not a whole number, that text as stored, with a warning.
      type: raw
      sample: 465
    smtp_username:
      description: SMTP login; empty when none is stored.
      type: str
      sample: flexi@example.com
    default_from:
      description: Default sender.
      type: str
      sample: ABRA Flexi <flexi@example.com>
    encryption_mode:
      description: One of C(NEVER), C(STARTTLS), C(TLS), C(SSL); empty when none is stored.
      type: str
      sample: SSL
    password_set:
      description: Whether Flexi holds an SMTP password.
      type: bool
      sample: true
status:
  description: HTTP status of the failed request, or -1 when no HTTP answer came (refused, timeout, TLS failure).
  returned: failure
  type: int
  sample: 401
method:
  description: HTTP method of the failed request.
  returned: failure
  type: str
  sample: GET
url:
  description: URL of the failed request, never with credentials.
  returned: failure
  type: str
  sample: https://flexi.example.com:5434/c/demo_s_r_o_/nastaveni/smtp
response:
  description: Body of the failed answer, trimmed to 2000 characters, with secrets masked.
  returned: failure
  type: str
  sample: '{"winstrom":{"@version":"1.0","success":"false","message":"Authorization required"}}'
"""

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_settings
from ansible_collections.abraflexi.flexi.plugins.module_utils._module import FlexiModule, ModuleContract, Task
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import stored_value_warnings

ARGUMENT_SPEC: dict = {}


def report_smtp_settings(task: Task) -> None:
    """Read the settings once."""
    task.result.update(changed=False, settings={})
    with FlexiClient(connection_settings(task.params)) as client:
        current = client.read_settings()
    for warning in stored_value_warnings(current):
        task.warn(warning)
    task.result["settings"] = current.as_dict()


CONTRACT = ModuleContract(ARGUMENT_SPEC, report_smtp_settings)


def main() -> None:
    FlexiModule(CONTRACT).run()


if __name__ == "__main__":
    main()
