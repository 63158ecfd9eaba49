// node --test suite for the writing aid's rule engine (site/assets/granska.HASH.js) with the real rules, as the
// build wrote them into /dfa/granska/ (LATHUND_SITE, default site/): 36 example texts written for these tests,
// each with the findings it must give (field:rule), none for the strong ones; the site's own examples; the
// personnummer check against the build's cases (Tests/data/personnummer-cases.json); LIX against the build's
// (Tests/data/lix-cases.json); and that searching the real site for "granska intyg" finds the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const site = path.resolve(process.env.LATHUND_SITE || path.join(root, "site"));

async function asset(name) {
  const manifest = JSON.parse(await readFile(path.join(site, "assets/manifest.json"), "utf8"));
  assert.ok(manifest[name], `${name} is not in ${site}/assets/manifest.json`);
  return import(path.join(site, "assets", manifest[name]));
}

/** The rules as the build wrote them into the page: the JSON data block of the granskning directive. */
async function pageData() {
  const html = await readFile(path.join(site, "dfa/granska/index.html"), "utf8");
  const match = html.match(/<script type="application\/json" id="granskning_data">([^<]*)<\/script>/);
  assert.ok(match, "/dfa/granska/ has no granskning_data block");
  return JSON.parse(match[1]);
}

const engine = await asset("granska.js");
const data = await pageData();

/** A form: the choices of sysselsättning and the texts by field. */
function form(choices, values) {
  return { choices: { sysselsattning: choices }, values };
}
const found = (result) => result.map((finding) => `${finding.field}:${finding.rule}`);

const S = "sysselsattning", D = "diagnos", F = "funktionsnedsattning", A = "aktivitetsbegransning", B = "behandling";

// --- Texts written for the tests: weak ones with the findings they must give -----------------------------------

const weak = [
  ["exempel 1, svagare: ryggbesvär hos en lagerarbetare", form(["arbete"], {
    [S]: "Patienten arbetar på ett lager och lyfter kartonger från golvnivå flera gånger i timmen.",
    [D]: "Ryggvärk.", [F]: "Har ont i ryggen.", [A]: "Kan inte arbeta." }),
  ["diagnos:diagnos-utan-kod", "funktionsnedsattning:funktion-utan-fynd", "funktionsnedsattning:vaga-ord",
   "aktivitetsbegransning:aktivitet-bara-slutsats", "aktivitetsbegransning:aktivitet-utan-koppling-till-sysselsattningen",
   "aktivitetsbegransning:aktivitet-utan-grad"]],
  ["exempel 2, svagare: utmattning hos en handläggare", form(["arbete"], {
    [S]: "Arbetet består av att läsa långa ärenden och fatta beslut under tidspress.",
    [D]: "Utmattning.", [F]: "Trött, orkar inte.", [A]: "Klarar inte jobbet." }),
  ["diagnos:diagnos-utan-kod", "funktionsnedsattning:funktion-utan-fynd", "funktionsnedsattning:vaga-ord",
   "aktivitetsbegransning:aktivitet-bara-slutsats", "aktivitetsbegransning:aktivitet-utan-koppling-till-sysselsattningen",
   "aktivitetsbegransning:aktivitet-utan-grad"]],
  ["funktionsnedsättningen upprepar diagnosen", form([], { [D]: "Lumbago M54.5", [F]: "Lumbago." }),
   ["funktionsnedsattning:funktion-upprepar-diagnosen", "funktionsnedsattning:funktion-utan-fynd"]],
  ["funktionsnedsättningen upprepar diagnosen med ett led av ordet", form([], { [D]: "Ländryggssmärta", [F]: "Smärta i ländryggen." }),
   ["diagnos:diagnos-utan-kod", "funktionsnedsattning:funktion-upprepar-diagnosen", "funktionsnedsattning:funktion-utan-fynd"]],
  ["bara patientens berättelse, med allmänna ord", form([], { [F]: "Patienten uppger att hon är trött och inte orkar med vardagen." }),
   ["funktionsnedsattning:funktion-bara-patientens-berattelse", "funktionsnedsattning:vaga-ord"]],
  ["bara patientens berättelse, med grad", form([], { [F]: "Patienten berättar om värk i knäet sedan tre veckor." }),
   ["funktionsnedsattning:funktion-bara-patientens-berattelse"]],
  ["upplever och mår dåligt", form([], { [F]: "Mår dåligt, upplever stress." }),
   ["funktionsnedsattning:funktion-bara-patientens-berattelse", "funktionsnedsattning:vaga-ord"]],
  ["fynd utan grad", form([], { [F]: "Vid undersökningen nedsatt rörlighet i axeln." }),
   ["funktionsnedsattning:funktion-fynd-utan-grad"]],
  ["en funktion men inga fynd", form([], { [F]: "Nedsatt rörlighet och smärta i höger axel." }),
   ["funktionsnedsattning:funktion-utan-fynd"]],
  ["aktivitetsbegränsning utan funktionsnedsättning", form(["arbete"], {
    [S]: "Undersköterska på ett äldreboende. Lyfter och vänder brukare flera gånger per pass.",
    [A]: "Klarar inte att lyfta brukare mer än två gånger per pass. Jag har sett att hon inte kan lyfta armen över axelhöjd." }),
  ["aktivitetsbegransning:aktivitet-utan-funktionsnedsattning"]],
  ["ingen sysselsättning ikryssad", form([], {
    [F]: "Vid undersökningen kraftigt nedsatt kraft i höger hand.",
    [A]: "Klarar att lyfta högst 5 kilo. Jag har själv sett det vid undersökningen." }),
  ["aktivitetsbegransning:aktivitet-utan-sysselsattning"]],
  ["begränsningen nämner inget av arbetsuppgifterna", form(["arbete"], {
    [S]: "Busschaufför. Kör linjetrafik i stan, åtta timmar om dagen.",
    [F]: "Vid undersökningen tydligt nedsatt rörlighet i nacken, kan vrida huvudet högst 20 grader åt höger.",
    [A]: "Klarar inte att gå i trappor mer än ett par minuter. Det har jag sett vid besöket." }),
  ["aktivitetsbegransning:aktivitet-utan-koppling-till-sysselsattningen"]],
  ["arbetssökande men texten handlar om ett visst jobb", form(["arbetssokande"], {
    [F]: "I psykiskt status sänkt stämningsläge och tydligt nedsatt tempo.",
    [A]: "Kan inte gå tillbaka till sitt arbete på lagret eftersom kollegorna stressar henne. Orkar högst två timmar om dagen enligt egen uppgift." }),
  ["aktivitetsbegransning:aktivitet-arbetssokande-visst-jobb"]],
  ["föräldraledig men inget om barnet", form(["foraldraledig"], {
    [F]: "Vid undersökningen kraftigt nedsatt rörlighet i höger knä, böjer högst 60 grader.",
    [A]: "Kan inte gå mer än 100 meter utan paus. Det har jag sett vid undersökningen." }),
  ["aktivitetsbegransning:aktivitet-foraldraledig-utan-barnet"]],
  ["studier men inget om studierna", form(["studier"], {
    [S]: "Studerar till sjuksköterska på heltid.",
    [F]: "I psykiskt status uttalad koncentrationssvårighet, tappar tråden efter fem minuter.",
    [A]: "Kan inte sova mer än fyra timmar per natt enligt egen uppgift." }),
  ["aktivitetsbegransning:aktivitet-utan-koppling-till-sysselsattningen", "aktivitetsbegransning:aktivitet-studier-utan-studierna"]],
  ["begränsning utan hur ofta eller hur mycket", form(["arbete"], {
    [S]: "Lagerarbetare, plockar varor och kör truck.",
    [F]: "Vid undersökningen tydligt nedsatt rörlighet i ländryggen.",
    [A]: "Klarar inte att plocka varor från golvet. Det har jag sett vid undersökningen." }),
  ["aktivitetsbegransning:aktivitet-utan-grad"]],
  ["begränsning utan källa", form(["arbete"], {
    [S]: "Lagerarbetare, plockar varor och kör truck.",
    [F]: "Vid undersökningen tydligt nedsatt rörlighet i ländryggen.",
    [A]: "Klarar att plocka varor i högst tio minuter, sedan måste hen vila i en halvtimme." }),
  ["aktivitetsbegransning:aktivitet-utan-kalla"]],
  ["bara en slutsats om arbetsförmågan", form(["arbete"], {
    [S]: "Snickare, bär virke och arbetar på stege.",
    [F]: "Vid undersökningen tydligt nedsatt kraft i vänster arm.",
    [A]: "Helt arbetsoförmögen." }),
  ["aktivitetsbegransning:aktivitet-bara-slutsats", "aktivitetsbegransning:aktivitet-utan-koppling-till-sysselsattningen"]],
  ["allmänna ord i aktivitetsbegränsningen", form(["arbete"], {
    [S]: "Kassapersonal i livsmedelsbutik, står i kassan hela dagarna.",
    [F]: "I psykiskt status tydligt nedsatt tempo och koncentration.",
    [A]: "Mår dåligt och orkar inte stå i kassan." }),
  ["aktivitetsbegransning:vaga-ord", "aktivitetsbegransning:aktivitet-utan-grad", "aktivitetsbegransning:aktivitet-utan-kalla"]],
  ["planerad behandling utan syfte, tid och vårdenhet", form([], { [B]: "Fortsatt behandling." }),
   ["behandling:behandling-utan-syfte", "behandling:behandling-utan-tidsplan", "behandling:behandling-utan-vardenhet"]],
  ["planerad behandling utan syfte", form([], { [B]: "Fysioterapeut på vårdcentralen, två gånger i veckan under sex veckor." }),
   ["behandling:behandling-utan-syfte"]],
  ["diagnos utan kod", form([], { [D]: "Depression, medelsvår." }), ["diagnos:diagnos-utan-kod"]],
  ["nuvarande arbete utan arbetsuppgifter", form(["arbete"], { [S]: "Lärare." }),
   ["sysselsattning:sysselsattning-utan-arbetsuppgifter"]],
  ["nuvarande arbete ikryssat, inget skrivet", form(["arbete"], {}),
   ["sysselsattning:sysselsattning-utan-arbetsuppgifter"]],
  ["mycket svår text", form([], {
    [F]: "Vid undersökningen konstaterades betydande funktionsnedsättningar avseende koncentrationsförmåga, uppmärksamhetsfunktioner, arbetsminneskapacitet och exekutiva funktioner, vilka sammantaget medför uttalade svårigheter beträffande informationsbearbetning, prioriteringsförmåga och planeringsförmåga i förhållande till ordinarie arbetsuppgifter inom administrativ verksamhet." }),
  ["funktionsnedsattning:svar-text"]],
];

// --- Strong texts: no finding ---------------------------------------------------------------------------------

const strong = [
  ["exempel 1, starkare", form(["arbete"], {
    [S]: "Patienten arbetar på ett lager och lyfter kartonger från golvnivå flera gånger i timmen.",
    [D]: "Ländryggssmärta, angiven med diagnoskod enligt ICD-10-SE, den svenska diagnosklassifikationen.",
    [F]: "Vid undersökningen tydligt nedsatt rörlighet i ländryggen. Når med fingrarna till knähöjd vid framåtböjning. Ömhet över ryggmusklerna. Inga tecken på nervpåverkan i benen.",
    [A]: "Patienten arbetar på ett lager och lyfter kartonger från golvnivå flera gånger i timmen. Patienten berättar att kraftig smärta kommer efter ungefär 15 minuter med upprepade lyft. Gång, stående och lättare sorteringsarbete går bra. Rörelseinskränkningen har jag själv sett vid undersökningen. Uppgiften om lyften bygger på patientens berättelse." })],
  ["exempel 2, starkare", form(["arbete"], {
    [S]: "Arbetet består av att läsa långa ärenden och fatta beslut under tidspress.",
    [D]: "Utmattningssyndrom, angiven med diagnoskod enligt ICD-10-SE.",
    [F]: "I psykiskt status märks långsamt tempo och nedsatt koncentration. Patienten tappar tråden flera gånger under ett samtal på 30 minuter och behöver få frågor upprepade. Patienten berättar om sömnsvårigheter och minnesluckor sedan flera månader.",
    [A]: "Arbetet består av att läsa långa ärenden och fatta beslut under tidspress. Patienten beskriver att hen klarar att läsa i högst 20 minuter innan texten \"flyter ihop\". Hen glömmer bokade möten flera gånger i veckan. Svårigheterna med koncentrationen har jag sett under besöket. Uppgifterna om arbetet och minnet bygger på patientens berättelse." })],
  ["städare: 'kan inte arbeta med' följt av en beskrivning", form(["arbete"], {
    [S]: "Städare, dammsuger och moppar golv i kontorslokaler hela dagarna.",
    [F]: "Vid undersökningen kraftigt nedsatt rörlighet i höger axel.",
    [A]: "Kan inte arbeta med moppning eftersom armen bara når till axelhöjd, efter tio minuter ökar smärtan kraftigt. Det har jag sett vid undersökningen." })],
  ["arbetssökande med ångest", form(["arbetssokande"], {
    [D]: "Generaliserat ångestsyndrom F41.1",
    [F]: "I psykiskt status tydlig oro, talar snabbt och tappar tråden flera gånger under samtalet. GAD-7 visar 17 poäng.",
    [A]: "Klarar inte att vara bland många människor mer än tio minuter innan oron blir för stark. Det gäller arbete med kundkontakt och i öppna lokaler. Uppgiften bygger på patientens berättelse och det jag såg under besöket." })],
  ["föräldraledig med ryggskott", form(["foraldraledig"], {
    [D]: "Akut lumbago M54.5",
    [F]: "Vid undersökningen kraftigt nedsatt rörlighet i ländryggen, når till knähöjd vid framåtböjning.",
    [A]: "Kan inte lyfta barnet, som väger 9 kilo, från golvet eller ur sängen. Klarar att bära barnet högst ett par minuter. Det har jag sett när patienten försökte lyfta en väska vid besöket." })],
  ["student med migrän", form(["studier"], {
    [S]: "Studerar till ingenjör, föreläsningar och laborationer på heltid.",
    [D]: "Migrän G43.0",
    [F]: "Vid undersökningen ljuskänslighet och tydligt nedsatt koncentration under anfallen, som kommer två till tre gånger i veckan.",
    [A]: "Kan inte följa föreläsningar eller läsa under anfallen, som varar upp till två dagar. Det bygger på patientens berättelse och anfallsdagboken." })],
  ["planerad behandling med syfte, tid och vårdenhet", form([], {
    [B]: "Fysioterapi på vårdcentralen två gånger i veckan under sex veckor, för att öka rörligheten i ländryggen." })],
  ["diagnos med kod", form([], { [D]: "Utmattningssyndrom F43.8A" })],
  ["psykiskt status och anamnes", form([], {
    [F]: "I psykiskt status nedsatt koncentration, patienten behöver få frågor upprepade flera gånger under ett samtal på 20 minuter. Patienten berättar om minnesluckor sedan två månader." })],
  ["betongarbetare med axelbesvär, alla fält", form(["arbete"], {
    [S]: "Betongarbetare. Bär armeringsjärn, arbetar på knä och med armarna över huvudet.",
    [D]: "Impingement i höger axel M75.4",
    [F]: "Vid undersökningen smärtsam abduktion över 90 grader och nedsatt kraft vid utåtrotation jämfört med vänster sida.",
    [A]: "Kan inte arbeta med armarna över huvudet mer än någon minut åt gången. Bär armeringsjärn med vänster arm men klarar inte att lyfta dem över axelhöjd med höger. Svårigheten att lyfta armen har jag sett vid undersökningen.",
    [B]: "Remiss till fysioterapeut för att träna upp rörligheten i axeln, med återbesök hos mig om sex veckor." })],
  ["arbetssökande, arbete i allmänhet", form(["arbetssokande"], {
    [F]: "I psykiskt status tydligt nedsatt tempo.",
    [A]: "Klarar bara enkla uppgifter i högst en timme åt gången, sedan behöver hen vila. Det har jag sett vid två besök och det stämmer med patientens berättelse." })],
];

test(`${weak.length + strong.length} example texts: each weak text gives exactly its findings`, () => {
  assert.ok(weak.length + strong.length >= 30);
  const wrong = [];
  for (const [name, filled, expected] of weak) {
    const got = found(engine.review(data, filled));
    if (JSON.stringify([...got].sort()) !== JSON.stringify([...expected].sort())) {
      wrong.push(`${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test(`${strong.length} strong texts give no finding`, () => {
  const wrong = [];
  for (const [name, filled] of strong) {
    const got = engine.review(data, filled);
    if (got.length > 0) wrong.push(`${name}: ${JSON.stringify(got.map((f) => [f.field, f.rule, f.quotes]))}`);
  }
  assert.deepEqual(wrong, []);
});

test("every rule in the rules file is shown to fire by some weak text", () => {
  const fired = new Set(weak.flatMap(([, , expected]) => expected.map((item) => item.split(":")[1])));
  const rules = data.rules.map((rule) => rule.id);
  assert.ok(rules.length >= 15, `${rules.length} rules`);
  assert.deepEqual(rules.filter((id) => !fired.has(id)), []);
});

test("findings quote the words that triggered them, say what to add and link to the explaining page", () => {
  const [first] = weak;
  const result = engine.review(data, first[1]);
  const byRule = Object.fromEntries(result.map((finding) => [finding.rule, finding]));
  assert.deepEqual(byRule["aktivitet-bara-slutsats"].quotes, ["Kan inte arbeta"]);
  assert.deepEqual(byRule["vaga-ord"].quotes, ["Har ont"]);
  // A finding about something missing quotes the short field it is about.
  assert.deepEqual(byRule["aktivitet-utan-grad"].quotes, ["Kan inte arbeta."]);
  for (const finding of result) {
    assert.match(finding.message, /^[A-ZÅÄÖ].*\.$/u, finding.rule);
    assert.match(finding.href, /^\/dfa\/[a-z0-9-]+\/(#[a-z0-9-]+)?$/, finding.rule);
    assert.ok(finding.linkText.length > 0);
  }
  const job = engine.review(data, weak.find(([name]) => name.startsWith("arbetssökande"))[1]);
  assert.deepEqual(job[0].quotes, ["sitt arbete", "kollegorna"]);
  const hard = engine.review(data, weak.find(([name]) => name === "mycket svår text")[1]);
  assert.match(hard[0].detail, /^LIX \d+$/);
  assert.ok(Number(hard[0].detail.slice(4)) > 65);
});

test("findings are grouped by field in the form's order, the most important first", () => {
  const result = engine.review(data, weak[0][1]);
  const order = data.fields.map((field) => field.id);
  for (let i = 1; i < result.length; i++) {
    const [a, b] = [result[i - 1], result[i]];
    const fieldOrder = order.indexOf(a.field) - order.indexOf(b.field);
    assert.ok(fieldOrder < 0 || (fieldOrder === 0 && a.importance <= b.importance), `${a.rule} before ${b.rule}`);
  }
  assert.deepEqual([...new Set(result.map((finding) => finding.field))], [D, F, A]);
  assert.equal(result.find((finding) => finding.field === F).rule, "funktion-utan-fynd", "importance 1 before 2");
});

test("the page's own examples: the weak ones give findings, the strong ones none", () => {
  assert.ok(data.examples.length >= 2);
  for (const example of data.examples) {
    const result = engine.review(data, example);
    if (/svagare/.test(example.label)) assert.ok(result.length >= 3, `${example.label}: ${found(result)}`);
    else assert.deepEqual(found(result), [], example.label);
  }
  // They are the texts these tests use.
  const texts = new Set(data.examples.flatMap((example) => Object.values(example.values)));
  for (const [, filled] of [weak[0], weak[1], strong[0], strong[1]]) {
    for (const text of Object.values(filled.values)) assert.ok(texts.has(text), text);
  }
});

test("text with decomposed letters (a + ring) is read as the same words", () => {
  const decomposed = form([], { [F]: "Mår dåligt, upplever stress.".normalize("NFD") });
  assert.deepEqual(found(engine.review(data, decomposed)),
    ["funktionsnedsattning:funktion-bara-patientens-berattelse", "funktionsnedsattning:vaga-ord"]);
});

test("the words of a phrase follow each other within a clause, not across a full stop or comma", () => {
  const rules = (text) => found(engine.review(data, form(["arbete"], {
    [S]: "Lagerarbete med lyft på 20 kilo.", [F]: "Vid undersökningen kraftigt nedsatt kraft i höger arm.", [A]: text })));
  assert.ok(rules("Lyfter högst 5 kilo och klarar inte jobbet.").includes("aktivitetsbegransning:aktivitet-bara-slutsats"));
  for (const text of ["Lyfter högst 5 kilo och klarar inte. Jobbet kräver 20 kilo.",
                      "Lyfter högst 5 kilo och klarar inte, jobbet kräver 20 kilo."]) {
    assert.ok(!rules(text).includes("aktivitetsbegransning:aktivitet-bara-slutsats"), text);
  }
});

test("empty fields give no finding, and a field's rules wait for its text", () => {
  assert.deepEqual(engine.review(data, form([], {})), []);
  assert.deepEqual(found(engine.review(data, form([], { [D]: "Ryggvärk." }))), ["diagnos:diagnos-utan-kod"]);
});

test("the personnummer check finds what the build's guard finds (Tests/data/personnummer-cases.json)", async () => {
  const { cases } = JSON.parse(await readFile(path.join(root, "Tests/data/personnummer-cases.json"), "utf8"));
  assert.ok(cases.length >= 20);
  for (const { text, allowed, found: expected } of cases) {
    const got = engine.findPersonnummer(text, allowed || []).map((match) => [match.masked, match.kind]);
    assert.deepEqual(got, expected, JSON.stringify(text));
  }
  const [match] = engine.findPersonnummer("Pnr 640823-3234 här");
  assert.deepEqual([match.start, match.end], [4, 15]);
});

test("LIX is counted as the build counts it (Tests/data/lix-cases.json)", async () => {
  const { cases } = JSON.parse(await readFile(path.join(root, "Tests/data/lix-cases.json"), "utf8"));
  for (const { text, words, sentences, longWords } of cases) {
    const got = engine.readability(text);
    assert.deepEqual([got.words, got.sentences, got.longWords], [words, sentences, longWords], JSON.stringify(text));
  }
});

test("searching the real site for 'granska intyg' finds the page in the top 3", async () => {
  const search = await (await asset("search.js")).createSearch({
    load: async (file) => {
      try {
        return JSON.parse(await readFile(path.join(site, file), "utf8"));
      } catch {
        return null;
      }
    },
  });
  for (const query of ["granska intyg", "granska DFA-text"]) {
    const top = (await search.search(query, 3)).map((result) => result.url);
    assert.ok(top.includes("/dfa/granska/"), `${query} → ${top.join(", ")}`);
  }
});
