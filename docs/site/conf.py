# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sphinx configuration of the abraflexi.flexi documentation site (started from `antsibull-docs sphinx-init`).

`make docs` writes the RST in docs/site/rst/ with antsibull-docs; `make docs-html` builds it with this file.
The build runs offline, so there is no intersphinx: the few labels of the Ansible documentation that the
generated pages use are linked to their pages on docs.ansible.com by `link_ansible_docs` below.
"""

from __future__ import annotations

from docutils import nodes

project = "abraflexi.flexi"
copyright = "abraflexi.flexi contributors"  # pylint: disable=redefined-builtin  # Sphinx's name for it

title = "abraflexi.flexi Collection Documentation"
html_short_title = "abraflexi.flexi"

extensions = ["sphinx_antsibull_ext"]

root_doc = "index"
pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
display_version = False

default_role = "any"
nitpicky = True

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/latest/"
# Labels of the Ansible documentation that antsibull-docs' pages refer to, and where they live there.
ANSIBLE_LABELS = {
    "ansible_configuration_settings": "reference_appendices/config.html",
    "action_plugins": "plugins/action.html",
    "ansible_collections.ansible.builtin.uri_module": "collections/ansible/builtin/uri_module.html",
    "callback_plugins": "plugins/callback.html",
    "common_return_values": "reference_appendices/common_return_values.html",
}


def ansible_docs_page(reftype, target):
    """The docs.ansible.com page (with anchor) for a reference this site cannot resolve, or None."""
    if reftype == "ref" and target in ANSIBLE_LABELS:
        return ANSIBLE_LABELS[target]
    if reftype == "envvar" and target.startswith("ANSIBLE_"):
        return f"reference_appendices/config.html#envvar-{target}"
    return None


def link_ansible_docs(_app, _env, node, contnode):
    """Resolve a reference to ansible-core's documentation as a link to docs.ansible.com; leave others unresolved."""
    page = ansible_docs_page(node.get("reftype"), node.get("reftarget", ""))
    if node.get("refdomain") != "std" or page is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=ANSIBLE_DOCS + page)
    reference += contnode
    return reference


def setup(app):
    """Register the link handler."""
    app.connect("missing-reference", link_ansible_docs)
