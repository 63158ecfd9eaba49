// search-ui.js — the search box in every page's header and the results on /sok/.
// No framework, no inline script: this module is loaded with <script type="module">.
import { createSearch, words } from "./search.js";

const siteRoot = new URL("../", import.meta.url);
const SUGGESTIONS = 8;
const RESULTS = 30;
const PARTIAL_NOTICE = "Inga sidor innehåller alla orden. Sidor med några av dem:";

let searchPromise = null;
function getSearch() {
  if (!searchPromise) {
    searchPromise = createSearch({
      load: (path) => fetch(new URL(path, siteRoot)).then((response) => {
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return response.json();
      }),
    });
  }
  return searchPromise;
}

/** Text with the words the search matched (`ranges`: [start, end) pairs) marked, built as DOM nodes (never
 *  innerHTML). */
function highlighted(text, ranges) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of ranges) {
    fragment.append(text.slice(last, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    fragment.append(mark);
    last = end;
  }
  fragment.append(text.slice(last));
  return fragment;
}

/** The address of the results page for `query`. */
function resultsURL(query) {
  const url = new URL("sok/", siteRoot);
  url.searchParams.set("q", query);
  return url.pathname + url.search;
}

function setUpBox(form) {
  const input = form.querySelector("[data-search-input]");
  const list = form.querySelector(".search-suggestions");
  const status = form.querySelector("[aria-live]");
  let active = -1;
  let current = [];
  let sequence = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
    current = [];
  }

  function activate(index) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  async function update() {
    const query = input.value;
    const mine = ++sequence;
    if (words(query).length === 0) {
      close();
      status.textContent = "";
      return;
    }
    const results = await (await getSearch()).search(query, SUGGESTIONS);
    if (mine !== sequence) return;
    current = results;
    list.replaceChildren();
    results.forEach((result, i) => {
      const item = document.createElement("li");
      item.id = `sok-forslag-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const link = document.createElement("a");
      link.href = result.url;
      link.tabIndex = -1;
      const title = document.createElement("span");
      title.className = "suggestion-title";
      title.append(highlighted(result.title, result.marks.title));
      const excerpt = document.createElement("span");
      excerpt.className = "suggestion-excerpt";
      excerpt.append(highlighted(result.excerpt, result.marks.excerpt));
      link.append(title, excerpt);
      item.append(link);
      list.append(item);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length > 0 ? "true" : "false");
    active = -1;
    const partial = results.length > 0 && results[0].partial;
    status.textContent = results.length === 0
      ? "Inga träffar. Tryck Enter för förslag."
      : `${partial ? "Inga sidor innehåller alla orden. " : ""}${results.length} förslag. Använd pil upp och pil ner.`;
  }

  input.addEventListener("input", update);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && current.length > 0) {
      event.preventDefault();
      activate(Math.min(active + 1, current.length - 1));
    } else if (event.key === "ArrowUp" && current.length > 0) {
      event.preventDefault();
      activate(Math.max(active - 1, -1));
    } else if (event.key === "Escape" && !list.hidden) {
      // The first Escape only closes the list; a second empties the box (the combobox pattern of WAI-ARIA APG).
      event.preventDefault();
      close();
    } else if (event.key === "Escape" && input.value !== "") {
      event.preventDefault();
      input.value = "";
      update();
    } else if (event.key === "Enter" && active >= 0 && current[active]) {
      event.preventDefault();
      window.location.assign(current[active].url);
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 200));
}

function resultList(results) {
  const list = document.createElement("ol");
  list.className = "search-results";
  for (const result of results) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = result.url;
    link.append(highlighted(result.title, result.marks.title));
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(highlighted(result.excerpt, result.marks.excerpt));
    item.append(heading, excerpt);
    list.append(item);
  }
  return list;
}

/** "Menade du …?" with a link per suggested query, and the ways to find pages without searching. */
async function showHelp(search, query) {
  const help = document.getElementById("search-help");
  const didYouMean = document.getElementById("search-did-you-mean");
  if (!help) return;
  const suggestions = await search.suggest(query);
  didYouMean.replaceChildren();
  if (suggestions.length > 0) {
    didYouMean.append("Menade du ");
    suggestions.forEach((suggestion, i) => {
      if (i > 0) didYouMean.append(i === suggestions.length - 1 ? " eller " : ", ");
      const link = document.createElement("a");
      link.href = resultsURL(suggestion.query);
      link.textContent = suggestion.query;
      didYouMean.append(link);
    });
    didYouMean.append("?");
  }
  didYouMean.hidden = suggestions.length === 0;
  help.hidden = false;
}

async function renderResultsPage(container) {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  const summary = document.getElementById("search-summary");
  document.querySelectorAll("[data-search-input]").forEach((input) => { input.value = query; });
  if (words(query).length === 0) return;
  const search = await getSearch();
  // The whole query as typed: its last word is complete, not the start of one.
  const results = await search.search(query + " ", RESULTS);
  const complete = results.filter((result) => !result.partial);
  const partial = results.filter((result) => result.partial);
  if (results.length === 0) {
    summary.textContent = `Inga träffar för ”${query}”.`;
    container.replaceChildren();
    await showHelp(search, query);
    return;
  }
  summary.textContent = complete.length > 0
    ? `${complete.length} ${complete.length === 1 ? "träff" : "träffar"} för ”${query}”.`
    : `Inga träffar med alla orden i ”${query}”.`;
  const parts = [];
  if (complete.length > 0) parts.push(resultList(complete));
  if (partial.length > 0) {
    const notice = document.createElement("p");
    notice.className = "search-notice";
    notice.id = "search-partial-notice";
    notice.textContent = PARTIAL_NOTICE;
    parts.push(notice, resultList(partial));
  }
  container.replaceChildren(...parts);
}

document.querySelectorAll("form.site-search").forEach(setUpBox);
const resultsContainer = document.getElementById("search-results");
if (resultsContainer) renderResultsPage(resultsContainer);
