// node --test suites for the search module (site/assets/search.HASH.js), run by `make test` on two built sites:
// the small fixture in Tests/js/fixture (LATHUND_JS_FIXTURE_SITE) and the real content (LATHUND_SITE).
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
 * file: index.json names every term shard, and every posting a document, that the module may load. So any file
 * that cannot be read or parsed fails the test, also where the module would carry on without it (it reads a
 * missing shard as "no terms"): `search` rejects when a load failed.
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
  };
  return { module, search, fetched };
}

const urls = (results) => results.map((result) => result.url);

test("the module exports stem and createSearch", async () => {
  const { module } = await open(fixtureSite);
  assert.equal(typeof module.stem, "function");
  assert.equal(typeof module.createSearch, "function");
  assert.equal(module.stem("sjukpenningen"), "sjukpenning");
});

test("a part of a compound finds the compound, ranked below the exact word", async () => {
  const { search } = await open(fixtureSite);
  assert.deepEqual(urls(await search.search("brev ", 5)), ["/brev/", "/kommunicering/"]);
  assert.ok(urls(await search.search("sjukpenning ", 5)).includes("/inkomsten/"));
});

test("one typo is tolerated in words of five letters or more", async () => {
  const { search } = await open(fixtureSite);
  assert.ok(urls(await search.search("omprövnig", 5)).includes("/omprovning/"));
  assert.ok(urls(await search.search("karensavdarg", 5)).includes("/karens/"));
  assert.deepEqual(await search.search("bref ", 5), [], "four letters: no typo tolerance");
});

test("glossary abbreviations and expansions are synonyms", async () => {
  const { search } = await open(fixtureSite);
  const bySGI = urls(await search.search("SGI", 5));
  assert.ok(bySGI.includes("/inkomsten/"), `SGI → ${bySGI}`);
  assert.ok(bySGI.includes("/skydd/"));
  const byExpansion = urls(await search.search("sjukpenninggrundande inkomst", 5));
  assert.ok(byExpansion.includes("/skydd/"), `expansion → ${byExpansion}`);
  assert.ok(byExpansion.includes("/inkomsten/"));
});

test("a matching FAQ question gets a boost over the same text on a page", async () => {
  const { search } = await open(fixtureSite);
  const results = urls(await search.search("omprövning ", 5));
  assert.ok(results.includes("/faq/omprovning/") && results.includes("/omprovning/"), `both pages are found: ${results}`);
  assert.ok(results.indexOf("/faq/omprovning/") < results.indexOf("/omprovning/"), `${results}`);
});

test("excerpts show the matched words, also deep in a page", async () => {
  const { search } = await open(fixtureSite);
  const [first] = await search.search("högriskskydd", 1);
  assert.equal(first.url, "/karens/");
  assert.match(first.excerpt, /högriskskydd/);
  assert.ok(first.excerpt.startsWith("… "), "the excerpt starts mid-text");
  const [letter] = await search.search("kommuniceringsbrev", 1);
  assert.match(letter.excerpt, /kommuniceringsbrev/);
  assert.deepEqual(Object.keys(letter).sort(), ["excerpt", "section", "title", "url"]);
});

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
  ["läkarintyget", "/dfa/fk7804/"],
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
