# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """When abraflexi.flexi modules run in the controller process, and how to turn that off."""

    DOCUMENTATION = r"""
options: {}
notes:
  - Direct execution. When the task runs on the controller through the C(local) connection (a play on C(localhost),
    C(connection=local) or C(delegate_to=localhost)), is not C(async), does not use C(become), and the
    controller's Python can import requests and lxml, the action plugin of the same name runs the module's code in
    the controller process instead of packaging it and starting a new Python process. Results, check mode, diff,
    C(no_log) masking, environment fallbacks (including the task's C(environment)) and failures are the same.
    Set the variable C(abraflexi_direct_execution=false) (host, group, play or task variable) to run the module
    as usual, for example with the interpreter named in C(ansible_python_interpreter).
"""
