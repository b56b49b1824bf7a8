# Developer entry points; README.md explains them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-test.txt | sha1sum | cut -c1-12)

.PHONY: venv lint unit test demo clean

$(STAMP): requirements-test.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

venv: $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: venv
	$(BIN)/python -m pytest tests/unit

test: lint
	$(BIN)/python -m pytest

demo: venv
	$(BIN)/python -m tests.demo

clean:
	rm -rf $(VENV) .tmp .pytest_cache .ruff_cache tests/output
