# Two commands are the whole set-up on a fresh machine with python3 (3.11+) and make:
#   make serve   - the site at http://127.0.0.1:8000 with live reload
#   make test    - every check the project has (what CI runs)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints a banner on every build about its end of life (May 2027) and its successor: news
# for the maintainers (see README, Dependencies), not a problem of the build, so it is off here.
export NO_MKDOCS_2_WARNING = 1

# Where the browser tests leave a screenshot of every page, light and dark.
SCREENSHOTS ?= test-results/screenshots

# Builds of the same commit are byte-identical on any day: dates that tools stamp into the site
# (the sitemap's <lastmod>) are the commit's, not the build's.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.PHONY: help venv browser serve build check test lint bench urls offline pdf release clean requirements

help:
	@echo "make serve         serve the site at http://127.0.0.1:8000 with live reload"
	@echo "make check         the quick checks before make test: lint, examples, URLs, syllabus (no browser)"
	@echo "make test          run every check (strict build, examples, fences, notebooks, browser)"
	@echo "make build         build the site into site/"
	@echo "make bench         measure build, test, reload and load speed and page weight (docs/about/performance.md)"
	@echo "make clean         remove the virtual environment, the built site and caches"
	@echo "make offline       a copy of the site that works from disk, packed as one .zip"
	@echo "make pdf           the site and its PDF edition (site/downloads/why-sft-is-not-enough.pdf)"
	@echo "make release       the site, offline copy, PDF and question banks named with the edition (release/)"
	@echo "make urls          record every page URL and heading anchor in tests/published_urls.txt"
	@echo "make requirements  regenerate requirements.txt from requirements.in"

# (Re)create .venv when it is missing or when requirements.txt differs from what it was built from.
venv:
	@if ! cmp -s requirements.txt $(VENV)/requirements.txt; then \
		echo "Creating $(VENV) from requirements.txt"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt && \
		$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null && \
		cp requirements.txt $(VENV)/requirements.txt; \
	fi

# --dirty: after the first full build, a save rebuilds only the page that changed, and the pages
# and labs that use a changed snippet (hooks/execution.py); examples whose inputs did not change
# are not run again (.cache/execution). MkDocs warns that such builds are for development, so
# serve is not strict; make build and make test are.
serve: venv
	$(BIN)/mkdocs serve --dirty --no-strict --dev-addr 127.0.0.1:8000

# Strict; fails on a page or heading missing from tests/published_urls.txt (run make urls).
# Reuses the results of unchanged examples from .cache/execution; a clean clone runs them all.
build: venv
	$(BIN)/mkdocs build --strict --site-dir site

# ruff, a spelling check, whitespace and notebook-output checks (.pre-commit-config.yaml).
lint: venv
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

# The quick loop before make test (well under a minute once the examples have run): lint, the
# examples and their claims, the fences in docs/, the labs' claims, and the checks of the built
# site (URLs and anchors, the syllabus, hooks) on a build that reuses unchanged results.
# No browser tests: make test runs those.
CHECK_TESTS = tests/examples tests/test_snippets.py tests/test_hooks.py tests/test_labs.py \
	tests/test_syllabus.py tests/test_published_urls.py tests/test_site_build.py tests/test_course_kit.py docs
check: venv lint
	COURSE_TEST_EXECUTION_CACHE=$(CURDIR)/.cache/execution $(BIN)/python -m pytest -n auto --durations=5 $(CHECK_TESTS)

# Debian's chromium and the npm tools the browser tests need, and Java for the HTML checker;
# installed when missing.
browser: venv
	bash scripts/ensure-browser.sh

# On every core (pytest-xdist; tests/conftest.py says which tests share a worker), with the
# slowest tests listed at the end.
test: venv lint browser
	SCREENSHOTS=$(SCREENSHOTS) $(BIN)/python -m pytest -n auto --durations=15
	@echo "Screenshots of every page: $(SCREENSHOTS)/"

# Build speed, page weight and load speed against a plain-Material baseline (not part of test):
# hyperfine and Lighthouse CI (scripts/ensure-bench-tools.sh) measure, scripts/bench.py reports.
# BENCH_TEST_COMMAND is the command whose wall time is reported as the test suite's.
BENCH_TEST_COMMAND ?= make test
bench: venv browser
	bash scripts/ensure-bench-tools.sh
	BENCH_TEST_COMMAND="$(BENCH_TEST_COMMAND)" $(BIN)/python scripts/bench.py

# A copy of the site that works opened from disk (file://), search included, packed as one zip.
offline: venv
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline
	$(BIN)/python -c "import shutil; shutil.make_archive('why-sft-is-not-enough-offline', 'zip', 'site-offline')"
	@echo "Offline edition: why-sft-is-not-enough-offline.zip (unzip it and open index.html)"

# The PDF edition: Debian's Chromium prints the print page of the site just built
# (scripts/make_pdf.py), into site/downloads/ beside the question banks that make build writes.
pdf: build browser
	$(BIN)/python scripts/make_pdf.py site

# A release per term: the site, the offline copy, the PDF and the question banks, named with the
# edition (EDITION=v2026.1 make release, else the version tag on the commit, else main-DATE; see
# hooks/edition.py), in release/EDITION/. The release workflow runs it on a version tag.
release: pdf
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline
	$(BIN)/python scripts/release.py site site-offline release

# Record every page URL and heading anchor in tests/published_urls.txt (after adding a page or heading).
urls: venv
	RECORD_URLS=1 $(BIN)/mkdocs build --strict --site-dir site
	{ echo "# Every published URL and heading anchor; see tests/test_published_urls.py."; \
	  $(BIN)/python scripts/published_urls.py site; } > tests/published_urls.txt

requirements:
	$(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv
	.venv-tools/bin/uv pip compile --python-version 3.11 requirements.in -o requirements.txt
	rm -rf .venv-tools

clean:
	rm -rf $(VENV) site site-offline why-sft-is-not-enough-offline.zip release test-results .pytest_cache .ruff_cache .cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
