#!/usr/bin/env bash
# layout_bench.sh — the layout step alone, typed contexts against dictionary contexts, in release (issue 16).
# A benchmark that reports numbers, not a test. Builds the tests in release (with -enable-testing, in
# .build/layout-bench) and runs LayoutBenchmark, which renders every page of a site through its layout with both
# kinds of context, checks they give the same HTML, and prints the median µs per page of ROUNDS rounds (default 5).
#
#   Benchmarks/layout_bench.sh [SITE]     (SITE: a project folder, default this repository; for example a corpus
#                                          made by generate_corpus.py)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
site="$(cd "${1:-$root}" && pwd)"
cd "$root"
swift build --force-resolved-versions -c release -Xswiftc -enable-testing --build-tests --scratch-path .build/layout-bench
LATHUND_LAYOUT_BENCH=1 LATHUND_LAYOUT_BENCH_SITE="$site" LATHUND_LAYOUT_BENCH_ROUNDS="${ROUNDS:-5}" \
  swift test -c release -Xswiftc -enable-testing --skip-build --scratch-path .build/layout-bench \
  --filter LayoutBenchmark 2>&1 | grep -v "^\[" | sed -n '/layout bench:/,/making/p;/✘/p'
