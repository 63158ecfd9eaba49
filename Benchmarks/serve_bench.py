#!/usr/bin/env python3
"""serve_bench.py — the writer's loop: how long `lathund serve` takes from saving a page to a rebuilt site.

    Benchmarks/serve_bench.py DIR [--edits 8] [--page content/avsnitt-07/sida-7.md] [--lathund PATH]

DIR is a project (lathund.yml, content/, layouts/), for example a corpus from generate_corpus.py or this
repository. The script starts `lathund serve --port 0` in DIR, waits for the first build, then `--edits` times
appends a line to one page and waits for the server's next "Built …" line. For each save it prints the build's
own time (from that line) and the time from the save to the line, which adds the file watcher's polling
(250 ms) and quiet period (100 ms). The page is put back as it was at the end. A benchmark that reports
numbers, not a test: it fails only when something cannot run.
"""
import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

root = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("dir", type=Path)
parser.add_argument("--edits", type=int, default=8)
parser.add_argument("--page", default="content/avsnitt-07/sida-7.md")
parser.add_argument("--lathund", type=Path, default=root / ".build/release/lathund")
parser.add_argument("--json", type=Path, help="also write the times (seconds) to this file, for build_bench.sh")
args = parser.parse_args()

page = args.dir / args.page
if not page.is_file():
    sys.exit(f"no page {page}")
if not args.lathund.is_file():
    sys.exit(f"no Lathund binary at {args.lathund} (swift build -c release, or --lathund)")
original = page.read_bytes()

server = subprocess.Popen([str(args.lathund), "serve", "--port", "0"], cwd=args.dir, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
lines: "queue.Queue[tuple[float, str]]" = queue.Queue()


def read() -> None:
    for line in server.stdout:
        lines.put((time.monotonic(), line.rstrip("\n")))


threading.Thread(target=read, daemon=True).start()
built = re.compile(r"^Built .* in ([0-9.]+) s")


def next_build(timeout: float = 600) -> tuple[float, float]:
    """(time the line came, the build's own seconds) of the next "Built" line."""
    deadline = time.monotonic() + timeout
    while True:
        at, line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        match = built.match(line)
        if match:
            return at, float(match.group(1))


try:
    start = time.monotonic()
    at, seconds = next_build()
    print(f"first build: {seconds:.2f} s (serve started and built in {at - start:.2f} s)")
    loops, builds = [], []
    for edit in range(args.edits):
        time.sleep(1.0)
        with page.open("ab") as file:
            file.write(f"\nÄndrad rad {edit}.\n".encode())
        saved = time.monotonic()
        at, seconds = next_build()
        loops.append(at - saved)
        builds.append(seconds)
        print(f"save {edit + 1}: build {seconds * 1000:.0f} ms, save to built {(at - saved) * 1000:.0f} ms")
    print(f"median over {args.edits} saves: build {statistics.median(builds) * 1000:.0f} ms, "
          f"save to built {statistics.median(loops) * 1000:.0f} ms")
    if args.json:
        import json
        args.json.write_text(json.dumps({"builds": builds, "saves": loops}))
finally:
    page.write_bytes(original)
    server.terminate()
    server.wait()
