// Every fact page can be found by search (node --test, on the real site: LATHUND_SITE). The home page links
// the sections and the most-asked questions, not every fact page; staff reach the rest through the section
// pages (Tests/e2e/test_first_screen.py) and through the search box, where a page's own title must find it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const realSite = path.resolve(process.env.LATHUND_SITE || path.join(here, "../../site"));
const sections = ["regelverk", "dfa", "kommunicering", "rapporter", "faq"];

async function openSearch(site) {
  const manifest = JSON.parse(await readFile(path.join(site, "assets/manifest.json"), "utf8"));
  const module = await import(path.join(site, "assets", manifest["search.js"]));
  // A file that cannot be read or parsed fails the query (the search contract has no optional file).
  return module.createSearch({ load: async (file) => JSON.parse(await readFile(path.join(site, file), "utf8")) });
}

/** The fact pages of the built site: /SECTION/NAME/ with the text of their <h1>. */
async function factPages(site) {
  const pages = [];
  for (const section of sections) {
    for (const entry of await readdir(path.join(site, section), { withFileTypes: true })) {
      const file = path.join(site, section, entry.name, "index.html");
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const html = await readFile(file, "utf8");
      const h1 = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
      assert.ok(h1, `${file} has no <h1>`);
      const title = h1[1].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").trim();
      pages.push({ url: `/${section}/${entry.name}/`, title });
    }
  }
  return pages;
}

test("every fact page is found in the top 5 when its title is searched for", async () => {
  const search = await openSearch(realSite);
  const pages = await factPages(realSite);
  assert.ok(pages.length >= 120, `only ${pages.length} fact pages in ${realSite}`);
  const misses = [];
  for (const { url, title } of pages) {
    const top = (await search.search(title, 5)).map((result) => result.url);
    if (!top.includes(url)) misses.push(`${title} → ${top.join(", ")} (expected ${url})`);
  }
  assert.deepEqual(misses, []);
});
