#!/usr/bin/env node
// search_bench.mjs — bytes fetched per query and query latency: Lathund's search against Pagefind's,
// on the same built site. A benchmark that reports numbers, not a test: it asserts nothing.
//
//   node Benchmarks/search_bench.mjs SITE [--runs 20] [--json results.json]
//
// SITE is a built Lathund site (SITE/search/, SITE/assets/search.js) on which Pagefind has also been run
// (SITE/pagefind/). Node 20, no npm packages. Benchmarks/search_bench.sh does the whole run.
//
// What is measured, per query (see Benchmarks/README.md, "Search: Lathund vs Pagefind"):
// - Lathund: a fresh createSearch({ load }) per query, so search/index.json is counted every time, then
//   search(query, 5): the term shards it loads and the documents of its first 5 results. The loader reads
//   the files and records each one's size as stored (plain JSON) and, for reference, its gzip size
//   (what a server that compresses JSON on the fly would send; Node's zlib at the default level 6).
// - Pagefind: a fresh instance of pagefind.js per query (a new module instance, so nothing is cached),
//   init(), search(query), then data() of the first 5 results. A global fetch shim plays the web server:
//   it maps /pagefind/… to the files and records each one's size as stored (Pagefind writes its files
//   gzip-compressed, so that is what is transferred).
// - Latency: after that cold run, the same instance answers the same query again `--runs` times (warm: every
//   file it needs is already loaded); the median of those is reported. For Pagefind a warm run is search()
//   plus data() of the first 5 results, for Lathund search(query, 5), which includes building the 5 excerpts.
//   The cold run's time (local files, no network) is reported too.
// - The JavaScript modules themselves (assets/search.js, pagefind/pagefind.js) are not fetched through the
//   loaders; their sizes are printed separately.

import { readFile, readdir, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import path from "node:path";

const QUERIES = [
  "sjukpenning",
  "läkarintyg",
  "omprövning",
  "arbetsgivare rehabilitering",
  "kommuniceringsbrev",
  "försäkringskassan beslut",
  "sgi",
  "arbetsförmåga",
  "karensavdrag",
  "behandling",
  // The generated corpus has neither "kommuniceringsbrev" nor "sgi" (and no glossary, so no SGI synonym):
  // these two are the words it does have, so that every typical query has results.
  "kommunicering",
  "sjukpenninggrundande inkomst",
];
// Queries that miss at first: a typo in the first letters and spellings without å, ä and ö. Measured the same way,
// reported in their own table and not in the medians above: they show what the vocabulary files (search/words/,
// loaded only when a word matches nothing) and the spellings in the shards add to a query.
const MISSES = ["jsukpenning", "kraensavdrag", "forsakringskassan", "lakarintyg"];
const LIMIT = 5;

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node search_bench.mjs SITE [--runs N] [--json FILE]");
  process.exit(2);
}

const args = process.argv.slice(2);
let site = null;
let runs = 20;
let jsonOut = null;
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else if (args[i] === "--json") jsonOut = args[++i];
  else if (args[i].startsWith("--")) usage(`unknown option ${args[i]}`);
  else if (site === null) site = path.resolve(args[i]);
  else usage();
}
if (!site || !(runs >= 1)) usage();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sum = (values) => values.reduce((a, b) => a + b, 0);
const kb = (bytes) => (bytes / 1024).toFixed(1);

const gzipSizes = new Map();
function gzipSize(file, buffer) {
  if (!gzipSizes.has(file)) gzipSizes.set(file, gzipSync(buffer).length);
  return gzipSizes.get(file);
}

// ---------------------------------------------------------------------------
// Lathund

// Layout assets are fingerprinted (assets/search.1a2b3c4d.js); assets/manifest.json maps the names.
const assetManifest = JSON.parse(await readFile(path.join(site, "assets/manifest.json"), "utf8"));
const lathund = await import(pathToFileURL(path.join(site, "assets", assetManifest["search.js"])).href);

async function lathundQuery(query) {
  const fetched = [];
  let recording = true;
  const search = await lathund.createSearch({
    load: async (file) => {
      let buffer;
      try {
        buffer = await readFile(path.join(site, file));
      } catch {
        if (recording) fetched.push({ file, bytes: 0, gzip: 0, missing: true });
        return null;
      }
      if (recording) fetched.push({ file, bytes: buffer.length, gzip: gzipSize(file, buffer) });
      return JSON.parse(buffer.toString("utf8"));
    },
  });
  let start = performance.now();
  const results = await search.search(query, LIMIT);
  const cold = performance.now() - start;
  recording = false;
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    start = performance.now();
    await search.search(query, LIMIT);
    times.push(performance.now() - start);
  }
  return { fetched, results: results.map((r) => r.url), cold, warm: median(times) };
}

// ---------------------------------------------------------------------------
// Pagefind

// pagefind.js looks at document.currentScript and <html lang>; without `window` it uses no Web Worker.
globalThis.document = {
  currentScript: null,
  querySelector: (selector) => (selector === "html" ? { getAttribute: (name) => (name === "lang" ? "sv" : null) } : null),
};
let pagefindLog = null;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url ?? String(input), "http://bench.invalid/");
  if (url.host !== "bench.invalid") return realFetch(input);
  const file = decodeURIComponent(url.pathname).replace(/^\/+/, "");
  let buffer;
  try {
    buffer = await readFile(path.join(site, file));
  } catch {
    if (pagefindLog) pagefindLog.push({ file, bytes: 0, missing: true });
    return new Response(null, { status: 404 });
  }
  if (pagefindLog) pagefindLog.push({ file, bytes: buffer.length });
  return new Response(buffer, { status: 200, headers: { "content-type": "application/octet-stream" } });
};

const pagefindURL = pathToFileURL(path.join(site, "pagefind/pagefind.js")).href;
let pagefindInstances = 0;

async function pagefindQuery(query) {
  // A new module instance per query: the same as a fresh page load, with nothing cached.
  const pagefind = await import(`${pagefindURL}?instance=${++pagefindInstances}`);
  const fetched = [];
  pagefindLog = fetched;
  let start = performance.now();
  await pagefind.options({ basePath: "/pagefind/", baseUrl: "/" });
  await pagefind.init();
  const found = await pagefind.search(query);
  const data = await Promise.all(found.results.slice(0, LIMIT).map((result) => result.data()));
  const cold = performance.now() - start;
  const warmFetched = [];
  pagefindLog = warmFetched;
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    start = performance.now();
    const again = await pagefind.search(query);
    await Promise.all(again.results.slice(0, LIMIT).map((result) => result.data()));
    times.push(performance.now() - start);
  }
  pagefindLog = null;
  await pagefind.destroy();
  return { fetched, results: data.map((d) => d.url), total: found.results.length, cold, warm: median(times), warmFetches: warmFetched.length };
}

// ---------------------------------------------------------------------------
// Breakdowns and sizes

function lathundKind(file) {
  if (file === "search/index.json") return "index";
  if (file.startsWith("search/terms/")) return "shards";
  if (file.startsWith("search/words/")) return "words";
  if (file.startsWith("search/doc/")) return "docs";
  return "other";
}
function pagefindKind(file) {
  if (file.endsWith("pagefind-entry.json") || file.endsWith(".pf_meta")) return "meta";
  if (file.includes("/wasm.")) return "wasm";
  if (file.includes("/index/")) return "chunks";
  if (file.includes("/fragment/")) return "fragments";
  if (file.includes("/filter/")) return "filters";
  return "other";
}
function breakdown(fetched, kindOf) {
  const kinds = {};
  for (const entry of fetched) {
    const kind = kindOf(entry.file);
    kinds[kind] ??= { count: 0, bytes: 0, gzip: 0, largest: 0 };
    kinds[kind].count += 1;
    kinds[kind].bytes += entry.bytes;
    kinds[kind].gzip += entry.gzip ?? entry.bytes;
    kinds[kind].largest = Math.max(kinds[kind].largest, entry.bytes);
  }
  return kinds;
}

async function folderSize(folder) {
  let bytes = 0, allocated = 0, files = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const info = await stat(path.join(entry.parentPath ?? entry.path, entry.name));
    bytes += info.size;
    allocated += info.blocks * 512;
    files += 1;
  }
  return { bytes, allocated, files };
}

// ---------------------------------------------------------------------------
// Run

const rows = [];
for (const query of QUERIES) {
  const l = await lathundQuery(query);
  const p = await pagefindQuery(query);
  rows.push({ query, lathund: l, pagefind: p });
  process.stderr.write(`  ${query}: done\n`);
}

const missRows = [];
for (const query of MISSES) {
  missRows.push({ query, lathund: await lathundQuery(query), pagefind: await pagefindQuery(query) });
  process.stderr.write(`  ${query}: done\n`);
}

// "next": bytes of a query after the first in the same page view, when the files every query needs are
// already loaded (Lathund: search/index.json; Pagefind: entry json, pf_meta, wasm).
const lathundNext = (l) => sum(l.fetched.filter((f) => lathundKind(f.file) !== "index").map((f) => f.bytes));
const pagefindNext = (p) => sum(p.fetched.filter((f) => !["meta", "wasm"].includes(pagefindKind(f.file))).map((f) => f.bytes));
const pad = (value, width) => String(value).padStart(width);
const padEnd = (value, width) => String(value).padEnd(width);

console.log(`\nSite: ${site}`);
console.log(`Queries as typed (no trailing space, so Lathund treats the last word as a prefix), ${LIMIT} results each; warm latency = median of ${runs} runs.\n`);
console.log(
  `${padEnd("query", 28)} ${pad("Lathund KB", 10)} ${pad("(gzip KB)", 9)} ${pad("req", 4)} ${pad("Pagefind KB", 11)} ${pad("req", 4)} ${pad("L/P", 5)}` +
    ` ${pad("L next KB", 9)} ${pad("P next KB", 9)}` +
    ` ${pad("L warm ms", 9)} ${pad("P warm ms", 9)} ${pad("L cold ms", 9)} ${pad("P cold ms", 9)}`,
);
for (const { query, lathund: l, pagefind: p } of rows) {
  const lb = sum(l.fetched.map((f) => f.bytes));
  const lg = sum(l.fetched.map((f) => f.gzip));
  const pb = sum(p.fetched.map((f) => f.bytes));
  console.log(
    `${padEnd(query, 28)} ${pad(kb(lb), 10)} ${pad(kb(lg), 9)} ${pad(l.fetched.length, 4)} ${pad(kb(pb), 11)} ${pad(p.fetched.length, 4)} ${pad((lb / pb).toFixed(2), 5)}` +
      ` ${pad(kb(lathundNext(l)), 9)} ${pad(kb(pagefindNext(p)), 9)}` +
      ` ${pad(l.warm.toFixed(2), 9)} ${pad(p.warm.toFixed(2), 9)} ${pad(l.cold.toFixed(1), 9)} ${pad(p.cold.toFixed(1), 9)}`,
  );
}

const lathundBytes = rows.map((r) => sum(r.lathund.fetched.map((f) => f.bytes)));
const lathundGzip = rows.map((r) => sum(r.lathund.fetched.map((f) => f.gzip)));
const pagefindBytes = rows.map((r) => sum(r.pagefind.fetched.map((f) => f.bytes)));
console.log(
  `${padEnd("median", 28)} ${pad(kb(median(lathundBytes)), 10)} ${pad(kb(median(lathundGzip)), 9)} ${pad("", 4)} ${pad(kb(median(pagefindBytes)), 11)} ${pad("", 4)} ${pad("", 5)}` +
    ` ${pad(median(rows.map((r) => r.lathund.warm)).toFixed(2), 9)} ${pad(median(rows.map((r) => r.pagefind.warm)).toFixed(2), 9)}` +
    ` ${pad(median(rows.map((r) => r.lathund.cold)).toFixed(1), 9)} ${pad(median(rows.map((r) => r.pagefind.cold)).toFixed(1), 9)}`,
);
const withHits = rows.map((r, i) => i).filter((i) => rows[i].lathund.results.length > 0 && rows[i].pagefind.total > 0);
console.log(
  `${padEnd(`median, ${withHits.length} with hits in both`, 28)} ${pad(kb(median(withHits.map((i) => lathundBytes[i]))), 10)} ${pad(kb(median(withHits.map((i) => lathundGzip[i]))), 9)}` +
    ` ${pad("", 4)} ${pad(kb(median(withHits.map((i) => pagefindBytes[i]))), 11)} ${pad("", 4)} ${pad("", 5)}` +
    ` ${pad(median(withHits.map((i) => rows[i].lathund.warm)).toFixed(2), 9)} ${pad(median(withHits.map((i) => rows[i].pagefind.warm)).toFixed(2), 9)}` +
    ` ${pad(median(withHits.map((i) => rows[i].lathund.cold)).toFixed(1), 9)} ${pad(median(withHits.map((i) => rows[i].pagefind.cold)).toFixed(1), 9)}`,
);
console.log(`${padEnd(`total (${rows.length} queries)`, 28)} ${pad(kb(sum(lathundBytes)), 10)} ${pad(kb(sum(lathundGzip)), 9)} ${pad("", 4)} ${pad(kb(sum(pagefindBytes)), 11)}`);
console.log(`${padEnd("median next (fixed cached)", 28)} ${pad(kb(median(rows.map((r) => lathundNext(r.lathund)))), 10)} ${pad("", 9)} ${pad("", 4)} ${pad(kb(median(rows.map((r) => pagefindNext(r.pagefind)))), 11)}`);
const lathundWins = rows.filter((_, i) => lathundBytes[i] < pagefindBytes[i]).length;
console.log(`Lathund fetched less than Pagefind (as stored) for ${lathundWins} of ${rows.length} queries; gzip-served: ${rows.filter((_, i) => lathundGzip[i] < pagefindBytes[i]).length} of ${rows.length}.`);
const nextLosses = rows.filter((r) => lathundNext(r.lathund) > pagefindNext(r.pagefind)).map((r) => r.query);
console.log(`With the fixed files cached ("next" columns), Lathund fetched more than Pagefind for ${nextLosses.length} of ${rows.length}` +
  (nextLosses.length ? `: ${nextLosses.join(", ")}.` : "."));

console.log("\nWhere the bytes go (KB as stored; count × files; largest file):");
console.log(`${padEnd("query", 28)} ${padEnd("Lathund index | shards | words | docs", 60)} Pagefind meta | wasm | chunks | fragments`);
for (const { query, lathund: l, pagefind: p } of rows) {
  const lk = breakdown(l.fetched, lathundKind);
  const pk = breakdown(p.fetched, pagefindKind);
  const part = (k) => (k ? `${kb(k.bytes)} (${k.count}, max ${kb(k.largest)})` : "0");
  console.log(
    `${padEnd(query, 28)} ${padEnd(`${part(lk.index)} | ${part(lk.shards)} | ${part(lk.words)} | ${part(lk.docs)}`, 60)} ` +
      `${part(pk.meta)} | ${part(pk.wasm)} | ${part(pk.chunks)} | ${part(pk.fragments)}`,
  );
}

console.log("\nQueries that miss at first (not in the medians; KB as stored, files fetched, the vocabulary files' share, first result):");
for (const { query, lathund: l, pagefind: p } of missRows) {
  const lk = breakdown(l.fetched, lathundKind);
  console.log(`  ${padEnd(query, 20)} Lathund ${pad(kb(sum(l.fetched.map((f) => f.bytes))), 7)} KB in ${pad(l.fetched.length, 2)} files` +
    ` (words ${lk.words ? `${kb(lk.words.bytes)} KB in ${lk.words.count}` : "none"}), first ${l.results[0] ?? "nothing"}` +
    ` | Pagefind ${pad(kb(sum(p.fetched.map((f) => f.bytes))), 7)} KB, ${p.total} hits, first ${p.results[0] ?? "nothing"}`);
}

console.log("\nLathund's term shards per query (shard key: KB as stored, stems in it with their posting counts):");
const shardInfo = new Map();
async function describeShard(file) {
  if (!shardInfo.has(file)) {
    const key = Buffer.from(path.basename(file, ".json"), "hex").toString("utf8");
    const { terms } = JSON.parse(await readFile(path.join(site, file), "utf8"));
    const stems = Object.entries(terms).map(([term, postings]) => `${term} ${postings.length / 2}`).join(", ");
    shardInfo.set(file, `${key}: ${kb((await stat(path.join(site, file))).size)} (${stems})`);
  }
  return shardInfo.get(file);
}
for (const { query, lathund: l } of rows) {
  const shards = l.fetched.filter((f) => lathundKind(f.file) === "shards" && !f.missing);
  console.log(`  ${query}: ${shards.length ? (await Promise.all(shards.map((f) => describeShard(f.file)))).join("; ") : "none"}`);
}

console.log("\nTop results (first 3) and result counts:");
for (const { query, lathund: l, pagefind: p } of rows) {
  console.log(`  ${query}: Lathund ${l.results.slice(0, 3).join(" ")} | Pagefind (${p.total} hits) ${p.results.slice(0, 3).join(" ")}` +
    (p.warmFetches ? ` [Pagefind fetched ${p.warmFetches} files again in warm runs]` : ""));
}

const searchSize = await folderSize(path.join(site, "search"));
const pagefindSize = await folderSize(path.join(site, "pagefind"));
const pagefindIndexOnly = {
  index: await folderSize(path.join(site, "pagefind/index")),
  fragment: await folderSize(path.join(site, "pagefind/fragment")),
};
const termsSize = await folderSize(path.join(site, "search/terms"));
const docSize = await folderSize(path.join(site, "search/doc"));
const wordsSize = await folderSize(path.join(site, "search/words")).catch(() => ({ bytes: 0, allocated: 0, files: 0 }));
const mb = (bytes) => (bytes / 1048576).toFixed(1);
console.log("\nIndex size on disk (bytes = sum of file sizes; allocated = du, 4 KB blocks):");
console.log(`  Lathund  site/search:   ${mb(searchSize.bytes)} MB in ${searchSize.files} files, ${mb(searchSize.allocated)} MB allocated` +
  ` (terms/ ${mb(termsSize.bytes)} MB in ${termsSize.files}, words/ ${mb(wordsSize.bytes)} MB in ${wordsSize.files},` +
  ` doc/ ${mb(docSize.bytes)} MB in ${docSize.files})`);
console.log(`  Pagefind site/pagefind: ${mb(pagefindSize.bytes)} MB in ${pagefindSize.files} files, ${mb(pagefindSize.allocated)} MB allocated` +
  ` (index/ ${mb(pagefindIndexOnly.index.bytes)} MB in ${pagefindIndexOnly.index.files}, fragment/ ${mb(pagefindIndexOnly.fragment.bytes)} MB in ${pagefindIndexOnly.fragment.files})`);

const jsSizes = {};
for (const file of ["assets/" + assetManifest["search.js"], "assets/" + assetManifest["search-ui.js"], "pagefind/pagefind.js", "pagefind/pagefind-ui.js"]) {
  try {
    const buffer = await readFile(path.join(site, file));
    jsSizes[file] = { bytes: buffer.length, gzip: gzipSync(buffer).length };
  } catch {}
}
console.log("\nJavaScript loaded before any query (not in the numbers above; raw / gzip KB):");
for (const [file, size] of Object.entries(jsSizes)) console.log(`  ${padEnd(file, 26)} ${pad(kb(size.bytes), 7)} / ${kb(size.gzip)}`);

if (jsonOut) {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(jsonOut, JSON.stringify({ site, runs, limit: LIMIT, rows, missRows, sizes: { searchSize, termsSize, wordsSize, docSize, pagefindSize, pagefindIndexOnly }, jsSizes }, null, 1));
}
