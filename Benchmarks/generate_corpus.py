#!/usr/bin/env python3
"""Deterministic Swedish corpus for benchmarking Lathund.

    python3 Benchmarks/generate_corpus.py OUT_DIR --pages 1000 [--seed 1]

Writes OUT_DIR/lathund.yml, OUT_DIR/content/ (N pages of about 6 KB in 20 sections, with front matter,
headings, lists, tables, strikethrough, autolinks, tags and links between pages) and copies the project's
layouts to OUT_DIR/layouts/. The same arguments always give the same bytes.

It also writes OUT_DIR/hugo/: an equivalent Hugo site that reads the same content/ (`contentDir = "../content"`)
with layouts for the same pages: a single page with breadcrumbs, table of contents (h2–h3), tags, sources and
previous/next in its section; section lists with each page's title and summary; a home page; the sitemap and one
feed of 20 entries (no tag pages and no per-section feeds: Lathund makes neither); a link render hook that resolves the `.md` links between pages, as Lathund does. Build it with
`hugo --source OUT_DIR/hugo --destination OUT_DIR/hugo-site`.
"""
import argparse
import random
import textwrap
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
             f"reviewed: {{ date: {day}, by: Redaktionen, against: källorna nedan }}", f"weight: {number % 10}",
             f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]", "sources:", '  - title: "Sjukpenning"',
             '    publisher: "Försäkringskassan"', "    date: 2025-03", '    url: "https://www.forsakringskassan.se/"',
             "---", ""]
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

    write_hugo(args.out / "hugo")


HUGO_FILES = {
    "hugo.toml": """
        baseURL = "https://korpus.example/"
        languageCode = "sv"
        defaultContentLanguage = "sv"
        title = "Korpus"
        contentDir = "../content"
        disableHugoGeneratorInject = true
        # The same files as Lathund's build: pages, sections, home, sitemap and one feed of the 20 newest
        # pages (Lathund's feed_limit), no tag pages (Lathund lists a page's tags on the page only).
        disableKinds = ["taxonomy", "term"]
        [outputs]
          home = ["html", "rss"]
          section = ["html"]
        [services.rss]
          limit = 20
        [markup.tableOfContents]
          startLevel = 2
          endLevel = 3
        [markup.goldmark.renderer]
          unsafe = false
        [markup.goldmark.parser]
          autoHeadingID = true
        """,
    "layouts/baseof.html": """
        <!DOCTYPE html>
        <html lang="sv">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{ .Title }} – {{ site.Title }}</title>
        <meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 200 }}{{ end }}">
        <link rel="canonical" href="{{ .Permalink }}">
        <link rel="stylesheet" href="/assets/style.css">
        </head>
        <body>
        <a class="skip-link" href="#sidans_innehall">Hoppa till innehållet</a>
        <header class="site-header"><a href="/">{{ site.Title }}</a>
        <nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
        <main id="sidans_innehall" tabindex="-1">
        <nav class="breadcrumbs"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></nav>
        {{ block "main" . }}{{ end }}
        </main>
        <footer class="site-footer"><p>{{ site.Title }}</p></footer>
        </body>
        </html>
        """,
    "layouts/single.html": """
        {{ define "main" }}
        <article class="page">
        <header class="page-header">
        <h1>{{ .Title }}</h1>
        {{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
        {{ with .Params.reviewed }}<p class="reviewed">Kontrollerad mot {{ .against }} <time datetime="{{ .date }}">{{ .date }}</time> av {{ .by }}</p>{{ end }}
        </header>
        {{ if ge (len .Fragments.HeadingsMap) 3 }}<nav class="toc" aria-label="Innehåll på sidan">{{ .TableOfContents }}</nav>{{ end }}
        <div class="content">
        {{ .Content }}
        </div>
        {{ with .Params.tags }}<ul class="tags">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
        {{ with .Params.sources }}<section class="sources"><h2>Källor</h2><ul>{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a>. {{ .publisher }}, <time datetime="{{ .date }}">{{ .date }}</time>.</li>{{ end }}</ul></section>{{ end }}
        <nav class="prevnext">
        {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
        {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
        </nav>
        </article>
        {{ end }}
        """,
    "layouts/list.html": """
        {{ define "main" }}
        <article class="section">
        <header class="page-header"><h1>{{ .Title }}</h1></header>
        <div class="content">{{ .Content }}</div>
        {{ with .Pages }}<h2 id="sidor_i_avsnittet">Sidor i avsnittet</h2>
        <ul class="card-list">{{ range .ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 200 }}{{ end }}</p></li>{{ end }}</ul>{{ end }}
        </article>
        {{ end }}
        """,
    "layouts/_markup/render-link.html": """
        {{- $url := urls.Parse .Destination -}}
        {{- $href := .Destination -}}
        {{- if and (not $url.IsAbs) (strings.HasSuffix $url.Path ".md") -}}
          {{- with .PageInner.GetPage (strings.TrimSuffix ".md" $url.Path) -}}{{- $href = .RelPermalink -}}{{- end -}}
        {{- end -}}
        <a href="{{ $href | safeURL }}">{{ .Text }}</a>
        {{- /* */ -}}
        """,
}


def write_hugo(folder):
    """The Hugo site equivalent to the Lathund one, reading the same content/."""
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in HUGO_FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


if __name__ == "__main__":
    main()
