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
// search/ (format 3; docs/search.md and Sources/LathundKit/Search/SearchIndex.swift).
//
//   search/index.json      { version, documents, kinds, keys, words, stop, synonyms }
//   search/terms/HEX.json  { terms: { stem: [doc, posting, gap, posting, …] },
//                            spellings: { spelling: [stem] } } for the stems whose
//                          longest shard key is KEY (HEX = its UTF-8 in hex); after
//                          the first, each document is the gap from the one before;
//                          spellings: the stems with å, ä or ö written without them
//   search/words/N.json    { stem: [documents, "ending"] }: the stems that have N
//                          letters without å, ä and ö; loaded only for a word that
//                          matches nothing
//   search/doc/B.json      [{ url, title, section, description, kind, faq, text }, …]:
//                          documents B × 16 … B × 16 + 15, one a line
//
// A posting is ((((frequency × 128 + length code) × 4 + kind) × 32 + bonus) × 4 + flags:
// the stem's weighted frequency in the document, the document's length as
// 8 × log2(words), its kind (index.json kinds, in order), the field bonus in fifths
// and the flags (1: only inside a compound; 2: in an FAQ question). BM25 is
// computed here, with each kind's own average length.
// ---------------------------------------------------------------------------

/** Lower-cased words: runs of letters and digits, as the Swift tokenizer splits. */
export function words(text) {
  return String(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
}

/** stem(), remembered for the words of the pages' text, which repeat (excerpts and marks stem every word). */
const stems = new Map();
function stemOf(word) {
  let found = stems.get(word);
  if (found === undefined) {
    if (stems.size > 50000) stems.clear();
    found = stem(word);
    stems.set(word, found);
  }
  return found;
}

/** Words with their place in `text`: [{ word (lower case), start, end }] (UTF-16 offsets). */
function wordsAt(text) {
  const found = [];
  const pattern = /[\p{L}\p{N}]+/gu;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    found.push({ word: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/**
 * A word as spellings are compared: lower case, å and ä as a, ö as o, é as e ("förlängning" and "forlangning"
 * are one). The same as SearchIndex.folded in Swift, which groups the vocabulary files by its length.
 */
export function fold(word) {
  return lower(word).replace(/[åäàáâ]/g, "a").replace(/[öøóòô]/g, "o").replace(/[éèêë]/g, "e").replace(/ü/g, "u");
}

/** The folded spellings a typed word may stand for: as typed, and with ae, oe and aa read as ä, ö and å
 *  ("foerlaengning" → "forlangning"). */
function spellings(word) {
  const folded = fold(word);
  const digraphs = folded.replace(/a[ae]|oe/g, (pair) => pair[0]);
  return digraphs === folded ? [folded] : [folded, digraphs];
}

/** Documents per search/doc/B.json (SearchIndex.documentsPerBundle). */
const DOCS_PER_BUNDLE = 16;
const K1 = 1.2;
const B = 0.75;
/** Kinds as index.json lists them; a list page or a glossary term weighs less than a page about the words. */
const KIND_WEIGHTS = { page: 1, list: 0.8, term: 0.4, data: 0.9 };
/** A word of the query in an FAQ's question, when the query has more than one word. */
const FAQ_BOOST = 1.1;
/** A document that has the word only inside a compound ("brev" in "kommuniceringsbrev"). */
const COMPOUND_SHARE = 0.5;
const TYPO_WEIGHT = 0.6;
const SPELLING_WEIGHT = 0.95;
const PREFIX_WEIGHT = 0.7;
/** A word that begins with the query word (a compound: "sjukpenning" → "sjukpenninggrundande"). */
const COMPOUND_WEIGHT = 0.5;
const SYNONYM_WEIGHT = 0.95;
const MIN_COMPOUND_PART = 4;
const MAX_PREFIX_SHARDS = 8;
/** Fewer full matches than this, and pages with most of the words are shown after them. */
const FEW_RESULTS = 3;
/** A page with some of the words must have at least this share of the query's weight (idf). */
const PARTIAL_SHARE = 0.5;

function codePoints(text) {
  return Array.from(text);
}

function hex(key) {
  return Array.from(new TextEncoder().encode(key), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a, b) {
  return editDistance(a, b, 1) <= 1;
}

/** Damerau–Levenshtein distance (optimal string alignment) by code point, or more than `limit` when it is. */
export function editDistance(a, b, limit = Infinity) {
  const x = codePoints(a);
  const y = codePoints(b);
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j += 1) {
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (before && i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) value = Math.min(value, before[j - 2] + 1);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[y.length];
}

function idf(documents, df) {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

/** A query word written with letters and digits together ("fk7804") is also its parts ("fk 7804"). */
function parts(word) {
  const pieces = word.match(/\p{L}+|\p{N}+/gu) || [];
  return pieces.length > 1 ? pieces : null;
}

export async function createSearch({ load }) {
  const meta = await load("search/index.json");
  if (meta.version !== 3) throw new Error(`search/index.json has format ${meta.version}; this search.js reads format 3`);
  const kindNames = Object.keys(meta.kinds);
  const averageLength = kindNames.map((name) => {
    const [documents, length] = meta.kinds[name];
    return documents > 0 ? Math.max(1, length / documents) : 1;
  });
  const kindWeight = kindNames.map((name) => KIND_WEIGHTS[name] ?? 1);
  const keys = new Set(meta.keys);
  const sortedKeys = [...meta.keys].sort();
  const wordLengths = new Set(meta.words);
  /** Stems of words that need not match when a query has other words (index.json stop). */
  const stopWords = new Set(meta.stop);
  const shards = new Map();
  const vocabularies = new Map();
  const docs = new Map();

  function shardKeyFor(term) {
    const points = codePoints(term);
    for (let length = Math.min(points.length, 8); length >= 1; length -= 1) {
      const key = points.slice(0, length).join("");
      if (keys.has(key)) return key;
    }
    return null;
  }

  function shard(key) {
    if (!shards.has(key)) shards.set(key, Promise.resolve(load(`search/terms/${hex(key)}.json`)));
    return shards.get(key);
  }

  /** The vocabulary entries whose folded stems have `length` letters: [{ stem, folded, documents, word }]. */
  function vocabulary(length) {
    if (!wordLengths.has(length)) return Promise.resolve([]);
    if (!vocabularies.has(length)) {
      vocabularies.set(length, Promise.resolve(load(`search/words/${length}.json`)).then((entries) =>
        Object.entries(entries).map(([term, [documents, ending]]) => ({ stem: term, folded: fold(term), documents, word: term + ending }))));
    }
    return vocabularies.get(length);
  }

  /** The vocabulary entries whose lengths are within `distance` of one of `forms`'. */
  async function vocabularyAround(forms, distance) {
    const lengths = new Set();
    for (const form of forms) {
      const length = codePoints(form).length;
      for (let other = length - distance; other <= length + distance; other += 1) lengths.add(other);
    }
    return (await Promise.all([...lengths].sort((a, b) => a - b).map(vocabulary))).flat();
  }

  /** Document `id`: item `id % DOCS_PER_BUNDLE` of its bundle, each bundle loaded once. */
  function document(id) {
    const bundle = Math.floor(id / DOCS_PER_BUNDLE);
    if (!docs.has(bundle)) docs.set(bundle, Promise.resolve(load(`search/doc/${bundle}.json`)));
    return docs.get(bundle).then((documents) => documents[id % DOCS_PER_BUNDLE]);
  }

  /** The postings of `term` in its shard, or null. */
  async function postingsOf(term) {
    const key = shardKeyFor(term);
    if (key === null) return null;
    const { terms } = await shard(key);
    return Object.hasOwn(terms, term) ? terms[term] : null;
  }

  /**
   * Index terms that match `stem`: exactly, as the start of a compound, or, for the word being typed, as a
   * prefix; with `near`, also terms spelt the same without å, ä and ö, or with one typo (only in the stem's own
   * shard; the vocabulary is for words that find nothing here). Compounds that end with the word are indexed
   * under it by the build.
   */
  async function lookup(stem, { prefix, near }) {
    const found = [];
    const key = shardKeyFor(stem);
    const shardKeys = key ? [key] : [];
    const length = codePoints(stem).length;
    const compound = length >= MIN_COMPOUND_PART;
    if (prefix || compound) {
      for (const other of sortedKeys) {
        if (shardKeys.length >= MAX_PREFIX_SHARDS) break;
        if (other !== key && other.startsWith(stem)) shardKeys.push(other);
      }
    }
    const forms = near ? spellings(stem) : [];
    for (const shardKey of shardKeys) {
      const { terms } = await shard(shardKey);
      for (const [term, postings] of Object.entries(terms)) {
        let weight = 0;
        if (term === stem) weight = 1;
        else if (prefix && term.startsWith(stem)) weight = PREFIX_WEIGHT;
        else if (compound && term.startsWith(stem)) weight = COMPOUND_WEIGHT;
        else if (near && forms.includes(fold(term))) weight = SPELLING_WEIGHT;
        else if (near && length >= 5 && forms.some((form) => withinOneEdit(fold(term), form))) weight = TYPO_WEIGHT;
        if (weight > 0) found.push({ term, postings, weight });
      }
    }
    // Words with å, ä or ö, when the query has them without: the shard the letters lead to lists them
    // ("forsakringskassan" → "försäkringskassan"). A word typed with them needs no such look-up.
    for (const form of fold(stem) === stem ? spellings(stem) : []) {
      const formKey = shardKeyFor(form);
      if (formKey === null) continue;
      const { spellings: aliases } = await shard(formKey);
      for (const target of Object.hasOwn(aliases, form) ? aliases[form] : []) {
        if (target === stem || found.some((match) => match.term === target)) continue;
        const postings = await postingsOf(target);
        if (postings) found.push({ term: target, postings, weight: SPELLING_WEIGHT });
      }
    }
    return found;
  }

  /**
   * For a word that matched nothing: terms of the vocabulary spelt the same without å, ä and ö (or with ae, oe,
   * aa), or, in words of five letters or more, with one typo anywhere, also in the first letters.
   */
  async function lookupNear(stem) {
    const forms = spellings(stem);
    const typos = codePoints(forms[0]).length >= 5;
    const candidates = await vocabularyAround(forms, typos ? 1 : 0);
    const found = [];
    for (const entry of candidates) {
      let weight = 0;
      if (forms.includes(entry.folded)) weight = SPELLING_WEIGHT;
      else if (typos && forms.some((form) => withinOneEdit(entry.folded, form))) weight = TYPO_WEIGHT;
      if (weight === 0) continue;
      const postings = await postingsOf(entry.stem);
      if (postings) found.push({ term: entry.stem, postings, weight });
    }
    return found;
  }

  /** doc → { score, terms } for one term list: `matches` from lookup, scored with BM25. */
  function scoreMatches(matches, weight, boostFAQ, idfCap) {
    const scores = new Map();
    // Expansions (prefix, typo, spelling) never weigh more than the word itself: a rare longer word would
    // otherwise outrank the exact matches through its idf.
    const exact = matches.find((match) => match.weight === 1);
    // A word typed without å, ä and ö and the word with them are one word: the rare one ("forsakringskassan" in
    // a few links) does not outweigh the one the pages use.
    const spelt = Math.max(0, ...matches.filter((match) => match.weight === SPELLING_WEIGHT).map((match) => match.postings.length));
    for (const { term, postings, weight: termWeight } of matches) {
      let df = exact && termWeight < 1 ? Math.max(exact.postings.length, postings.length) / 2 : postings.length / 2;
      if (termWeight === 1) df = Math.max(df, spelt / 2);
      const termIdf = Math.min(idfCap, idf(meta.documents, df));
      let doc = 0;
      for (let i = 0; i < postings.length; i += 2) {
        doc += postings[i];
        let value = postings[i + 1];
        const flags = value % 4;
        value = (value - flags) / 4;
        const bonus = value % 32;
        value = (value - bonus) / 32;
        const kind = value % 4;
        value = (value - kind) / 4;
        const code = value % 128;
        const frequency = (value - code) / 128;
        const norm = K1 * (1 - B + (B * 2 ** (code / 8)) / averageLength[kind]);
        let score = ((frequency * (K1 + 1)) / (frequency + norm) + bonus / 5) * termIdf * termWeight * weight * kindWeight[kind];
        if (flags & 2 && boostFAQ) score *= FAQ_BOOST;
        if (flags & 1) score *= COMPOUND_SHARE;
        const previous = scores.get(doc);
        if (!previous || previous.score < score) scores.set(doc, { score, terms: [term] });
      }
    }
    return { scores, idf: matches.length ? Math.max(...matches.map((m) => idf(meta.documents, m.postings.length / 2))) : 0 };
  }

  /** doc → { score, terms } for one alternative: every stem in it must match. */
  async function scoreAlternative(stems, { prefixLast, near, weight, boostFAQ, words, idfCap = Infinity }) {
    // An alternative of more or fewer words than it stands for ("fk 7804" for "fk7804", "dfa" for "diagnos
    // funktionsnedsättning aktivitetsbegränsning") scores as the words it replaces.
    const share = words / stems.length;
    let combined = null;
    let weightIdf = 0;
    for (const [position, term] of stems.entries()) {
      const last = position === stems.length - 1;
      let matches = await lookup(term, { prefix: prefixLast && last && codePoints(term).length >= 3, near: false });
      if (matches.length === 0 && near) matches = await lookup(term, { prefix: false, near: true });
      if (matches.length === 0 && near && /\p{L}/u.test(term)) matches = await lookupNear(term);
      const { scores, idf: termIdf } = scoreMatches(matches, weight * share, boostFAQ, idfCap);
      weightIdf = Math.max(weightIdf, termIdf);
      if (combined === null) {
        combined = scores;
      } else {
        const next = new Map();
        for (const [doc, hit] of scores) {
          const before = combined.get(doc);
          if (before) next.set(doc, { score: before.score + hit.score, terms: before.terms.concat(hit.terms) });
        }
        combined = next;
      }
    }
    return { scores: combined || new Map(), idf: weightIdf };
  }

  /**
   * The query as groups, one per word or per phrase that has synonyms: each group's alternatives are term lists
   * that can stand for it ("sjukintyg" or "läkarintyg"; "fk7804" or "fk 7804"). Stop words are optional when
   * the query has other words.
   */
  function parse(query) {
    const queryWords = words(query);
    const stems = queryWords.map(stem);
    const groups = stems.map((term, i) => {
      const alternatives = [{ stems: [term], original: true }];
      const split = parts(queryWords[i]);
      if (split) alternatives.push({ stems: split.map(stem), original: true });
      return { alternatives, words: [queryWords[i]], last: i === stems.length - 1 };
    });
    const sameSequence = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);
    for (const { from, to, via = [] } of meta.synonyms) {
      for (let start = 0; start + from.length <= stems.length; start += 1) {
        if (!groups[start] || !sameSequence(stems.slice(start, start + from.length), from)) continue;
        if (groups.slice(start, start + from.length).some((group) => group === null)) continue;
        const merged = groups[start];
        if (from.length > 1) {
          merged.alternatives = [{ stems: from, original: true }];
          merged.words = queryWords.slice(start, start + from.length);
          merged.last = start + from.length === stems.length;
          for (let i = start + 1; i < start + from.length; i += 1) groups[i] = null;
        }
        for (const alternative of to) merged.alternatives.push({ stems: alternative, original: false });
        for (const alternative of via) merged.alternatives.push({ stems: alternative, original: false, via: true });
      }
    }
    const kept = groups.filter((group) => group !== null);
    // A group of stop words only, with no synonym, need not match when the query has other words.
    const optional = (group) => group.alternatives.every((a) => a.original) && group.words.every((word) => stopWords.has(stem(word)));
    const meaningful = kept.some((group) => !optional(group));
    for (const group of kept) group.required = !meaningful || !optional(group);
    return { groups: kept, stems };
  }

  /** Scores every group of the query: doc → best hit among the group's alternatives. */
  async function scoreGroups(query) {
    const { groups } = parse(query);
    const boostFAQ = groups.filter((group) => group.required).length > 1;
    const prefixTyped = !/\s$/.test(query);
    const scored = [];
    for (const group of groups) {
      const best = new Map();
      let groupIdf = 0;
      // Synonyms widen a word, they do not outrank it: a synonym's words weigh at most as much (idf) as the words
      // typed, when those are on some page and are not only stop words; and what the glossary adds to a synonym
      // (`via`) at most as much as the synonyms themselves. So a rare word of a glossary term (the "7263" of
      // FK 7263, whose expansion is "Läkarintyg") cannot lift its pages above those with the word typed.
      const stopOnly = group.words.every((word) => stopWords.has(stem(word)));
      let typedIdf = Infinity;
      let synonymIdf = 0;
      for (const alternative of group.alternatives) {
        const idfCap = alternative.original ? Infinity : alternative.via ? Math.min(typedIdf, synonymIdf || Infinity) : typedIdf;
        const { scores, idf: alternativeIdf } = await scoreAlternative(alternative.stems, {
          prefixLast: alternative.original && prefixTyped && group.last,
          near: alternative.original && group.required,
          weight: alternative.original ? 1 : SYNONYM_WEIGHT,
          boostFAQ,
          words: group.words.length,
          idfCap,
        });
        if (scores.size > 0 && alternative.original && !stopOnly) typedIdf = Math.min(typedIdf, alternativeIdf);
        if (scores.size > 0 && !alternative.original && !alternative.via) synonymIdf = Math.max(synonymIdf, alternativeIdf);
        groupIdf = Math.max(groupIdf, alternativeIdf);
        for (const [doc, hit] of scores) {
          const before = best.get(doc);
          if (!before || before.score < hit.score) best.set(doc, hit);
        }
      }
      // A word that is on no page weighs as much as the rarest word could.
      scored.push({ group, scores: best, weight: best.size > 0 ? groupIdf : idf(meta.documents, 0) });
    }
    return scored;
  }

  /** Whether a word of a page (its stem) is one the query found: the term itself, or a compound of it. */
  function matcher(terms) {
    const long = [...terms].filter((term) => codePoints(term).length >= MIN_COMPOUND_PART);
    return (word) => {
      const stemmed = stemOf(word);
      return terms.has(stemmed) || long.some((term) => stemmed.startsWith(term) || stemmed.endsWith(term));
    };
  }

  function marks(text, isHit) {
    return wordsAt(text).filter(({ word }) => isHit(word)).map(({ start, end }) => [start, end]);
  }

  /** Blocks of a document's text (a heading, a paragraph, a list item) end with a line break: they are joined
   *  with a full stop, or a semicolon before a block that starts in lower case, unless they end in punctuation. */
  function joinBlocks(text) {
    return text.replace(/[ \t]*\n\s*(?=(.?))/gu, (separator, next, offset) => {
      const before = text[offset - 1];
      if (offset === 0 || before === undefined || /[.!?:;,…]/u.test(before)) return " ";
      return /\p{Ll}/u.test(next) ? "; " : ". ";
    }).replace(/\s+/g, " ").trim();
  }

  /** About 200 characters of the text around the place with the most of the query's words. */
  function excerpt(text, description, isHit) {
    const source = joinBlocks(text || "");
    const found = wordsAt(source).filter(({ word }) => isHit(word));
    if (found.length === 0) {
      const fallback = joinBlocks(description || source);
      return fallback.length > 200 ? fallback.slice(0, 200).replace(/\s+\S*$/, "") + " …" : fallback;
    }
    let best = found[0];
    let bestCount = 0;
    for (const candidate of found) {
      const inside = new Set(found.filter((hit) => hit.start >= candidate.start && hit.end <= candidate.start + 180).map((hit) => stemOf(hit.word)));
      if (inside.size > bestCount) {
        best = candidate;
        bestCount = inside.size;
      }
    }
    let start = Math.max(0, best.start - 60);
    let end = Math.min(source.length, best.end + 140);
    while (start > 0 && !/\s/.test(source[start - 1])) start -= 1;
    while (end < source.length && !/\s/.test(source[end])) end += 1;
    const body = source.slice(start, end).trim();
    return (start > 0 ? "… " : "") + body + (end < source.length ? " …" : "");
  }

  /**
   * The best pages for `query`, at most `limit`: [{ url, title, excerpt, section, kind, partial, marks }].
   * Pages with every word come first. When fewer than three have them, pages with most of the words follow,
   * marked `partial: true`. `marks.title` and `marks.excerpt` are [start, end) ranges of the words that matched.
   */
  async function search(query, limit = 10) {
    const scored = await scoreGroups(query);
    if (scored.length === 0) return [];
    const required = scored.filter((entry) => entry.group.required);
    const totalWeight = required.reduce((sum, entry) => sum + entry.weight, 0);
    const totals = new Map();
    for (const entry of scored) {
      for (const [doc, hit] of entry.scores) {
        const before = totals.get(doc) || { score: 0, matched: 0, weight: 0, terms: [] };
        totals.set(doc, {
          score: before.score + hit.score,
          matched: before.matched + (entry.group.required ? 1 : 0),
          weight: before.weight + (entry.group.required ? entry.weight : 0),
          terms: before.terms.concat(hit.terms),
        });
      }
    }
    const byScore = (x, y) => y[1].score - x[1].score || x[0] - y[0];
    const all = [...totals.entries()].filter(([, hit]) => hit.matched > 0);
    const complete = all.filter(([, hit]) => hit.matched === required.length).sort(byScore);
    let ranked = complete.map(([doc, hit]) => [doc, hit, false]);
    if (complete.length < FEW_RESULTS && required.length > 1) {
      const partial = all
        .filter(([, hit]) => hit.matched < required.length && hit.weight >= PARTIAL_SHARE * totalWeight)
        .map(([doc, hit]) => [doc, { ...hit, score: hit.score * (hit.weight / totalWeight) }])
        .sort(byScore);
      ranked = ranked.concat(partial.map(([doc, hit]) => [doc, hit, true]));
    }
    ranked = ranked.slice(0, limit);
    const loaded = await Promise.all(ranked.map(([doc]) => document(doc)));
    return ranked.map(([, hit, partial], i) => {
      const doc = loaded[i];
      const isHit = matcher(new Set(hit.terms));
      const text = excerpt(doc.text, doc.description, isHit);
      return {
        url: doc.url,
        title: doc.title,
        excerpt: text,
        section: doc.section,
        kind: doc.kind,
        partial,
        marks: { title: marks(doc.title, isHit), excerpt: marks(text, isHit) },
      };
    });
  }

  /**
   * "Menade du …?": up to `count` queries like `query` with each word that no page has replaced by a word the
   * pages use (within two typos, or the same without å, ä and ö), the most used first; only queries that find
   * pages. [{ query, words: [the replacing words] }]
   */
  async function suggest(query, count = 3) {
    const queryWords = words(query);
    const options = [];
    for (const word of queryWords) {
      const term = stem(word);
      const known = (await lookup(term, { prefix: false, near: false })).length > 0 || stopWords.has(term) || !/\p{L}/u.test(word);
      if (known) {
        options.push([{ word, distance: 0, documents: Infinity }]);
        continue;
      }
      const forms = spellings(term);
      const limit = codePoints(forms[0]).length >= 5 ? 2 : 1;
      const near = (await vocabularyAround(forms, limit))
        .map((entry) => ({
          word: entry.word,
          distance: Math.min(...forms.map((form) => editDistance(entry.folded, form, limit))),
          documents: entry.documents,
        }))
        .filter((entry) => entry.distance <= limit)
        .sort((x, y) => x.distance - y.distance || y.documents - x.documents || (x.word < y.word ? -1 : 1))
        .slice(0, count);
      options.push(near);
    }
    if (options.some((list) => list.length === 0) || options.every((list) => list[0]?.distance === 0)) return [];
    const suggestions = [];
    for (let rank = 0; rank < count; rank += 1) {
      const replaced = options.map((list) => list[Math.min(rank, list.length - 1)]);
      const text = replaced.map((entry) => entry.word).join(" ");
      if (suggestions.some((s) => s.query === text)) continue;
      if ((await search(text + " ", 1)).length === 0) continue;
      suggestions.push({ query: text, words: replaced.filter((entry) => entry.distance > 0).map((entry) => entry.word) });
    }
    return suggestions;
  }

  return { search, suggest };
}
