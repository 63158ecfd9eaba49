#!/usr/bin/env bash
# publish.sh — the nightly publish of Kunskapsbanken om sjukförsäkringen on the build server.
#
#   deploy/publish.sh [--root DIR] [--source DIR] [--lathund PATH] [--no-pull] [--keep N]
#                     [--check-url URL | --no-check]
#   deploy/publish.sh --rollback [--root DIR]
#
# 1. removes what a killed run left in ROOT/releases/ (staging folders, locks), under the publish lock;
# 2. `git pull --ff-only` in the source checkout (skip with --no-pull);
# 3. builds lathund (`swift build -c release`) unless --lathund names a binary;
# 4. `lathund build --strict --report --report-html` into a new release folder ROOT/releases/ÅÅÅÅMMDDTHHMMSSZ/;
# 5. on success points ROOT/current at it in one atomic step (a new symlink renamed over the old one,
#    `ln -s` + `mv -T`), so the web server (root ROOT/current, deploy/nginx/lathund.conf) serves either the
#    whole old site or the whole new one;
# 6. checks itself: fetches /, /sok/ and one search shard from the web server at URL (default
#    http://127.0.0.1/, or $LATHUND_PUBLISH_CHECK_URL) and compares them byte for byte with the new release's
#    files; if any differs or fails, points ROOT/current back at the release that was live, removes the new one
#    and exits 1. --no-check skips this (a build server whose site is served from elsewhere);
# 7. keeps the newest N releases (default 5) for rollback.
# On a failed build it leaves ROOT/current as it was, prints the diagnostics and exits non-zero.
# Every run keeps its reports and log in ROOT/reports/ (RELEASE.json, the editorial report RELEASE.html, RELEASE.log)
# for 90 days.
#
# --rollback points ROOT/current at the release before the current one.
#
# Exit codes: 0 published (or rolled back); 1 the build failed or the web server did not serve the new release,
# the site is unchanged; 2 usage or setup error (bad option, git pull failed, lathund did not compile, another
# publish is running).
set -euo pipefail

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "publish: $*" >&2; exit 2; }

root="${LATHUND_PUBLISH_ROOT:-/srv/lathund}"
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
lathund=""
pull=1
keep=5
rollback=0
check_url="${LATHUND_PUBLISH_CHECK_URL:-http://127.0.0.1/}"
check=1

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a folder}"; shift 2 ;;
    --source) source_dir="${2:?--source needs a folder}"; shift 2 ;;
    --lathund) lathund="${2:?--lathund needs a path}"; shift 2 ;;
    --no-pull) pull=0; shift ;;
    --keep) keep="${2:?--keep needs a number}"; shift 2 ;;
    --rollback) rollback=1; shift ;;
    --check-url) check_url="${2:?--check-url needs a URL}"; shift 2 ;;
    --no-check) check=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "publish: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$keep" in ''|*[!0-9]*) die "--keep must be a whole number, not '$keep'" ;; esac
[ "$keep" -ge 2 ] || die "--keep must be at least 2 (the live release and one to roll back to)"
case "$check_url" in http://*|https://*) ;; *) die "--check-url must be an http:// or https:// URL, not '$check_url'" ;; esac
if [ "$check" = 1 ] && [ "$rollback" = 0 ]; then
  command -v curl >/dev/null || die "the self-check needs curl (apt-get install curl), or pass --no-check"
fi

mkdir -p "$root/releases" "$root/reports"
root="$(cd "$root" && pwd)"

# One publish at a time.
exec 9>"$root/.publish.lock"
flock -n 9 || die "another publish is running (lock $root/.publish.lock)"

# What a run killed part-way left behind: lathund's staging, spare and trash folders and its lock beside the
# release it was building (releases/.NAME.*), and a half-made symlink. Release names never start with a dot, and
# no other publish runs while we hold the lock.
for leftover in "$root"/releases/.[!.]* "$root/.current.new"; do
  if [ -e "$leftover" ] || [ -L "$leftover" ]; then
    rm -rf -- "$leftover"
    echo "publish: removed what an interrupted run left: ${leftover#"$root"/}"
  fi
done

# Releases, oldest first (their names sort by time).
releases() { find "$root/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort; }
live() { if [ -L "$root/current" ]; then basename "$(readlink "$root/current")"; fi; }
# "current → releases/NAME", or that nothing is live.
live_text() {
  local name
  name="$(live)"
  if [ -n "$name" ]; then echo "current → releases/$name"; else echo "nothing is live yet"; fi
}

# Points ROOT/current at releases/$1 atomically: rename(2) of a new symlink over the old one.
swap_to() {
  ln -sfn "releases/$1" "$root/.current.new"
  mv -T "$root/.current.new" "$root/current"
}

if [ "$rollback" = 1 ]; then
  current="$(live)"
  [ -n "$current" ] || die "nothing is live in $root (no current symlink)"
  previous="$(releases | awk -v current="$current" '$0 < current' | tail -n 1)"
  if [ -z "$previous" ]; then
    echo "publish: no release older than $current to roll back to" >&2
    exit 1
  fi
  swap_to "$previous"
  echo "publish: rolled back: current → releases/$previous (was releases/$current)"
  exit 0
fi

if [ "$pull" = 1 ]; then
  git -C "$source_dir" pull --ff-only --quiet || die "git pull failed in $source_dir; nothing was built"
fi

if [ -z "$lathund" ]; then
  (cd "$source_dir" && swift build -c release --product lathund >&2) || die "lathund did not compile"
  lathund="$source_dir/.build/release/lathund"
fi
[ -x "$lathund" ] || die "no lathund binary at $lathund"
lathund="$(cd "$(dirname "$lathund")" && pwd)/$(basename "$lathund")"

# One reading of the clock: a name made again after the second turned (STAMP2-02 where STAMP2 was still free) would
# sort before the next run's plain STAMP2, and pruning and rollback go by that order.
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="$stamp"
suffix=1
while [ -e "$root/releases/$name" ] || [ -e "$root/reports/$name.json" ]; do
  suffix=$((suffix + 1))
  name="$stamp-$(printf %02d "$suffix")"  # sorts after the plain name
done
release="$root/releases/$name"
report="$root/reports/$name.json"
editorial="$root/reports/$name.html"
log="$root/reports/$name.log"
commit="$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null || echo "-")"

echo "publish: building $source_dir (commit $commit) into releases/$name"
set +e
(cd "$source_dir" && "$lathund" build --strict --report "$report" --report-html "$editorial" --output "$release") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ] || [ ! -f "$release/index.html" ] || [ ! -f "$release/404.html" ]; then
  rm -rf "$release" "$root/releases/.$name".*
  [ "$status" -ne 0 ] || status=1
  echo "publish: the build failed (lathund exit $status); the live site is unchanged ($(live_text))." >&2
  echo "publish: report: $report; editorial report: $editorial; log: $log" >&2
  exit "$status"
fi

previous="$(live)"
swap_to "$name"
rm -f "$root/releases/.$name.lock"

# The self-check: what the web server now sends for /, /sok/ and one search shard must be the new release's files.
if [ "$check" = 1 ]; then
  shard="$(find "$release/search/terms" -maxdepth 1 -type f -name '*.json' -printf '%f\n' 2>/dev/null | sort | head -n 1 || true)"
  checks=("/ index.html" "/sok/ sok/index.html")
  [ -z "$shard" ] || checks+=("/search/terms/$shard search/terms/$shard")
  failed=""
  body="$(mktemp)"
  for pair in "${checks[@]}"; do
    path="${pair%% *}"
    file="${pair#* }"
    url="${check_url%/}$path"
    code="$(curl --silent --max-time 10 --retry 2 --retry-connrefused --output "$body" --write-out '%{http_code}' \
            -- "$url" 2>/dev/null)" || true
    if [ "$code" != 200 ]; then
      failed="$url answered ${code:-nothing} (curl)"
    elif [ ! -f "$release/$file" ] || ! cmp -s "$body" "$release/$file"; then
      failed="$url is not the new release's $file"
    fi
    [ -z "$failed" ] || break
  done
  rm -f "$body"
  if [ -n "$failed" ]; then
    if [ -n "$previous" ]; then
      swap_to "$previous"
    else
      rm -f "$root/current"
    fi
    rm -rf "$release"
    echo "publish: the self-check failed: $failed; rolled back ($(live_text)); releases/$name was removed." >&2
    echo "publish: is the web server's root $root/current, can it read the release, and is --check-url right ($check_url)?" >&2
    echo "publish: report: $report; editorial report: $editorial; log: $log" >&2
    exit 1
  fi
  echo "publish: the web server at $check_url serves releases/$name (${#checks[@]} files checked)"
fi
echo "publish: live: releases/$name${previous:+ (previous: releases/$previous)}; report: $report; editorial report: $editorial"

# Keep the newest $keep releases; never the live one or the one before it.
releases | head -n "-$keep" | while read -r old; do
  if [ "$old" != "$name" ] && [ "$old" != "$previous" ]; then
    rm -rf "${root:?}/releases/$old"
    echo "publish: removed old release releases/$old"
  fi
done
find "$root/reports" -maxdepth 1 -type f -mtime +90 -delete
