"""The writing aid on /dfa/granska/ ("Granska din DFA-text") in Chromium, served by nginx with the site's strict CSP:
typing a weak text shows findings under each field as you type; the site's strong examples show none; the form
works with the keyboard alone and names every control for a screen reader; axe-core (axe_check.py: nothing
moderate or worse, no unreviewed incomplete result) in light and dark mode and on a phone; a personnummer gets a warning at once; and, in a browser of its own with
Chromium's network log (CDP Network events) and a log of storage writes, typing makes no request, sets no cookie
and writes nothing to localStorage, sessionStorage, IndexedDB or the Cache API. Screenshots at 390 and 1280 px go
to Tests/e2e/screenshots/granska/ (reviewed copies: docs/screenshots/).

Run: LATHUND_E2E_SITE=/path/to/built/site python3 -m pytest Tests/e2e -q   (see README.md)
"""

import json
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from axe_check import check_with_axe
from conftest import SCREENSHOTS, SITE, start_chromium

PATH = "/dfa/granska/"
WAIT = 10
FIELDS = ["sysselsattning", "diagnos", "funktionsnedsattning", "aktivitetsbegransning", "behandling"]
# The site's weak example 1 (content/dfa/exempel.md), typed by hand.
WEAK = {
    "sysselsattning": "Patienten arbetar på ett lager och lyfter kartonger från golvnivå flera gånger i timmen.",
    "diagnos": "Ryggvärk.",
    "funktionsnedsattning": "Har ont i ryggen.",
    "aktivitetsbegransning": "Kan inte arbeta.",
}


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def open_tool(driver, base_url, scheme="light", size=None):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    if size:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 600})
    driver.get(base_url + PATH)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    # granska-ui.js shows the example buttons when it has set up the form.
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".granskning-exempel").is_displayed(),
                       "granska-ui.js did not start")


@pytest.fixture
def tool(driver):
    """The shared browser; the emulated screen size and colour scheme are reset after the test."""
    yield driver
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def area(driver, field):
    return driver.find_element(By.ID, f"granskning_{field}")


def findings(driver, field):
    """The findings under a field: [(text, quotes, href)]."""
    return driver.execute_script(
        """return Array.from(document.querySelectorAll('#granskning_' + arguments[0] + '_fynd li'), (li) => [
             li.innerText, Array.from(li.querySelectorAll('q'), (q) => q.textContent), li.querySelector('a').getAttribute('href')])""",
        field)


def status(driver):
    return driver.find_element(By.ID, "granskning_status").text


def click_example(driver, label):
    driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']").click()


def has_visible_focus(driver, element):
    return driver.execute_script(
        """const s = getComputedStyle(arguments[0]);
           return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';""",
        element)


# --- findings as you type ---------------------------------------------------------------------------------------

def test_typing_a_weak_text_shows_findings_under_each_field(tool, base_url, site_dir):
    open_tool(tool, base_url)
    tool.find_element(By.ID, "granskning_sysselsattning_arbete").click()
    for field, text in WEAK.items():
        area(tool, field).send_keys(text)
    wait(tool).until(lambda d: len(findings(d, "aktivitetsbegransning")) == 3, "no findings after typing")
    wait(tool).until(lambda d: status(d).startswith("Granskningen har 6 råd"))
    assert status(tool) == ("Granskningen har 6 råd: 1 om diagnos, 2 om funktionsnedsättning, "
                            "3 om aktivitetsbegränsning. Råden står under varje fält.")
    function = findings(tool, "funktionsnedsattning")
    assert [text.splitlines()[0] for text, _, _ in function] == [
        "Viktigt: Det står inga undersökningsfynd, testresultat eller observationer. Skriv vad du har sett eller mätt, "
        "till exempel avvikelser i status.",
        "De citerade orden säger inte vad som är nedsatt eller hur mycket. Beskriv i stället vad du har sett och hur "
        "stort problemet är.",
    ], "the most important first"
    assert function[1][1] == ["Har ont"], "the words that gave the finding are quoted"
    activity = findings(tool, "aktivitetsbegransning")
    assert ["Kan inte arbeta"] in [quotes for _, quotes, _ in activity]
    assert findings(tool, "sysselsattning") == [] and findings(tool, "behandling") == []
    # Every finding links to the page that explains it, a page of the site.
    for field in FIELDS:
        for _, _, href in findings(tool, field):
            assert re.fullmatch(r"/dfa/[a-z0-9-]+/(#[a-z0-9-]+)?", href), href
            assert (SITE / href.split("#")[0].strip("/") / "index.html").is_file(), href
    # A screen reader hears a field's findings with the field: its description names them.
    described = area(tool, "aktivitetsbegransning").get_attribute("aria-describedby").split()
    assert "granskning_aktivitetsbegransning_fynd" in described
    assert "Kan inte arbeta" in tool.find_element(By.ID, "granskning_aktivitetsbegransning_fynd").text


def test_findings_follow_the_text_while_typing(tool, base_url):
    open_tool(tool, base_url)
    function = area(tool, "funktionsnedsattning")
    function.send_keys("Har ont.")
    wait(tool).until(lambda d: len(findings(d, "funktionsnedsattning")) == 2)
    function.send_keys(" Vid undersökningen tydligt nedsatt rörlighet i ländryggen.")
    wait(tool).until(lambda d: findings(d, "funktionsnedsattning") == [], "the findings did not follow the text")
    assert status(tool).startswith("Granskningen har inga råd")


@pytest.mark.parametrize("example", ["Exempel 1, starkare text", "Exempel 2, starkare text"])
def test_the_strong_examples_show_no_finding(tool, base_url, example):
    open_tool(tool, base_url)
    click_example(tool, "Exempel 1, svagare text")  # the fields hold findings first
    wait(tool).until(lambda d: findings(d, "aktivitetsbegransning"))
    click_example(tool, example)
    wait(tool).until(lambda d: status(d).startswith("Granskningen har inga råd"))
    for field in FIELDS:
        assert findings(tool, field) == [], field
    assert area(tool, "funktionsnedsattning").get_attribute("value").startswith(("Vid undersökningen", "I psykiskt status"))
    assert tool.find_element(By.ID, "granskning_sysselsattning_arbete").is_selected()


@pytest.mark.parametrize("example", ["Exempel 1, svagare text", "Exempel 2, svagare text"])
def test_the_weak_examples_show_findings(tool, base_url, example):
    open_tool(tool, base_url)
    click_example(tool, example)
    wait(tool).until(lambda d: status(d).startswith("Granskningen har 6 råd"))
    assert len(findings(tool, "funktionsnedsattning")) == 2


def test_the_page_says_what_it_is_and_that_the_text_stays(tool, base_url):
    open_tool(tool, base_url)
    privacy = tool.find_element(By.CSS_SELECTOR, ".granskning-privat")
    assert privacy.is_displayed() and privacy.text.startswith("Texten lämnar aldrig din dator.")
    lead = tool.find_element(By.CSS_SELECTOR, ".content blockquote")
    assert "inte Försäkringskassans bedömning" in lead.text and lead.is_displayed()
    # No <form>: nothing can be submitted, by Enter or otherwise.
    assert tool.find_elements(By.CSS_SELECTOR, "main form") == []
    for field in FIELDS:
        element = area(tool, field)
        assert element.get_attribute("spellcheck") == "false", "the browser's spell check service must not see the text"
        assert element.get_attribute("autocomplete") == "off"


# --- keyboard and screen reader ---------------------------------------------------------------------------------

def test_every_control_has_a_label_and_the_findings_are_announced(tool, base_url):
    open_tool(tool, base_url)
    names = tool.execute_script(
        """return Array.from(document.querySelectorAll('.granskning textarea, .granskning input'), (control) => [
             control.id, Array.from(control.labels, (label) => label.textContent.trim()).join(' ')])""")
    assert len(names) == 9  # five fields and four choices
    assert all(label for _, label in names), names
    assert dict(names)["granskning_funktionsnedsattning"] == "Funktionsnedsättning"
    assert dict(names)["granskning_behandling"] == "Planerad behandling (frivilligt)"
    legends = [legend.text for legend in tool.find_elements(By.CSS_SELECTOR, ".granskning-avsnitt > legend")]
    assert legends == ["2. Sysselsättning", "3. Diagnos", "4. Sjukdomens konsekvenser", "5. Medicinsk behandling"]
    for field in FIELDS:
        for target in area(tool, field).get_attribute("aria-describedby").split():
            assert tool.find_elements(By.ID, target), f"{field}: aria-describedby names a missing {target}"
    assert tool.find_element(By.ID, "granskning_status").get_attribute("role") == "status"
    assert tool.find_element(By.ID, "granskning_pnr").get_attribute("role") == "alert"


def test_keyboard_only(tool, base_url):
    open_tool(tool, base_url)
    tool.find_element(By.CSS_SELECTOR, ".content blockquote").click()
    visited = []
    for _ in range(60):
        tool.switch_to.active_element.send_keys(Keys.TAB)
        element = tool.switch_to.active_element
        name = element.get_attribute("id") or element.text
        visited.append((element.tag_name, name))
        assert has_visible_focus(tool, element), f"no visible focus on {name}"
        if element.text == "Töm alla fält":
            break
    else:
        pytest.fail("Tab never reached 'Töm alla fält': " + ", ".join(name for _, name in visited))
    order = [name for tag, name in visited if tag in ("button", "input", "textarea") and name != "Töm alla fält"]
    assert order == ["Exempel 1, svagare text", "Exempel 1, starkare text", "Exempel 2, svagare text",
                     "Exempel 2, starkare text", "granskning_sysselsattning_arbete",
                     "granskning_sysselsattning_arbetssokande", "granskning_sysselsattning_foraldraledig",
                     "granskning_sysselsattning_studier"] + [f"granskning_{field}" for field in FIELDS], visited

    # Space ticks a choice, typing fills a field, Enter on a button fills an example, Tab reaches the findings' links.
    box = tool.find_element(By.ID, "granskning_sysselsattning_arbetssokande")
    box.send_keys(Keys.SPACE)
    assert box.is_selected()
    box.send_keys(Keys.TAB, Keys.TAB, Keys.TAB)
    assert tool.switch_to.active_element.get_attribute("id") == "granskning_sysselsattning"
    tool.switch_to.active_element.send_keys(Keys.TAB, "Ryggvärk.")
    wait(tool).until(lambda d: findings(d, "diagnos"))
    tool.switch_to.active_element.send_keys(Keys.TAB)
    link = tool.switch_to.active_element
    assert link.tag_name == "a" and link.text.startswith("Läs mer:"), "the finding's link comes right after its field"
    button = tool.find_element(By.XPATH, "//button[normalize-space()='Exempel 2, svagare text']")
    button.send_keys(Keys.ENTER)
    wait(tool).until(lambda d: area(d, "diagnos").get_attribute("value") == "Utmattning.")
    wait(tool).until(lambda d: findings(d, "aktivitetsbegransning"))


# --- personnummer -----------------------------------------------------------------------------------------------

def test_a_personnummer_gets_a_warning_at_once(tool, base_url):
    open_tool(tool, base_url)
    # At once: in the same task as the input event, before the pause the rules wait for.
    warning = tool.execute_script(
        """const area = document.getElementById('granskning_diagnos');
           area.value = 'Patientens nummer 640823-3234';
           area.dispatchEvent(new Event('input', { bubbles: true }));
           return document.getElementById('granskning_pnr').textContent;""")
    assert "Fältet Diagnos innehåller något som ser ut som ett personnummer (640823-****). Ta bort det." in warning
    assert "3234" not in warning, "the warning does not repeat the number"
    assert area(tool, "diagnos").get_attribute("aria-invalid") == "true"
    inline = tool.find_element(By.ID, "granskning_diagnos_pnr")
    assert inline.is_displayed() and "640823-****" in inline.text
    # Typed by hand in another field: a samordningsnummer; a phone number is not one.
    area(tool, "funktionsnedsattning").send_keys("Ring 070-123 45 67. Samordningsnummer 701063 2391")
    wait(tool).until(lambda d: "samordningsnummer (701063 ****)" in d.find_element(By.ID, "granskning_pnr").text)
    # Removed, the warning goes away.
    area(tool, "diagnos").clear()
    area(tool, "diagnos").send_keys("Ryggvärk.")
    field = area(tool, "funktionsnedsattning")
    field.send_keys(Keys.BACK_SPACE * 11)
    wait(tool).until(lambda d: d.find_element(By.ID, "granskning_pnr").text == "")
    assert area(tool, "diagnos").get_attribute("aria-invalid") is None
    assert not inline.is_displayed()


# --- nothing leaves the page --------------------------------------------------------------------------------

# Runs before the page's own scripts (CDP, so the page's CSP does not apply to it): records every write to
# storage and cookies, and keeps working if the page replaces nothing.
STORAGE_SPY = """
(() => {
  const log = [];
  Object.defineProperty(window, '__storageWrites', { value: log });
  for (const name of ['setItem', 'removeItem', 'clear']) {
    const original = Storage.prototype[name];
    Storage.prototype[name] = function (...args) { log.push('Storage.' + name); return original.apply(this, args); };
  }
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(value) { log.push('document.cookie'); cookie.set.call(this, value); },
  });
  const wrap = (owner, name, label) => {
    if (!owner || !owner[name]) return;
    const original = owner[name];
    owner[name] = function (...args) { log.push(label); return original.apply(this, args); };
  };
  wrap(IDBFactory.prototype, 'open', 'indexedDB.open');
  wrap(window.CacheStorage && CacheStorage.prototype, 'open', 'caches.open');
  wrap(window.CookieStore && CookieStore.prototype, 'set', 'cookieStore.set');
  wrap(window.ServiceWorkerContainer && ServiceWorkerContainer.prototype, 'register', 'serviceWorker.register');
})();
"""


@pytest.fixture(scope="module")
def logged_browser():
    """A browser of its own with Chromium's network log (the shared one keeps no performance log)."""
    driver = start_chromium(network_log=True)
    try:
        yield driver
    finally:
        driver.quit()


def network_events(driver):
    """The CDP Network events logged since the last call."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network."):
            events.append(message)
    return events


def requests(events):
    return [event["params"].get("request", {}).get("url", event["method"]) for event in events
            if event["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated",
                                   "Network.webTransportCreated", "Network.signedExchangeReceived")]


def test_typing_makes_no_request_and_writes_no_cookie_or_storage(logged_browser, base_url):
    driver = logged_browser
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STORAGE_SPY})
    open_tool(driver, base_url)
    loaded = requests(network_events(driver))
    assert any(url.endswith(PATH) for url in loaded), f"the network log saw no page load: {loaded}"
    assert any("/assets/granska-ui." in url for url in loaded) and any("/assets/granska." in url for url in loaded)
    # Wait until the page is quiet (the last responses and the icon), then start typing.
    deadline = time.monotonic() + WAIT
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < 1.0:
        assert time.monotonic() < deadline, "the page never went quiet"
        if network_events(driver):
            quiet_since = time.monotonic()
        time.sleep(0.1)

    driver.find_element(By.ID, "granskning_sysselsattning_arbete").click()
    for field, text in WEAK.items():
        area(driver, field).send_keys(text)
    area(driver, "behandling").send_keys("Fysioterapi två gånger i veckan. Personnummer 640823-3234.")
    wait(driver).until(lambda d: findings(d, "behandling") and d.find_element(By.ID, "granskning_pnr").text)
    for label in ["Exempel 1, starkare text", "Exempel 2, svagare text", "Exempel 2, starkare text"]:
        click_example(driver, label)
    area(driver, "aktivitetsbegransning").send_keys(" Orkar inte.", Keys.BACK_SPACE * 4)
    driver.find_element(By.ID, "granskning_sysselsattning_studier").click()
    area(driver, "behandling").send_keys("Vila.")
    wait(driver).until(lambda d: findings(d, "behandling"), "the last edit was not reviewed")
    # The last review has run; keep reading the log a while, so a request it started would be seen.
    during = network_events(driver)
    seen_until = time.monotonic() + 1.0
    while time.monotonic() < seen_until:
        during += network_events(driver)
        time.sleep(0.05)

    assert during == [], "network activity while typing:\n" + "\n".join(json.dumps(e)[:300] for e in during)
    assert driver.execute_script("return window.__storageWrites") == []
    assert driver.execute_cdp_cmd("Storage.getCookies", {})["cookies"] == []
    assert driver.execute_script("return [document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]
    stores = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
           Promise.all([indexedDB.databases(), caches.keys(), navigator.serviceWorker.getRegistrations()])
             .then(([databases, caches, workers]) => done([databases.length, caches.length, workers.length]));""")
    assert stores == [0, 0, 0]

    # The logs do see what they look for: a request and a storage write made by the test itself.
    driver.execute_script("fetch('/robots.txt'); localStorage.setItem('prov', '1'); localStorage.clear();")
    wait(driver).until(lambda d: any(url.endswith("/robots.txt") for url in requests(network_events(d))),
                       "the network log missed the test's own request")
    assert driver.execute_script("return window.__storageWrites") == ["Storage.setItem", "Storage.clear"]
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors


# --- axe, phone, screenshots ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["1280", "390"])
def test_axe_finds_nothing_with_findings_shown(tool, base_url, scheme, size):
    name = f"granska-{scheme}-{size[0]}"
    open_tool(tool, base_url, scheme, size)
    check_with_axe(tool, PATH, name + "-empty")
    click_example(tool, "Exempel 1, svagare text")
    area(tool, "diagnos").send_keys(" 640823-3234")
    wait(tool).until(lambda d: findings(d, "aktivitetsbegransning") and d.find_element(By.ID, "granskning_pnr").text)
    tool.find_element(By.CSS_SELECTOR, ".granskning-regler > summary").click()
    check_with_axe(tool, PATH, name + "-findings")


def contrast(first, second):
    """The WCAG contrast ratio of two opaque CSS colours ("rgb(r, g, b)")."""
    def luminance(colour):
        channels = [int(x) / 255 for x in re.findall(r"[0-9.]+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_fields_have_readable_text(tool, base_url, scheme):
    """What axe cannot decide for a <textarea> (axe_exceptions.toml): each field's text colour on its own, opaque
    background has a contrast of at least 4.5:1."""
    open_tool(tool, base_url, scheme)
    for field in FIELDS:
        colour, background = tool.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor]", area(tool, field))
        assert not background.startswith("rgba"), f"{field}: the background {background} is not opaque"
        assert contrast(colour, background) >= 4.5, f"{field} ({scheme}): {colour} on {background}"


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)], ids=["390", "1280"])
def test_screenshots_and_no_sideways_scrolling(tool, base_url, size):
    """The empty form and the weak example's findings, in Tests/e2e/screenshots/granska/ (reviewed copies in
    docs/screenshots/). On a phone nothing scrolls sideways and the fields are as wide as the text column."""
    folder = SCREENSHOTS / "granska"
    folder.mkdir(parents=True, exist_ok=True)
    width = size[0]
    open_tool(tool, base_url, size=size)
    assert tool.save_screenshot(str(folder / f"granska-{width}.png"))
    click_example(tool, "Exempel 1, svagare text")
    wait(tool).until(lambda d: findings(d, "aktivitetsbegransning"))
    overflow = tool.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    field = area(tool, "aktivitetsbegransning").rect
    column = tool.find_element(By.CSS_SELECTOR, ".content").rect
    assert field["width"] >= column["width"] - 40, "the field should use the text column"
    tool.execute_script("document.getElementById('granskning_funktionsnedsattning').scrollIntoView()")
    assert tool.save_screenshot(str(folder / f"granska-fynd-{width}.png"))


# --- part of the site ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["dfa/index.html", "dfa/fk7804/index.html", "dfa/komplettering/index.html",
                                  "faq/komplettering-vanliga-brister/index.html", "faq/varfor-komplettering/index.html"])
def test_the_dfa_fk7804_and_komplettering_pages_link_to_the_tool(site_dir, page):
    html = (site_dir / page).read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    assert 'href="/dfa/granska/"' in main, f"{page} does not link to /dfa/granska/"
