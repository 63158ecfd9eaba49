// granska.js — the rule engine of the writing aid on /dfa/granska/ ("Granska din DFA-text").
//
// The rules are writers' data: content/dfa/granskningsregler.yml, checked by the build
// (Sources/LathundKit/Data/WritingAid.swift) and written into the page as JSON by the
// ```granskning directive (Sources/LathundKit/Markdown/WritingAidDirective.swift). This module
// runs them on the text of the form's fields; granska-ui.js drives the page. Nothing here touches
// the network, cookies or storage: it is pure functions, so it runs unchanged in Node
// (Tests/js/granska.test.mjs) and in the browser.
//
//   review(data, form) -> findings, best first within each field
//     data: the JSON of the page ({ fields, lists, rules, examples })
//     form: { values: { fieldId: text }, choices: { fieldId: [choiceId] } }
//   findPersonnummer(text, allowed?) -> [{ start, end, kind, masked }]
//   readability(text) -> { words, sentences, longWords, lix }
//
// What a rule looks for is documented in content/README.md and at the top of the rules file.

import { stem } from "./search.js";

// ---------------------------------------------------------------------------------------------
// Words and patterns

const WORD = /[\p{Alphabetic}0-9]+/gu;
/** What may stand between the words of a phrase: no end of a sentence or clause. */
const PHRASE_GAP = /^[^.!?;:,]*$/u;

/** The words of a text, lower-cased, with where each one is: runs of letters and digits. */
export function tokens(text) {
  const found = [];
  for (const match of text.matchAll(WORD)) {
    found.push({ lower: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return found;
}

const compiledPatterns = new Map();

/** A pattern ("undersök*", "orkar inte", "?##*") as one anchored regular expression per word:
 *  `*` any letters or digits, `?` one letter, `#` one digit. */
function compile(pattern) {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = pattern.split(" ").filter(Boolean).map((word) => {
      let source = "^";
      for (const character of word) {
        if (character === "*") source += "[\\p{Alphabetic}0-9]*";
        else if (character === "?") source += "\\p{Alphabetic}";
        else if (character === "#") source += "[0-9]";
        else source += character.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      }
      return new RegExp(source + "$", "u");
    });
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** The patterns of a rule with `$list` names replaced by the list's patterns. */
function expand(patterns, lists) {
  const result = [];
  for (const pattern of patterns || []) {
    if (pattern.startsWith("$")) result.push(...(lists[pattern.slice(1)] || []));
    else result.push(pattern);
  }
  return result;
}

/** Every place a pattern matches the words of `text`: [{ start, end }] in text order. */
function matches(text, words, patterns) {
  const found = [];
  for (const pattern of patterns) {
    const parts = compile(pattern);
    for (let i = 0; i + parts.length <= words.length; i++) {
      let ok = true;
      for (let k = 0; k < parts.length && ok; k++) {
        ok = parts[k].test(words[i + k].lower)
          && (k === 0 || PHRASE_GAP.test(text.slice(words[i + k - 1].end, words[i + k].start)));
      }
      if (ok) found.push({ start: words[i].start, end: words[i + parts.length - 1].end });
    }
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Content words: the words that no `ignore` pattern matches, of three letters or more, with their stems. */
function contentWords(words, ignore) {
  const parts = ignore.map(compile);
  return words
    .filter((word) => word.lower.length >= 3
      && !parts.some((pattern) => pattern.length === 1 && pattern[0].test(word.lower)))
    .map((word) => ({ lower: word.lower, stem: stem(word.lower) }));
}

/** Two words are related when their stems are the same, or one (four letters or more) begins or ends the
 *  other: "lyfter"/"lyft", "lager"/"lagerarbetare", "ryggen"/"ländryggen". */
function related(a, b) {
  if (a.stem === b.stem) return true;
  const [short, long] = a.lower.length <= b.lower.length ? [a, b] : [b, a];
  for (const part of [short.lower, short.stem]) {
    if (part.length >= 4 && (long.lower.startsWith(part) || long.lower.endsWith(part))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Readability: LIX with the build's tokenizer (Sources/LathundKit/Checks/Readability.swift), so a text
// gets the same LIX here as on a page. A line break ends a block, as the end of a paragraph does there.

const ABBREVIATIONS = new Set([
  "t.ex", "bl.a", "m.m", "s.k", "d.v.s", "o.s.v", "dvs", "osv", "ca", "jfr", "resp", "enl", "kap", "nr", "st",
  "f.d", "fr.o.m", "t.o.m", "p.g.a", "m.fl", "e.d", "a.a", "obs", "kl", "tel", "prop", "ff",
]);
const LETTER = /^\p{Alphabetic}$/u;
const SPACE = /^\p{White_Space}$/u;
const isDigit = (c) => c >= "0" && c <= "9";
/** null for a character that is not part of a word; true for a letter, false for a digit. */
const wordKind = (c) => (isDigit(c) ? false : LETTER.test(c) ? true : null);

export function readability(text) {
  const chars = Array.from(text);
  let words = 0, sentences = 0, longWords = 0, letters = 0;
  let inWord = false, wordStart = 0, blockHasWords = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const next = i + 1 < chars.length ? chars[i + 1] : null;
    const kind = wordKind(c);
    if (kind !== null) {
      if (!inWord) { inWord = true; wordStart = i; }
      if (kind) letters += 1;
      continue;
    }
    const nextIsWord = next !== null && wordKind(next) !== null;
    if (inWord && nextIsWord && (c === "-" || c === "'" || c === "\u2019" || c === "\u2011")) continue;
    if (inWord && i > 0 && isDigit(chars[i - 1]) && c === "," && next !== null && isDigit(next)) continue;
    if (inWord && nextIsWord && c === ".") continue;
    let previousWord = "";
    if (inWord && c === ".") {
      previousWord = chars.slice(wordStart, i).filter((x) => x === "." || wordKind(x) !== null).slice(0, 12).join("").toLowerCase();
    }
    if (inWord) {
      words += 1;
      if (letters > 6) longWords += 1;
      inWord = false;
      letters = 0;
      blockHasWords = true;
    }
    if (c === "." || c === "!" || c === "?" || c === ":") {
      const atEnd = next === null || SPACE.test(next);
      const abbreviation = c === "." && (ABBREVIATIONS.has(previousWord) || previousWord.includes("."));
      if (atEnd && blockHasWords && !abbreviation) { sentences += 1; blockHasWords = false; }
    } else if (c === "\n" && blockHasWords) {
      sentences += 1;
      blockHasWords = false;
    }
  }
  if (inWord) {
    words += 1;
    if (letters > 6) longWords += 1;
    blockHasWords = true;
  }
  if (blockHasWords) sentences += 1;
  const lix = words === 0 ? null : words / Math.max(1, sentences) + (longWords * 100) / words;
  return { words, sentences, longWords, lix };
}

// ---------------------------------------------------------------------------------------------
// Personnummer and samordningsnummer: the build's guard (Sources/LathundKit/Checks/PersonnummerGuard.swift)
// in JavaScript. Tests/data/personnummer-cases.json holds the cases both are tested against.

/** Days in a month; February by the Gregorian leap rule. */
function daysIn(month, year) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The check digit of the first nine digits: weights 2, 1, 2, …; digit sums of the products. */
function luhnCheckDigit(digits) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const product = digits[i] * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/** "personnummer", "samordningsnummer" or null, for ÅÅMMDDNNNK (century digits apart). */
function kind(digits, century) {
  const values = Array.from(digits, Number);
  const year = values[0] * 10 + values[1];
  const month = values[2] * 10 + values[3];
  const day = values[4] * 10 + values[5];
  if (month < 1 || month > 12) return null;
  const fullYear = (century ?? 20) * 100 + year;
  const days = daysIn(month, century === null && year % 4 === 0 ? 2000 : fullYear);
  let found;
  if (day >= 1 && day <= days) found = "personnummer";
  else if (day >= 61 && day <= 60 + days) found = "samordningsnummer";
  else return null;
  return luhnCheckDigit(values) === values[9] ? found : null;
}

/** Numbers written like a real personnummer or samordningsnummer: 6 or 8 digits, then `-`, `+`, a space, a
 *  no-break space or nothing, then 4 digits, with no digit right before or after; a valid date (for a
 *  samordningsnummer the day minus 60) and the Luhn check digit. `masked` hides the last four digits.
 *  `allowed` holds 10-digit forms to let through (the build's personnummer_allow). */
export function findPersonnummer(text, allowed = []) {
  const allow = new Set(allowed);
  const found = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (!isDigit(text[i])) { i += 1; continue; }
    const start = i;
    while (i < n && isDigit(text[i])) i += 1;
    const length = i - start;
    let candidate = null;
    if (length === 10 || length === 12) {
      const run = text.slice(start, i);
      candidate = { start, end: i, digits: run.slice(-10), century: length === 12 ? Number(run.slice(0, 2)) : null };
    } else if ((length === 6 || length === 8) && i < n && "-+ \u00a0".includes(text[i])) {
      const after = i + 1;
      let end = after;
      while (end < n && end - after < 5 && isDigit(text[end])) end += 1;
      if (end - after === 4) {
        const digits = text.slice(start, i) + text.slice(after, end);
        candidate = { start, end, digits: digits.slice(-10), century: length === 8 ? Number(digits.slice(0, 2)) : null };
        i = end;
      }
    }
    if (candidate && !allow.has(candidate.digits)) {
      const numberKind = kind(candidate.digits, candidate.century);
      if (numberKind) {
        const written = text.slice(candidate.start, candidate.end);
        found.push({ start: candidate.start, end: candidate.end, kind: numberKind, masked: written.slice(0, -4) + "****" });
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// The rules

/** How many words a quoted field may have: a longer field is not quoted whole. */
const QUOTE_WORDS = 12;

/** A field's state: its text, words and whether it counts as filled in (text, or a choice made). */
function fieldState(form, id, field) {
  // NFC: text pasted from another program may write å as a + ring, which the patterns do not.
  const text = ((form.values && form.values[id]) || "").normalize("NFC");
  const words = tokens(text);
  const chosen = (form.choices && form.choices[id]) || [];
  // A field with choices is empty when nothing is chosen (what `needs` asks); any field is filled in when it has
  // text or a choice (what its own rules wait for).
  const empty = field.choices ? chosen.length === 0 : words.length === 0;
  return { text, words, chosen, filled: words.length > 0 || chosen.length > 0, empty };
}

/** The finding of `rule` on `field`, or null when a condition does not hold. */
function check(rule, field, state, states, lists) {
  for (const [id, wanted] of Object.entries(rule.choice || {})) {
    if (!states[id] || !states[id].chosen.some((choice) => wanted.includes(choice))) return null;
  }
  const { text, words } = state;
  if (rule.minWords !== undefined && words.length < rule.minWords) return null;
  if (rule.maxWords !== undefined && words.length > rule.maxWords) return null;
  let quotes = null;
  if (rule.words) {
    const found = matches(text, words, expand(rule.words, lists));
    if (found.length === 0) return null;
    quotes = [];
    let last = -1;
    for (const place of found) {
      if (place.start < last) continue; // overlaps the previous quote
      const quote = text.slice(place.start, place.end);
      if (!quotes.some((q) => q.toLowerCase() === quote.toLowerCase())) quotes.push(quote);
      last = place.end;
    }
  }
  if (rule.has && matches(text, words, expand(rule.has, lists)).length === 0) return null;
  if (rule.missing && matches(text, words, expand(rule.missing, lists)).length > 0) return null;
  const ignore = expand(rule.ignore, lists);
  if (rule.repeats) {
    const other = states[rule.repeats];
    const mine = contentWords(words, ignore);
    const theirs = contentWords(other.words, ignore);
    if (mine.length === 0 || theirs.length === 0) return null;
    if (!mine.every((word) => theirs.some((their) => related(word, their)))) return null;
  }
  if (rule.unrelatedTo) {
    const theirs = contentWords(states[rule.unrelatedTo].words, ignore);
    if (theirs.length === 0) return null;
    const mine = contentWords(words, ignore);
    if (mine.some((word) => theirs.some((their) => related(word, their)))) return null;
  }
  if (rule.needs && !states[rule.needs].empty) return null;
  let detail = null;
  if (rule.lixAbove !== undefined) {
    const { lix } = readability(text);
    if (lix === null || lix <= rule.lixAbove) return null;
    detail = `LIX ${Math.round(lix)}`;
  }
  if (quotes === null) quotes = words.length > 0 && words.length <= QUOTE_WORDS ? [text.trim()] : [];
  return {
    rule: rule.id, field, importance: rule.importance, message: rule.message, quotes, detail,
    href: rule.href, linkText: rule.linkText,
  };
}

/** Runs every rule on every filled-in field it names. Findings come in the order of the form's fields, and
 *  within a field by importance (1 first), then in the order of the rules file. */
export function review(data, form) {
  const states = {};
  for (const field of data.fields) states[field.id] = fieldState(form, field.id, field);
  const lists = data.lists || {};
  const findings = [];
  data.rules.forEach((rule, order) => {
    for (const field of rule.fields) {
      const state = states[field];
      if (!state || !state.filled) continue;
      const finding = check(rule, field, state, states, lists);
      if (finding) findings.push({ ...finding, order });
    }
  });
  const position = new Map(data.fields.map((field, index) => [field.id, index]));
  findings.sort((a, b) => position.get(a.field) - position.get(b.field) || a.importance - b.importance || a.order - b.order);
  return findings.map(({ order, ...finding }) => finding);
}
