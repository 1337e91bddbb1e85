# Developer entry points. `make run` and `make test` work on a fresh Debian 12 machine with nothing
# done by hand: scripts/bootstrap.sh makes .venv/, scripts/services.sh starts PostgreSQL and Redis
# under var/ (unless DATABASE_URL / REDIS_URL point elsewhere).

SHELL := /bin/bash
PYTHON := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: venv services migrate run test lint stop bench

venv:
	@bash scripts/bootstrap.sh

services: venv
	@bash scripts/services.sh up

migrate: services
	$(PYTHON) manage.py setup_platform

# Ctrl-C stops the server, the Celery worker and beat, and the services this run started.
run:
	@bash scripts/run.sh

# Webhook tests deliver to local receivers, which the SSRF guard refuses unless told otherwise.
test: services
	@bash scripts/browser.sh
	CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1 $(PYTHON) -m pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

stop:
	@bash scripts/services.sh down

bench: services
	$(PYTHON) bench/run_all.py
