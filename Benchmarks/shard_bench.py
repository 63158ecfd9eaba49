#!/usr/bin/env python3
"""What a one-page edit rewrites in `site/search/`: a benchmark that reports numbers, not a test.

    python3 Benchmarks/shard_bench.py DIR [--pages 10000] [--lathund BIN] [--page avsnitt-07/sida-7.md]

Generates the corpus into DIR (generate_corpus.py, unless DIR/content exists), builds it with BIN (default
.build/release/lathund) and its build cache, then makes two edits to one page, one after the other, with an
incremental `lathund build` after each:

  - "append": a sentence of new words appended (the edit build_bench.sh times);
  - "replace": one word of the page's text replaced by another word the corpus uses.

After each build it compares `site/search/` with the files before the edit and prints, per kind of file
(terms/ shards, words/ vocabulary, doc/ documents, index.json): how many files have other bytes, how many were
written anew (another inode: an unchanged file is a hard link to the previous site's), and their bytes. For the
term shards it also prints how many shards hold the edited page (a posting of its document, before or after
the edit) and how many changed without holding it: with index format 2 that is 0 (docs/search.md, *Files*).
Format 1 (scores with idf and the average length in every posting) is read too, to measure an older binary.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def snapshot(site):
    """path → (sha1, inode, size) of every file under site/search."""
    files = {}
    base = site / "search"
    for folder, _, names in os.walk(base):
        for name in names:
            path = Path(folder) / name
            data = path.read_bytes()
            files[str(path.relative_to(site))] = (hashlib.sha1(data).hexdigest(), path.stat().st_ino, len(data))
    return files


def document_number(site, url):
    meta = json.loads((site / "search/index.json").read_text())
    bundled = meta.get("version", 2) >= 3  # format 3: search/doc/B.json holds documents 16 B … 16 B + 15
    for n in range(meta["documents"]):
        if bundled:
            document = json.loads((site / f"search/doc/{n // 16}.json").read_text())[n % 16]
        else:
            document = json.loads((site / f"search/doc/{n}.json").read_text())
        if document["url"] == url:
            return n
    raise SystemExit(f"no search document for {url}")


def shards_holding(site, doc):
    """Term shards with a posting of document `doc` (format 2: {"terms": {stem: [doc, p, gap, p, …]}};
    format 1: {stem: [doc, score, …]} with absolute document numbers)."""
    held = set()
    for path in (site / "search/terms").iterdir():
        shard = json.loads(path.read_text())
        terms = shard["terms"] if isinstance(shard.get("terms"), dict) else shard
        gaps = isinstance(shard.get("terms"), dict)
        for postings in terms.values():
            number = 0
            for i in range(0, len(postings), 2):
                number = number + postings[i] if gaps else postings[i]
                if number == doc:
                    held.add(f"search/terms/{path.name}")
                    break
            else:
                continue
            break
    return held


def kind(path):
    for prefix in ("terms/", "words/", "doc/"):
        if path.startswith("search/" + prefix):
            return prefix
    return path.removeprefix("search/")


def build(binary, folder):
    subprocess.run([binary, "build", "--quiet"], cwd=folder, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--lathund", default=str(ROOT / ".build/release/lathund"))
    parser.add_argument("--page", default="avsnitt-07/sida-7.md")
    args = parser.parse_args()
    folder = Path(args.dir).resolve()
    binary = str(Path(args.lathund).resolve())
    if not (folder / "content").exists():
        subprocess.run([sys.executable, str(ROOT / "Benchmarks/generate_corpus.py"), str(folder), "--pages",
                        str(args.pages)], check=True)
    page = folder / "content" / args.page
    original = page.read_text()
    url = "/" + args.page.removesuffix(".md") + "/"
    site = folder / "site"
    print(f"== {binary}\n== {folder}: {sum(1 for _ in (folder / 'content').rglob('*.md'))} pages; edited: {args.page}")
    try:
        build(binary, folder)  # with the cache: the state every edit starts from
        doc = document_number(site, url)
        for name in ("append", "replace"):
            page.write_text(original)
            build(binary, folder)
            before = snapshot(site)
            held_before = shards_holding(site, doc)
            if name == "append":
                page.write_text(original.rstrip("\n") + "\n\nEtt tillägg om glasögon, tandvård och färdtjänst.\n")
            else:
                body = original.split("\n---\n", 1)
                words = body[1].split(" ")
                target = next(i for i, w in enumerate(words) if w in ("beslut", "ansökan", "diagnos", "patient"))
                words[target] = "yttrande" if words[target] != "yttrande" else "beslut"
                page.write_text(body[0] + "\n---\n" + " ".join(words))
            build(binary, folder)
            after = snapshot(site)
            held = held_before | shards_holding(site, doc)
            rows = {}
            for path, (digest, inode, size) in after.items():
                row = rows.setdefault(kind(path), [0, 0, 0, 0, 0])
                row[0] += 1
                old = before.get(path)
                if old is None or old[0] != digest:
                    row[1] += 1
                    row[3] += size
                if old is None or old[1] != inode:
                    row[2] += 1
                    row[4] += size
            gone = [p for p in before if p not in after]
            print(f"\n-- edit '{name}': files under site/search/ (total | other bytes | written anew | KB written anew)")
            for key in sorted(rows):
                total, changed, written, _, written_bytes = rows[key]
                print(f"   {key:12} {total:6} | {changed:5} | {written:5} | {written_bytes / 1024:8.1f}")
            if gone:
                print(f"   removed: {len(gone)}")
            changed_shards = {p for p, v in after.items() if p.startswith("search/terms/")
                              and (p not in before or before[p][0] != v[0])}
            print(f"   term shards: {sum(1 for p in after if p.startswith('search/terms/'))} in all, "
                  f"{len(held)} hold the page, {len(changed_shards)} changed, "
                  f"{len(changed_shards - held)} changed without holding the page")
    finally:
        page.write_text(original)


if __name__ == "__main__":
    main()
