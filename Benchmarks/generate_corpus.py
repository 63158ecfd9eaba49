#!/usr/bin/env python3
"""Deterministic Swedish corpus for benchmarking Lathund.

    python3 Benchmarks/generate_corpus.py OUT_DIR --pages 1000 [--seed 1]

Writes OUT_DIR/lathund.yml, OUT_DIR/content/ (N pages of about 6 KB in 20 sections, with front matter,
headings, lists, tables, strikethrough, autolinks and links between pages) and copies the project's
layouts to OUT_DIR/layouts/. The same arguments always give the same bytes.
"""
import argparse
import random
import shutil
from pathlib import Path

WORDS = """sjukpenning försäkringskassan läkarintyg arbetsförmåga rehabilitering arbetsgivare hälsocentral
vårdcentral sjukskrivning omprövning överklagande kommunicering beslut ansökan komplettering diagnos
funktionsnedsättning aktivitetsbegränsning sjukpenninggrundande inkomst inkomst sjuklön karensavdrag
sjukanmälan återinsjuknande högriskskydd sjukersättning aktivitetsersättning arbetsskada graviditetspenning
avstämningsmöte utredning koordinering rehabkoordinator patient behandling arbete heltid deltid
bedömning underlag handläggare förvaltningsrätten kammarrätten period dag vecka månad år regel undantag
vården samverkan stöd kontakt möte planering återgång arbetsplats anpassning omplacering hälsa ohälsa
smärta trötthet sömn psykisk fysisk förmåga begränsning krav uppgift yrke normalt förekommande
arbetsmarknaden arbetsförmedlingen ersättning belopp nivå procent tid frist brev svar yttrande
synpunkter skäl motivering underlag intyg läkare sjuksköterska psykolog fysioterapeut arbetsterapeut""".split()
FILLER = "och att det som för på är med till av om inte en ett den har kan ska när efter eller men så".split()
SECTIONS = [f"avsnitt-{n:02d}" for n in range(20)]


def sentence(rng):
    length = rng.randint(8, 16)
    words = [rng.choice(WORDS) if rng.random() < 0.55 else rng.choice(FILLER) for _ in range(length)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng, sentences=None):
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(3, 6)))


def page(rng, number, total):
    section = SECTIONS[number % len(SECTIONS)]
    title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize() + f" {number}"
    day = f"2026-{(number % 12) + 1:02d}-{(number % 28) + 1:02d}"
    lines = ["---", f'title: "{title}"', f'description: "{sentence(rng)}"', f"date: {day}",
             f"reviewed: {day}", f"weight: {number % 10}", f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
             "sources:", '  - title: "Försäkringskassan"', '    url: "https://www.forsakringskassan.se/"', "---", ""]
    body = []
    size = 0
    heading = 0
    while size < 5600:
        heading += 1
        body.append(f"## {' '.join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))).capitalize()} {heading}")
        body.append("")
        body.append(paragraph(rng))
        body.append("")
        kind = heading % 4
        if kind == 0:
            for _ in range(rng.randint(3, 5)):
                body.append(f"- {sentence(rng)}")
        elif kind == 1:
            body.append("| Steg | Vad händer | Dagar |")
            body.append("|------|------------|------:|")
            for step in range(rng.randint(3, 5)):
                body.append(f"| {step + 1} | {sentence(rng)} | {rng.randint(1, 365)} |")
        elif kind == 2:
            target = rng.randrange(total)
            other = SECTIONS[target % len(SECTIONS)]
            rel = f"sida-{target}.md" if other == section else f"../{other}/sida-{target}.md"
            body.append(f"Läs mer i [{rng.choice(WORDS)}]({rel}) och ~~{rng.choice(WORDS)}~~ på www.forsakringskassan.se.")
        else:
            body.append(f"### {rng.choice(WORDS).capitalize()} i detalj")
            body.append("")
            body.append(paragraph(rng, 2))
        body.append("")
        size = sum(len(line.encode()) + 1 for line in body)
    return section, "\n".join(lines + body) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    project = Path(__file__).resolve().parent.parent
    content = args.out / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (content / "_index.md").write_text('---\ntitle: "Korpus"\n---\nStartsida för benchmarken.\n', encoding="utf-8")
    for section in SECTIONS:
        (content / section).mkdir()
        (content / section / "_index.md").write_text(f'---\ntitle: "{section}"\n---\nAvsnitt.\n', encoding="utf-8")
    for number in range(args.pages):
        section, text = page(rng, number, args.pages)
        (content / section / f"sida-{number}.md").write_text(text, encoding="utf-8")
    layouts = args.out / "layouts"
    if layouts.exists():
        shutil.rmtree(layouts)
    shutil.copytree(project / "layouts", layouts)
    (args.out / "lathund.yml").write_text('title: "Korpus"\nbase_url: "https://korpus.example/"\nglossary: ""\n', encoding="utf-8")


if __name__ == "__main__":
    main()
