import Foundation
import PropertyBased
import Testing
import Yams
@testable import LathundKit

/// Front matter is composed by `PlainFrontMatter` when it has the plain shapes, else by Yams without its resolver's
/// rules (`YAMLFields.composeReadByFields`). These tests hold that equal to Yams with its default resolver, the
/// authority: the same typed front matter and the same diagnostics, on every page of the site, of a generated
/// corpus, on hostile YAML, on random YAML and on random near-miss front matter; and `PlainFrontMatter`'s tree
/// equal, node by node (texts, tags, styles, places), to Yams' wherever it gives one.
@Suite struct FrontMatterComposeTests {
    /// `YAMLFields.trimmed` equals Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` (the call it
    /// spares for texts that start and end with visible ASCII) on random texts with ASCII, Unicode and control
    /// white space and characters next to the visible range at either end.
    @Test func trimmedEqualsFoundationsTrimming() async {
        let pieces = ["a", "Å", "~", "!", " ", "\t", "\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}",
                      "\u{1}", "\u{1F}", "\u{7F}", "\u{200B}", "ж", "😀", "x y"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...8)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            #expect(YAMLFields.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }

    /// The front matter each composer gives, as text: `dump` of the typed value, then every diagnostic.
    static func outcome(_ yaml: String?, section: String, compose: (String) throws -> Node?) -> String {
        let parsed = FrontMatter.parse(yaml: yaml, file: "content/x.md", lineOffset: 1, section: section, compose: compose)
        var text = ""
        dump(parsed.value, to: &text)
        for diagnostic in parsed.diagnostics { text += "\n\(diagnostic) [\(diagnostic.code)]" }
        return text
    }

    /// Both composers on one text, in each kind of section; the note names the case. Also `PlainFrontMatter`'s
    /// tree against Yams'.
    static func expectSame(_ yaml: String?, _ note: String) {
        if let yaml { expectPlainIsYams(yaml, note) }
        for section in ["", FrontMatter.faqSection, FrontMatter.reportSection] {
            let authority = outcome(yaml, section: section, compose: YAMLFields.compose)
            let fast = outcome(yaml, section: section, compose: YAMLFields.composeReadByFields)
            #expect(fast == authority, "\(note), section '\(section)'")
        }
    }

    /// The front matter of every Markdown file under `folder`.
    static func frontMatters(under folder: URL) -> [(String, String?)] {
        FileTree.walk(root: folder.path, links: .insideRoot).files.filter { $0.relative.hasSuffix(".md") }.compactMap { file in
            guard let data = FileManager.default.contents(atPath: file.absolute) else { return nil }
            let source = MarkdownSource.parse(bytes: [UInt8](data), relativePath: file.relative, displayPath: file.relative)
            return source.value.map { (file.relative, $0.frontMatter) }
        }
    }

    @Test func everyPageOfTheSiteReadsTheSame() {
        let pages = Self.frontMatters(under: packageRoot.appendingPathComponent("content"))
        #expect(pages.count > 100)
        for (path, yaml) in pages { Self.expectSame(yaml, path) }
    }

    @Test func everyPageOfAGeneratedCorpusReadsTheSame() throws {
        let folder = try TestSite.generatedCorpus(pages: 400)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pages = Self.frontMatters(under: folder.appendingPathComponent("content"))
        #expect(pages.count >= 400)
        for (path, yaml) in pages { Self.expectSame(yaml, path) }
        // The fast path is for these: every page of the corpus has the plain shapes.
        let composed = pages.filter { $0.1.flatMap(PlainFrontMatter.compose) != nil }
        #expect(composed.count == pages.count, "\(pages.count - composed.count) pages left to Yams")
    }

    /// Keys that are the same for one resolver and not for the other, tags, anchors, merges, complex keys.
    static let hostile: [String] = [
        "title: a\ntitle: b\n",
        "title: a\n\"title\": b\n",
        "true: a\n\"true\": b\ntitle: x\n",
        "!!int 1: a\n1: b\ntitle: x\n",
        "!!str 1: a\n1: b\ntitle: x\n",
        "1: a\n01: b\n0x1: c\ntitle: x\n",
        "~: a\nnull: b\n: c\ntitle: x\n",
        "title: x\nreviewed: { date: 2026-01-01, date: 2026-01-02, by: R, against: k }\n",
        "title: x\nsources:\n  - title: a\n    title: b\n    publisher: P\n",
        "title: x\nsources:\n  - { title: a, !!str title: b, publisher: P }\n",
        "&k title: a\n*k : b\n",
        "title: &t x\ndescription: *t\n",
        "base: &b { title: x }\n<<: *b\n",
        "<<: { title: x }\n<<: { title: y }\n",
        "? [a, b]\n: c\ntitle: x\n",
        "? { a: b }\n: c\n? { a: b }\n: d\ntitle: x\n",
        "title: !!int 7\nweight: !!str 7\ndraft: !!str true\n",
        "title: x\ndraft: yes\nweight: 0x1F\ndate: 2026-02-30\n",
        "title: x\nweight: 1_000\ndraft: 'true'\ntags: ~\n",
        "title: 'x'\n'title': y\n",
        "title: x\ntags: [a, a, {a: 1, a: 2}]\n",
        "title: x\nfaq_extra: 1\nquestion: q\nrelated: [a, a]\n",
        "title: [\n", "title: x\n  bad: indent\n", "- a\n- b\n", "", "   \n", "title: x\n---\n", "%YAML 1.2\n---\ntitle: x\n",
    ]

    @Test func hostileFrontMatterReadsTheSame() {
        for (index, yaml) in Self.hostile.enumerated() { Self.expectSame(yaml, "hostile case \(index): \(yaml.debugDescription)") }
    }

    /// Keys that only the default resolver counts as the same: the fast compose succeeds, the authority refuses
    /// them, so `hostileFrontMatterReadsTheSame` shows that such texts reach the default resolver.
    @Test func theHostileCasesHaveKeysOnlyTheDefaultResolverSeesAsTheSame() {
        let repeated = "!!int 1: a\n1: b\ntitle: x\n"
        #expect(Self.hostile.contains(repeated))
        #expect((try? Yams.compose(yaml: repeated, .basic, .default, .utf8)) != nil)
        #expect((try? YAMLFields.compose(repeated)) == nil)
    }

    static let fragments: [String] = [
        "title: ", "description: ", "date: ", "updated: ", "reviewed: ", "sources: ", "tags: ", "weight: ", "draft: ",
        "slug: ", "aliases: ", "layout: ", "group: ", "question: ", "category: ", "related: ", "most_asked: ",
        "region: ", "owners: ", "budget_sek: ", "status: ", "by: ", "against: ", "publisher: ", "url: ", "x: ",
        "\"title\": ", "'date': ", "!!str ", "!!int ", "!!bool ", "!!null ", "&a ", "*a ", "<<: ", "? ", ": ", "- ",
        "\n", "\n", "\n", "\n  ", "\n    ", "  ", " ", "\t", "[", "]", "{", "}", ", ", "\"", "'", "#", "|\n", ">-\n",
        "x", "Sjukpenning", "2026-12-05", "2025-03", "7", "0", "-1", "0x1F", "1_000", "1.5", "true", "yes", "no",
        "null", "~", "å", "😀", "\u{0}", "\u{FEFF}", "\u{300}", "%YAML 1.1\n", "---\n", "...\n",
    ]
    static let yaml = Gen.element(of: fragments).array(of: 0...60).map { $0.map { $0 ?? "" }.joined() }

    @Test func randomFrontMatterReadsTheSame() {
        PropertyRun.forAll("randomFrontMatterReadsTheSame", count: PropertyRun.count * 5) { generator, note in
            Self.expectSame(Self.yaml.run(using: &generator), note)
        }
    }

    // MARK: PlainFrontMatter against Yams

    /// Whether two trees are the same for everything Yams shows of a node: kind, text, tag, style, place, anchor,
    /// and the children in order.
    static func sameTree(_ left: Node, _ right: Node) -> Bool {
        func sameMark(_ left: Mark?, _ right: Mark?) -> Bool { left?.line == right?.line && left?.column == right?.column }
        switch (left, right) {
        case (.scalar(let left), .scalar(let right)):
            return left.string == right.string && left.tag.rawValue == right.tag.rawValue && left.style == right.style
                && sameMark(left.mark, right.mark) && left.anchor == nil && right.anchor == nil
        case (.sequence(let left), .sequence(let right)):
            return left.tag.rawValue == right.tag.rawValue && left.style == right.style && sameMark(left.mark, right.mark)
                && left.anchor == nil && right.anchor == nil && left.count == right.count
                && zip(left, right).allSatisfy { sameTree($0, $1) }
        case (.mapping(let left), .mapping(let right)):
            return left.tag.rawValue == right.tag.rawValue && left.style == right.style && sameMark(left.mark, right.mark)
                && left.anchor == nil && right.anchor == nil && left.count == right.count
                && zip(left, right).allSatisfy { sameTree($0.key, $1.key) && sameTree($0.value, $1.value) }
        default:
            return false
        }
    }

    /// When `PlainFrontMatter` composes `yaml`, Yams composes the same tree with the basic resolver, and the
    /// default resolver (the authority) composes it without an error.
    static func expectPlainIsYams(_ yaml: String, _ note: String) {
        guard let plain = PlainFrontMatter.compose(yaml) else { return }
        let basic = try? Yams.compose(yaml: yaml, .basic, .default, .utf8)
        #expect(basic.map { sameTree(plain, $0) } == true, "\(note): \(yaml.debugDescription)")
        #expect((try? YAMLFields.compose(yaml)) != nil, "\(note): \(yaml.debugDescription)")
    }

    /// The marks `PlainFrontMatter` makes are Yams' own (`Mark` has no public initialiser).
    @Test func marksArePlacesAsYamsReadsThem() throws {
        let mark = try #require(PlainFrontMatter.mark(line: 12, column: 34))
        #expect(mark.line == 12 && mark.column == 34 && mark.description == "12:34")
        let root = try #require(PlainFrontMatter.compose("title: x\nsources:\n  - title: \"åäö\"\n    url: y\n"))
        let source = try #require(root.mapping?["sources"]?.sequence?.first?.mapping)
        #expect(source["url"]?.mark?.description == "4:10")
        #expect(source.mark?.description == "3:5")
    }

    /// Texts the fast path must leave to Yams, each next to one it composes (`plain`): comments, quotes, escapes,
    /// colons, tabs, anchors, tags, document marks, multi-line texts, repeated keys, special characters, CR.
    static let nearMisses: [(plain: String, other: String)] = [
        ("title: a\n", "title: a # c\n"), ("title: a#c\n", "# c\ntitle: a\n"), ("title: a:b\n", "title: a: b\n"),
        ("title: \"a: b\"\n", "title: 'a'\n"), ("title: \"a\"\n", "title: \"a\\\"b\"\n"), ("title: x\n", "title: x \n"),
        ("title: x\n", "title: x:\n"), ("title: x\n", "title:\tx\n"), ("title: x\n", "title: &a x\n"),
        ("title: x\n", "title: !!str x\n"), ("title: a---\n", "---\ntitle: x\n"), ("title: x\n", "title: x\n  y\n"),
        ("title: x\ndate: y\n", "title: x\ntitle: y\n"), ("title: x\n", "title: x\r\n"), ("title: \u{A0}x\n", "title: \u{85}x\n"),
        ("title: x\n", "\u{FEFF}title: x\n"), ("title: x\u{2027}\n", "title: x\u{2028}\n"), ("tags: [a, b]\n", "tags: [a, b,]\n"),
        ("tags: [ a , \"b\" ]\n", "tags: []\n"), ("tags: [a b]\n", "tags: [a, [b]]\n"), ("r: { a: b, c: d }\n", "r: { a: b, a: c }\n"),
        ("r: {a: b}\n", "r: {a:b}\n"), ("r:\n  a: b\n", "r:\n  a: b\n   c: d\n"), ("r:\n  - a\n", "r:\n- a\n"),
        ("s:\n  - t: a\n    u: b\n", "s:\n  - t: a\n   u: b\n"), ("s:\n  - t: a\n  - b\n", "s:\n  - t: a\n\n  - b\n"),
        ("title: x-1\n", "title: -1\n"), ("title: \u{0300}x\n", "title: -\u{0300}\n"), ("title: x\n", "title: x\n..."), ("title: a'b\n", "title: |\n  x\n"),
    ]

    @Test func nearMissesAreLeftToYams() {
        for (plain, other) in Self.nearMisses {
            #expect(PlainFrontMatter.compose(plain) != nil, "\(plain.debugDescription)")
            #expect(PlainFrontMatter.compose(other) == nil, "\(other.debugDescription)")
            Self.expectSame(plain, plain.debugDescription)
            Self.expectSame(other, other.debugDescription)
        }
    }

    /// Front matter of the project's shapes, then changed in one to three places by a near-miss piece.
    static func nearMiss(using generator: inout Xoshiro) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let keys = ["title", "description", "date", "tags", "reviewed", "sources", "by", "url", "question", "x-y", "_k", "a1"]
        let values = ["x", "\"Sjukpenning i åtta dagar\"", "2026-04-28", "[a, \"b c\"]", "{ date: 2026-01-01, by: R }", "Redaktionen",
                      "https://x.se/a?b=c#d", "å ä ö", "x  y", "\"\"", "7", "a,b", "a]b", "\"a, b\"", "[ krav , sjukanmälan ]"]
        let pieces = [" ", "  ", "\t", "\n", "\n  ", "\n    ", "\r", "#", " #", ": ", ":", "'", "\"", "\\", "\\\"", "&a ", "*a", "!!str ",
                      "---", "...", "[", "]", "{", "}", ",", ", ", "- ", "-", "?", "|", ">", "%", "@", "`", "\u{A0}", "\u{85}",
                      "\u{2028}", "\u{FEFF}", "\u{1}", "\u{7F}", "\u{9F}", "😀", "é", "title", "title: x\n", "  - a\n"]
        var lines: [String] = []
        for _ in 0..<(1 + generator.next() % 6) {
            let key = pick(keys)
            switch generator.next() % 4 {
            case 0: lines.append("\(key):\n" + (0..<(1 + generator.next() % 3)).map { _ in "  - \(pick(values))\n" }.joined())
            case 1: lines.append("\(key):\n  - \(pick(keys)): \(pick(values))\n    \(pick(keys)): \(pick(values))\n")
            case 2: lines.append("\(key):\n  \(pick(keys)): \(pick(values))\n  \(pick(keys)): \(pick(values))\n")
            default: lines.append("\(key): \(pick(values))\n")
            }
        }
        var text = Array(lines.joined())
        for _ in 0..<(generator.next() % 4) where !text.isEmpty {
            let at = Int(generator.next() % UInt64(text.count + 1))
            if generator.next() % 3 == 0, at < text.count {
                text.remove(at: at)
            } else {
                text.insert(contentsOf: pick(pieces), at: at)
            }
        }
        return String(text)
    }

    /// The near-miss generator reaches both sides: most texts are left to Yams, enough are composed.
    @Test func randomNearMissFrontMatterReadsTheSame() {
        let plain = Locked(0)
        let count = PropertyRun.count * 10
        PropertyRun.forAll("randomNearMissFrontMatterReadsTheSame", count: count) { generator, note in
            let yaml = Self.nearMiss(using: &generator)
            if PlainFrontMatter.compose(yaml) != nil { plain.withLock { $0 += 1 } }
            Self.expectSame(yaml, note)
        }
        let composed = plain.withLock { $0 }
        #expect(composed > count / 10 && composed < count * 9 / 10, "\(composed) of \(count) composed by PlainFrontMatter")
    }
}
