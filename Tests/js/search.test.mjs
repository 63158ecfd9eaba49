// node --test suites for the search module (site/assets/search.HASH.js), run by `make test` on two built sites:
// the small fixture in Tests/js/fixture (LATHUND_JS_FIXTURE_SITE) and the real content (LATHUND_SITE).
// The search contract is docs/search.md; the index format is Sources/LathundKit/Search/SearchIndex.swift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const fixtureSite = path.resolve(process.env.LATHUND_JS_FIXTURE_SITE || path.join(root, ".build/js-fixture-site"));
const realSite = path.resolve(process.env.LATHUND_SITE || path.join(root, "site"));

/** A layout asset's path in a built site: assets are fingerprinted (assets/search.1a2b3c4d.js), see assets/manifest.json. */
async function assetPath(site, name) {
  const manifest = JSON.parse(await readFile(path.join(site, "assets/manifest.json"), "utf8"));
  assert.ok(manifest[name], `${name} is not in ${site}/assets/manifest.json`);
  return path.join(site, "assets", manifest[name]);
}

/**
 * The search module on a built site, loading files as the browser does. The search contract has no optional
 * file: index.json names every term shard and vocabulary file, and every posting a document, that the module
 * may load. So any file that cannot be read or parsed fails the test, even if the module carried on without it
 * (it does not: "a file the search cannot load fails the query"): `search` and `suggest` reject when a load failed.
 */
async function open(site) {
  const module = await import(await assetPath(site, "search.js"));
  const fetched = [];
  const failed = [];
  const engine = await module.createSearch({
    load: async (file) => {
      try {
        const text = await readFile(path.join(site, file), "utf8");
        fetched.push([file, Buffer.byteLength(text)]);
        return JSON.parse(text);
      } catch (error) {
        failed.push(`${file}: ${error.message}`);
        throw error;
      }
    },
  });
  const search = {
    async search(query, limit) {
      const results = await engine.search(query, limit);
      assert.deepEqual(failed, [], `files the search of "${query}" could not load: ${failed.join("; ")}`);
      return results;
    },
    async suggest(query, count) {
      const suggestions = await engine.suggest(query, count);
      assert.deepEqual(failed, [], `files the suggestions for "${query}" could not load: ${failed.join("; ")}`);
      return suggestions;
    },
  };
  return { module, search, fetched };
}

const urls = (results) => results.map((result) => result.url);
/** The words of `text` that `ranges` ([start, end) pairs) mark. */
const marked = (text, ranges) => ranges.map(([start, end]) => text.slice(start, end));

test("the module exports stem and createSearch", async () => {
  const { module, search } = await open(fixtureSite);
  assert.equal(typeof module.stem, "function");
  assert.equal(typeof module.createSearch, "function");
  assert.equal(typeof search.search, "function");
  assert.equal(typeof search.suggest, "function");
  assert.equal(module.stem("sjukpenningen"), "sjukpenning");
});

test("a result has url, title, excerpt, section, kind, partial and the marks of the words that matched", async () => {
  const { search } = await open(fixtureSite);
  const [letter] = await search.search("kommuniceringsbrev", 1);
  assert.deepEqual(Object.keys(letter).sort(), ["excerpt", "kind", "marks", "partial", "section", "title", "url"]);
  assert.equal(letter.partial, false);
  assert.equal(letter.kind, "page");
  assert.match(letter.excerpt, /kommuniceringsbrev/);
});

// --- words, compounds, typos ------------------------------------------------------------------------

test("a part of a compound finds the compound, ranked below the pages with the word itself", async () => {
  const { search } = await open(fixtureSite);
  const brev = urls(await search.search("brev ", 5));
  assert.deepEqual(brev.slice(0, 2).sort(), ["/brev/", "/indrag/"], `${brev}`);
  assert.equal(brev[2], "/kommunicering/", `kommuniceringsbrev: ${brev}`);
  assert.ok(urls(await search.search("sjukpenning ", 5)).includes("/inkomsten/"));
});

test("one typo is tolerated in words of five letters or more", async () => {
  const { search } = await open(fixtureSite);
  assert.ok(urls(await search.search("omprövnig", 5)).includes("/omprovning/"));
  assert.ok(urls(await search.search("karensavdarg", 5)).includes("/karens/"));
  assert.deepEqual(await search.search("bref ", 5), [], "four letters: no typo tolerance");
});

test("a typo in the first letter is found, through the vocabulary file loaded only then", async () => {
  const { search, fetched } = await open(fixtureSite);
  await search.search("karensavdrag ", 3);
  assert.ok(!fetched.some(([file]) => file.startsWith("search/words/")), "a word that matches loads no vocabulary");
  assert.deepEqual(urls(await search.search("jarensavdrag ", 3)), ["/karens/"], "k → j");
  assert.equal(urls(await search.search("äkarintyg ", 3))[0], "/lakarintyg/", "the first letter left out");
  assert.ok(fetched.some(([file]) => file.startsWith("search/words/")), "the miss loaded the vocabulary");
});

test("spellings without å, ä and ö, or with ae, oe and aa, find the same pages", async () => {
  const { search } = await open(fixtureSite);
  for (const query of ["förlängning", "forlangning", "foerlaengning", "FORLANGNING"]) {
    assert.deepEqual(urls(await search.search(query + " ", 3)), ["/forlangning/"], query);
  }
  assert.equal(urls(await search.search("lakarintyg ", 3))[0], "/lakarintyg/");
});

test("letters and digits written together are also read apart: FK7804 finds FK 7804", async () => {
  const { search } = await open(fixtureSite);
  assert.deepEqual(urls(await search.search("FK7804", 3)), ["/lakarintyg/"]);
  assert.deepEqual(urls(await search.search("FK 7804", 3)), ["/lakarintyg/"]);
});

// --- synonyms ---------------------------------------------------------------------------------------

test("glossary abbreviations and expansions are synonyms", async () => {
  const { search } = await open(fixtureSite);
  const bySGI = urls(await search.search("SGI", 5));
  assert.ok(bySGI.includes("/inkomsten/"), `SGI → ${bySGI}`);
  assert.ok(bySGI.includes("/skydd/"));
  const byExpansion = urls(await search.search("sjukpenninggrundande inkomst", 5));
  assert.ok(byExpansion.includes("/skydd/"), `expansion → ${byExpansion}`);
  assert.ok(byExpansion.includes("/inkomsten/"));
});

test("synonymer.yml: what staff type finds the pages' word, in one direction", async () => {
  const { search } = await open(fixtureSite);
  assert.deepEqual(urls(await search.search("sjukintyg", 1)), ["/lakarintyg/"]);
  assert.deepEqual(urls(await search.search("vab", 1)), ["/vab/"], "one word for two");
  assert.deepEqual(urls(await search.search("arbetslös", 1)), ["/arbetssokande/"]);
  assert.ok(!urls(await search.search("arbetssökande ", 5)).some((url) => url !== "/arbetssokande/"),
    "the page's word does not find what the synonym would");
  const meta = JSON.parse(await readFile(path.join(fixtureSite, "search/index.json"), "utf8"));
  assert.ok(meta.synonyms.some((s) => s.from[0] === "sjukintyg" && s.to[0][0] === "läkarintyg"), "written from content/synonymer.yml");
});

test("a matching FAQ question gets a boost over the same text on a page", async () => {
  const { search } = await open(fixtureSite);
  const results = urls(await search.search("omprövning beslut", 5));
  assert.ok(results.includes("/faq/omprovning/") && results.includes("/omprovning/"), `both pages are found: ${results}`);
  assert.ok(results.indexOf("/faq/omprovning/") < results.indexOf("/omprovning/"), `${results}`);
});

// --- no dead ends -----------------------------------------------------------------------------------

test("fewer than three pages with every word: pages with most of the words follow, marked partial", async () => {
  const { search } = await open(fixtureSite);
  const some = await search.search("omprövning beslut", 5);
  assert.deepEqual(some.map((r) => r.partial), [false, false, true], `${urls(some)}`);
  assert.equal(some[2].url, "/indrag/", "it has omprövning, not beslut");
  const none = await search.search("högriskskydd omprövning", 5);
  assert.ok(none.length > 0 && none.every((r) => r.partial), "no page has both words");
  assert.equal(none[0].url, "/karens/", "the page with the rarer word first");
  const many = await search.search("kommuniceringsbrev", 5);
  assert.ok(many.every((r) => !r.partial));
});

test("pages that match only a small part of the query are not offered", async () => {
  const { search } = await open(fixtureSite);
  // "beslut" is on several pages; the two made-up words on none: a page with "beslut" is not about the query.
  assert.deepEqual(await search.search("beslut qqxxzz yyvvww", 5), []);
});

test("zero results: 'Menade du' suggests queries from the site's own words that find pages", async () => {
  const { search } = await open(fixtureSite);
  assert.deepEqual(await search.search("omprvnign ", 5), [], "two typos");
  assert.deepEqual(await search.suggest("omprvnign"), [{ query: "omprövning", words: ["omprövning"] }]);
  assert.deepEqual(await search.suggest("bref"), [{ query: "brev", words: ["brev"] }]);
  const [mixed] = await search.suggest("omprvnign beslut");
  assert.equal(mixed.query, "omprövning beslut", "known words are kept");
  assert.deepEqual(await search.suggest("xyzzyqq"), [], "nothing close");
  assert.deepEqual(await search.suggest("omprövning"), [], "a query that finds pages needs no suggestion");
});

// --- everything findable ----------------------------------------------------------------------------

test("dataset pages and single glossary terms are in the index", async () => {
  const { search } = await open(fixtureSite);
  const [dataset] = await search.search("sjukfall", 1);
  assert.equal(dataset.url, "/statistik/sjukfall/");
  assert.equal(dataset.kind, "data");
  const [term] = await search.search("laga kraft", 1);
  assert.equal(term.url, "/ordlista/#laga-kraft", "a glossary hit leads to the term's anchor");
  assert.equal(term.kind, "term");
  assert.match(term.excerpt, /inte längre kan överklagas/);
  const html = await readFile(path.join(fixtureSite, "ordlista/index.html"), "utf8");
  assert.match(html, /id="laga-kraft"/, "the anchor exists on the glossary page");
});

// --- excerpts and highlighting ----------------------------------------------------------------------

test("excerpts show the matched words, also deep in a page", async () => {
  const { search } = await open(fixtureSite);
  const [first] = await search.search("högriskskydd", 1);
  assert.equal(first.url, "/karens/");
  assert.match(first.excerpt, /högriskskydd/);
  assert.ok(first.excerpt.startsWith("… "), "the excerpt starts mid-text");
});

test("a heading and the text under it are separated by punctuation in the excerpt", async () => {
  const { search } = await open(fixtureSite);
  const [page] = await search.search("förlängning ", 1);
  assert.match(page.excerpt, /Den som slutade arbeta\. En förlängning/);
});

test("only the words that matched are marked, whole words", async () => {
  const { search } = await open(fixtureSite);
  const [page] = await search.search("brev in sjukpenning", 1);
  assert.equal(page.url, "/indrag/");
  assert.deepEqual(marked(page.excerpt, page.marks.excerpt), ["brev", "sjukpenningen", "in", "in"],
    `not innan, inte or omprövning: ${page.excerpt}`);
  assert.deepEqual(marked(page.title, page.marks.title), ["sjukpenning"]);
  const [spelt] = await search.search("forlangning ", 1);
  assert.deepEqual(marked(spelt.title, spelt.marks.title), ["Förlängning"], "the word found, as the page writes it");
  const [compound] = (await search.search("brev ", 5)).filter((r) => r.url === "/kommunicering/");
  assert.deepEqual(marked(compound.excerpt, compound.marks.excerpt), ["kommuniceringsbrev"], "a compound of the word");
});

// --- robustness and bytes ---------------------------------------------------------------------------

test("empty queries, limits and unknown words", async () => {
  const { search } = await open(fixtureSite);
  assert.deepEqual(await search.search("", 5), []);
  assert.deepEqual(await search.search("  !? ", 5), []);
  assert.deepEqual(await search.search("xyzzyqq", 5), []);
  assert.ok((await search.search("om", 10)).length > 2, "precondition: more than two pages match");
  assert.equal((await search.search("om", 2)).length, 2);
});

test("a file the search cannot load fails the test: a missing shard is not read as no terms", async (t) => {
  const copy = await mkdtemp(path.join(tmpdir(), "lathund-js-"));
  t.after(() => rm(copy, { recursive: true, force: true }));
  await cp(fixtureSite, copy, { recursive: true });
  const { search: intact, fetched } = await open(copy);
  assert.deepEqual(urls(await intact.search("högriskskydd", 1)), ["/karens/"]);
  const shard = fetched.map(([file]) => file).find((file) => file.startsWith("search/terms/"));
  assert.ok(shard, `the query loaded a term shard: ${fetched}`);
  await rm(path.join(copy, shard));
  const { search: broken } = await open(copy);
  await assert.rejects(broken.search("högriskskydd", 1), new RegExp(shard.replace(/[./]/g, "\\$&")));
});

test("a query fetches only the shards and documents it needs", async () => {
  const { search, fetched } = await open(fixtureSite);
  await search.search("brev", 3);
  const files = fetched.map(([file]) => file);
  assert.equal(files[0], "search/index.json");
  assert.ok(files.every((file) => file === "search/index.json" || file.startsWith("search/terms/") || file.startsWith("search/doc/")));
  assert.ok(files.filter((file) => file.startsWith("search/doc/")).length <= 3);
});

test("a file the search cannot load fails the query", async () => {
  const { module } = await open(fixtureSite);
  const search = await module.createSearch({
    load: async (file) => {
      if (file.startsWith("search/terms/")) throw new Error(`cannot load ${file}`);
      return JSON.parse(await readFile(path.join(fixtureSite, file), "utf8"));
    },
  });
  await assert.rejects(search.search("högriskskydd", 1), /cannot load search\/terms\//);
});

test("an index of another format is refused", async () => {
  const { module } = await open(fixtureSite);
  await assert.rejects(module.createSearch({ load: async () => ({ version: 1, documents: 0, keys: [], synonyms: [] }) }),
    /format 1; this search.js reads format 3/);
});

test("lengths are normalised by the average of the document's own kind, not of all documents", async () => {
  const { module } = await open(fixtureSite);
  // Two pages of 300 words and two list pages of 30: each document has the word once and its kind's usual
  // length, so the page is as much about it as the list page and ranks first (a list weighs 0,8). With one
  // average for all (165 words), the short list page would look ten times as dense and win.
  const posting = (frequency, words, kind) =>
    (((frequency * 128 + Math.min(127, Math.round(8 * Math.log2(words)))) * 4 + kind) * 32 + 0) * 4 + 0;
  const files = {
    "search/index.json": { version: 3, documents: 4, kinds: { page: [2, 600], list: [2, 60], term: [0, 0], data: [0, 0] },
      keys: ["sj"], words: [], stop: [], synonyms: [] },
    [`search/terms/${Buffer.from("sj").toString("hex")}.json`]: { terms: { sjukpenning: [0, posting(1, 300, 0), 1, posting(1, 30, 1)] }, spellings: {} },
    "search/doc/0.json": [
      { url: "/sida/", title: "Sida", section: "", description: "", kind: "page", faq: false, text: "Om sjukpenning.\n" },
      { url: "/lista/", title: "Lista", section: "", description: "", kind: "list", faq: false, text: "Om sjukpenning.\n" },
    ],
  };
  const search = await module.createSearch({ load: async (file) => structuredClone(files[file]) });
  assert.deepEqual(urls(await search.search("sjukpenning ", 2)), ["/sida/", "/lista/"]);
});

// --- the real site ----------------------------------------------------------------------------------

// Queries staff type, over the real content, with a page that must be in the top 3.
const realQueries = [
  ["sjukpenning i korthet", "/regelverk/sjukpenning/"],
  ["varför komplettering", "/faq/varfor-komplettering/"],
  ["kompletteringar", "/faq/varfor-komplettering/"],
  ["kommuniceringsbrev", "/faq/kommuniceringsbrev-vad-betyder/"],
  ["svara på kommuniceringsbrev", "/kommunicering/svara-steg-for-steg/"],
  ["brev", "/kommunicering/vad-ar-kommuniceringsbrev/"],
  ["SGI", "/faq/vad-ar-sgi/"],
  ["sjukpenninggrundande inkomst", "/faq/vad-ar-sgi/"],
  ["omprövnig", "/faq/begara-omprovning/"],
  ["överklaga", "/regelverk/omprovning-overklagande/"],
  ["DFA", "/dfa/dfa-kedjan/"],
  ["diagnos funktionsnedsättning aktivitetsbegränsning", "/dfa/dfa-kedjan/"],
  ["aktivitetsbegränsning", "/dfa/aktivitetsbegransning/"],
  ["funktionsnedsättningar", "/dfa/funktionsnedsattning/"],
  // Was /dfa/fk7804/, whose title is about the form; "Läkarintyg för sjukpenning" (not in the top 5 before
  // issue 21) is the page about the word.
  ["läkarintyget", "/regelverk/lakarintyg/"],
  ["FK 7804", "/dfa/fk7804/"],
  ["karensavdrag", "/faq/karensavdrag/"],
  ["sjuklön", "/regelverk/sjuklon-karens-sjukanmalan/"],
  ["sjukanmälan", "/regelverk/sjuklon-karens-sjukanmalan/"],
  ["högriskskydd", "/faq/hogriskskydd/"],
  ["återinsjuknande", "/regelverk/aterinsjuknande-hogriskskydd/"],
  ["förebyggande sjukpenning", "/faq/vad-ar-forebyggande-sjukpenning/"],
  ["graviditetspenning", "/faq/vad-ar-graviditetspenning/"],
  ["gravid", "/faq/sjukskriven-under-graviditet/"],
  ["arbetsskada", "/faq/vad-ar-arbetsskada/"],
  ["sjukersättning", "/faq/vad-kravs-for-sjukersattning/"],
  ["aktivitetsersättning", "/faq/aktivitetsersattning/"],
  ["avstämningsmöte", "/regelverk/avstamningsmote/"],
  ["AFU", "/regelverk/afu/"],
  ["försäkringsmedicinsk utredning", "/faq/forsakringsmedicinsk-utredning/"],
  ["rehabkoordinator", "/faq/vad-gor-rehabkoordinatorn/"],
  ["rehabiliteringskedjan", "/regelverk/rehabiliteringskedjan/"],
  ["dag 180", "/faq/indrag-efter-dag-180/"],
  ["indragen sjukpenning", "/faq/avslag-eller-indrag/"],
  ["avslag", "/faq/avslag-eller-indrag/"],
  ["samordningsförbund", "/faq/vad-ar-samordningsforbund/"],
  ["Sörmland långa sjukfall", "/rapporter/langa-sjukfall-sormland/"],
  ["Timrå", "/rapporter/timra-samarbete/"],
  ["villkor 1 och 2", "/rapporter/villkor-1-och-2-2018/"],
];

test(`${realQueries.length} real queries find the expected page in the top 3`, async () => {
  const { search } = await open(realSite);
  const misses = [];
  for (const [query, expected] of realQueries) {
    const top = urls(await search.search(query, 3));
    if (!top.includes(expected)) misses.push(`${query} → ${top.join(", ")} (expected ${expected})`);
  }
  assert.ok(realQueries.length >= 30);
  assert.deepEqual(misses, []);
});

/** The query set (Tests/js/staff-queries.json) with whether each expected page is on the real site. */
async function querySet() {
  const { queries } = JSON.parse(await readFile(path.join(here, "staff-queries.json"), "utf8"));
  const pages = new Map();
  async function exists(url) {
    const [page, anchor] = url.split("#");
    if (!pages.has(page)) pages.set(page, await readFile(path.join(realSite, page, "index.html"), "utf8").catch(() => null));
    const html = pages.get(page);
    return html !== null && (anchor === undefined || html.includes(`id="${anchor}"`));
  }
  for (const entry of queries) entry.covered = (await Promise.all(entry.expect.map(exists))).some(Boolean);
  return queries;
}

test("the staff query set: at least 95 % find the expected page in the top 3, none of the site's topics finds nothing", async () => {
  const { search } = await open(realSite);
  const queries = await querySet();
  assert.ok(queries.length >= 120, `${queries.length} queries`);
  const covered = queries.filter((entry) => entry.covered);
  const misses = [];
  const empty = [];
  for (const entry of covered) {
    const results = await search.search(entry.q, 10);
    if (results.length === 0) empty.push(entry.q);
    if (!urls(results.slice(0, 3)).some((url) => entry.expect.includes(url))) misses.push(`${entry.q} → ${urls(results.slice(0, 3))}`);
  }
  assert.deepEqual(empty, [], "zero results for a topic the site covers");
  const share = 1 - misses.length / covered.length;
  assert.ok(share >= 0.95, `${(100 * share).toFixed(1)} % of ${covered.length} in the top 3; misses:\n${misses.join("\n")}`);
});

test("the issue's examples, on the real site", async () => {
  const { search } = await open(realSite);
  const queries = await querySet();
  const examples = ["sjukintyg", "arbetslös", "sgi arbetslös", "sjukskrivning förlängning", "foerlaengning", "forlangning",
    "rehabpenning", "utlandsresa", "vab", "rehabiliteringskedjan", "komplettering", "FK7804", "hur länge kan man vara sjukskriven",
    "vad händer dag 180", "resa utomlands sjukskriven", "dra in sjukpenning", "hur mycket får man", "brev dra in sjukpenning"];
  for (const query of examples) assert.ok(queries.some((entry) => entry.q === query), `${query} is in the query set`);
  const failures = [];
  for (const entry of queries.filter((e) => examples.includes(e.q) && e.covered)) {
    const results = await search.search(entry.q, 10);
    const top = urls(results.slice(0, 3));
    if (entry.first) {
      const allowed = Array.isArray(entry.first) ? entry.first : [entry.expect[0]];
      if (!allowed.includes(top[0])) failures.push(`${entry.q}: first ${top[0]}, expected one of ${allowed}`);
    }
    if (results.length === 0) failures.push(`${entry.q}: no results`);
  }
  assert.deepEqual(failures, []);
});

test("the first suggestion is the page that answers the query", async () => {
  const { search } = await open(realSite);
  assert.equal((await search.search("rehabiliteringskedjan", 1))[0].url, "/regelverk/rehabiliteringskedjan/");
  assert.ok(["/dfa/komplettering/", "/faq/komplettering-vanliga-brister/"].includes((await search.search("komplettering", 1))[0].url),
    "the reasons, not the general question");
  assert.equal((await search.search("FK7804", 1))[0].url, "/dfa/fk7804/");
  assert.equal((await search.search("sjukpenning", 1))[0].url, "/regelverk/sjukpenning/");
});

test("the glossary page and the home page are not offered for questions", async () => {
  const { search } = await open(realSite);
  for (const query of ["dra in sjukpenning", "hur mycket får man", "vad händer dag 180", "resa utomlands sjukskriven"]) {
    const found = urls(await search.search(query, 8));
    assert.ok(!found.includes("/") && !found.includes("/ordlista/"), `${query} → ${found}`);
  }
});

test("glossary terms and datasets do not push the pages that rank first out of the top 3", async () => {
  const { search } = await open(realSite);
  const queries = await querySet();
  const pushed = [];
  for (const entry of queries.filter((e) => e.kind !== "glossary" && e.kind !== "dataset")) {
    const results = await search.search(entry.q, 10);
    const firstPage = results.findIndex((r) => r.kind === "page" || r.kind === "list");
    if (firstPage > 2) pushed.push(`${entry.q} → ${urls(results.slice(0, firstPage + 1))}`);
  }
  assert.deepEqual(pushed, []);
  assert.equal((await search.search("laga kraft", 1))[0].url, "/ordlista/#laga-kraft");
  assert.equal((await search.search("projektbudgetar", 1))[0].url, "/statistik/projektbudgetar/");
});

test("a synonym never outranks the word typed: the pages' word leads to a page before a glossary term", async () => {
  const { search } = await open(realSite);
  // The glossary makes "Läkarintyg" the expansion of FK 7263, so "läkarintyg" also searches "fk 7263": the rare
  // number must not lift the FK 7263 entry above the pages about läkarintyg.
  assert.equal((await search.search("läkarintyg ", 1))[0].url, "/regelverk/lakarintyg/");
  const glossaryFirst = [];
  for (const entry of (await querySet()).filter((e) => ["term", "everyday", "abbreviation"].includes(e.kind))) {
    const [first] = await search.search(entry.q, 1);
    if (first && first.kind === "term" && !entry.expect.includes(first.url)) glossaryFirst.push(`${entry.q} → ${first.url}`);
  }
  assert.deepEqual(glossaryFirst, []);
});

test("a query of several words that no page has together says so, or offers nothing", async () => {
  const { search } = await open(realSite);
  const partial = await search.search("graviditetspenning samordningsförbund ", 10);
  assert.ok(partial.length > 0 && partial.every((r) => r.partial), `${urls(partial)}`);
  const unrelated = await search.search("rymdresa månlandning sjukskriven", 30);
  assert.deepEqual(urls(unrelated), [], "pages with only 'sjukskriven' are not about the query");
});

test("on the real site, a query typed without å, ä and ö finds what it finds with them", async () => {
  const { search } = await open(realSite);
  // "forsakringskassan" is also a word of its own there (in web addresses): it must not outweigh the agency.
  for (const [ascii, swedish] of [["forsakringskassan", "försäkringskassan"], ["forsakringskassan beslut", "försäkringskassan beslut"],
    ["lakarintyg", "läkarintyg"], ["aterinsjuknande", "återinsjuknande"], ["oeverklaga", "överklaga"]]) {
    assert.deepEqual(urls(await search.search(ascii + " ", 3)), urls(await search.search(swedish + " ", 3)), ascii);
  }
});

test("zero results on the real site suggest the site's own words", async () => {
  const { search } = await open(realSite);
  assert.deepEqual(await search.search("kommuniseringsbref ", 5), []);
  assert.deepEqual((await search.suggest("kommuniseringsbref"))[0], { query: "kommuniceringsbrev", words: ["kommuniceringsbrev"] });
});

test("real excerpts never run a heading into the text under it, and marks cover only matched words", async () => {
  const { search } = await open(realSite);
  const queries = await querySet();
  const problems = [];
  for (const entry of queries) {
    for (const result of await search.search(entry.q, 3)) {
      for (const [start, end] of [...result.marks.excerpt, ...result.marks.title]) {
        const text = result.marks.excerpt.some((m) => m[0] === start && m[1] === end) ? result.excerpt : result.title;
        const word = text.slice(start, end);
        if (!/^[\p{L}\p{N}]+$/u.test(word) || /[\p{L}\p{N}]/u.test(text[start - 1] ?? "") || /[\p{L}\p{N}]/u.test(text[end] ?? "")) {
          problems.push(`${entry.q}: mark "${word}" is not a whole word`);
        }
      }
    }
  }
  const meta = JSON.parse(await readFile(path.join(realSite, "search/index.json"), "utf8"));
  const texts = new Map();
  for (let n = 0; n < meta.documents; n += 16) {
    for (const doc of JSON.parse(await readFile(path.join(realSite, `search/doc/${n / 16}.json`), "utf8"))) texts.set(doc.url, doc.text);
  }
  for (const entry of queries) {
    const [result] = await search.search(entry.q, 1);
    if (!result) continue;
    // Every block boundary of the page's text that has no punctuation of its own.
    const lines = texts.get(result.url).split("\n").map((line) => line.trim()).filter(Boolean);
    for (let i = 0; i + 1 < lines.length; i += 1) {
      if (/[.!?:;,…]$/u.test(lines[i])) continue;
      const joined = `${lines[i].split(/\s+/).pop()} ${lines[i + 1].split(/\s+/)[0]}`;
      if (result.excerpt.includes(joined)) problems.push(`${result.url}: "${joined}" runs a block into the next`);
    }
  }
  assert.deepEqual(problems, []);
  const [letter] = await search.search("brev dra in sjukpenning", 1);
  const words = marked(letter.excerpt, letter.marks.excerpt).map((w) => w.toLowerCase());
  for (const unmatched of ["inte", "innan", "omprövning"]) assert.ok(!words.includes(unmatched), `${unmatched} is marked: ${words}`);
});
