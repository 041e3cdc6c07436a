# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SCALE  ?= small
PYTEST_ARGS ?=

.PHONY: install run serve test test-citus bench lint browser messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/python -m district_portal.cli run

# The production web server alone (gunicorn), without seeding: what a real deployment runs.
serve: install
	$(BIN)/python -m district_portal.cli serve

# Debian's Chromium drives the browser tests (Playwright cannot download its own here); a CJK font
# makes the screenshots under test-artifacts/ readable.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
browser:
	@if command -v chromium >/dev/null 2>&1 && [ -e $(CJK_FONT) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "== installing Debian's chromium and a CJK font for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	else \
		echo "!!! chromium is not installed and cannot be installed here: browser tests will be SKIPPED"; \
	fi

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A real Citus cluster (coordinator + two workers of the machine's PostgreSQL 15 on ports 9700-9702,
# data under var/citus): installs Citus when missing and possible, else skips with a loud reason.
test-citus: install
	$(BIN)/python -m tests.citus_cluster run $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench --scale $(SCALE)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Only the "django" domain (no djangojs): every string lands in district_portal/locale/ (LOCALE_PATHS).
messages: install
	$(BIN)/python manage.py makemessages -d django -l en -l zh_Hans --ignore ".venv/*" --ignore "var/*" --ignore "*/migrations/*" --ignore "tests/*" --ignore "bench/*" --ignore "*.egg-info/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf var/ .pytest_cache
