#!/usr/bin/python
# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: flexi_smtp
short_description: Manage the outgoing mail (SMTP) settings of an ABRA Flexi server
version_added: 0.1.0
description:
  - Sets the SMTP server that ABRA Flexi sends mail through, using the REST resource C(/c/{company}/nastaveni/smtp).
  - Only the options you give are managed; options you leave out keep the value stored in Flexi.
  - Idempotent. The module reads the settings once, compares the given options and writes only the fields that
    differ, in one request. When nothing differs it writes nothing and reports no change.
  - Flexi never returns the stored SMTP password, only whether one is stored; see O(update_password).
  - Can ask Flexi to send its test mail after a change (O(test_email)), so a run proves that mail really goes out.
  - Flexi treats these settings as server-wide, although they are reached through a company URL.
author:
  - abraflexi.flexi maintainers (@abraflexi)
extends_documentation_fragment:
  - abraflexi.flexi.connection
  - abraflexi.flexi.attributes
  - abraflexi.flexi.attributes.CHECK_MODE
options:
  host:
    description:
      - Host name or address of the SMTP server Flexi sends mail through. Surrounding white space is removed.
      - Must not be empty; leave it out to keep the stored host.
    type: str
  port:
    description:
      - TCP port of the SMTP server, usually V(465) with O(encryption_mode=SSL) or V(587) with V(STARTTLS).
      - Must be between 1 and 65535; checked before any request (Flexi itself would accept 0). A boolean such as
        C(yes) is refused.
    type: int
  smtp_username:
    description:
      - Login name for the SMTP server, often the mailbox address.
      - An empty string clears a stored login (for SMTP servers without authentication).
    type: str
  smtp_password:
    description:
      - Password for O(smtp_username). Never logged, returned or shown in a diff.
      - Flexi cannot return a stored password, so it cannot be compared. O(update_password) decides when it is sent.
    type: str
  update_password:
    description:
      - When to send O(smtp_password).
      - V(on_create) sends it only when Flexi reports that no password is stored, so repeated runs stay idempotent
        and a password changed by hand in Flexi is left alone.
      - V(always) sends it on every run. Use it to rotate the password; the task then always reports a change,
        because the stored password cannot be compared.
    type: str
    choices: [on_create, always]
    default: on_create
  default_from:
    description:
      - Default sender of mail from Flexi, exactly one address, either V(user@example.com) or
        V(Display Name <user@example.com>). The display name may contain any characters, accents included.
      - Checked before any request. An empty string clears it.
    type: str
  encryption_mode:
    description:
      - How the connection to the SMTP server is protected. Upper case, as Flexi names them.
      - V(NEVER) plain SMTP; V(STARTTLS) upgrade a plain connection (port 587); V(SSL) and V(TLS) TLS from the first
        byte (port 465).
    type: str
    choices: [NEVER, STARTTLS, TLS, SSL]
  test_email:
    description:
      - Recipient of Flexi's test mail (subject C(Testovací email)), exactly one bare address such as
        V(it-team@example.com), without a display name. Checked before any request.
      - The mail goes through the settings stored in Flexi, so a delivered test mail proves the settings work.
      - Never sent in check mode. Sending it does not by itself make the task report a change.
      - If the settings were saved but the test mail fails, the task fails, reports a change, and says that the
        settings were saved, quoting Flexi's message.
      - The mail counts as sent only when Flexi confirms it (its settings document or a success document); any
        other answer fails the task.
    type: str
  test_email_when:
    description:
      - V(changed) sends the test mail only after this task wrote new settings.
      - V(always) sends it on every run that is not in check mode, even when nothing changed.
    type: str
    choices: [changed, always]
    default: changed
notes:
  - The API user needs the ADMIN role with the server right C(access all companies), as for the desktop menu
    Tools - SMTP Server Settings.
seealso:
  - module: abraflexi.flexi.flexi_smtp_info
"""

EXAMPLES = r"""
- name: Send mail through the company's mail server, with a test mail after every change
  abraflexi.flexi.flexi_smtp:
    url: https://flexi.example.com:5434
    company: demo_s_r_o_
    username: admin
    password: "{{ flexi_api_password }}"
    host: smtp.example.com
    port: 465
    encryption_mode: SSL
    smtp_username: flexi@example.com
    smtp_password: "{{ flexi_smtp_password }}"
    default_from: ABRA Flexi <flexi@example.com>
    test_email: it-team@example.com

- name: Connection options once for all tasks, from module_defaults
  module_defaults:
    group/abraflexi.flexi.flexi:
      url: https://flexi.example.com:5434
      company: demo_s_r_o_
      username: admin
      password: "{{ flexi_api_password }}"
      ca_path: /etc/pki/flexi-ca.pem
  block:
    - name: Only change the port; every other stored setting stays as it is
      abraflexi.flexi.flexi_smtp:
        port: 587
        encryption_mode: STARTTLS

- name: Rotate the SMTP password (reports a change on every run)
  abraflexi.flexi.flexi_smtp:
    url: https://flexi.example.com:5434
    company: demo_s_r_o_
    username: admin
    password: "{{ flexi_api_password }}"
    smtp_password: "{{ new_smtp_password }}"
    update_password: always
    test_email: it-team@example.com

- name: Relay without authentication; clear a stored SMTP login
  abraflexi.flexi.flexi_smtp:
    url: https://flexi.example.com:5434
    company: demo_s_r_o_
    username: admin
    password: "{{ flexi_api_password }}"
    host: relay.internal.example.com
    port: 25
    encryption_mode: NEVER
    smtp_username: ""
"""

RETURN = r"""
settings:
  description:
    - The SMTP settings after the task. In check mode, the settings Flexi would hold after a real run.
    - The password appears only as O(smtp_password) being stored or not.
  returned: success
  type: dict
  contains:
    host:
      description: SMTP server host.
      type: str
      sample: smtp.example.com
    port:
      description:
        - SMTP server port; null when none is stored.
        - When Flexi holds something that is not a whole number, that text as stored, with a warning; give O(port)
          to repair it.
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
diff:
  description:
    - Before and after values of the options given to the task (shown with C(--diff)).
    - When O(smtp_password) is given, C(password_set) appears on both sides, and C(password) with the value
      C(<changed>) on the after side when the password is sent. The password itself never appears.
  returned: always
  type: dict
  sample:
    before: {host: old.example.com, port: 25, password_set: false}
    after: {host: smtp.example.com, port: 465, password_set: true, password: <changed>}
test_email:
  description: Whether the test mail was sent, and to whom.
  returned: always
  type: dict
  contains:
    sent:
      description: True when Flexi accepted the request to send the test mail.
      type: bool
      sample: true
    recipient:
      description: The O(test_email) recipient; null when none was given.
      type: str
      sample: it-team@example.com
status:
  description: HTTP status of the failed request, or -1 when no HTTP answer came (refused, timeout, TLS failure).
  returned: failure
  type: int
  sample: 400
method:
  description: HTTP method of the failed request.
  returned: failure
  type: str
  sample: PUT
url:
  description: URL of the failed request, never with credentials.
  returned: failure
  type: str
  sample: https://flexi.example.com:5434/c/demo_s_r_o_/nastaveni/smtp
response:
  description: Body of the failed answer, trimmed to 2000 characters, with secrets masked.
  returned: failure
  type: str
  sample: <winstrom version="1.0"><success>false</success><message>...</message></winstrom>
"""

from ansible_collections.abraflexi.flexi.plugins.module_utils._client import FlexiClient
from ansible_collections.abraflexi.flexi.plugins.module_utils._connection import connection_settings
from ansible_collections.abraflexi.flexi.plugins.module_utils._fields import field_argument_spec
from ansible_collections.abraflexi.flexi.plugins.module_utils._mail_check import (
    check_mail_delivery,
    should_send_test_mail,
    test_mail_result,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._module import FlexiModule, ModuleContract, Task
from ansible_collections.abraflexi.flexi.plugins.module_utils._settings_xml import build_document
from ansible_collections.abraflexi.flexi.plugins.module_utils._smtp_settings import (
    desired_settings,
    make_plan,
    stored_value_warnings,
)
from ansible_collections.abraflexi.flexi.plugins.module_utils._validation import check_recipient

ARGUMENT_SPEC = {
    **field_argument_spec(),
    "test_email": {"type": "str"},
    "test_email_when": {"type": "str", "choices": ["changed", "always"], "default": "changed"},
}


def apply_smtp_settings(task: Task) -> None:
    """Read, compare, write what differs (not in check mode), then send the test mail if asked."""
    params = task.params
    # The result is also what a failure returns (with msg, status, method, url and response added), and diff and
    # test_email are returned always: so it holds every key from the start and each step brings it up to date.
    # A failed write still shows the settings read and the diff planned; a failed test mail shows changed=true and
    # the settings saved, as its message says.
    result = task.result
    result.update(
        changed=False,
        settings={},
        diff={"before": {}, "after": {}},
        test_email=test_mail_result(params["test_email"]),
    )
    connection = connection_settings(params)
    desired = desired_settings(params)
    recipient = params["test_email"] and check_recipient("test_email", params["test_email"])
    result["test_email"] = test_mail_result(recipient)  # the address as the mail goes to it: stripped
    with FlexiClient(connection) as client:
        current = client.read_settings()
        for warning in stored_value_warnings(current):
            task.warn(warning)
        plan = make_plan(current, desired)
        # One plan for both modes: check mode reports it, a real run also writes it.
        result.update(settings=current.as_dict(), diff=plan.diff)
        if plan.changed and not task.check_mode:
            client.write_settings(build_document(plan.fields_to_send, plan.password_to_send))
        result.update(changed=plan.changed, settings=plan.predicted.as_dict())
        if should_send_test_mail(recipient, params["test_email_when"], plan.changed, task.check_mode):
            result["test_email"] = check_mail_delivery(client, recipient, settings_saved=plan.changed)


CONTRACT = ModuleContract(ARGUMENT_SPEC, apply_smtp_settings)


def main() -> None:
    FlexiModule(CONTRACT).run()


if __name__ == "__main__":
    main()
