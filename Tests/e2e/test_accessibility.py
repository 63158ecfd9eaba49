"""The built site as staff meet it, served by nginx with deploy/nginx/lathund.conf and driven in Chromium:
axe-core on key pages in light and dark mode, keyboard use, the 404 page, the server's headers, print
styles, and screenshots at phone and desktop width for review.

Run: LATHUND_E2E_SITE=/path/to/built/site python3 -m pytest Tests/e2e -q   (see Tests/e2e/README.md)
"""

import gzip
import json
import re
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from axe_check import check_with_axe
from conftest import CSP, SCREENSHOTS, SITE

WAIT = 10
SEARCH_QUERY = "sjukpenning"


# --- the pages to check ---------------------------------------------------------------------------

def built_paths(pattern):
    """Site paths (/x/y/) of built pages matching a glob of index.html files, sorted."""
    return ["/" + page.parent.relative_to(SITE).as_posix() + "/" for page in sorted(SITE.glob(pattern))]


def section_pages():
    """Each top-level section's own page and its first page (in file order)."""
    pages = {}
    if not SITE.is_dir():
        return pages
    for section in sorted(path for path in SITE.iterdir() if (path / "index.html").is_file()):
        name = section.name
        if name in ("sok", "search", "assets", "statistik"):
            continue
        pages[f"{name}-index"] = f"/{name}/"
        children = built_paths(f"{name}/*/index.html")
        if children:
            pages[f"{name}-page"] = children[0]
    return pages


def statistics_pages():
    return built_paths("statistik/index.html") + built_paths("statistik/*/index.html")


PAGES = {"home": "/", **section_pages(), "search-results": f"/sok/?q={SEARCH_QUERY}", "404": "/finns-inte/"}
STATISTICS = statistics_pages()


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def set_color_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def open_page(driver, base_url, path, scheme="light"):
    set_color_scheme(driver, scheme)
    driver.get(base_url + path)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if path.startswith("/sok/?q="):
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a[href]"),
                           "the search results did not render")


# --- axe-core -------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_moderate_or_worse_violation_and_nothing_unreviewed(driver, base_url, name, scheme):
    open_page(driver, base_url, PAGES[name], scheme)
    check_with_axe(driver, PAGES[name], f"{name} ({scheme})")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", STATISTICS or [None])
def test_axe_on_statistics_pages(driver, base_url, path, scheme):
    if path is None:
        pytest.skip("the built site has no /statistik/ pages yet (datasets become pages under issue 5)")
    open_page(driver, base_url, path, scheme)
    check_with_axe(driver, path, f"{path} ({scheme})")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_text_is_drawn_in_the_page_text_colour(driver, base_url, scheme):
    """axe cannot check the contrast of text in the SVG charts (axe_exceptions.toml): every <text> of every chart
    must be drawn in the colour of the page's text, which axe checks against the same background."""
    if not STATISTICS:
        pytest.skip("the built site has no /statistik/ pages")
    checked = 0
    for path in STATISTICS:
        open_page(driver, base_url, path, scheme)
        colours = driver.execute_script(
            """const page = getComputedStyle(document.querySelector('main')).color;
               const background = getComputedStyle(document.body).backgroundColor;
               return [page, background, [...document.querySelectorAll('svg.chart text')].map((text) =>
                 [text.textContent, getComputedStyle(text).fill, getComputedStyle(text).opacity])];""")
        page, background, texts = colours
        wrong = [(text, fill) for text, fill, opacity in texts if fill != page or opacity != "1"]
        assert not wrong, f"{path} ({scheme}): chart text not in the page's text colour {page} on {background}: {wrong[:5]}"
        checked += len(texts)
    assert checked > 50, f"only {checked} chart texts on {len(STATISTICS)} pages"


def test_the_checked_pages_cover_every_section(site_dir):
    """A section added later is checked too; this pins that the list above found the real ones."""
    for expected in ("regelverk-page", "dfa-page", "kommunicering-page", "faq-index", "faq-page",
                     "rapporter-page", "ordlista-index"):
        assert expected in PAGES, f"{expected} missing from {sorted(PAGES)}"


# --- keyboard -------------------------------------------------------------------------------------

def active(driver):
    return driver.switch_to.active_element


def has_visible_focus(driver, element):
    return driver.execute_script(
        """const s = getComputedStyle(arguments[0]);
           return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';""",
        element,
    )


def test_skip_link_is_first_and_moves_focus_to_main(driver, base_url, site_dir):
    page = built_paths("regelverk/*/index.html")[0]
    open_page(driver, base_url, page)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    link = active(driver)
    assert link.get_attribute("class") == "skip-link"
    assert link.text == "Hoppa till innehållet"
    assert link.is_displayed() and link.rect["x"] >= 0 and link.rect["y"] >= 0, "the skip link must show when focused"
    assert has_visible_focus(driver, link)
    link.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: active(d).get_attribute("id") == "sidans_innehall", "focus did not move to <main>")
    assert active(driver).tag_name == "main"
    # The next Tab continues inside the main content, not back in the header.
    active(driver).send_keys(Keys.TAB)
    inside_main = driver.execute_script("return document.querySelector('main').contains(document.activeElement)")
    assert inside_main


def test_tab_order_reaches_the_search_box_with_visible_focus_and_enter_searches(driver, base_url):
    open_page(driver, base_url, "/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    visited = []
    for _ in range(40):
        element = active(driver)
        visited.append(element.get_attribute("outerHTML")[:80])
        assert has_visible_focus(driver, element), f"no visible focus on {visited[-1]}"
        if element.get_attribute("id") == "sok-falt":
            break
        element.send_keys(Keys.TAB)
    else:
        pytest.fail("40 Tabs did not reach the search box:\n" + "\n".join(visited))
    assert len(visited) <= 12, "the search box should come early in the tab order:\n" + "\n".join(visited)
    active(driver).send_keys(SEARCH_QUERY, Keys.ENTER)
    wait(driver).until(lambda d: urlparse(d.current_url).path == "/sok/")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a[href]"))


# --- the server -----------------------------------------------------------------------------------

def fetch(url, headers=None):
    request = Request(url, headers=headers or {})
    try:
        response = urlopen(request, timeout=10)
    except HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read()


def test_unknown_url_gets_the_404_page_with_status_404(base_url, driver):
    status, headers, body = fetch(base_url + "/finns-inte/alls/")
    assert status == 404
    assert "Sidan finns inte" in body.decode("utf-8")
    assert headers["Content-Security-Policy"] == CSP
    driver.get(base_url + "/finns-inte/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sidan finns inte"
    # The stylesheet loaded: the skip link is moved off screen by it.
    assert driver.find_element(By.CSS_SELECTOR, ".skip-link").rect["x"] < 0


def test_pretty_urls(base_url):
    for path in ("/", "/regelverk/", "/regelverk", "/sok/", "/ordlista/"):
        status, headers, body = fetch(base_url + path)
        assert status == 200, path
        assert headers["Content-Type"] == "text/html; charset=utf-8", path
        assert b"<!DOCTYPE html>" in body[:100], path


def test_security_headers_and_a_strict_csp(base_url):
    for path in ("/", "/finns-inte/"):
        _, headers, _ = fetch(base_url + path)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        csp = headers["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "Server" not in headers or "nginx/" not in headers["Server"], "server_tokens off"


def test_fingerprinted_assets_are_cached_for_a_year_and_html_briefly(base_url, site_dir):
    manifest = json.loads((site_dir / "assets" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) >= {"style.css", "search.js", "search-ui.js"}
    for name, fingerprinted in manifest.items():
        assert re.fullmatch(re.escape(name.rsplit(".", 1)[0]) + r"\.[0-9a-f]{8}\." + name.rsplit(".", 1)[1], fingerprinted)
        status, headers, _ = fetch(base_url + "/assets/" + fingerprinted)
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", fingerprinted
    _, headers, _ = fetch(base_url + "/")
    assert headers["Cache-Control"] == "public, max-age=300, must-revalidate"
    _, headers, _ = fetch(base_url + "/assets/manifest.json")
    assert "immutable" not in headers["Cache-Control"]
    # Pages link the fingerprinted names, and the module imports the fingerprinted search.js.
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert f'/assets/{manifest["style.css"]}"' in home and f'/assets/{manifest["search-ui.js"]}"' in home
    ui = (site_dir / "assets" / manifest["search-ui.js"]).read_text(encoding="utf-8")
    assert f'"./{manifest["search.js"]}"' in ui


def test_text_is_gzipped(base_url, site_dir):
    manifest = json.loads((site_dir / "assets" / "manifest.json").read_text(encoding="utf-8"))
    for path in ("/", "/assets/" + manifest["style.css"], "/assets/" + manifest["search.js"], "/search/index.json"):
        status, headers, body = fetch(base_url + path, {"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers.get("Content-Encoding") == "gzip", path
        assert gzip.decompress(body), path


# --- print ----------------------------------------------------------------------------------------

# What print styles hide: each must be on the page the test prints, or the test would not check it.
PRINT_HIDDEN = [".site-header nav", ".site-search", ".skip-link", ".breadcrumbs", ".toc", ".prevnext", ".site-footer"]


def test_print_hides_navigation_and_search_and_prints_link_urls(driver, base_url, site_dir):
    def printable(path):
        html = (site_dir / path.strip("/") / "index.html").read_text(encoding="utf-8")
        return (re.search(r'<div class="content">.*?<a href="https?://', html, re.S)
                and all(re.search(r'class="[^"]*\b' + re.escape(name) + r'\b', html)
                        for name in ("toc", "prevnext", "breadcrumbs")))
    page = next((p for p in built_paths("regelverk/*/index.html") if printable(p)), None)
    assert page, "no page under /regelverk/ has a table of contents, previous/next links, breadcrumbs and an external link"
    open_page(driver, base_url, page)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            """return arguments[0].map((s) => [s, document.querySelector(s) ? getComputedStyle(document.querySelector(s)).display : null]);""",
            PRINT_HIDDEN)
        missing = [selector for selector, display in hidden if display is None]
        assert not missing, f"{page} has no {missing}: the print test would not check them"
        assert all(display == "none" for _, display in hidden), hidden
        link = driver.find_element(By.CSS_SELECTOR, '.content a[href^="http"]')
        after = driver.execute_script("return getComputedStyle(arguments[0], '::after').content", link)
        assert link.get_attribute("href") in after
        colours = driver.execute_script("const s = getComputedStyle(document.body); return [s.color, s.backgroundColor];")
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- screenshots for review -----------------------------------------------------------------------

SCREENSHOT_PAGES = {
    "home": "/",
    "regelverk": "/regelverk/sgi/",
    "faq": "/faq/",
    "faq-entry": "/faq/vad-ar-sgi/",
    "sok": f"/sok/?q={SEARCH_QUERY}",
    "ordlista": "/ordlista/",
    "404": "/finns-inte/",
}


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(driver, base_url, width):
    """Full-page screenshots at phone and desktop width (light, and dark for the phone) in Tests/e2e/screenshots/.
    Also checks that no page scrolls sideways at that width."""
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = dict(SCREENSHOT_PAGES)
    if STATISTICS:
        pages["statistik"] = STATISTICS[-1]
    schemes = ["light", "dark"] if width == 390 else ["light"]
    try:
        for name, path in pages.items():
            for scheme in schemes:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
                open_page(driver, base_url, path, scheme)
                overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
                height = min(driver.execute_script("return document.documentElement.scrollHeight"), 6000)
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
                suffix = "" if scheme == "light" else "-dark"
                driver.save_screenshot(str(SCREENSHOTS / f"{name}-{width}{suffix}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        set_color_scheme(driver, "light")
