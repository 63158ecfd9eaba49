"""Fixtures for Lathund's real-browser tests.

The built site (LATHUND_E2E_SITE, default .build/test-site) is served by nginx with the server
configuration docs/publishing.md documents, deploy/nginx/lathund.conf, unchanged except for its `listen` (a free
port on 127.0.0.1) and `root` lines: nginx runs as the test user from a temporary prefix. The site is
driven with headless Chromium from Debian (/usr/bin/chromium, /usr/bin/chromedriver) through Selenium.
Every test fails if the browser console shows a SEVERE entry (a script error, a CSP violation, a failed
request).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LATHUND_E2E_SITE", REPO / ".build" / "test-site")).resolve()
CHROMIUM = os.environ.get("LATHUND_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LATHUND_E2E_CHROMEDRIVER", "/usr/bin/chromedriver")
NGINX = os.environ.get("LATHUND_E2E_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONFIG = REPO / "deploy" / "nginx" / "lathund.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")

# Never let Selenium Manager look for or download a driver: we give it one.
os.environ.setdefault("SE_OFFLINE", "true")


def config_csp(starts):
    """A Content-Security-Policy deploy/nginx/lathund.conf sends: the one in its `$lathund_csp` map that starts
    with `starts`."""
    text = NGINX_CONFIG.read_text(encoding="utf-8")
    assert re.search(r"add_header\s+Content-Security-Policy\s+\$lathund_csp\s+always;", text), \
        f"{NGINX_CONFIG} sends no Content-Security-Policy from its map"
    block = re.search(r"map \$uri \$lathund_csp \{(.*?)\n\}", text, flags=re.S)
    assert block, f"{NGINX_CONFIG} has no $lathund_csp map"
    values = [v for v in re.findall(r'"([^"]+)";', block.group(1)) if v.startswith(starts)]
    assert len(values) == 1, f"{NGINX_CONFIG}: one policy starting with {starts!r}"
    return values[0]


CSP = config_csp("default-src 'self';")
"""The policy of Lathund's pages."""
FILE_CSP = config_csp("sandbox;")
"""The policy of every other file: sandboxed, no script."""


def site_server_config(root, port):
    """deploy/nginx/lathund.conf with its one `listen` and one `root` line pointed at 127.0.0.1:port and root."""
    text = NGINX_CONFIG.read_text(encoding="utf-8")
    text, listens = re.subn(r"^(\s*)listen\s+[^;]+;", rf"\g<1>listen 127.0.0.1:{port};", text, flags=re.M)
    text, roots = re.subn(r"^(\s*)root\s+[^;]+;", lambda m: f"{m.group(1)}root {root};", text, flags=re.M)
    assert listens == 1 and roots == 1, f"{NGINX_CONFIG} must have exactly one listen and one root line"
    return text


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    """nginx serving `root` with deploy/nginx/lathund.conf from a temporary prefix, on 127.0.0.1 only."""

    def __init__(self, root, worker_user=None):
        """`worker_user`: run the workers as this user, as a packaged nginx does (www-data), so that they can read
        only what that user may (needs root, and a root that user can reach); by default, as the test user."""
        self.root = Path(root)
        self.worker_user = worker_user
        self.prefix = Path(tempfile.mkdtemp(prefix="lathund-nginx-"))
        self.process = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self):
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / folder).mkdir(exist_ok=True)
        (self.prefix / "lathund.conf").write_text(site_server_config(self.root, self.port), encoding="utf-8")
        # nginx started as root hands requests to workers running as `user` (nobody by default), which could
        # not read a site under a private temporary folder; as any other user it runs as that user.
        user = f"user {self.worker_user or 'root'};\n" if os.geteuid() == 0 else ""
        (self.prefix / "nginx.conf").write_text(
            f"""{user}worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {self.prefix}/client_body;
    proxy_temp_path {self.prefix}/proxy;
    fastcgi_temp_path {self.prefix}/fastcgi;
    uwsgi_temp_path {self.prefix}/uwsgi;
    scgi_temp_path {self.prefix}/scgi;
    include {self.prefix}/lathund.conf;
}}
""",
            encoding="utf-8",
        )

    def start(self):
        for path in (NGINX, MIME_TYPES):
            if not Path(path).is_file():
                pytest.fail(f"{path} is missing: apt-get install -y nginx (make deps does)")
        for _attempt in range(5):  # another process may take the free port before nginx binds it
            self.port = free_port()
            self._write_config()
            command = [NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                       "-e", str(self.prefix / "error.log"), "-g", "daemon off;"]
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return self
                except OSError:
                    time.sleep(0.05)
            output = self.process.stdout.read().decode() if self.process.poll() is not None else ""
            self.stop()
            if "Address already in use" not in output + self.error_log():
                break
        pytest.fail(f"nginx did not start:\n{output}\n{self.error_log()}")

    def error_log(self):
        log = self.prefix / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


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
    with Nginx(site_dir) as server:
        yield server.url


def start_chromium(network_log=False):
    """Headless Chromium from Debian through chromedriver, with no network beyond 127.0.0.1. With `network_log`, the
    performance log (driver.get_log("performance")) records Chromium's Network events (CDP), for tests that must see
    every request a page makes."""
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
    logs = {"browser": "ALL"}
    if network_log:
        logs["performance"] = "ALL"
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="session")
def _browser():
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


# Tests open URLs under this path on purpose to get the 404 page; the browser logs that status.
UNKNOWN_PATH = "/finns-inte/"


def is_deliberate_404(entry):
    return entry.get("source") == "network" and re.search(re.escape(UNKNOWN_PATH) + r"\S* - .* 404\b", entry.get("message", ""))


def severe_entries(driver):
    return [
        entry
        for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE" and not is_deliberate_404(entry)
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
    _browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
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
