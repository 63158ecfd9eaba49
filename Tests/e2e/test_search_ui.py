"""Real-browser tests of the search UI: the box in every page's header and the results page /sok/.

Run: LATHUND_E2E_SITE=/path/to/built/site python3 -m pytest Tests/e2e -q   (see Tests/e2e/README.md)
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse
from urllib.request import urlopen

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CSP
from axe_check import check_with_axe
from test_accessibility import set_color_scheme

WAIT = 10  # seconds; the index and its shards are fetched on first use

INPUT = (By.CSS_SELECTOR, "header form.site-search input[data-search-input]")
OPTIONS = (By.CSS_SELECTOR, "#sok-forslag li[role=option]")
STATUS = (By.ID, "sok-status")

QUERY = "omprövning"
TYPO = "omprövnig"
ZERO = "kommuniseringsbref"  # two typos: no page has it, and the site's own word is "kommuniceringsbrev"
PARTIAL = "graviditetspenning samordningsförbund"  # no page has both words
PARTIAL_NOTICE = "Inga sidor innehåller alla orden. Sidor med några av dem:"


# --- helpers -------------------------------------------------------------------------------------

def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def regelverk_page(site_dir):
    pages = sorted(site_dir.glob("regelverk/*/index.html"))
    assert pages, f"no regelverk pages in {site_dir}"
    return "/" + pages[0].parent.relative_to(site_dir).as_posix() + "/"


def open_page(driver, base_url, path):
    driver.get(base_url + path)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return wait(driver).until(EC.visibility_of_element_located(INPUT))


def search_box(driver):
    return driver.find_element(*INPUT)


def visible_options(driver):
    return [option for option in driver.find_elements(*OPTIONS) if option.is_displayed()]


def wait_for_suggestions(driver):
    """Waits until the listbox shows at least one option; returns the options."""
    wait(driver).until(lambda d: len(visible_options(d)) > 0, "no search suggestions appeared")
    return visible_options(driver)


def active_element_id(driver):
    return driver.execute_script("return document.activeElement && document.activeElement.id")


def page_path_exists(site_dir, path):
    relative = path.lstrip("/")
    target = site_dir / relative
    return (target / "index.html").is_file() if (path.endswith("/") or target.is_dir()) else target.is_file()


def wait_for_results_page(driver, base_url, query):
    """Waits until the browser is on /sok/?q=<query> and the results are rendered; returns the result links."""
    wait(driver).until(lambda d: urlparse(d.current_url).path == "/sok/", "did not land on /sok/")
    params = parse_qs(urlparse(driver.current_url).query)
    assert params.get("q") == [query], driver.current_url
    wait(driver).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#search-results a[href]")) > 0,
        "no result links in #search-results",
    )
    return driver.find_elements(By.CSS_SELECTOR, "#search-results a[href]")


def summary_count(driver, query):
    summary = driver.find_element(By.ID, "search-summary").text
    match = re.search(r"(\d+) träffar för ”" + re.escape(query) + "”", summary)
    assert match, f"#search-summary does not tell the number of hits: {summary!r}"
    return int(match.group(1))


# --- the server itself ---------------------------------------------------------------------------

def test_server_sends_strict_csp(base_url):
    with urlopen(base_url + "/sok/", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Security-Policy"] == CSP
        assert b'id="search-results"' in response.read()


# --- static checks over every built page ---------------------------------------------------------

class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.header_depth = 0
        self.search_inputs = []  # (attrs) of the search box (<input data-search-input>) inside <header>
        self.labels_for = set()  # label[for] inside <header>
        self.inline_scripts = 0
        self.inline_handlers = []
        self._script_inline = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self.header_depth += 1
        if self.header_depth:
            if tag == "input" and "data-search-input" in attrs:
                self.search_inputs.append(attrs)
            if tag == "label" and attrs.get("for"):
                self.labels_for.add(attrs["for"])
        if tag == "script" and "src" not in attrs and attrs.get("type") not in ("application/ld+json", "application/json"):
            self.inline_scripts += 1
        if tag == "style":
            self.inline_handlers.append("<style> element")
        # Nothing is loaded from another host: no third-party scripts, styles, fonts, images or frames.
        for name in ("src", "srcset", "data", "poster") + (("href",) if tag == "link" and attrs.get("rel") != "canonical" and attrs.get("rel") != "alternate" else ()):
            value = (attrs.get(name) or "").strip().lower()
            if value.startswith(("http:", "https:", "//")):
                self.inline_handlers.append(f"<{tag} {name}={value[:40]}> loads from another host")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style" or (value or "").strip().lower().startswith("javascript:"):
                self.inline_handlers.append(f"<{tag} {name}=…>")

    def handle_endtag(self, tag):
        if tag == "header" and self.header_depth:
            self.header_depth -= 1


def test_every_page_has_a_labelled_search_box_and_no_inline_script(site_dir):
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 1
    problems = []
    for page in pages:
        scan = PageScan()
        scan.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(site_dir).as_posix()
        if len(scan.search_inputs) != 1:
            problems.append(f"{name}: {len(scan.search_inputs)} search boxes (<input data-search-input>) in <header>")
        elif scan.search_inputs[0].get("id") not in scan.labels_for:
            problems.append(f"{name}: the header search box has no <label for>")
        if scan.inline_scripts:
            problems.append(f"{name}: {scan.inline_scripts} inline <script>")
        if scan.inline_handlers:
            problems.append(f"{name}: inline handlers/styles {scan.inline_handlers[:3]}")
    assert not problems, "\n".join(problems)


# --- (a) the header search box -------------------------------------------------------------------

@pytest.mark.parametrize("which", ["home", "regelverk"])
def test_header_search_box_is_a_labelled_search_input(driver, base_url, site_dir, which):
    path = "/" if which == "home" else regelverk_page(site_dir)
    box = open_page(driver, base_url, path)
    assert box.tag_name == "input"
    # A text box, as in the WAI-ARIA APG combobox: the Nu HTML Checker 26 refuses role=combobox on type=search.
    # enterkeyhint gives phones the search key that type=search gave; the form is the search landmark.
    assert box.get_attribute("type") == "text"
    assert box.get_attribute("enterkeyhint") == "search"
    assert box.get_attribute("name") == "q"
    form = driver.find_element(By.CSS_SELECTOR, "header form.site-search")
    assert form.get_attribute("role") == "search"
    assert urlparse(form.get_property("action")).path == "/sok/"
    labels = driver.execute_script(
        "return Array.from(arguments[0].labels || []).map((label) => label.textContent.trim())", box
    )
    assert labels and labels[0], "the search box has no associated <label>"
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']")
    assert label.text.strip() == labels[0]
    assert box.accessible_name.strip() == labels[0]
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-controls") == "sok-forslag"


# --- (b) search as you type ----------------------------------------------------------------------

def test_typing_shows_suggestions_and_announces_them(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    options = wait_for_suggestions(driver)
    wait(driver).until(lambda d: search_box(d).get_attribute("aria-expanded") == "true")
    listbox = driver.find_element(By.ID, "sok-forslag")
    assert listbox.get_attribute("role") == "listbox"
    assert listbox.is_displayed()
    for option in options:
        assert option.get_attribute("aria-selected") == "false"
        link = option.find_element(By.TAG_NAME, "a")
        assert link.get_attribute("href").startswith(base_url + "/")
        assert link.text.strip()
    status = driver.find_element(*STATUS)
    assert status.get_attribute("aria-live") in ("polite", "assertive")
    wait(driver).until(lambda d: re.match(r"\d+ förslag", d.find_element(*STATUS).get_attribute("textContent")))
    announced = int(re.match(r"(\d+)", status.get_attribute("textContent")).group(1))
    assert announced == len(driver.find_elements(*OPTIONS)) >= 1


# --- (c) keyboard only ---------------------------------------------------------------------------

def test_keyboard_only_arrow_down_and_enter_opens_the_suggestion(driver, base_url, site_dir):
    open_page(driver, base_url, regelverk_page(site_dir))
    keyboard = ActionChains(driver)
    # Reach the box with Tab from the top of the page, like a keyboard user.
    driver.execute_script("if (document.activeElement) document.activeElement.blur()")
    for _ in range(60):
        if active_element_id(driver) == "sok-falt":
            break
        ActionChains(driver).send_keys(Keys.TAB).perform()
    assert active_element_id(driver) == "sok-falt", "the search box cannot be reached with Tab"

    keyboard.send_keys(QUERY).perform()
    wait_for_suggestions(driver)
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    first = driver.find_elements(*OPTIONS)[0]
    wait(driver).until(lambda d: first.get_attribute("aria-selected") == "true", "ArrowDown did not select")
    box = search_box(driver)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("id")
    assert all(option.get_attribute("aria-selected") == "false" for option in driver.find_elements(*OPTIONS)[1:])
    assert active_element_id(driver) == "sok-falt", "focus must stay in the box"

    target = first.find_element(By.TAG_NAME, "a").get_attribute("href")
    assert target.startswith(base_url + "/")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait(driver).until(EC.url_to_be(target), f"Enter did not open {target}")
    assert page_path_exists(site_dir, urlparse(target).path), target
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.find_element(By.TAG_NAME, "h1").text.strip()


def test_arrow_keys_move_and_arrow_up_returns_to_the_box(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    options = wait_for_suggestions(driver)
    if len(options) < 2:
        pytest.skip("needs two suggestions")
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    wait(driver).until(lambda d: d.find_elements(*OPTIONS)[1].get_attribute("aria-selected") == "true")
    assert driver.find_elements(*OPTIONS)[0].get_attribute("aria-selected") == "false"
    assert box.get_attribute("aria-activedescendant") == driver.find_elements(*OPTIONS)[1].get_attribute("id")
    box.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
    wait(driver).until(lambda d: search_box(d).get_attribute("aria-activedescendant") is None)
    assert all(option.get_attribute("aria-selected") == "false" for option in driver.find_elements(*OPTIONS))


# --- (d) Enter without a selected suggestion goes to /sok/ ---------------------------------------

def test_enter_goes_to_the_results_page(driver, base_url, site_dir):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    wait_for_suggestions(driver)  # the list is open, but nothing is selected
    assert box.get_attribute("aria-activedescendant") is None
    box.send_keys(Keys.ENTER)
    links = wait_for_results_page(driver, base_url, QUERY)

    first = urlparse(links[0].get_attribute("href"))
    assert f"{first.scheme}://{first.netloc}" == base_url, "the first result is not on the site"
    assert first.path != "/sok/"
    assert page_path_exists(site_dir, first.path), f"the first result {first.path} is not a built page"
    assert links[0].text.strip()

    items = driver.find_elements(By.CSS_SELECTOR, "#search-results li")
    count = summary_count(driver, QUERY)
    assert count == len(items) >= 1
    assert driver.find_element(By.ID, "search-summary").get_attribute("aria-live") in ("polite", "assertive")
    assert search_box(driver).get_attribute("value") == QUERY, "the header box on /sok/ keeps the query"


def test_results_page_opened_directly(driver, base_url):
    open_page(driver, base_url, "/sok/?q=" + QUERY)
    links = wait_for_results_page(driver, base_url, QUERY)
    assert summary_count(driver, QUERY) == len(driver.find_elements(By.CSS_SELECTOR, "#search-results li"))
    assert len(links) >= 1


# --- (e) a typo still finds -----------------------------------------------------------------------

def test_typo_still_gives_results(driver, base_url, site_dir):
    box = open_page(driver, base_url, regelverk_page(site_dir))
    box.send_keys(TYPO, Keys.ENTER)
    links = wait_for_results_page(driver, base_url, TYPO)
    assert summary_count(driver, TYPO) >= 1
    first = urlparse(links[0].get_attribute("href"))
    assert page_path_exists(site_dir, first.path), first.path
    text = driver.find_element(By.ID, "search-results").text.lower()
    assert "ompröv" in text, "the typo's results do not mention omprövning"


# --- (f) Escape closes the suggestions -----------------------------------------------------------

def test_escape_closes_the_suggestions(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    wait_for_suggestions(driver)
    box.send_keys(Keys.ARROW_DOWN)
    wait(driver).until(lambda d: search_box(d).get_attribute("aria-activedescendant"))
    box.send_keys(Keys.ESCAPE)
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "sok-forslag")), "Escape did not close the list")
    box = search_box(driver)
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-activedescendant") is None
    assert driver.find_elements(*OPTIONS) == []
    assert active_element_id(driver) == "sok-falt", "focus must stay in the box"


def test_escape_keeps_the_typed_text_while_closing(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    wait_for_suggestions(driver)
    box.send_keys(Keys.ESCAPE)
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "sok-forslag")))
    assert search_box(driver).get_attribute("value") == QUERY


def test_a_second_escape_empties_the_box(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys(QUERY)
    wait_for_suggestions(driver)
    box.send_keys(Keys.ESCAPE)
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "sok-forslag")))
    box.send_keys(Keys.ESCAPE)
    wait(driver).until(lambda d: search_box(d).get_attribute("value") == "", "the second Escape did not empty the box")
    assert search_box(driver).get_attribute("aria-expanded") == "false"
    assert active_element_id(driver) == "sok-falt", "focus must stay in the box"


# --- robustness ----------------------------------------------------------------------------------

def test_no_hits_are_announced(driver, base_url):
    box = open_page(driver, base_url, "/")
    box.send_keys("qqxxzzqq")
    wait(driver).until(lambda d: d.find_element(*STATUS).get_attribute("textContent") == "Inga träffar. Tryck Enter för förslag.")
    assert search_box(driver).get_attribute("aria-expanded") == "false"
    assert not driver.find_element(By.ID, "sok-forslag").is_displayed()


def test_query_is_shown_as_text_not_markup(driver, base_url):
    query = '<img src=x id=injected>"ompröv'
    box = open_page(driver, base_url, "/")
    box.send_keys(query, Keys.ENTER)
    wait(driver).until(lambda d: urlparse(d.current_url).path == "/sok/")
    assert parse_qs(urlparse(driver.current_url).query).get("q") == [query]
    wait(driver).until(lambda d: "”" in d.find_element(By.ID, "search-summary").text)
    assert query in driver.find_element(By.ID, "search-summary").text
    assert driver.find_elements(By.ID, "injected") == []
    assert driver.find_elements(By.CSS_SELECTOR, "#search-summary *, main img") == []


# --- no dead ends: partial matches and the help when nothing is found -----------------------------

def open_results(driver, base_url, query, scheme="light"):
    set_color_scheme(driver, scheme)
    driver.get(f"{base_url}/sok/?q={quote(query)}")
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    wait(driver).until(lambda d: "”" in d.find_element(By.ID, "search-summary").text, "the results page did not answer")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_zero_results_offer_did_you_mean_the_faq_categories_and_the_glossary(driver, base_url, site_dir, scheme):
    open_results(driver, base_url, ZERO, scheme)
    assert driver.find_element(By.ID, "search-summary").text == f"Inga träffar för ”{ZERO}”."
    wait(driver).until(EC.visibility_of_element_located((By.ID, "search-help")), "no help after zero results")
    did_you_mean = wait(driver).until(EC.visibility_of_element_located((By.ID, "search-did-you-mean")))
    assert did_you_mean.text == "Menade du kommuniceringsbrev?"
    suggestion = did_you_mean.find_element(By.TAG_NAME, "a")
    assert parse_qs(urlparse(suggestion.get_attribute("href")).query) == {"q": ["kommuniceringsbrev"]}

    links = driver.find_elements(By.CSS_SELECTOR, "#search-help a")
    faq = [link for link in links if urlparse(link.get_attribute("href")).path == "/faq/"]
    faq_page = (site_dir / "faq" / "index.html").read_text(encoding="utf-8")
    assert len(faq) >= 3, [link.text for link in links]
    for link in faq:
        anchor = urlparse(link.get_attribute("href")).fragment
        assert anchor and f'id="{anchor}"' in faq_page, f"{link.text} → #{anchor} is not on /faq/"
        assert link.text.strip()
    assert [urlparse(link.get_attribute("href")).path for link in links][-1] == "/ordlista/", "the glossary"

    check_with_axe(driver, f"/sok/?q={ZERO}", f"search: zero results ({scheme})")

    suggestion.click()
    links = wait_for_results_page(driver, base_url, "kommuniceringsbrev")
    assert links and not driver.find_element(By.ID, "search-help").is_displayed()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_with_some_of_the_words_come_with_a_notice(driver, base_url, scheme):
    open_results(driver, base_url, PARTIAL, scheme)
    notice = wait(driver).until(EC.visibility_of_element_located((By.ID, "search-partial-notice")))
    assert notice.text == PARTIAL_NOTICE
    assert driver.find_element(By.ID, "search-summary").text == f"Inga träffar med alla orden i ”{PARTIAL}”."
    following = driver.find_elements(By.CSS_SELECTOR, "#search-partial-notice + ol.search-results > li")
    assert following, "no pages after the notice"
    assert not driver.find_element(By.ID, "search-help").is_displayed()
    check_with_axe(driver, f"/sok/?q={PARTIAL}", f"search: partial matches ({scheme})")


def test_only_the_matched_words_are_marked(driver, base_url):
    open_results(driver, base_url, "brev dra in sjukpenning")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results mark"))
    marked = [mark.text.lower() for mark in driver.find_elements(By.CSS_SELECTOR, "#search-results mark")]
    for word in marked:
        assert word not in ("inte", "innan", "omprövning"), marked
    assert any(word.startswith("sjukpenning") for word in marked), marked
