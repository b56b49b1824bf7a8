# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by abraflexi.flexi modules, and the note on direct execution their action attribute cites."""

    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    description:
      - Has an action plugin of the same name, which runs the module's code in the controller process when the task
        runs on the controller (direct execution); see the notes. V(abraflexi_direct_execution=false) turns it off.
    support: full
  action_group:
    description: Use C(group/abraflexi.flexi.flexi) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - abraflexi.flexi.flexi
notes:
  - Direct execution. When the task runs on the controller through the C(local) connection (a play on C(localhost),
    C(connection=local) or C(delegate_to=localhost)), is not C(async), does not use C(become), and the
    controller's Python can import requests and lxml, the action plugin of the same name runs the module's code in
    the controller process instead of packaging it and starting a new Python process. Results, check mode, diff,
    C(no_log) masking, environment fallbacks (including the task's C(environment)) and failures are the same.
    Set the variable C(abraflexi_direct_execution=false) (host, group, play or task variable) to run the module
    as usual, for example with the interpreter named in C(ansible_python_interpreter).
"""

    CHECK_MODE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and diff without changing anything.
    support: full
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) with C(--diff).
    support: full
"""

    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    description: Reads only, so it runs unchanged in check mode.
    support: full
  diff_mode:
    description: Reads only, so there is never a diff.
    support: N/A
"""
