"""axe-core 4 as every browser test runs it: a page fails on a violation of moderate or higher impact, and on an
"incomplete" result (a check axe could not decide) that no reviewed exception in axe_exceptions.toml covers.
Every run is added to Tests/e2e/screenshots/axe-report.json."""

import json
import re
import tomllib
from pathlib import Path

from axe_selenium_python import Axe

from conftest import SCREENSHOTS

AXE_REPORT = {}
# Impacts that fail a test: everything but "minor" (which the report still lists).
FAILING_IMPACTS = ("moderate", "serious", "critical")
AXE_EXCEPTIONS = Path(__file__).resolve().parent / "axe_exceptions.toml"


def load_exceptions():
    """The reviewed "incomplete" results (axe_exceptions.toml). Each names axe's rule, a regular expression the
    node's HTML must match in full, one for axe's messages about the node (each must match in full), and the reason
    it was accepted."""
    entries = tomllib.loads(AXE_EXCEPTIONS.read_text(encoding="utf-8")).get("incomplete", [])
    for entry in entries:
        assert set(entry) == {"rule", "html", "messages", "reason"}, f"{AXE_EXCEPTIONS}: {entry}"
        assert entry["reason"].strip(), f"{AXE_EXCEPTIONS}: an exception without a reason: {entry}"
        entry["html"], entry["messages"] = re.compile(entry["html"], re.S), re.compile(entry["messages"])
    return entries


INCOMPLETE_REVIEWED = load_exceptions()


def target(node):
    return " ".join(str(part) for part in node["target"])


def messages(node):
    return [check.get("message", "") for kind in ("any", "all", "none") for check in node.get(kind, [])]


def reviewed(rule, node):
    """Whether an incomplete result is one of the reviewed exceptions."""
    return any(entry["rule"] == rule and entry["html"].fullmatch(node.get("html", ""))
               and messages(node) and all(entry["messages"].fullmatch(message) for message in messages(node))
               for entry in INCOMPLETE_REVIEWED)


def run_axe(driver, name):
    """Runs axe-core 4 on the open page. Returns the violations of moderate or higher impact, and the
    "incomplete" results (what axe could not decide) that are not in the reviewed list, one per node."""
    axe = Axe(driver)
    axe.inject()
    version = driver.execute_script("return axe.version")
    assert int(version.split(".")[0]) >= 4, f"axe-core {version} is too old (see the Makefile's e2e venv)"
    results = axe.run(options='{"resultTypes": ["violations", "incomplete"]}')
    violations = results["violations"]
    incomplete = [(result, node) for result in results["incomplete"] for node in result["nodes"]]
    AXE_REPORT[name] = {
        "violations": {v["id"]: {"impact": v["impact"], "nodes": len(v["nodes"])} for v in violations},
        "incomplete": sorted(f"{result['id']}: {target(node)}" for result, node in incomplete),
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "axe-report.json").write_text(json.dumps(AXE_REPORT, indent=2, sort_keys=True), encoding="utf-8")
    new = [(result, node) for result, node in incomplete if not reviewed(result["id"], node)]
    return [v for v in violations if v["impact"] in FAILING_IMPACTS], new


def describe(violations, incomplete=()):
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} — {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    for result, node in incomplete:
        lines.append(f"incomplete (not in {AXE_EXCEPTIONS.name}): {result['id']} on {target(node)!r} "
                     f"({node.get('html', '')[:100]}): {'; '.join(messages(node))}")
    return "\n".join(lines)


def check_with_axe(driver, path, name):
    failing, new = run_axe(driver, name)
    assert not failing and not new, f"{path} ({name}):\n" + describe(failing, new)
