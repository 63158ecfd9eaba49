import Foundation
import PropertyBased
import Testing
import Yams
@testable import LathundKit

/// Front matter is composed by Yams without its resolver's rules (`YAMLFields.composeReadByFields`). These tests
/// hold that equal to Yams with its default resolver, the authority: the same typed front matter and the same
/// diagnostics, on every page of the site, of a generated corpus, on hostile YAML and on random YAML.
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

    /// Both composers on one text, in each kind of section; the note names the case.
    static func expectSame(_ yaml: String?, _ note: String) {
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
}
