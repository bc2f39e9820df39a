# The two commands of README.md:
#   make reports   set up everything (venv, install, Jupyter kernel, CJK font, data) and render
#                  every notebook into reports/
#   make test      set up everything and run the whole test suite (ruff + pytest)
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cvlib-installed

.PHONY: setup reports test lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "need python3.11 (or python3) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[fonts,test,oracles]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (cvlib)"
	$(BIN)/python -m cvlib.datasets check
	touch $(STAMP)

reports: setup
	$(BIN)/cvlib report --all

test: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m pytest -n auto

lint: setup
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

clean:
	rm -rf $(VENV) reports/*/ reports/index.html .pytest_cache .ruff_cache
