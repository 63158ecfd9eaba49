// search.js — Lathund's search module: the Swedish stemmer, then the search itself.
//
// stem(word): the Snowball 3 Swedish stemming algorithm, written from the
// algorithm description (snowballstem.org, "Swedish stemming algorithm", as
// changed in Snowball 3.0.0). It must behave exactly like
// Sources/LathundKit/Search/SwedishStemmer.swift: the search index is stemmed
// by the Swift build and queries are stemmed here. Change both together; both
// are checked against the official test vocabulary (30 738 words) by
// Tests/js/stem.test.mjs and Tests/LathundKitTests/StemmerTests.swift.
//
// stem() lowercases the word itself (full Unicode lowercasing per code point,
// locale-independent, like Swift's String.lowercased()), then works on code
// points, like the Swift version works on Unicode scalars. Input is not
// normalised; pass NFC text (å/ä/ö as single code points).
//
// Plain ES module, no dependencies: runs unchanged in browsers and Node 20.

// Every step only removes code points from the end of the word (öst → ös and
// fullt → full both drop the final t), so the stem is a prefix of the
// lowercased word: the steps compute its length and the result is one slice.
// All removable suffixes are BMP letters, so lengths in UTF-16 units and in
// code points agree for them; only R1 and the et-condition step over whole
// code points (surrogate pairs) to match the Swift version exactly.

const A = 0x61, D = 0x64, E = 0x65, G = 0x67, I = 0x69, K = 0x6b, N = 0x6e;
const R = 0x72, S = 0x73, T = 0x74, OE = 0xf6; // OE: ö

/** a e i o u y ä å ö */
function isVowel(c) {
  switch (c) {
    case 0x61: case 0x65: case 0x69: case 0x6f: case 0x75: case 0x79:
    case 0xe4: case 0xe5: case 0xf6:
      return true;
    default:
      return false;
  }
}

/** Valid s-ending: b c d f g h j k l m n o p r t v y */
function isSEnding(c) {
  switch (c) {
    case 0x62: case 0x63: case 0x64: case 0x66: case 0x67: case 0x68:
    case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
    case 0x70: case 0x72: case 0x74: case 0x76: case 0x79:
      return true;
    default:
      return false;
  }
}

/** Valid öst-ending: i k l n p r t u v */
function isOstEnding(c) {
  switch (c) {
    case 0x69: case 0x6b: case 0x6c: case 0x6e: case 0x70: case 0x72:
    case 0x74: case 0x75: case 0x76:
      return true;
    default:
      return false;
  }
}

/** Index just after the code point starting at i. */
function nextIndex(w, i) {
  const c = w.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < w.length) {
    const d = w.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

/** Index of the code point that ends just before i. */
function previousIndex(w, i) {
  const c = w.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const d = w.charCodeAt(i - 2);
    if (d >= 0xd800 && d <= 0xdbff) return i - 2;
  }
  return i - 1;
}

/** Lowercases like Swift's String.lowercased(): per code point, so a capital
 *  sigma always becomes σ (JavaScript would make a final one ς). */
function lower(word) {
  if (word.indexOf('\u03a3') !== -1) word = word.replace(/\u03a3/g, '\u03c3');
  return word.toLowerCase();
}

/** Start of R1 (German definition): after the first non-vowel following a
 *  vowel, but at least 3 code points in. n (empty R1) if there is none. */
function r1Start(w, n) {
  let x = 0;
  for (let k = 0; k < 3; k++) {
    if (x >= n) return n;
    x = nextIndex(w, x);
  }
  let i = 0;
  while (i < n && !isVowel(w.charCodeAt(i))) i++;
  if (i === n) return n;
  i++;
  while (i < n && isVowel(w.charCodeAt(i))) i++;
  if (i === n) return n;
  return Math.max(nextIndex(w, i), x);
}

/** Valid et-ending for the stem w[0, end) (the part before -et): at least one
 *  letter, a vowel, a non-vowel, and not one of the listed exceptions
 *  (frihet, societet, kontinuitet, alfabet, komet, raket, paket, staket). */
function etCondition(w, end) {
  if (end < 1) return false;
  const k = previousIndex(w, end); // the non-vowel
  if (k < 2 || isVowel(w.charCodeAt(k)) || !isVowel(w.charCodeAt(k - 1))) return false;
  switch (w.charCodeAt(end - 1)) {
    case 0x68: // h
      return false;
    case T:
      return !(w.endsWith('iet', end) || w.endsWith('uit', end) || w.endsWith('cit', end) ||
        w.endsWith('dit', end) || w.endsWith('alit', end) || w.endsWith('ilit', end) ||
        w.endsWith('mit', end) || w.endsWith('nit', end) || w.endsWith('pit', end) ||
        w.endsWith('rit', end) || w.endsWith('sit', end) || w.endsWith('tit', end) ||
        w.endsWith('ivit', end) || w.endsWith('kvit', end) || w.endsWith('xit', end));
    case 0x62: // b
      return !w.endsWith('fab', end);
    case 0x6d: // m
      return !w.endsWith('kom', end);
    case K:
      return !(w.endsWith('rak', end) || w.endsWith('pak', end) || w.endsWith('stak', end));
    default:
      return true;
  }
}

/** Length of the stem of the lowercase word w. */
function stemLength(w) {
  let len = w.length;
  const p1 = r1Start(w, len);
  if (len <= p1) return len; // R1 is empty: nothing can be removed.

  // Step 1: the longest main suffix lying in R1.
  const inR1 = (suffix) => len - suffix.length >= p1 && w.endsWith(suffix, len);
  let remove = 0;
  switch (w.charCodeAt(len - 1)) {
    case A:
      if (inR1('heterna')) remove = 7;
      else if (inR1('arna') || inR1('erna') || inR1('orna')) remove = 4;
      else remove = 1;
      break;
    case D:
      if (inR1('ad')) remove = 2;
      break;
    case E:
      if (inR1('aste') || inR1('ande') || inR1('arne')) remove = 4;
      else if (inR1('ade') || inR1('are')) remove = 3;
      else remove = 1;
      break;
    case N:
      if (inR1('anden') || inR1('heten')) remove = 5;
      else if (inR1('aren')) remove = 4;
      else if (inR1('ern')) remove = 3;
      else if (inR1('en')) remove = 2;
      break;
    case R:
      if (inR1('heter')) remove = 5;
      else if (inR1('ar') || inR1('er') || inR1('or')) remove = 2;
      break;
    case S:
      if (inR1('hetens')) remove = 6;
      else if (inR1('arnas') || inR1('ernas') || inR1('ornas') || inR1('arens') || inR1('andes')) remove = 5;
      else if (inR1('ades') || inR1('erns')) remove = 4;
      else if (inR1('ens')) remove = 3;
      else if (inR1('as') || inR1('es')) remove = 2;
      else {
        // Only the s must be in R1; what precedes it may lie outside.
        const j = len - 1;
        if (j >= 2 && w.charCodeAt(j - 2) === E && w.charCodeAt(j - 1) === T && etCondition(w, j - 2)) remove = 3;
        else if (j >= 1 && isSEnding(w.charCodeAt(j - 1))) remove = 1;
      }
      break;
    case T:
      if (inR1('andet')) remove = 5;
      else if (inR1('het') || inR1('ast')) remove = 3;
      else if (inR1('at')) remove = 2;
      else if (inR1('et')) { if (etCondition(w, len - 2)) remove = 2; }
      break;
  }
  len -= remove;

  // Step 2: a double consonant in R1 loses its last letter.
  if (len - 2 >= p1) {
    const a = w.charCodeAt(len - 2), b = w.charCodeAt(len - 1);
    if (b === D) { if (a === D || a === G) len -= 1; }                              // dd gd
    else if (b === N) { if (a === N) len -= 1; }                                    // nn
    else if (b === T) { if (a === D || a === G || a === K || a === T) len -= 1; }   // dt gt kt tt
  }

  // Step 3: the longest of lig, ig, els, öst, fullt in R1.
  if (len - 2 >= p1) {
    switch (w.charCodeAt(len - 1)) {
      case G:
        if (len - 3 >= p1 && w.endsWith('lig', len)) len -= 3;
        else if (w.charCodeAt(len - 2) === I) len -= 2;                             // ig
        break;
      case S:
        if (len - 3 >= p1 && w.endsWith('els', len)) len -= 3;
        break;
      case T:
        if (len - 5 >= p1 && w.endsWith('fullt', len)) len -= 1;                    // fullt → full
        else if (len - 3 >= p1 && w.charCodeAt(len - 2) === S && w.charCodeAt(len - 3) === OE &&
          len >= 4 && isOstEnding(w.charCodeAt(len - 4))) len -= 1;                 // öst → ös
        break;
    }
  }
  return len;
}

/**
 * The Snowball 3 Swedish stem of `word` (a string), lowercased.
 * @param {string} word
 * @returns {string}
 */
export function stem(word) {
  if (word.length === 0) return word;
  const w = lower(word);
  const len = stemLength(w);
  return len === w.length ? w : w.slice(0, len);
}

// ---------------------------------------------------------------------------
// Search: createSearch({ load }) reads the index the build writes under
// search/ (see Sources/LathundKit/Search/SearchIndex.swift for the format).
//
//   search/index.json      { version, documents, keys, synonyms }
//   search/terms/HEX.json  { stem: [doc, score, doc, score, …] } for the stems
//                          whose longest shard key is KEY (HEX = its UTF-8 in hex)
//   search/doc/N.json      { url, title, section, description, faq, text }
//
// A posting's score is round(bm25 × 100) × 4 + flags: flag 1 means the document
// has the stem only inside a compound, flag 2 that it is in an FAQ question.
// ---------------------------------------------------------------------------

/** Lower-cased words: runs of letters and digits, as the Swift tokenizer splits. */
export function words(text) {
  return String(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
}

const TYPO_WEIGHT = 0.6;
const PREFIX_WEIGHT = 0.7;
/** A word that begins with the query word (a compound: "sjukpenning" → "sjukpenninggrundande"). */
const COMPOUND_WEIGHT = 0.5;
const MIN_COMPOUND_PART = 4;
const FAQ_BOOST = 1.25;
const MAX_PREFIX_SHARDS = 8;

function codePoints(text) {
  return Array.from(text);
}

function hex(key) {
  return Array.from(new TextEncoder().encode(key), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a, b) {
  if (a === b) return true;
  const x = codePoints(a);
  const y = codePoints(b);
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i += 1;
  if (x.length === y.length) {
    if (x.slice(i + 1).join("") === y.slice(i + 1).join("")) return true;
    return x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2).join("") === y.slice(i + 2).join("");
  }
  const [longer, shorter] = x.length > y.length ? [x, y] : [y, x];
  return longer.slice(i + 1).join("") === shorter.slice(i).join("");
}

function idf(documents, df) {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

export async function createSearch({ load }) {
  const meta = await load("search/index.json");
  const keys = new Set(meta.keys);
  const sortedKeys = [...meta.keys].sort();
  const shards = new Map();
  const docs = new Map();

  function shardKeyFor(stem) {
    const points = codePoints(stem);
    for (let length = Math.min(points.length, 8); length >= 1; length -= 1) {
      const key = points.slice(0, length).join("");
      if (keys.has(key)) return key;
    }
    return null;
  }

  function shard(key) {
    if (!shards.has(key)) {
      shards.set(key, Promise.resolve(load(`search/terms/${hex(key)}.json`)).then((terms) => terms || {}, () => ({})));
    }
    return shards.get(key);
  }

  function document(id) {
    if (!docs.has(id)) docs.set(id, Promise.resolve(load(`search/doc/${id}.json`)));
    return docs.get(id);
  }

  /**
   * Postings of every index term that matches `stem`: exactly, with one typo, as the start of a compound, or,
   * for the word being typed, as a prefix. (Compounds that end with the word are indexed under it by the build.)
   */
  async function lookup(stem, { typo, prefix }) {
    const found = [];
    const key = shardKeyFor(stem);
    const shardKeys = key ? [key] : [];
    const compound = codePoints(stem).length >= MIN_COMPOUND_PART;
    if (prefix || compound) {
      for (const other of sortedKeys) {
        if (shardKeys.length >= MAX_PREFIX_SHARDS) break;
        if (other !== key && other.startsWith(stem)) shardKeys.push(other);
      }
    }
    for (const shardKey of shardKeys) {
      const terms = await shard(shardKey);
      for (const [term, postings] of Object.entries(terms)) {
        let weight = 0;
        if (term === stem) weight = 1;
        else if (prefix && term.startsWith(stem)) weight = PREFIX_WEIGHT;
        else if (compound && term.startsWith(stem)) weight = COMPOUND_WEIGHT;
        else if (typo && withinOneEdit(term, stem)) weight = TYPO_WEIGHT;
        if (weight > 0) found.push({ term, postings, weight });
      }
    }
    return found;
  }

  /** doc → score for one alternative: every stem in `stems` must match. */
  async function scoreAlternative(stems, options) {
    let combined = null;
    for (const [position, stem] of stems.entries()) {
      const last = position === stems.length - 1;
      const matches = await lookup(stem, {
        typo: options.typo && codePoints(stem).length >= 5,
        prefix: options.prefix && last && codePoints(stem).length >= 3,
      });
      const scores = new Map();
      // Expansions (prefix, typo) never weigh more than the word itself: a rare longer word would otherwise
      // outrank the exact matches through its idf.
      const exact = matches.find((match) => match.weight === 1);
      for (const { term, postings, weight } of matches) {
        const df = exact && weight < 1 ? Math.max(exact.postings.length, postings.length) / 2 : postings.length / 2;
        const termIdf = idf(meta.documents, df);
        for (let i = 0; i < postings.length; i += 2) {
          const doc = postings[i];
          const flags = postings[i + 1] % 4;
          let score = ((postings[i + 1] - flags) / 400) * termIdf * weight;
          if (flags & 2) score *= FAQ_BOOST;
          const previous = scores.get(doc);
          if (!previous || previous.score < score) {
            scores.set(doc, { score, terms: [term], compound: Boolean(flags & 1) });
          }
        }
      }
      if (combined === null) {
        combined = scores;
      } else {
        const next = new Map();
        for (const [doc, hit] of scores) {
          const before = combined.get(doc);
          if (before) next.set(doc, { score: before.score + hit.score, terms: before.terms.concat(hit.terms), compound: before.compound || hit.compound });
        }
        combined = next;
      }
    }
    return combined || new Map();
  }

  /** Groups of alternatives: one group per query word, or per abbreviation/expansion found in the query. */
  function groupsFor(stems) {
    const groups = stems.map((stem) => [[stem]]);
    const sameSequence = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);
    for (const { a, e } of meta.synonyms) {
      for (const [from, to] of [[e, a], [a, e]]) {
        for (let start = 0; start + from.length <= stems.length; start += 1) {
          if (!sameSequence(stems.slice(start, start + from.length), from)) continue;
          const merged = [from, to];
          groups.splice(start, from.length, merged, ...Array(from.length - 1).fill(null));
        }
      }
    }
    return groups.filter((group) => group !== null);
  }

  function excerpt(text, description, hitTerms, queryStems) {
    const source = text || description || "";
    const pattern = /[\p{L}\p{N}]+/gu;
    let match;
    while ((match = pattern.exec(source)) !== null) {
      const stemmed = stem(match[0]);
      const hit = hitTerms.has(stemmed) || queryStems.some((q) => codePoints(q).length >= 4 && stemmed.includes(q));
      if (!hit) continue;
      let start = Math.max(0, match.index - 60);
      let end = Math.min(source.length, match.index + match[0].length + 120);
      while (start > 0 && !/\s/.test(source[start - 1])) start -= 1;
      while (end < source.length && !/\s/.test(source[end])) end += 1;
      const body = source.slice(start, end).replace(/\s+/g, " ").trim();
      return (start > 0 ? "… " : "") + body + (end < source.length ? " …" : "");
    }
    const fallback = (description || source).replace(/\s+/g, " ").trim();
    return fallback.length > 200 ? fallback.slice(0, 200).replace(/\s+\S*$/, "") + " …" : fallback;
  }

  async function search(query, limit = 10) {
    const queryWords = words(query);
    if (queryWords.length === 0) return [];
    const stems = queryWords.map(stem);
    const prefixLast = !/\s$/.test(query);
    const groups = groupsFor(stems);
    const groupScores = [];
    for (const [index, alternatives] of groups.entries()) {
      const best = new Map();
      for (const [position, alternative] of alternatives.entries()) {
        const scores = await scoreAlternative(alternative, {
          typo: position === 0,
          prefix: position === 0 && prefixLast && index === groups.length - 1,
        });
        for (const [doc, hit] of scores) {
          const before = best.get(doc);
          if (!before || before.score < hit.score) best.set(doc, hit);
        }
      }
      groupScores.push(best);
    }
    const totals = new Map();
    for (const scores of groupScores) {
      for (const [doc, hit] of scores) {
        const before = totals.get(doc) || { score: 0, matched: 0, terms: [] };
        totals.set(doc, { score: before.score + hit.score, matched: before.matched + 1, terms: before.terms.concat(hit.terms) });
      }
    }
    const all = [...totals.entries()];
    const complete = all.filter(([, hit]) => hit.matched === groupScores.length);
    const ranked = (complete.length > 0 ? complete : all)
      .map(([doc, hit]) => [doc, { ...hit, score: hit.score * (hit.matched / groupScores.length) }])
      .sort((x, y) => y[1].score - x[1].score || x[0] - y[0])
      .slice(0, limit);
    const loaded = await Promise.all(ranked.map(([doc]) => document(doc)));
    return ranked.map(([, hit], i) => {
      const doc = loaded[i];
      return {
        url: doc.url,
        title: doc.title,
        excerpt: excerpt(doc.text, doc.description, new Set(hit.terms), stems),
        section: doc.section,
      };
    });
  }

  return { search };
}
