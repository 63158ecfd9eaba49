#!/usr/bin/env bash
# search_bench.sh — Lathund's search index against Pagefind's on a generated 10 000-page site.
# A benchmark that reports numbers, not a test: it fails only when something cannot run.
#
#   Benchmarks/search_bench.sh [DIR]
#
# Generates the corpus into DIR (default: a new temp folder, removed afterwards unless KEEP=1), builds it
# with Lathund (--report: build time and the "indexes" stage), installs pagefind-bin from PyPI if it is
# missing, runs Pagefind on the built HTML, then Benchmarks/search_bench.mjs on the result.
#
# Environment: LATHUND (binary, default .build/release/lathund), PAGES (default 10000),
# RUNS (warm runs per query for the latency median, default 10), KEEP=1 (keep the temp folder).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lathund="${LATHUND:-$root/.build/release/lathund}"
pages="${PAGES:-10000}"
runs="${RUNS:-10}"

if [[ ! -x "$lathund" ]]; then
  echo "no Lathund binary at $lathund (swift build -c release, or set LATHUND)" >&2
  exit 2
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "search_bench needs Node 20 or later" >&2
  exit 2
fi

if [[ $# -ge 1 ]]; then
  dir="$1"
  mkdir -p "$dir"
else
  dir="$(mktemp -d "${TMPDIR:-/tmp}/lathund-search-bench.XXXXXX")"
  if [[ "${KEEP:-}" != 1 ]]; then trap 'rm -rf "$dir"' EXIT; fi
fi
dir="$(cd "$dir" && pwd)"

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(uname -sm)"
echo "== node $(node --version), python $(python3 --version 2>&1 | cut -d' ' -f2)"
echo "== lathund: $lathund"

echo "== generating $pages pages into $dir"
python3 "$root/Benchmarks/generate_corpus.py" "$dir" --pages "$pages"

echo "== lathund build"
rm -rf "$dir/site" "$dir/report.json"
if ! (cd "$dir" && /usr/bin/time -f '%e %U %S %M' -o "$dir/lathund.time" "$lathund" build --report report.json \
      > "$dir/lathund.log" 2>&1); then
  cat "$dir/lathund.log" >&2
  echo "lathund build failed (a binary older than layouts/ fails on unknown layout variables: rebuild it)" >&2
  exit 1
fi
tail -n 1 "$dir/lathund.log"
read -r l_wall l_user l_sys l_rss < "$dir/lathund.time"
python3 - "$dir/report.json" "$l_wall" "$l_user" "$l_sys" "$l_rss" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
wall, user, system, rss = sys.argv[2:6]
stages = {t["stage"]: t["seconds"] for t in report["timings"]}
total = report["totalSeconds"]
print(f"lathund build: {float(wall):.2f} s wall, {float(user) + float(system):.2f} s CPU, {int(rss) // 1024} MiB max RSS;"
      f" report total {total:.2f} s for {report['pageCount']} pages")
print("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items()))
if "indexes" in stages:
    print(f"indexes stage (search index, and the site index with its link checks): {stages['indexes']:.2f} s"
          f" = {100 * stages['indexes'] / total:.0f} % of the build")
EOF

echo "== pagefind"
if ! python3 -c 'import pagefind_bin' 2>/dev/null; then
  echo "installing pagefind-bin from PyPI"
  python3 -m pip install --quiet 'pagefind-bin==1.5.*'
fi
pagefind="$(python3 -c 'import pagefind_bin; print(pagefind_bin.get_executable())')"
echo "$("$pagefind" --version) ($pagefind)"
rm -rf "$dir/site/pagefind"
/usr/bin/time -f '%e %U %S %M' -o "$dir/pagefind.time" "$pagefind" --site "$dir/site" > "$dir/pagefind.log" 2>&1 \
  || { cat "$dir/pagefind.log" >&2; exit 1; }
grep -E 'Indexed [0-9]+ (pages|words)' "$dir/pagefind.log" | sed 's/^ */pagefind: /'
read -r p_wall p_user p_sys p_rss < "$dir/pagefind.time"
echo "pagefind: $p_wall s wall, $(python3 -c "print(f'{$p_user + $p_sys:.2f}')") s CPU, $((p_rss / 1024)) MiB max RSS"

echo "== search_bench.mjs ($runs warm runs per query)"
node "$root/Benchmarks/search_bench.mjs" "$dir/site" --runs "$runs" --json "$dir/search_bench.json"
echo
echo "results: $dir/search_bench.json$([[ "${KEEP:-}" != 1 && $# -eq 0 ]] && echo ' (removed on exit; KEEP=1 keeps it)')"
