# Developer entry points; README.md explains them.
#
# Two virtual environments, each rebuilt only when its pin file changes (the stamp file name holds its hash):
#   .venv        Python 3 of the machine (3.11 here) with requirements-test.txt: ansible-core 2.19, pytest, ruff,
#                ansible-runner, ansible-builder. Runs the tests and ansible-test on ansible-core 2.19.
#   .venv-tools  Python 3.13 with requirements-lint.txt (versions locked by constraints-lint.txt): ansible-core 2.21,
#                ansible-lint, yamllint, antsibull-docs, antsibull-changelog, galaxy-importer, Sphinx.
# The version matrix (`make matrix`, part of `make test`) adds small venvs under .tmp/matrix/: one per ansible-core
# version that has no venv above (only ansible-core), and modules-3.9 and modules-3.13 (requests and lxml, for the
# modules of the integration run). ansible-test makes its own venvs as well: in ~/.ansible/test/venv/ (sanity tools)
# and in the staged copies' tests/output/ (.tmp/ansible-test-*), all kept between runs.
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
# Tools that call other tools by name (antsibull-docs runs ansible-doc) find the pinned ones first. ansible-lint
# installs the collection it lints into Ansible's home: keep that in .tmp, where no other tool or checkout sees it,
# and give ansible-lint only that collections path (with .tmp/collections too it finds the collection twice); it
# finds the roles the integration targets' playbooks name where ansible-test puts them, among the targets.
TOOLS_ENV := PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.tmp/collections" \
	ANSIBLE_HOME="$(CURDIR)/.tmp/ansible-home" ANSIBLE_ROLES_PATH="$(CURDIR)/tests/integration/targets"

# The version matrix. Each ansible-core minor version: the pin, the controller Python its venv uses, and the
# module-side Pythons `ansible-test units` runs on (3.9 and 3.13 where that version supports them as targets;
# 2.16 and 2.17 stop at 3.12). 2.19 and 2.21 use .venv and .venv-tools (their pins are in requirements-*.txt).
MATRIX := 2.16 2.17 2.18 2.19 2.20 2.21
CORE_PIN_2.16 := 2.16.19
CORE_PIN_2.17 := 2.17.14
CORE_PIN_2.18 := 2.18.19
CORE_PIN_2.20 := 2.20.10
CORE_PYTHON_2.16 := 3.12
CORE_PYTHON_2.17 := 3.12
CORE_PYTHON_2.18 := 3.13
CORE_PYTHON_2.20 := 3.13
CORE_PYTHON_2.21 := 3.13
UNITS_PYTHONS_2.16 := 3.9
UNITS_PYTHONS_2.17 := 3.9
UNITS_PYTHONS_2.18 := 3.9 3.13
UNITS_PYTHONS_2.19 := 3.9 3.13
UNITS_PYTHONS_2.20 := 3.9 3.13
UNITS_PYTHONS_2.21 := 3.9 3.13
MATRIX_DIR := .tmp/matrix
CORE_BIN_2.19 := $(BIN)
CORE_BIN_2.21 := $(TOOLS_BIN)
CORE_STAMP_2.19 := $(STAMP)
CORE_STAMP_2.21 := $(TOOLS_STAMP)
MODULES_39 := $(MATRIX_DIR)/modules-3.9
MODULES_39_STAMP := $(MODULES_39)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)
MODULES_313 := $(MATRIX_DIR)/modules-3.13
MODULES_313_STAMP := $(MODULES_313)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)

# Interpreters by minor version, linked into .tmp/pythons/ (ansible-test finds python3.X on PATH, where pyenv's
# shims would fail for versions that are not active): pyenv's first, then one on PATH, each tried before use.
PYTHONS := .tmp/pythons
MATRIX_PATH := PATH="$(CURDIR)/$(PYTHONS):$$PATH"

# ansible-test needs the collection at .../ansible_collections/abraflexi/flexi: a copy per matrix cell, so cells
# can run side by side (each keeps its ansible-test venvs in its tests/output/).
# $(call ansible_test,COMMAND,VERSION,PYTHON): refresh the copy for the cell, run `ansible-test COMMAND` there with
# ansible-core VERSION's ansible-test, for Python PYTHON (3.13, say), and print how long it took.
define ansible_test
	$(BIN)/python tools/stage_collection.py .tmp/ansible-test-$(2)-py$(3) >/dev/null
	start=$$(date +%s); cd .tmp/ansible-test-$(2)-py$(3)/ansible_collections/abraflexi/flexi && $(MATRIX_PATH) \
		$(CURDIR)/$(CORE_BIN_$(2))/ansible-test $(1) --venv --color no --python $(3); \
		echo "matrix cell: ansible-test $(1), ansible-core $(2), Python $(3): $$(( $$(date +%s) - start ))s"
endef

DOCS_RST := docs/site/rst
BUILD_DIR := .tmp/build

.PHONY: venv tools-venv collection-link pip-bootstrap lint sanity units unit docs docs-check docs-html changelog changelog-check \
	build galaxy-import test demo clean matrix matrix-venvs integration-matrix check coverage

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

$(PYTHONS)/python%:
	@found=; for candidate in $(wildcard $(HOME)/.pyenv/versions/$*.*/bin/python$*) $$(command -v python$* || true); do \
		if "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$*".split("."))))' \
			>/dev/null 2>&1; then found=$$candidate; break; fi; done; \
	if [ -z "$$found" ]; then echo "Python $* not found: the version matrix needs it (pyenv install $*," \
		"or put a python$* that runs on PATH)" >&2; exit 1; fi; \
	mkdir -p $(@D) && ln -sfn "$$found" $@

# $(call core_venv,VERSION): a venv with only ansible-core VERSION's pin, on its controller Python, rebuilt when the
# pin or the Python changes (the stamp name holds their hash).
define core_venv
CORE_BIN_$(1) := $(MATRIX_DIR)/core-$(1)/bin
CORE_STAMP_$(1) := $(MATRIX_DIR)/core-$(1)/.installed-$$(shell echo $(CORE_PIN_$(1)) $(CORE_PYTHON_$(1)) | sha1sum | cut -c1-12)
$$(CORE_STAMP_$(1)): | $(PYTHONS)/python$(CORE_PYTHON_$(1))
	rm -rf $(MATRIX_DIR)/core-$(1)
	$(PYTHONS)/python$(CORE_PYTHON_$(1)) -m venv $(MATRIX_DIR)/core-$(1)
	$(MATRIX_DIR)/core-$(1)/bin/python -m pip install --quiet ansible-core==$(CORE_PIN_$(1))
	touch $$@
endef
$(foreach version,2.16 2.17 2.18 2.20,$(eval $(call core_venv,$(version))))

# Python 3.9 and 3.13 with the modules' libraries (requirements.txt): the module-side interpreters of the
# integration runs on ansible-core 2.16 and 2.21.
$(MODULES_39_STAMP): requirements.txt | $(PYTHONS)/python3.9
	rm -rf $(MODULES_39)
	$(PYTHONS)/python3.9 -m venv $(MODULES_39)
	$(MODULES_39)/bin/python -m pip install --quiet -r requirements.txt
	touch $@

$(MODULES_313_STAMP): requirements.txt | $(PYTHONS)/python3.13
	rm -rf $(MODULES_313)
	$(PYTHONS)/python3.13 -m venv $(MODULES_313)
	$(MODULES_313)/bin/python -m pip install --quiet -r requirements.txt
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
	$(TOOLS_ENV) ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.tmp/ansible-home/collections" \
		$(TOOLS_BIN)/ansible-lint --profile production --strict
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .
	$(MAKE) --no-print-directory changelog-check

# Every venv and interpreter of the matrix.
matrix-venvs: venv tools-venv $(foreach version,$(MATRIX),$(CORE_STAMP_$(version))) $(MODULES_39_STAMP) $(MODULES_313_STAMP) \
	$(foreach version,3.9 3.12 3.13,$(PYTHONS)/python$(version))

# ansible-test makes a venv for each sanity test and bootstraps pip in it with a script it downloads; the host is
# unreachable from our machines, so put the offline stand-in (tools/get_pip_bootstrap.py) where each version's
# ansible-test looks first (the pip version it pins differs: 23.1.2 up to 2.17, newer after). Says only what it
# adds. Every matrix cell depends on it, so `make matrix` runs it once, in its sub-make.
pip-bootstrap: matrix-venvs
	$(foreach version,$(MATRIX),$(CORE_BIN_$(version))/python tools/install_get_pip.py;)

# ansible-test runs its tests in the en_US.UTF-8 locale and warns at every start where the machine lacks it (Debian
# images have only C.UTF-8; setting LC_ALL does not help, ansible-test asks for en_US.UTF-8 by name): add it with
# localedef (Debian's locales package, root), or say once that ansible-test will warn.
.PHONY: test-locale
test-locale:
	@locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8' || if [ "$$(id -u)" = 0 ]; then \
		echo "Adding the en_US.UTF-8 locale for ansible-test (localedef)"; \
		test -e /usr/share/i18n/locales/en_US || { apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends locales; }; \
		localedef -i en_US -f UTF-8 en_US.UTF-8; \
	else echo "No en_US.UTF-8 locale: ansible-test will warn that it uses C.UTF-8 (as root, \`make test-locale\`" \
		"adds it)"; fi

# One target per matrix cell, so `make -j2` runs them side by side:
#   sanity-VERSION             ansible-test sanity, no ignore files, on the controller Python of that venv
#   units-VERSION-PYTHON       ansible-test units (tests/unit/, tests/unit/requirements.txt) with modules on PYTHON
SANITY_CELLS := sanity-2.16 sanity-2.21
UNITS_CELLS := $(foreach version,$(MATRIX),$(foreach python,$(UNITS_PYTHONS_$(version)),units-$(version)-$(python)))
.PHONY: $(SANITY_CELLS) $(UNITS_CELLS)

$(SANITY_CELLS): sanity-%: pip-bootstrap test-locale shellcheck
	$(call ansible_test,sanity,$*,$(CORE_PYTHON_$*))

cell_version = $(word 1,$(subst -, ,$*))
cell_python = $(word 2,$(subst -, ,$*))
$(UNITS_CELLS): units-%: pip-bootstrap test-locale
	$(call ansible_test,units,$(cell_version),$(cell_python))

# ansible-test sanity on the oldest and the newest ansible-core: 2.16 on Python 3.12, 2.21 on Python 3.13.
sanity: $(SANITY_CELLS)

# ansible-test units on every ansible-core from 2.16 to 2.21, with the modules on Python 3.9 and 3.13.
units: $(UNITS_CELLS)

# ansible-test integration (tests/integration/targets/) on the oldest and the newest ansible-core: 2.16 with the
# modules on Python 3.9, 2.21 with the modules on Python 3.13 (named in the copy's integration_config.yml), each
# target on both execution paths, normally and with --check --diff. TARGET=flexi_smtp runs one target.
INTEGRATION_CELLS := integration-2.16 integration-2.21
INTEGRATION_MODULES_2.16 := $(MODULES_39)
INTEGRATION_MODULES_2.21 := $(MODULES_313)
.PHONY: integration $(INTEGRATION_CELLS)
$(INTEGRATION_CELLS): integration-%: matrix-venvs pip-bootstrap
	$(BIN)/python tools/stage_collection.py .tmp/ansible-test-$*-integration >/dev/null
	echo "ansible_python_interpreter: $(CURDIR)/$(INTEGRATION_MODULES_$*)/bin/python" \
		> .tmp/ansible-test-$*-integration/ansible_collections/abraflexi/flexi/tests/integration/integration_config.yml
	start=$$(date +%s); cd .tmp/ansible-test-$*-integration/ansible_collections/abraflexi/flexi && $(MATRIX_PATH) \
		$(CURDIR)/$(CORE_BIN_$*)/ansible-test integration $(TARGET) --venv --color no --python $(CORE_PYTHON_$*); \
		echo "matrix cell: ansible-test integration $(or $(TARGET),(every target)), ansible-core $*, modules on" \
		"Python $(subst modules-,,$(notdir $(INTEGRATION_MODULES_$*))): $$(( $$(date +%s) - start ))s"

integration: $(INTEGRATION_CELLS)

integration-matrix: $(INTEGRATION_CELLS)

# The whole matrix, two cells at a time; each cell's output comes in one piece when it ends.
matrix: matrix-venvs
	$(MAKE) --no-print-directory -j2 --output-sync=target $(SANITY_CELLS) $(UNITS_CELLS) integration-matrix

# The unit layer alone, with plain pytest: pure tests on fixture documents and the module contract in process
# (`make test` runs tests/unit through ansible-test units on every ansible-core of the matrix instead).
unit: venv
	$(BIN)/python -m pytest -q tests/unit

# The inner loop before a commit, within a minute on two cores: the checks of `make lint` and the unit layer, the
# ecosystem linters (ansible-lint, antsibull-docs, the changelog) beside the rest, their output after. Prints its
# time. The integration targets are left to `make integration`, everything else to `make test`.
check: venv tools-venv collection-link
	@start=$$(date +%s); status=0; lint_log=$$(mktemp); \
	{ $(TOOLS_ENV) $(TOOLS_BIN)/ansible-lint --profile production --strict -q && \
		$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all . && \
		$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog lint && $(TOOLS_ENV) $(TOOLS_BIN)/python tools/changelog_check.py; \
	} >"$$lint_log" 2>&1 & lint=$$!; \
	{ $(BIN)/ruff check . && $(BIN)/ruff format --check . && $(TOOLS_BIN)/yamllint --strict . && \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit; } || status=$$?; \
	wait $$lint || status=$$?; cat "$$lint_log"; rm -f "$$lint_log"; \
	echo "make check: $$(( $$(date +%s) - start ))s"; exit $$status

# Branch coverage of plugins/ by the tests that run the collection in process (unit and security tests).
coverage: venv
	$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest -q tests/unit tests/security tests/bench/test_request_counts.py
	$(BIN)/python -m coverage report

# Regenerate the plugin reference (RST for the Sphinx site in docs/site/) from the plugin docs and the guides in
# docs/docsite/, with antsibull-docs. Commit the result; `make docs-check` fails when it is stale.
docs: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/docs.py generate $(DOCS_RST)

# Fail when the committed docs/site/rst differs from what `make docs` would write.
docs-check: tools-venv collection-link
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/docs.py check $(DOCS_RST)

# Build the HTML site from the committed RST (Sphinx, warnings are errors) into .tmp/docs-html, and check that every
# page was built and is linked from the site's index and from README.md.
docs-html: tools-venv
	$(TOOLS_BIN)/sphinx-build -q -W --keep-going -b html -c docs/site $(DOCS_RST) .tmp/docs-html
	$(TOOLS_BIN)/python tools/docs.py pages $(DOCS_RST) .tmp/docs-html

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

# ansible-test sanity checks the integration targets' shell scripts with shellcheck, and only warns that it skips
# them when shellcheck is missing: install Debian's (one package, about 20 MB; apt-get, so root) when it is.
.PHONY: shellcheck
shellcheck:
	@command -v shellcheck >/dev/null || if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's shellcheck for ansible-test sanity (apt-get, no recommends)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck; \
	else echo "No shellcheck: ansible-test sanity will skip the shell scripts (as root, \`make shellcheck\` adds it)"; fi

# The browser of the drift report's tests (tests/audit/). CHROMIUM=/path/to/chromium (or chrome) uses one you
# have and installs nothing; otherwise Debian's chromium, when missing, without recommended packages but with one
# font for readable screenshots (26 packages, about 400 MB, where the recommended ones make 131; apt-get, so root).
CHROMIUM ?=
export CHROMIUM
.PHONY: chromium
chromium:
	@if [ -n "$(CHROMIUM)" ]; then \
		command -v "$(CHROMIUM)" >/dev/null || { echo "CHROMIUM=$(CHROMIUM) is not an executable browser" >&2; exit 1; }; \
	elif ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then echo "Chromium is missing: run \`make chromium\` as root (apt-get install" \
			"chromium), or set CHROMIUM=/path/to/chromium" >&2; exit 1; fi; \
		echo "Installing Debian's chromium for the drift report's browser tests (apt-get, no recommends)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-liberation; \
	fi

# Everything CI checks (.ci/run): lint, generated docs current, the pytest suite outside tests/unit (emulator,
# security, audit, packaging, ecosystem), the version matrix (ansible-test sanity, units and integration), the
# Galaxy import and the HTML site. Each stage prints how
# long it took and a table of them ends the run. The output also goes to .tmp/test.log; the run fails when it holds
# a warning a green run must not print: the collection found twice, or (on a machine with en_US.UTF-8, see
# test-locale) ansible-test's locale fallback.
TEST_LOG := .tmp/test.log
TEST_TIMES := .tmp/test-times.tsv
TEST_LOG_WARNINGS := Another version of .[a-z_.]*. [^ ]* was found installed
TEST_LOG_LOCALE_WARNING := Using locale "C\.UTF-8" instead of "en_US\.UTF-8"
test:
	@mkdir -p .tmp && rm -f $(TEST_TIMES)
	@status=0; $(MAKE) --no-print-directory test-stages 2>&1 | tee $(TEST_LOG) || status=$$?; \
	{ echo "=== make test: time per stage"; awk -F '\t' '{ printf "  %-74s %5ds%s\n", $$1, $$2, $$3; total += $$2 } \
		END { printf "  %-74s %5ds\n", "total", total }' $(TEST_TIMES); } | tee -a $(TEST_LOG); exit $$status
	@warnings='$(TEST_LOG_WARNINGS)'; if locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8'; then \
		warnings+='|$(TEST_LOG_LOCALE_WARNING)'; fi; \
	if command -v shellcheck >/dev/null; then warnings+='|Required program "shellcheck" not found'; fi; \
	if grep -E "$$warnings" $(TEST_LOG); then \
		echo "make test printed the warnings above, which a green run must not (log: $(TEST_LOG))" >&2; exit 1; fi

# $(call stage,NAME,COMMAND): run one stage of `make test`, print and record how long it took (and if it failed).
define stage
	@echo "=== make test: $(1)"
	@start=$$(date +%s); status=0; $(2) || status=$$?; seconds=$$(( $$(date +%s) - start )); \
		outcome=$$([ $$status = 0 ] || echo " (failed)"); echo "=== make test: $(1) took $${seconds}s$$outcome"; \
		printf '%s\t%s\t%s\n' "$(1)" "$$seconds" "$$outcome" >> $(TEST_TIMES); exit $$status
endef

.PHONY: test-stages
test-stages:
	$(call stage,venvs,$(MAKE) --no-print-directory -j2 --output-sync=target matrix-venvs)
	$(call stage,lint,$(MAKE) --no-print-directory lint)
	$(call stage,docs-check,$(MAKE) --no-print-directory docs-check)
	$(call stage,chromium,$(MAKE) --no-print-directory chromium)
	$(call stage,pytest (outside tests/unit),$(BIN)/python -m pytest --ignore=tests/unit --durations=15)
	$(call stage,matrix (two cells at a time),$(MAKE) --no-print-directory matrix)
	$(call stage,galaxy-import,$(MAKE) --no-print-directory galaxy-import)
	$(call stage,docs-html,$(MAKE) --no-print-directory docs-html)

# Start the emulator and an SMTP sink and run examples/provision_smtp.yml against them.
demo: venv
	$(BIN)/python -m tests.demo

# The Flexi emulator on https://127.0.0.1:5434 (EMULATOR_PORT=0 picks a free port) with an SMTP sink that takes
# every test mail, until Ctrl-C. Prints the connection options, the CA for ca_path and where mail goes, and writes
# an inventory for the README's first playbook and examples/provision_smtp.yml into .tmp/emulator/.
EMULATOR_PORT ?= 5434
EMULATOR_DIR := .tmp/emulator
.PHONY: emulator
emulator: venv
	@mkdir -p $(EMULATOR_DIR)
	@$(BIN)/python -m tests.emulator --port $(EMULATOR_PORT) --tls --cert-dir "$(abspath $(EMULATOR_DIR))" \
		--smtp-sink tls --inventory $(EMULATOR_DIR)/inventory.yml --banner --lifetime 0

# Performance benchmark (issue 7): flexi_smtp against hand-written ansible.builtin.uri tasks on the emulator; prints
# the tables of docs/performance.md, raw numbers in bench/output/. A few minutes; BENCH_ARGS=--quick for a smoke run.
.PHONY: bench
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

# Remove every venv, cache and staged copy made by these targets (ansible-test's own venvs in ~/.ansible stay).
clean:
	rm -rf $(VENV) $(TOOLS_VENV) .tmp .pytest_cache .ruff_cache .hypothesis .ansible tests/output
