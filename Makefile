# Shortcuts for the two commands of README.md (`python3 dev.py reports`, `python3 dev.py test`);
# dev.py does the work, so the commands also run where make is not installed.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)

.PHONY: setup reports test lint clean

setup:
	$(PYTHON) dev.py setup

reports:
	$(PYTHON) dev.py reports

test:
	$(PYTHON) dev.py test

lint: setup
	.venv/bin/python -m ruff check --fix .
	.venv/bin/python -m ruff format .

clean:
	rm -rf .venv reports/*/ reports/index.html .pytest_cache .ruff_cache
