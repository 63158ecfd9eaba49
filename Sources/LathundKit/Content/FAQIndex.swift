/// The FAQ as lists: every entry of `content/faq/` by category and under its letter A–Ö, in Swedish order,
/// each with a stable anchor made from its file name. Used by the `/faq/` layout and the `faq` directive.
struct FAQIndex: Sendable {
    struct Entry: Sendable, Equatable {
        var question: String
        var url: String
        var category: String
        /// Anchor of the entry in lists: `fraga-` and the file's slug (`fraga-varfor-komplettering`).
        var anchor: String
        var relativePath: String
    }

    struct Group: Sendable, Equatable {
        var name: String
        var anchor: String
        var entries: [Entry]
    }

    let entries: [Entry]
    let categories: [Group]
    let letters: [Group]
    /// The entries `most_asked:` in `faq/_index.md` names, in its order (paths that name no entry are left out;
    /// the checks report them).
    let mostAsked: [Entry]

    init(pages: [Page]) {
        var entries: [Entry] = []
        for page in pages where page.kind == .page {
            guard let faq = page.frontMatter.faq else { continue }
            let fileSlug = page.url.split(separator: "/").last.map(String.init) ?? Slug.make(faq.question)
            entries.append(Entry(question: faq.question, url: page.url, category: faq.category ?? "Övrigt",
                                 anchor: "fraga-" + fileSlug, relativePath: page.relativePath))
        }
        entries.sort {
            $0.question == $1.question ? $0.url < $1.url : SwedishCollation.areInIncreasingOrder($0.question, $1.question)
        }
        self.entries = entries
        var byCategory: [String: [Entry]] = [:]
        var byLetter: [String: [Entry]] = [:]
        for entry in entries {
            byCategory[entry.category, default: []].append(entry)
            byLetter[SwedishCollation.indexLetter(entry.question), default: []].append(entry)
        }
        categories = byCategory.keys.sorted(by: SwedishCollation.areInIncreasingOrder).map {
            Group(name: $0, anchor: "kategori-" + Slug.make($0), entries: byCategory[$0]!)
        }
        letters = byLetter.keys.sorted(by: SwedishCollation.areInIncreasingOrder).map {
            Group(name: $0, anchor: "bokstav-" + (Self.letterAnchors[$0] ?? Slug.make($0)), entries: byLetter[$0]!)
        }
        let byPath = Dictionary(entries.map { ($0.relativePath, $0) }, uniquingKeysWith: { first, _ in first })
        let list = pages.first { $0.kind == .section && $0.section == FrontMatter.faqSection }?.frontMatter.faq?.mostAsked ?? []
        var seen = Set<String>()
        mostAsked = list.compactMap { item in seen.insert(item.value).inserted ? byPath[item.value] : nil }
    }

    /// Anchors for letters whose slug would clash with another letter's (Å and Ä would both be `a`).
    static let letterAnchors = ["Å": "aa", "Ä": "ae", "Ö": "oe", "#": "siffror"]

    /// schema.org FAQPage JSON-LD for questions with their answers; `<`, `>` and `&` are escaped so it is inert
    /// inside the `<script type="application/ld+json">` element.
    static func jsonLD(_ items: [(question: String, answer: String)]) -> String {
        let questions = items.map { item in
            JSONText.object([
                ("@type", JSONText.string("Question")),
                ("name", JSONText.string(item.question)),
                ("acceptedAnswer", JSONText.object([("@type", JSONText.string("Answer")),
                                                    ("text", JSONText.string(item.answer))])),
            ])
        }
        return JSONText.object([
            ("@context", JSONText.string("https://schema.org")),
            ("@type", JSONText.string("FAQPage")),
            ("mainEntity", JSONText.array(questions)),
        ])
    }
}
