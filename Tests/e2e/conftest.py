"""Fixtures for Lathund's real-browser tests of the search UI.

The built site (LATHUND_E2E_SITE, default .build/test-site) is served from this
process on 127.0.0.1 with a strict Content-Security-Policy, and driven with
headless Chromium from Debian (/usr/bin/chromium, /usr/bin/chromedriver) through
Selenium. Every test fails if the browser console shows a SEVERE entry (a script
error, a CSP violation, a failed request).
"""

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LATHUND_E2E_SITE", REPO / ".build" / "test-site")).resolve()
CHROMIUM = os.environ.get("LATHUND_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LATHUND_E2E_CHROMEDRIVER", "/usr/bin/chromedriver")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'"
)

# Never let Selenium Manager look for or download a driver: we give it one.
os.environ.setdefault("SE_OFFLINE", "true")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site (directory=…, `/sok/` → `/sok/index.html`) with a strict CSP."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
    }

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # keep pytest output quiet
        pass


@pytest.fixture(scope="session")
def site_dir():
    if not (SITE / "index.html").is_file() or not (SITE / "sok" / "index.html").is_file():
        pytest.fail(
            f"No built site at {SITE}. Build one first, e.g. "
            f".build/debug/lathund build --quiet --output {SITE}, or set LATHUND_E2E_SITE."
        )
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="e2e-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def _browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).is_file():
            pytest.fail(f"{path} is missing: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # running as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=sv-SE",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        # No network beyond the test server: every other host name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def is_missing_favicon(entry):
    """Chromium asks for /favicon.ico by itself; the site has none (no page links to one), which is not the UI's doing."""
    return entry.get("source") == "network" and re.search(r"/favicon\.ico - .* 404\b", entry.get("message", ""))


def severe_entries(driver):
    return [
        entry
        for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE" and not is_missing_favicon(entry)
    ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # ignored by git


@pytest.fixture
def driver(_browser, base_url, request):
    """The shared browser, on a blank page, with an empty console; the test fails on SEVERE console entries.
    When a test fails, a screenshot and the page's DOM are saved in Tests/e2e/screenshots/."""
    _browser.get("about:blank")
    _browser.get_log("browser")  # drop what earlier tests left
    yield _browser
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            _browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
            (SCREENSHOTS / f"{name}.html").write_text(_browser.page_source, encoding="utf-8")
        except Exception as error:  # the browser may be gone; the failure itself matters more
            print(f"could not save a screenshot: {error}")
    errors = severe_entries(_browser)
    assert not errors, "Browser console errors:\n" + "\n".join(entry["message"] for entry in errors)
