# Developer entry points; README.md explains them.
#
# Two virtual environments, each rebuilt only when its pin file changes (the stamp file name holds its hash):
#   .venv        Python 3 of the machine (3.11 here) with requirements-test.txt: ansible-core 2.19, pytest, ruff,
#                ansible-runner, ansible-builder. Runs the tests and ansible-test on ansible-core 2.19.
#   .venv-tools  Python 3.13 with requirements-lint.txt (versions locked by constraints-lint.txt): ansible-core 2.21,
#                ansible-lint, yamllint, antsibull-docs, antsibull-changelog, galaxy-importer, Sphinx.
# ansible-test makes its own venvs as well: in ~/.ansible/test/venv/ (sanity tools) and in the staged copy's
# tests/output/ (.tmp/ansible-test-*), both kept between runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
# ansible-core 2.21 needs Python >= 3.12: take python3.13 from PATH, else pyenv's (its shim fails when 3.13 is not
# an active pyenv version, hence the trial run).
PYTHON_TOOLS ?= $(firstword $(foreach candidate,python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13),\
	$(shell $(candidate) -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && echo $(candidate))))

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-test.txt | sha1sum | cut -c1-12)
TOOLS_VENV := .venv-tools
TOOLS_BIN := $(TOOLS_VENV)/bin
TOOLS_STAMP := $(TOOLS_VENV)/.installed-$(shell cat requirements-lint.txt constraints-lint.txt | sha1sum | cut -c1-12)
# Tools that call other tools by name (antsibull-docs runs ansible-doc) find the pinned ones first.
TOOLS_ENV := PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.tmp/collections"

# ansible-test needs the collection at .../ansible_collections/abraflexi/flexi: a copy per ansible-core version.
STAGE_219 := .tmp/ansible-test-2.19
STAGE_221 := .tmp/ansible-test-2.21
# $(call ansible_test,COMMAND,STAGE,VENV_BIN): refresh the copy in STAGE, run `ansible-test COMMAND` there with
# the ansible-test of VENV_BIN, on that venv's Python (3.11 in .venv, 3.13 in .venv-tools).
define ansible_test
	$(BIN)/python tools/stage_collection.py $(2)
	cd $(2)/ansible_collections/abraflexi/flexi && $(CURDIR)/$(3)/ansible-test $(1) --venv --color no \
		--python $$($(CURDIR)/$(3)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
endef

DOCS_RST := docs/site/rst
BUILD_DIR := .tmp/build

.PHONY: venv tools-venv collection-link pip-bootstrap lint sanity units unit docs docs-check docs-html changelog changelog-check \
	build galaxy-import test demo clean

$(STAMP): requirements-test.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

$(TOOLS_STAMP): requirements-lint.txt constraints-lint.txt
	@test -n "$(PYTHON_TOOLS)" || { echo "Python 3.13 not found; set PYTHON_TOOLS=/path/to/python3.13" >&2; exit 1; }
	rm -rf $(TOOLS_VENV)
	$(PYTHON_TOOLS) -m venv $(TOOLS_VENV)
	$(TOOLS_BIN)/python -m pip install --quiet --upgrade pip
	$(TOOLS_BIN)/python -m pip install --quiet -r requirements-lint.txt -c constraints-lint.txt
	touch $@

# The test venv (.venv, Python 3 of the machine, requirements-test.txt).
venv: $(STAMP)

# The ecosystem tools venv (.venv-tools, Python 3.13, requirements-lint.txt).
tools-venv: $(TOOLS_STAMP)

# .tmp/collections/ansible_collections/abraflexi/flexi -> this checkout, for tools that look collections up by name.
collection-link: venv
	$(BIN)/python -c 'import tests.support.collection as c; c.collections_root()'

# Static checks: ruff (lint and format), yamllint, ansible-lint (production profile), antsibull-docs lint of the
# plugin docs and guides, antsibull-changelog lint of the fragments (and that CHANGELOG.* are current).
lint: venv tools-venv collection-link
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TOOLS_BIN)/yamllint --strict .
	$(TOOLS_ENV) $(TOOLS_BIN)/ansible-lint --profile production --strict
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .
	$(MAKE) --no-print-directory changelog-check

# ansible-test makes a venv for each sanity test and bootstraps pip in it with a script it downloads; the host is
# unreachable from our machines, so put the offline stand-in (tools/get_pip_bootstrap.py) where it looks first.
pip-bootstrap: venv tools-venv
	$(BIN)/python tools/install_get_pip.py
	$(TOOLS_BIN)/python tools/install_get_pip.py

# ansible-test sanity, no ignore files: ansible-core 2.19 on Python 3.11, then ansible-core 2.21 on Python 3.13.
sanity: pip-bootstrap
	$(call ansible_test,sanity,$(STAGE_219),$(BIN))
	$(call ansible_test,sanity,$(STAGE_221),$(TOOLS_BIN))

# ansible-test units (tests/unit/, requirements from tests/unit/requirements.txt) on both ansible-core versions.
units: pip-bootstrap
	$(call ansible_test,units,$(STAGE_219),$(BIN))
	$(call ansible_test,units,$(STAGE_221),$(TOOLS_BIN))

# The unit tests alone, with plain pytest (fast feedback while coding).
unit: venv
	$(BIN)/python -m pytest tests/unit

# Regenerate the plugin reference (RST for the Sphinx site in docs/site/) from the plugin docs and the guides in
# docs/docsite/, with antsibull-docs. Commit the result; `make docs-check` fails when it is stale.
docs: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/docs.py generate $(DOCS_RST)

# Fail when the committed docs/site/rst differs from what `make docs` would write.
docs-check: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/docs.py check $(DOCS_RST)

# Build the HTML site from the committed RST (Sphinx, warnings are errors) into .tmp/docs-html.
docs-html: tools-venv
	$(TOOLS_BIN)/sphinx-build -q -W --keep-going -b html -c docs/site $(DOCS_RST) .tmp/docs-html

# Record the fragments in changelogs/changelog.yaml under the version in galaxy.yml and regenerate CHANGELOG.md
# and CHANGELOG.rst. Run it after adding a fragment; commit the result.
changelog: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog release --update-existing
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog generate

# Lint the fragments and changelog.yaml; fail when a fragment is not recorded yet or CHANGELOG.* are stale.
changelog-check: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog lint
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/changelog_check.py

# Build the collection tarball into .tmp/build (build_ignore in galaxy.yml keeps caches and venvs out).
build: tools-venv
	rm -rf $(BUILD_DIR)
	$(TOOLS_BIN)/ansible-galaxy collection build --output-path $(BUILD_DIR) .

# Import the tarball as Galaxy would (galaxy-importer, with flake8 and the required-tags check on; its
# ansible-test step needs a container runtime and stays off). Any warning fails.
galaxy-import: build
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/galaxy_import.py $(BUILD_DIR)/abraflexi-flexi-*.tar.gz

# Debian's Chromium for the drift report's browser tests (tests/audit/), installed when missing (needs root).
.PHONY: chromium
chromium:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Everything CI checks (.ci/run): lint, generated docs current, every pytest test (unit, emulator, integration,
# packaging, ecosystem), ansible-test sanity and units on both cores, the Galaxy import and the HTML site.
test: lint docs-check chromium
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory sanity units galaxy-import docs-html

# Start the emulator and an SMTP sink and run examples/provision_smtp.yml against them.
demo: venv
	$(BIN)/python -m tests.demo

# Performance benchmark (issue 7): flexi_smtp against hand-written ansible.builtin.uri tasks on the emulator; prints
# the tables of docs/performance.md, raw numbers in bench/output/. A few minutes; BENCH_ARGS=--quick for a smoke run.
.PHONY: bench
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

# Remove every venv, cache and staged copy made by these targets (ansible-test's own venvs in ~/.ansible stay).
clean:
	rm -rf $(VENV) $(TOOLS_VENV) .tmp .pytest_cache .ruff_cache .hypothesis .ansible tests/output
