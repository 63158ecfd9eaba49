#!/usr/bin/env python3
"""`make update-golden`: takes reviewed changes of the golden and expected files.

The golden tests (GoldenBuildTests, ChartGoldenTests, FixtureSuiteTests) only compare with the committed files
under Tests/LathundKitTests/ and never write them; on a difference they save what they got under
.build/golden-pending/ at the same relative path (a folder with a `.golden-whole-folder` marker replaces the
committed folder as a whole). This script runs those tests, copies what they saved over the committed files,
runs them again (they must pass now) and shows what changed. Review the changes, then add a line per change to
Tests/LathundKitTests/Golden/CHANGES.md (GoldenLogTests fails on a change without one). Run after
`swift build --build-tests` (the Makefile target does that).
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "Tests" / "LathundKitTests"
PENDING = REPO / ".build" / "golden-pending"
MARKER = ".golden-whole-folder"
FILTER = "GoldenBuildTests|ChartGoldenTests|FixtureSuiteTests"


def run_golden_tests():
    result = subprocess.run(["swift", "test", "--skip-build", "--filter", FILTER], cwd=REPO,
                            capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def accept():
    """Copies .build/golden-pending/ over Tests/LathundKitTests/; returns the relative paths taken."""
    taken = []
    whole = sorted(marker.parent for marker in PENDING.rglob(MARKER))
    for folder in whole:
        target = TESTS / folder.relative_to(PENDING)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(MARKER))
        taken.append(str(folder.relative_to(PENDING)) + "/")
    for path in sorted(PENDING.rglob("*")):
        if not path.is_file() or any(path.is_relative_to(folder) for folder in whole):
            continue
        target = TESTS / path.relative_to(PENDING)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        taken.append(str(path.relative_to(PENDING)))
    return taken


def main():
    shutil.rmtree(PENDING, ignore_errors=True)
    status, output = run_golden_tests()
    if status == 0:
        print("The golden and expected files match: nothing to take.")
        return 0
    if not PENDING.is_dir():
        print(output[-6000:])
        print("The golden tests failed without saving anything to take: fix the failure above first.", file=sys.stderr)
        return 1
    taken = accept()
    shutil.rmtree(PENDING, ignore_errors=True)
    status, output = run_golden_tests()
    if status != 0:
        print(output[-6000:])
        print("The golden tests still fail after taking the new files (not deterministic?).", file=sys.stderr)
        return 1
    print("Took what the tests got for:\n  " + "\n  ".join(taken))
    subprocess.run(["git", "status", "--short", "--", str(TESTS / "Golden"), str(TESTS / "Fixtures" / "hostile")], cwd=REPO)
    print("\nReview the changes (git diff), then add a line per change to Tests/LathundKitTests/Golden/CHANGES.md:\n"
          "  - ÅÅÅÅ-MM-DD `Golden/basic/…`, `Fixtures/hostile/NAME/expected.txt`: why they changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
