#!/usr/bin/env bash
# publish.sh — the nightly publish of Kunskapsbanken om sjukförsäkringen on the build server.
#
#   deploy/publish.sh [--root DIR] [--source DIR] [--lathund PATH] [--no-pull] [--keep N]
#   deploy/publish.sh --rollback [--root DIR]
#
# 1. `git pull --ff-only` in the source checkout (skip with --no-pull);
# 2. builds lathund (`swift build -c release`) unless --lathund names a binary;
# 3. `lathund build --strict --report` into a new release folder ROOT/releases/ÅÅÅÅMMDDTHHMMSSZ/;
# 4. on success points ROOT/current at it in one atomic step (a new symlink renamed over the old one,
#    `ln -s` + `mv -T`), so the web server (root ROOT/current, deploy/nginx/lathund.conf) serves either the
#    whole old site or the whole new one; keeps the newest N releases (default 5) for rollback;
# 5. on failure leaves ROOT/current as it was, prints the diagnostics and exits non-zero.
# Every run keeps its report and log in ROOT/reports/ (RELEASE.json, RELEASE.log) for 90 days.
#
# --rollback points ROOT/current at the release before the current one.
#
# Exit codes: 0 published (or rolled back); 1 the build failed, the site is unchanged; 2 usage or setup error
# (bad option, git pull failed, lathund did not compile, another publish is running).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "publish: $*" >&2; exit 2; }

root="${LATHUND_PUBLISH_ROOT:-/srv/lathund}"
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
lathund=""
pull=1
keep=5
rollback=0

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a folder}"; shift 2 ;;
    --source) source_dir="${2:?--source needs a folder}"; shift 2 ;;
    --lathund) lathund="${2:?--lathund needs a path}"; shift 2 ;;
    --no-pull) pull=0; shift ;;
    --keep) keep="${2:?--keep needs a number}"; shift 2 ;;
    --rollback) rollback=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "publish: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$keep" in ''|*[!0-9]*) die "--keep must be a whole number, not '$keep'" ;; esac
[ "$keep" -ge 2 ] || die "--keep must be at least 2 (the live release and one to roll back to)"

mkdir -p "$root/releases" "$root/reports"
root="$(cd "$root" && pwd)"

# One publish at a time.
exec 9>"$root/.publish.lock"
flock -n 9 || die "another publish is running (lock $root/.publish.lock)"

# Releases, oldest first (their names sort by time).
releases() { find "$root/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort; }
live() { if [ -L "$root/current" ]; then basename "$(readlink "$root/current")"; fi; }

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

name="$(date -u +%Y%m%dT%H%M%SZ)"
suffix=1
while [ -e "$root/releases/$name" ] || [ -e "$root/reports/$name.json" ]; do
  suffix=$((suffix + 1))
  name="$(date -u +%Y%m%dT%H%M%SZ)-$(printf %02d "$suffix")"  # sorts after the plain name
done
release="$root/releases/$name"
report="$root/reports/$name.json"
log="$root/reports/$name.log"
commit="$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null || echo "-")"

echo "publish: building $source_dir (commit $commit) into releases/$name"
set +e
(cd "$source_dir" && "$lathund" build --strict --report "$report" --output "$release") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ] || [ ! -f "$release/index.html" ] || [ ! -f "$release/404.html" ]; then
  rm -rf "$release" "$root/releases/.$name".*
  [ "$status" -ne 0 ] || status=1
  current="$(live)"
  echo "publish: the build failed (lathund exit $status); the live site is unchanged (${current:+current → releases/$current}${current:-nothing is live yet})." >&2
  echo "publish: report: $report; log: $log" >&2
  exit "$status"
fi

previous="$(live)"
swap_to "$name"
rm -f "$root/releases/.$name.lock"
echo "publish: live: releases/$name${previous:+ (previous: releases/$previous)}; report: $report"

# Keep the newest $keep releases; never the live one or the one before it.
releases | head -n "-$keep" | while read -r old; do
  if [ "$old" != "$name" ] && [ "$old" != "$previous" ]; then
    rm -rf "${root:?}/releases/$old"
    echo "publish: removed old release releases/$old"
  fi
done
find "$root/reports" -maxdepth 1 -type f -mtime +90 -delete
