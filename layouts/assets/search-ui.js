// search-ui.js — the search box in every page's header and the results on /sok/.
// No framework, no inline script: this module is loaded with <script type="module">.
import { createSearch, words } from "./search.js";

const siteRoot = new URL("../", import.meta.url);
const SUGGESTIONS = 8;
const RESULTS = 30;

let searchPromise = null;
function getSearch() {
  if (!searchPromise) {
    searchPromise = createSearch({
      load: (path) => fetch(new URL(path, siteRoot)).then((response) => (response.ok ? response.json() : null)),
    });
  }
  return searchPromise;
}

/** Text with the query's words marked, built as DOM nodes (never innerHTML). */
function highlighted(text, query) {
  const fragment = document.createDocumentFragment();
  const wanted = words(query).filter((word) => word.length >= 2);
  if (wanted.length === 0) {
    fragment.append(text);
    return fragment;
  }
  const pattern = /[\p{L}\p{N}]+/gu;
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const lower = match[0].toLowerCase();
    if (wanted.some((word) => lower.startsWith(word) || lower.includes(word))) {
      fragment.append(text.slice(last, match.index));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      fragment.append(mark);
      last = match.index + match[0].length;
    }
  }
  fragment.append(text.slice(last));
  return fragment;
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
      title.append(highlighted(result.title, query));
      const excerpt = document.createElement("span");
      excerpt.className = "suggestion-excerpt";
      excerpt.append(highlighted(result.excerpt, query));
      link.append(title, excerpt);
      item.append(link);
      list.append(item);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length > 0 ? "true" : "false");
    active = -1;
    status.textContent = results.length === 0 ? "Inga träffar." : `${results.length} förslag. Använd pil upp och pil ner.`;
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

async function renderResultsPage(container) {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  const summary = document.getElementById("search-summary");
  document.querySelectorAll("[data-search-input]").forEach((input) => { input.value = query; });
  if (words(query).length === 0) return;
  const results = await (await getSearch()).search(query, RESULTS);
  summary.textContent = results.length === 0
    ? `Inga träffar för ”${query}”. Pröva ett annat ord eller se vanliga frågor.`
    : `${results.length} träffar för ”${query}”.`;
  const list = document.createElement("ol");
  list.className = "search-results";
  for (const result of results) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.title;
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(highlighted(result.excerpt, query));
    item.append(heading, excerpt);
    list.append(item);
  }
  container.replaceChildren(list);
}

document.querySelectorAll("form.site-search").forEach(setUpBox);
const resultsContainer = document.getElementById("search-results");
if (resultsContainer) renderResultsPage(resultsContainer);
