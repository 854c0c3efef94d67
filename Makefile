PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LINT_INSTALLED := $(VENV)/.lint-installed
BENCH_INSTALLED := $(VENV)/.bench-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test browser node bench loadtest bench-donations evaluate lint stop messages

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(INSTALLED)

install: $(INSTALLED)

DEMO_PIDS := var/worker.pid var/worker-similar.pid var/station-device.pid var/demo-analyser.pid
# What the demo's station device and analyser read: the station key and API token seed_demo wrote.
DEMO_DONATIONS := var/demo-donations.json

## Serve the app with demo data at http://$(HOST):$(PORT), with Celery workers, the demo donation
## station's device and the stand-in company analyser alongside.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Starting the Celery workers (logs: var/worker.log, var/worker-similar.log)"
	$(BIN)/celery -A config worker --beat --concurrency 1 --queues celery,similar --loglevel INFO \
		--logfile var/worker.log --schedule var/celerybeat-schedule --detach --pidfile var/worker.pid
	@# The similar-ideas lookups a citizen waits for get a worker of their own, so they never wait
	@# behind a sweep; it costs a second copy of the model in memory (about 1 GB).
	$(BIN)/celery -A config worker --queues similar --concurrency 1 --hostname similar@%h \
		--loglevel INFO --logfile var/worker-similar.log --detach --pidfile var/worker-similar.pid
	@echo "Matching the demo data in the background (ideas show 'matching…' until done)"
	$(BIN)/celery -A config call matching.tasks.matching_sweep > /dev/null
	@# Both talk HTTP to the server started below, as a real device and a company would, and wait
	@# for it to answer.
	@echo "Starting the donation station's device and the company analyser (logs: var/station-device.log, var/demo-analyser.log)"
	@PYTHONUNBUFFERED=1 $(BIN)/python manage.py play_station_device --config $(DEMO_DONATIONS) \
		--url http://$(HOST):$(PORT) --wait 300 > var/station-device.log 2>&1 & echo $$! > var/station-device.pid
	@PYTHONUNBUFFERED=1 $(BIN)/python manage.py run_demo_analyser --config $(DEMO_DONATIONS) \
		--url http://$(HOST):$(PORT) --wait 300 > var/demo-analyser.log 2>&1 & echo $$! > var/demo-analyser.pid
	@echo "Open http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@test ! -f $(DEMO_DONATIONS) || $(BIN)/python -c 'import json; c = json.load(open("$(DEMO_DONATIONS)")); print("Watch a donation (README): log in as %s (password above) and show your code at http://$(HOST):$(PORT)/me/donations/code/%d/ ; type it on the kiosk at http://$(HOST):$(PORT)/kiosk/#key=%s" % (c["donor"], c["pilot_id"], c["station_key"]))'
	@trap 'kill $$(cat $(DEMO_PIDS) 2>/dev/null) 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Chromium with its translations (a Korean page's date field reads 연도. 월. 일.), Korean fonts for
## the browser tests, and gettext's msgfmt for the catalogues' test, from Debian's packages (needs
## root, as on CI).
browser:
	@{ command -v chromium >/dev/null && test -f /usr/lib/chromium/locales/ko.pak && test -d /usr/share/fonts/opentype/noto && command -v msgfmt >/dev/null; } || { \
		echo "Installing Debian's chromium, its translations, Noto CJK fonts and gettext for the tests"; \
		apt-get update -qq && apt-get install -y -qq chromium chromium-l10n fonts-noto-cjk gettext; }

## axe-core for the accessibility test, from the npm registry at the version package-lock.json pins.
## Installed again when it is missing or the lock file changed (npm writes its own copy of the lock
## into node_modules on every install).
node:
	@{ test -f node_modules/axe-core/axe.min.js && test node_modules/.package-lock.json -nt package-lock.json; } || \
		npm ci --no-audit --no-fund

## Create the environment and run the whole test suite.
test: install browser node
	$(BIN)/python -m pytest

## Matching quality on the development set.
evaluate: install
	$(BIN)/python manage.py evaluate_matching ../shared/eval/dev.json

## Embedding speed, and time and memory of a full match refresh at 10,000 x 500.
bench: install
	$(BIN)/python manage.py bench_matching

$(BENCH_INSTALLED): requirements-bench.txt $(INSTALLED)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $(BENCH_INSTALLED)

## Requests/s and p50/p99 of the main pages and API under gunicorn with production settings, on
## 127.0.0.1 only and a throwaway database (gwangju_ai_load), and a mixed run that checks every write.
loadtest: install $(BENCH_INSTALLED)
	$(BIN)/python -m bench.loadtest

## Readings/s a donation station can post (1 and 4 stations, each accepted reading checked in the
## database) and the time from a company's result to the kiosk and My donations, under gunicorn
## with production settings on 127.0.0.1 and a throwaway database (gwangju_ai_donations_bench).
bench-donations: install
	$(BIN)/python -m bench.donations

$(LINT_INSTALLED): requirements-lint.txt $(INSTALLED)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-lint.txt
	touch $(LINT_INSTALLED)

## Lint (ruff), check the apps' import contracts (import-linter) and type-check (mypy); no server needed.
lint: install $(LINT_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## Rebuild the translation catalogues after changing user-facing strings.
messages: install
	$(BIN)/python manage.py makemessages --locale ko --locale en --ignore ".venv/*" --ignore "var/*" --ignore "node_modules/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

## Stop the embedded PostgreSQL and Redis servers, the background workers and the demo's clients.
stop:
	-kill $$(cat $(DEMO_PIDS) 2>/dev/null) 2>/dev/null
	$(BIN)/python -c "from pathlib import Path; from config import embedded; embedded.stop(Path('.').resolve())"
