"""The answer on the first screen, for staff with a patient waiting: measured in Chromium on a phone (390 × 844)
and a desktop (1280 × 900). The first body text of every fact page, and the most-asked questions on the home and
FAQ pages, must start within the first 844 px; the table of contents is collapsed on phones and open on wide
screens; the header is compact and its menu opens without script; Tab reaches the search box before the menu;
wide tables keep their row names in view; the glossary has A–Ö links, an anchor per term and links to pages.

Run: LATHUND_E2E_SITE=/path/to/built/site python3 -m pytest Tests/e2e -q   (see README.md)
"""

import re
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from axe_check import check_with_axe
from conftest import REPO, SCREENSHOTS, SITE

PHONE = (390, 844)
DESKTOP = (1280, 900)
WAIT = 10


def wait(driver):
    return WebDriverWait(driver, WAIT, poll_frequency=0.05)


def shown(driver, elements):
    """Whether the browser renders each element (Element.checkVisibility). Selenium's own is_displayed() treats
    everything inside a closed <details> as hidden, also where the stylesheet shows it (wide screens)."""
    return driver.execute_script("return arguments[0].map((e) => e.checkVisibility())", elements)


def open_at(driver, base_url, path, size):
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.get(base_url + path)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


@pytest.fixture
def screen(driver):
    """The shared browser; the emulated screen size and script setting are reset after the test."""
    yield driver
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def site_path(index_html):
    return "/" + index_html.parent.relative_to(SITE).as_posix() + "/" if index_html.parent != SITE else "/"


def fact_pages():
    """Every built page with body text from content/, except the two that lead with questions instead."""
    pages = []
    for index_html in sorted(SITE.glob("*/**/index.html")) if SITE.is_dir() else []:
        text = index_html.read_text(encoding="utf-8")
        path = site_path(index_html)
        if '<div class="content">' in text and path not in ("/", "/faq/"):
            pages.append(path)
    return pages


FIRST_TEXT = """
const blocks = [...document.querySelectorAll('main article .content :is(p, li, td, dd)')]
  .filter((e) => e.textContent.trim() && e.getClientRects().length);
const first = blocks[0];
if (!first) return null;
const rect = first.getBoundingClientRect();
const line = parseFloat(getComputedStyle(first).lineHeight) || 24;
return {top: Math.round(rect.top + scrollY), firstLineBottom: Math.round(rect.top + scrollY + line),
        text: first.textContent.trim().slice(0, 60)};
"""


# --- the first screen ------------------------------------------------------------------------------

def test_the_checked_fact_pages_cover_every_section():
    pages = fact_pages()
    for section in ("regelverk", "dfa", "kommunicering", "rapporter", "faq"):
        assert any(p.startswith(f"/{section}/") and p != f"/{section}/" for p in pages), f"no {section} page in {pages}"
    for named in ("/regelverk/graviditet/", "/regelverk/sgi/", "/regelverk/rehabiliteringskedjan/", "/dfa/fk7804/"):
        assert named in pages


def test_every_fact_page_shows_its_first_body_text_on_the_first_phone_screen(screen, base_url):
    """At 390 × 844 the first line of the body's first paragraph, list item or table cell ends within 844 px."""
    positions, late = {}, []
    for path in fact_pages():
        open_at(screen, base_url, path, PHONE)
        found = screen.execute_script(FIRST_TEXT)
        assert found, f"{path}: no body text found"
        positions[path] = found["top"]
        if found["firstLineBottom"] > PHONE[1]:
            late.append(f"{path}: first text at {found['top']} px ({found['text']!r})")
    print("first body text at 390 × 844:", {p: positions[p] for p in ("/regelverk/graviditet/", "/regelverk/sgi/",
                                                                        "/regelverk/rehabiliteringskedjan/", "/dfa/fk7804/")})
    assert not late, "the first body text is below the first phone screen:\n" + "\n".join(late)


def most_asked(driver):
    return driver.execute_script("""
        const list = document.querySelector('main .most-asked');
        if (!list) return null;
        const links = [...list.querySelectorAll('li a')];
        const content = document.querySelector('main .content');
        return {questions: links.map((a) => a.textContent.trim()), hrefs: links.map((a) => new URL(a.href).pathname),
                firstBottom: Math.round(links[0].getBoundingClientRect().bottom + scrollY),
                beforeContent: !content || !!(list.compareDocumentPosition(content) & Node.DOCUMENT_POSITION_FOLLOWING)};""")


def test_home_and_faq_pages_lead_with_the_most_asked_questions(screen, base_url, site_dir):
    lists = {}
    for path in ("/", "/faq/"):
        open_at(screen, base_url, path, PHONE)
        found = most_asked(screen)
        assert found and len(found["questions"]) >= 5, f"{path} has no list of the most-asked questions"
        assert found["firstBottom"] <= PHONE[1], f"{path}: the first question ends at {found['firstBottom']} px"
        assert found["beforeContent"], f"{path}: the questions come after the page's text"
        lists[path] = found
    assert lists["/"]["questions"] == lists["/faq/"]["questions"]
    for href in lists["/"]["hrefs"]:
        assert (site_dir / href.strip("/") / "index.html").is_file(), href


def test_the_home_page_lists_the_sections_once(screen, base_url):
    """Only one list or table in the home page's main content links to several sections (there were two)."""
    open_at(screen, base_url, "/", DESKTOP)
    lists = screen.execute_script("""
        const sections = new Set([...document.querySelectorAll('header nav a')].map((a) => a.href));
        return [...document.querySelectorAll('main :is(ul, ol, table)')]
          .map((list) => [list.tagName, new Set([...list.querySelectorAll('a')].map((a) => a.href)
                                                   .filter((href) => sections.has(href))).size])
          .filter(([, count]) => count >= 3);""")
    assert len(lists) == 1, f"lists of sections on the home page: {lists}"


# --- section pages and the menu's words ------------------------------------------------------------

SECTIONS = ("regelverk", "dfa", "kommunicering", "rapporter", "faq")


def pages_of(section):
    """The section's pages, from the built site: /SECTION/NAME/ for every SECTION/NAME/index.html."""
    return sorted(f"/{section}/{index_html.parent.name}/" for index_html in (SITE / section).glob("*/index.html"))


def links_in(index_html):
    return set(re.findall(r'href="(/[^"#?]*)', index_html.read_text(encoding="utf-8")))


@pytest.mark.parametrize("section", SECTIONS)
def test_every_fact_page_is_linked_from_its_section_page(section):
    """The home page links sections and the most-asked questions, not fact pages: a page is found from its section
    page (and from search, Tests/js/reachable.test.mjs)."""
    pages = pages_of(section)
    assert len(pages) >= 5, f"{section}: {pages}"
    missing = [page for page in pages if page not in links_in(SITE / section / "index.html")]
    assert not missing, f"/{section}/ does not link: {missing}"


SECTION_LISTS = """
const pages = new Set(arguments[0].map((path) => new URL(path, location.href).href));
return [...document.querySelectorAll('main article :is(ul, ol, table)')]
  .map((list) => ({where: list.closest('.section-pages') ? 'Sidor i avsnittet' : list.closest('.content') ? 'text' : 'layout',
                   tag: list.tagName,
                   count: new Set([...list.querySelectorAll('a')].map((a) => a.href).filter((href) => pages.has(href))).size}))
  .filter((list) => list.count >= 3);
"""


SECTION_PAGE_LINKS = """
const pages = new Set(arguments[0].map((path) => new URL(path, location.href).href));
return [...document.querySelectorAll('main article .section-pages a')].map((a) => a.href).filter((href) => pages.has(href))
  .map((href) => new URL(href).pathname);
"""


@pytest.mark.parametrize("section", ["regelverk", "dfa", "kommunicering", "rapporter"])
def test_a_section_page_lists_its_pages_once(screen, base_url, section):
    """The layout's "Sidor i avsnittet" lists every page of the section once (in one list, under group headings or
    in the reports' table); the text has no second, hand-kept list (issue 20 gave the section texts one, so the
    pages were listed twice)."""
    pages = pages_of(section)
    open_at(screen, base_url, f"/{section}/", PHONE)
    lists = screen.execute_script(SECTION_LISTS, pages)
    assert lists and all(entry["where"] == "Sidor i avsnittet" for entry in lists), lists
    assert sorted(screen.execute_script(SECTION_PAGE_LINKS, pages)) == pages


def front_matter(path):
    """The simple `key: value` lines of a content file's front matter (quotes removed)."""
    text = (REPO / "content" / path).read_text(encoding="utf-8").split("---\n")[1]
    return {key: value.strip().strip('"') for key, value in re.findall(r"^([a-z_]+):[ ]*(.*)$", text, re.M)}


def test_regelverk_lists_its_pages_under_their_group_headings(screen, base_url):
    """The 25 rule pages are easier to scan under three headings (`group:` in each page's front matter, restored
    after aeeeea8 removed the hand-kept list that had them): each page stands under its own group's heading."""
    open_at(screen, base_url, "/regelverk/", DESKTOP)
    groups = screen.execute_script("""
        return [...document.querySelectorAll('main .section-pages h3')].map((h) => ({title: h.textContent.trim(),
          pages: [...h.nextElementSibling.querySelectorAll('a')].map((a) => new URL(a.href).pathname)}));""")
    assert [group["title"] for group in groups] == ["Grunderna", "Särskilda situationer", "Samverkan och utredning"]
    for group in groups:
        for path in group["pages"]:
            assert front_matter(f"{path.strip('/')}.md").get("group") == group["title"], (path, group["title"])
    assert sorted(path for group in groups for path in group["pages"]) == pages_of("regelverk")


def test_rapporter_compares_the_reports_in_one_table(screen, base_url):
    """/rapporter/ lists the reports in a table that compares region, period, kind, budget and status, from each
    report's own front matter (restored after aeeeea8 removed the hand-kept table)."""
    open_at(screen, base_url, "/rapporter/", DESKTOP)
    rows = screen.execute_script("""
        return [...document.querySelectorAll('main .section-pages table tbody tr')].map((tr) =>
          [new URL(tr.querySelector('th a').href).pathname, ...[...tr.querySelectorAll('td')].map((td) => td.textContent.trim())]);""")
    headers = screen.execute_script(
        "return [...document.querySelectorAll('main .section-pages table thead th')].map((th) => th.textContent.trim());")
    assert headers == ["Rapport", "Region", "Period", "Typ", "Budget", "Läge"]
    assert sorted(row[0] for row in rows) == pages_of("rapporter")
    for path, region, period, kind, budget, status in rows:
        fields = front_matter(f"{path.strip('/')}.md")
        assert [region, period, kind, status] == [fields["region"], fields["period"], fields["kind"], fields["status"]], path
        expected = f"{int(fields['budget_sek']):,}".replace(",", "\u00a0") + "\u00a0kr" if "budget_sek" in fields else "anges inte"
        assert budget == expected, path


MENU_LINKS = """
return [...document.querySelectorAll('header .site-menu .menu a')]
  .map((a) => ({text: a.textContent.trim(), path: new URL(a.href).pathname}));
"""


def test_each_section_has_one_name_in_the_menu_its_title_and_the_breadcrumbs(screen, base_url):
    """The menu's words (lathund.yml, chosen for staff) are the section's title, its <title> and the breadcrumb
    on its pages: staff see one name for each part of the site."""
    open_at(screen, base_url, "/", DESKTOP)
    menu = screen.execute_script(MENU_LINKS)
    assert len(menu) >= 5
    for item in menu:
        open_at(screen, base_url, item["path"], DESKTOP)
        title = screen.find_element(By.CSS_SELECTOR, "main h1").text.strip()
        assert title == item["text"], f"{item['path']}: the menu says {item['text']!r}, the page's title {title!r}"
        assert screen.title.startswith(item["text"] + " – "), screen.title
        below = sorted((SITE / item["path"].strip("/")).glob("*/index.html"))
        if not below:
            continue
        open_at(screen, base_url, site_path(below[0]), DESKTOP)
        crumbs = screen.execute_script("""
            return [...document.querySelectorAll('nav.breadcrumbs a')]
              .map((a) => ({text: a.textContent.trim(), path: new URL(a.href).pathname}));""")
        assert {"text": item["text"], "path": item["path"]} in crumbs, f"{site_path(below[0])}: {crumbs}"


# --- table of contents -----------------------------------------------------------------------------

TOC_STATE = """
const toc = document.querySelector('main .toc');
if (!toc) return null;
const details = toc.querySelector('details');
const list = toc.querySelector('ol');
const firstContent = document.querySelector('main article .content');
return {open: details.open, listShown: list.checkVisibility(), summaryShown: toc.querySelector('summary').checkVisibility(),
        afterOpening: !!(firstContent.compareDocumentPosition(toc) & Node.DOCUMENT_POSITION_FOLLOWING),
        openingHeading: firstContent.querySelector('h2') ? firstContent.querySelector('h2').textContent.trim() : null,
        height: Math.round(toc.getBoundingClientRect().height)};
"""


@pytest.mark.parametrize("path", ["/regelverk/sgi/", "/dfa/fk7804/"])
def test_table_of_contents_follows_the_summary_collapsed_on_phones_and_open_on_wide_screens(screen, base_url, path):
    open_at(screen, base_url, path, PHONE)
    state = screen.execute_script(TOC_STATE)
    assert state, f"{path} has no table of contents"
    assert state["afterOpening"] and state["openingHeading"] == "Det viktigaste"
    assert not state["open"] and not state["listShown"] and state["summaryShown"]
    assert state["height"] <= 60, f"the collapsed table of contents is {state['height']} px tall"
    screen.find_element(By.CSS_SELECTOR, "main .toc summary").click()
    assert screen.execute_script(TOC_STATE)["listShown"], "the summary does not open the table of contents"
    open_at(screen, base_url, path, DESKTOP)
    state = screen.execute_script(TOC_STATE)
    assert state["listShown"] and not state["summaryShown"], "the table of contents should be open on a wide screen"
    links = screen.find_elements(By.CSS_SELECTOR, "main .toc a")
    assert links and all(shown(screen, links))
    texts = screen.execute_script("return arguments[0].map((a) => a.textContent.trim())", links)
    assert "Det viktigaste" not in texts, "the summary above is not listed again"


def test_numbered_headings_are_not_numbered_again_in_the_table_of_contents(screen, base_url):
    open_at(screen, base_url, "/dfa/fk7804/", DESKTOP)
    items = screen.execute_script("""
        return [...document.querySelectorAll('main .toc li')].map((li) => ({
          text: li.querySelector('a').textContent.trim(), marker: getComputedStyle(li).listStyleType}));""")
    numbered = [item for item in items if re.match(r"\d+\.\s", item["text"])]
    assert numbered, "the test page should have headings that carry their own numbers"
    assert all(item["marker"] == "none" for item in numbered), numbered


# --- header, menu and Tab order --------------------------------------------------------------------

MENU = (By.CSS_SELECTOR, "header .site-menu .menu a")


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_phone_menu_opens_without_script_and_the_header_stays_compact(screen, base_url, script):
    screen.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not script})
    open_at(screen, base_url, "/regelverk/sgi/", PHONE)
    header = screen.find_element(By.CSS_SELECTOR, "body > header")
    assert header.rect["height"] <= 130, f"the header is {header.rect['height']} px tall on a phone"
    name = screen.find_element(By.CSS_SELECTOR, ".site-name").rect
    search = screen.find_element(By.CSS_SELECTOR, "header input[name=q]")
    assert search.is_displayed() and search.rect["y"] + search.rect["height"] <= 130
    # The label is read out but not shown on a phone; the box shows an example instead.
    assert search.accessible_name == "Sök i kunskapsbanken" and search.get_attribute("placeholder")
    summary = screen.find_element(By.CSS_SELECTOR, "header .site-menu summary")
    assert summary.text == "Meny" and abs(summary.rect["y"] - name["y"]) < 20, "the menu button sits beside the site name"
    assert not any(shown(screen, screen.find_elements(*MENU)))
    summary.click()
    links = screen.find_elements(*MENU)
    assert links and all(shown(screen, links))
    labels = [link.text for link in links]
    assert "Brev från FK (kommunicering)" in labels and "Kommunicering" not in labels
    target = urlparse(links[0].get_attribute("href")).path
    links[0].click()
    wait(screen).until(lambda d: urlparse(d.current_url).path == target)


def test_wide_screens_show_the_menu_links_without_a_button(screen, base_url):
    open_at(screen, base_url, "/regelverk/sgi/", DESKTOP)
    assert not any(shown(screen, screen.find_elements(By.CSS_SELECTOR, "header .site-menu summary")))
    links = screen.find_elements(*MENU)
    assert links and all(shown(screen, links))
    rows = {round(link.rect["y"]) for link in links}
    assert len(rows) <= 2, f"the menu takes {len(rows)} rows"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_tab_reaches_the_search_box_before_the_menu(screen, base_url, size):
    open_at(screen, base_url, "/", size)
    screen.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    visited = []
    for _ in range(10):
        element = screen.switch_to.active_element
        visited.append(element.get_attribute("outerHTML")[:70])
        if element.get_attribute("name") == "q":
            break
        element.send_keys(Keys.TAB)
    else:
        pytest.fail("10 Tabs did not reach the search box:\n" + "\n".join(visited))
    assert len(visited) <= 3, "skip link, site name, then the search box:\n" + "\n".join(visited)
    assert not any("menu" in step or "<summary" in step for step in visited)


# --- wide tables -----------------------------------------------------------------------------------

ROW_HEADER_IN_VIEW = """
const [region, label] = arguments;
const row = [...region.querySelectorAll('tbody tr')].find((tr) => tr.textContent.includes(label));
const header = row.firstElementChild;
const box = region.getBoundingClientRect(), cell = header.getBoundingClientRect();
const x = cell.left + Math.min(20, cell.width / 2), y = cell.top + cell.height / 2;
const hit = document.elementFromPoint(x, y);
return {scrollable: region.scrollWidth > region.clientWidth + 20, scrolled: region.scrollLeft,
        end: region.scrollWidth - region.clientWidth,
        inside: cell.left >= box.left - 1 && cell.right <= box.right + 1, onTop: header === hit || header.contains(hit),
        text: header.textContent.trim()};
"""


@pytest.mark.parametrize("path,label", [("/statistik/villkor-1-och-2-2018/", "Jämtlands län"),
                                        ("/regelverk/omprovning-overklagande/", "Överklagande")])
def test_a_wide_table_keeps_its_row_names_in_view_when_scrolled_sideways(screen, base_url, path, label):
    open_at(screen, base_url, path, PHONE)
    region = screen.find_element(By.CSS_SELECTOR, "main .table-scroll")
    screen.execute_script("arguments[0].scrollIntoView({block: 'center'})", region)
    before = screen.execute_script(ROW_HEADER_IN_VIEW, region, label)
    assert before["scrollable"], f"the table on {path} fits the phone; pick a wider one for this test"
    # Swipe with the keyboard, as a keyboard user would: the region takes focus and scrolls with arrow keys.
    region.click()
    for _ in range(40):
        region.send_keys(Keys.ARROW_RIGHT)
    after = screen.execute_script(ROW_HEADER_IN_VIEW, region, label)
    assert after["scrolled"] >= after["end"] - 1, f"the table did not scroll to its end: {after}"
    assert after["inside"] and after["onTop"], f"the row name {label!r} left the view: {after}"
    assert after["text"].startswith(label.split()[0])
    # Still a table to a screen reader, with the row name as its row header where the engine marks one.
    table = region.find_element(By.TAG_NAME, "table")
    assert table.aria_role == "table"
    if path.startswith("/statistik/"):
        assert region.find_element(By.XPATH, f".//th[@scope='row'][contains(., '{label}')]").aria_role == "rowheader"


# --- glossary --------------------------------------------------------------------------------------

def test_glossary_letters_jump_to_their_terms_and_terms_have_anchors(screen, base_url, site_dir):
    open_at(screen, base_url, "/ordlista/", PHONE)
    letters = screen.find_elements(By.CSS_SELECTOR, "main .letter-nav a")
    names = [link.text for link in letters]
    assert len(names) >= 10 and names == sorted(names, key="ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ".index)
    letters[names.index("S")].click()
    wait(screen).until(lambda d: urlparse(d.current_url).fragment == "bokstav_s")
    heading = screen.find_element(By.ID, "bokstav_s")
    assert 0 <= heading.rect["y"] - screen.execute_script("return scrollY") < 100, "the letter S is not at the top"
    terms = screen.find_elements(By.CSS_SELECTOR, ".glossary-letter:has(#bokstav_s) dt")
    assert terms and all(term.text.upper().startswith("S") for term in terms)
    # Every term has an anchor; /ordlista/#afu opens at the term.
    ids = screen.execute_script("return [...document.querySelectorAll('main dl.terms dt')].map((dt) => dt.id)")
    assert all(ids) and len(ids) == len(set(ids))
    open_at(screen, base_url, "/ordlista/#afu", PHONE)
    term = screen.find_element(By.ID, "afu")
    top = term.rect["y"] - screen.execute_script("return scrollY")
    assert term.text.startswith("AFU") and 0 <= top < 100


def test_glossary_terms_link_to_their_pages(screen, base_url, site_dir):
    open_at(screen, base_url, "/ordlista/", DESKTOP)
    links = screen.execute_script("""
        return [...document.querySelectorAll('main dl.terms dd a')].map((a) => ({
          term: a.closest('dd').previousElementSibling.id, href: new URL(a.href).pathname, text: a.textContent.trim()}));""")
    assert len(links) >= 10
    by_term = {link["term"]: link for link in links}
    assert by_term["afu"]["href"] == "/regelverk/afu/" and by_term["afu"]["text"].startswith("Läs mer")
    for link in links:
        assert (site_dir / link["href"].strip("/") / "index.html").is_file(), link
    screen.find_element(By.CSS_SELECTOR, "#afu + dd a").click()
    wait(screen).until(lambda d: urlparse(d.current_url).path == "/regelverk/afu/")


# --- axe at phone width, and screenshots of the first screen ------------------------------------------

@pytest.mark.parametrize("path", ["/", "/regelverk/sgi/", "/faq/", "/statistik/villkor-1-och-2-2018/", "/ordlista/"])
def test_axe_finds_nothing_moderate_or_unreviewed_on_a_phone(screen, base_url, path):
    open_at(screen, base_url, path, PHONE)
    check_with_axe(screen, path, f"{path} (phone)")


FIRST_SCREENS = {"home": "/", "regelverk": "/regelverk/sgi/", "faq": "/faq/",
                 "dataset": "/statistik/villkor-1-och-2-2018/"}


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_first_screen_screenshots(screen, base_url, size):
    """What each key page shows before any scrolling, in Tests/e2e/screenshots/first-screen/ (ignored by git;
    reviewed copies are in docs/screenshots/)."""
    folder = SCREENSHOTS / "first-screen"
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in FIRST_SCREENS.items():
        open_at(screen, base_url, path, size)
        overflow = screen.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size[0]}px"
        assert screen.save_screenshot(str(folder / f"{name}-{size[0]}.png"))
