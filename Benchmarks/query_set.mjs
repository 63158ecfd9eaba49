#!/usr/bin/env node
// query_set.mjs — how well the site's own search answers what staff type: the query set in
// Tests/js/staff-queries.json run through SITE/assets/search.HASH.js on a built site.
// A measurement that reports numbers, not a test (Tests/js/search.test.mjs asserts on the same set).
//
//   node Benchmarks/query_set.mjs SITE [--queries FILE] [--json FILE] [--misses]
//
// Prints, over all queries and per kind: the share with an expected page in the top 3, the share whose
// first result is the main expected page, and the share with zero results; the same for the queries whose
// expected page exists on SITE ("covered"). --misses lists every query whose expected page is not in the top 3.

import { readFile, access } from "node:fs/promises";
import { pathToFileURL, fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let site = null;
let queriesFile = path.join(here, "../Tests/js/staff-queries.json");
let jsonOut = null;
let listMisses = false;
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--queries") queriesFile = args[++i];
  else if (args[i] === "--json") jsonOut = args[++i];
  else if (args[i] === "--misses") listMisses = true;
  else if (args[i].startsWith("--")) throw new Error(`unknown option ${args[i]}`);
  else site = path.resolve(args[i]);
}
if (!site) {
  console.error("usage: node query_set.mjs SITE [--queries FILE] [--json FILE] [--misses]");
  process.exit(2);
}

const { queries } = JSON.parse(await readFile(queriesFile, "utf8"));
const manifest = JSON.parse(await readFile(path.join(site, "assets/manifest.json"), "utf8"));
const module = await import(pathToFileURL(path.join(site, "assets", manifest["search.js"])).href);
const search = await module.createSearch({
  load: async (file) => JSON.parse(await readFile(path.join(site, file), "utf8")),
});

/** True when the page (and its #anchor, if any) is on the built site. */
const pageCache = new Map();
async function exists(url) {
  const [pathPart, anchor] = url.split("#");
  const file = path.join(site, pathPart.replace(/^\//, ""), pathPart.endsWith("/") ? "index.html" : "");
  if (!pageCache.has(file)) pageCache.set(file, readFile(file, "utf8").catch(() => null));
  const html = await pageCache.get(file);
  if (html === null) return false;
  return anchor === undefined || html.includes(`id="${anchor}"`);
}

const rows = [];
for (const entry of queries) {
  const results = await search.search(entry.q, 10);
  const urls = results.map((result) => result.url);
  const covered = (await Promise.all(entry.expect.map(exists))).some(Boolean);
  rows.push({
    ...entry,
    covered,
    top3: urls.slice(0, 3).some((url) => entry.expect.includes(url)),
    first: Array.isArray(entry.first) ? entry.first.includes(urls[0]) : urls[0] === entry.expect[0],
    zero: results.length === 0,
    partial: results.length > 0 && results.every((result) => result.partial),
    got: urls.slice(0, 3),
  });
}

const pct = (part, whole) => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)} %`);
function summary(list) {
  return {
    queries: list.length,
    top3: list.filter((r) => r.top3).length,
    first: list.filter((r) => r.first).length,
    zero: list.filter((r) => r.zero).length,
  };
}
function line(label, list) {
  const s = summary(list);
  return `${label.padEnd(22)} ${String(s.queries).padStart(4)}  top 3 ${String(s.top3).padStart(4)} ${pct(s.top3, s.queries).padStart(8)}` +
    `  first ${String(s.first).padStart(4)} ${pct(s.first, s.queries).padStart(8)}  zero ${String(s.zero).padStart(3)} ${pct(s.zero, s.queries).padStart(8)}`;
}

console.log(`Query set: ${path.relative(process.cwd(), queriesFile)} on ${site}`);
console.log(line("all", rows));
console.log(line("covered by the site", rows.filter((r) => r.covered)));
console.log(line("not covered yet", rows.filter((r) => !r.covered)));
const kinds = [...new Set(rows.map((r) => r.kind))];
for (const kind of kinds) console.log(line(`  ${kind}`, rows.filter((r) => r.kind === kind)));
const mustBeFirst = rows.filter((r) => queries.find((q) => q.q === r.q).first);
console.log(`queries marked 'first' with the right page first: ${mustBeFirst.filter((r) => r.first).length} of ${mustBeFirst.length}` +
  ` (${mustBeFirst.map((r) => `${r.q} → ${r.got[0] ?? "nothing"}`).join("; ")})`);
if (listMisses) {
  console.log("\nNot in the top 3:");
  for (const r of rows.filter((r) => !r.top3)) {
    console.log(`  ${r.covered ? " " : "·"} ${r.q} → ${r.got.join(", ") || "(no results)"}  [expected ${r.expect.join(" | ")}]`);
  }
  console.log("  (· = no expected page on this site yet)");
}
if (jsonOut) {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(jsonOut, JSON.stringify({ site, all: summary(rows), covered: summary(rows.filter((r) => r.covered)), rows }, null, 1));
}
