// Tests for the Swedish stemmer in layouts/assets/search.js.
// Run: node --test Tests/js/stem.test.mjs
//
// The official Snowball test vocabulary is in Tests/data/snowball-swedish
// (voc.txt → output.txt, line by line).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stem } from '../../layouts/assets/search.js';

const dataFolder = new URL('../data/snowball-swedish/', import.meta.url);

function lines(name) {
  const text = readFileSync(new URL(name, dataFolder), 'utf8');
  const result = text.split('\n');
  if (result[result.length - 1] === '') result.pop();
  return result;
}

test('reproduces output.txt for every word of voc.txt', () => {
  const words = lines('voc.txt');
  const expected = lines('output.txt');
  assert.equal(words.length, 30738, 'voc.txt word count');
  assert.equal(expected.length, words.length, 'output.txt has one stem per word');
  const mismatches = [];
  let count = 0;
  for (let i = 0; i < words.length; i++) {
    const got = stem(words[i]);
    if (got !== expected[i]) {
      count++;
      if (mismatches.length < 10) {
        mismatches.push(`line ${i + 1}: ${words[i]} → ${got}, expected ${expected[i]}`);
      }
    }
  }
  assert.equal(count, 0, `${count} of ${words.length} mismatches, first ones:\n${mismatches.join('\n')}`);
});

test('explicit examples', () => {
  const examples = [
    // Domain words.
    ['sjukpenningen', 'sjukpenning'],
    ['sjukskrivningar', 'sjukskrivning'],
    ['läkarintygen', 'läkarintyg'],
    ['försäkringskassans', 'försäkringskassan'],
    ['kompletteringar', 'komplettering'],
    ['arbetsförmågan', 'arbetsförmågan'], // -an is not a suffix
    // Definite article: -en and (sometimes) -et go, bare -n and -t stay.
    ['husen', 'hus'],
    ['valet', 'val'],
    ['flickan', 'flickan'],
    ['äpplet', 'äpplet'],
    // Snowball 3: -et / -ets after a valid et-ending.
    ['allvaret', 'allvar'],
    ['beslutet', 'beslut'],
    ['altarets', 'altar'],
    ['frihet', 'frihet'], // -het is itself a suffix, but not in R1 here
    ['friheten', 'frihet'],
    ['kontinuitet', 'kontinuitet'],
    ['societet', 'societet'],
    ['komet', 'komet'],
    ['alfabet', 'alfabet'],
    ['raket', 'raket'],
    ['paket', 'paket'],
    ['staket', 'staket'],
    // Step 2 and step 3.
    ['friskt', 'frisk'],
    ['fullt', 'fullt'], // too short: fullt is not in R1
    ['kraftfullt', 'kraftfull'],
    ['kvinnorna', 'kvinn'],
    ['ensligt', 'ens'], // -gt → -g (step 2), then -lig (step 3)
    ['lyckligt', 'lyck'],
    // Snowball 3: öst → ös after any of i k l n p r t u v, only öst in R1.
    ['generöst', 'generös'],
    ['barnlöst', 'barnlös'],
    ['brusalahöst', 'brusalahöst'], // h is not a valid öst-ending
    ['bröst', 'bröst'], // not in R1
    // Lowercasing is part of stem().
    ['SJUKPENNINGEN', 'sjukpenning'],
    ['Försäkringskassans', 'försäkringskassan'],
    ['ÅTERINSJUKNANDE', 'återinsjukn'],
    // Edge cases.
    ['', ''],
    ['å', 'å'],
    ['ös', 'ös'],
  ];
  for (const [word, expected] of examples) {
    assert.equal(stem(word), expected, word);
  }
});
