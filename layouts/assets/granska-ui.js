// granska-ui.js — drives the writing aid on /dfa/granska/ (the ```granskning directive's form).
// Loaded with <script type="module"> by layouts/granska.mustache; no inline script.
//
// The text never leaves the page: this module makes no request (no fetch, no beacon, no image), sets no
// cookie and writes nothing to localStorage, sessionStorage or IndexedDB. The rules come from the JSON data
// block the build wrote into the page. Tests/e2e/test_granska.py checks this with Chromium's logs.
import { review, findPersonnummer } from "./granska.js";

/** How long typing must pause before the rules run again (milliseconds). */
const PAUSE = 300;

function setUp(root) {
  const dataBlock = document.getElementById("granskning_data");
  if (!dataBlock) return;
  const data = JSON.parse(dataBlock.textContent);
  const areas = new Map();
  root.querySelectorAll("[data-granskning-falt]").forEach((area) => areas.set(area.dataset.granskningFalt, area));
  const boxes = Array.from(root.querySelectorAll("[data-granskning-val]"));
  const status = document.getElementById("granskning_status");
  const warning = document.getElementById("granskning_pnr");
  const labels = new Map(data.fields.map((field) => [field.id, field.label]));
  let timer = null;
  let lastStatus = status.textContent;
  let lastWarning = "";

  function form() {
    const values = {};
    for (const [id, area] of areas) values[id] = area.value;
    const choices = {};
    for (const box of boxes) {
      if (!box.checked) continue;
      (choices[box.dataset.granskningVal] ||= []).push(box.value);
    }
    return { values, choices };
  }

  /** The personnummer warning, at once on every keystroke: in the alert region and at each field. */
  function checkNumbers() {
    const lines = [];
    for (const [id, area] of areas) {
      const found = findPersonnummer(area.value);
      const inline = document.getElementById(`granskning_${id}_pnr`);
      if (found.length > 0) {
        const kinds = new Set(found.map((number) => number.kind));
        const what = kinds.size === 1 ? `ett ${[...kinds][0]}` : "ett personnummer eller samordningsnummer";
        const numbers = found.map((number) => number.masked).join(", ");
        lines.push(`Fältet ${labels.get(id)} innehåller något som ser ut som ${what} (${numbers}). Ta bort det.`);
        area.setAttribute("aria-invalid", "true");
        inline.textContent = `Ta bort det som ser ut som ${what}: ${numbers}.`;
        inline.hidden = false;
      } else if (area.hasAttribute("aria-invalid")) {
        area.removeAttribute("aria-invalid");
        inline.textContent = "";
        inline.hidden = true;
      }
    }
    const text = lines.join(" ");
    if (text === lastWarning) return;
    lastWarning = text;
    warning.replaceChildren();
    if (lines.length > 0) {
      for (const line of lines) {
        const paragraph = document.createElement("p");
        paragraph.textContent = line;
        warning.append(paragraph);
      }
      const advice = document.createElement("p");
      advice.textContent = "Skriv aldrig personnummer, samordningsnummer eller namn i fälten.";
      warning.append(advice);
    }
  }

  function renderFinding(finding) {
    const item = document.createElement("li");
    item.className = `granskning-rad vikt-${finding.importance}`;
    const message = document.createElement("p");
    if (finding.importance === 1) {
      const important = document.createElement("strong");
      important.textContent = "Viktigt: ";
      message.append(important);
    }
    message.append(finding.message);
    item.append(message);
    if (finding.quotes.length > 0 || finding.detail) {
      const quoted = document.createElement("p");
      quoted.className = "granskning-citat";
      quoted.append(finding.quotes.length > 0 ? "I texten: " : "");
      finding.quotes.forEach((quote, index) => {
        if (index > 0) quoted.append(", ");
        const q = document.createElement("q");
        q.textContent = quote;
        quoted.append(q);
      });
      if (finding.detail) quoted.append(finding.quotes.length > 0 ? ` (${finding.detail})` : finding.detail);
      item.append(quoted);
    }
    const more = document.createElement("p");
    const link = document.createElement("a");
    link.href = finding.href;
    link.textContent = `Läs mer: ${finding.linkText}`;
    more.append(link);
    item.append(more);
    return item;
  }

  function run() {
    timer = null;
    const findings = review(data, form());
    const byField = new Map();
    for (const finding of findings) {
      if (!byField.has(finding.field)) byField.set(finding.field, []);
      byField.get(finding.field).push(finding);
    }
    for (const id of areas.keys()) {
      const box = document.getElementById(`granskning_${id}_fynd`);
      const mine = byField.get(id) || [];
      box.replaceChildren();
      if (mine.length === 0) continue;
      const heading = document.createElement("p");
      heading.className = "granskning-antal";
      heading.textContent = mine.length === 1 ? `1 råd om ${labels.get(id).toLowerCase()}` : `${mine.length} råd om ${labels.get(id).toLowerCase()}`;
      const list = document.createElement("ul");
      list.append(...mine.map(renderFinding));
      box.append(heading, list);
    }
    const written = Array.from(areas.values()).some((area) => area.value.trim() !== "");
    let text;
    if (!written) {
      text = "Skriv eller klistra in text i fälten. Råden visas medan du skriver.";
    } else if (findings.length === 0) {
      text = "Granskningen har inga råd om texten. Verktyget ser bara det som reglerna letar efter, så läs intyget en gång till innan du skickar det.";
    } else {
      const parts = [...byField].map(([id, list]) => `${list.length} om ${labels.get(id).toLowerCase()}`);
      text = `Granskningen har ${findings.length} råd: ${parts.join(", ")}. Råden står under varje fält.`;
    }
    if (text !== lastStatus) {
      status.textContent = text;
      lastStatus = text;
    }
  }

  function schedule() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, PAUSE);
  }

  root.addEventListener("input", (event) => {
    if (event.target.matches("[data-granskning-falt]")) checkNumbers();
    schedule();
  });
  root.addEventListener("change", (event) => {
    if (event.target.matches("[data-granskning-val]")) schedule();
  });

  function fill(example) {
    for (const [id, area] of areas) area.value = example.values[id] || "";
    for (const box of boxes) box.checked = (example.choices[box.dataset.granskningVal] || []).includes(box.value);
    checkNumbers();
    run();
  }

  root.querySelectorAll("[data-granskning-exempel]").forEach((button) => {
    const example = data.examples[Number(button.dataset.granskningExempel)];
    if (example) button.addEventListener("click", () => fill(example));
  });
  const clear = root.querySelector("[data-granskning-tom]");
  if (clear) {
    clear.addEventListener("click", () => {
      fill({ values: {}, choices: {} });
      const first = areas.values().next().value;
      if (first) first.focus();
    });
  }
  root.querySelectorAll("[data-granskning-knappar]").forEach((element) => { element.hidden = false; });
  // Text the browser kept in the fields (after going back to the page) is checked at once.
  checkNumbers();
  run();
}

document.querySelectorAll("[data-granskning]").forEach(setUp);
