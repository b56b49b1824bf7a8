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
      description: SMTP server port; null when none is stored.
      type: int
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.abraflexi.flexi.plugins.module_utils.client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils.connection import (
    connection_argument_spec,
    connection_settings,
    task_secrets,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils.errors import FlexiError
from ansible_collections.abraflexi.flexi.plugins.module_utils.redact import redact
from ansible_collections.abraflexi.flexi.plugins.module_utils.requirements import missing_library
from ansible_collections.abraflexi.flexi.plugins.module_utils.settings_xml import parse_settings


def main() -> None:
    module = AnsibleModule(argument_spec=connection_argument_spec(), supports_check_mode=True)
    secrets = task_secrets(module.params)
    module.no_log_values.update(secrets)
    missing = missing_library()
    if missing:
        module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])

    result = {"changed": False, "settings": {}}
    try:
        with FlexiClient(connection_settings(module.params)) as client:
            result["settings"] = parse_settings(client.read_settings()).as_dict()
    except FlexiError as exc:
        module.fail_json(**redact({**result, **exc.fail_kwargs()}, secrets))
    module.exit_json(**redact(result, secrets))


if __name__ == "__main__":
    main()
