# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action of abraflexi.flexi.flexi_smtp_info: runs the module in the controller process on the local connection."""

from __future__ import annotations

from ansible_collections.abraflexi.flexi.plugins.plugin_utils._direct import DirectAction

# Imported here, when the strategy first loads this action, so every forked worker inherits the module's code,
# requests and lxml instead of importing them per task. Without requests or lxml the module runs as usual.
try:
    from ansible_collections.abraflexi.flexi.plugins.modules.flexi_smtp_info import CONTRACT
except ImportError:
    CONTRACT = None


class ActionModule(DirectAction):
    CONTRACT = CONTRACT
