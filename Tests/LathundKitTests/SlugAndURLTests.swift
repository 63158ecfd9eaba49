import Foundation
import PropertyBased
import Testing
@testable import LathundKit

@Suite struct SlugTests {
    @Test(arguments: [
        ("SGI och SGI-skydd", "sgi-och-sgi-skydd"),
        ("Återinsjuknande & högriskskydd", "aterinsjuknande-hogriskskydd"),
        ("Läkarintyg för sjukpenning (FK 7804)", "lakarintyg-for-sjukpenning-fk-7804"),
        ("Café på Överklagande", "cafe-pa-overklagande"),
        ("  --Dag 1–90!!  ", "dag-1-90"),
        ("ÅÄÖ åäö", "aao-aao"),
        ("e\u{301}n", "en"),
        ("!!!", ""),
    ])
    func slugRules(input: String, expected: String) {
        #expect(Slug.make(input) == expected)
    }

    /// `Slug.make` writes bytes, and lower-cases ASCII text byte by byte; it equals the Character-by-Character
    /// version it replaced (below) on random text of ASCII, accented and other letters, marks and separators.
    @Test func slugsEqualTheCharacterByCharacterVersion() async {
        let pieces = ["a", "Z", "Q", "0", "9", " ", "-", "_", ".", "/", "å", "Ä", "Ö", "é", "È", "ß", "ẞ", "æ", "ø", "ç", "ñ",
                      "İ", "ǅ", "Σ", "ж", "中", "\u{301}", "\u{36F}", "\u{370}", "😀", "\t", "\n", "SGI", "Dag 1–90", "FK 7804"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...20)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            #expect(Slug.make(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    /// Every scalar of U+0000–U+00FF (the byte-by-byte path) alone, between letters and next to another.
    @Test func latin1SlugsEqualTheCharacterByCharacterVersion() async {
        let latin1 = (0...0xFF).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        for scalar in latin1 {
            for text in [scalar, "Ab\(scalar)cD", "x \(scalar) Y", "\(scalar)\(scalar)9", "É\(scalar)ẞ"] {
                #expect(Slug.make(text) == Self.reference(text), "\(text.debugDescription)")
            }
        }
        await propertyCheck(count: 3000, input: Gen.element(of: latin1 + ["Ö", "ß", "SGI"]).array(of: 0...12)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            #expect(Slug.make(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    static func reference(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        func append(_ character: Character) {
            if pendingDash, !result.isEmpty { result.append("-") }
            pendingDash = false
            result.append(character)
        }
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9": append(Character(scalar))
            case "å", "ä", "à", "á", "â", "ã", "æ": append("a")
            case "ö", "ø", "ò", "ó", "ô", "õ": append("o")
            case "é", "è", "ê", "ë": append("e")
            case "ü", "ù", "ú", "û": append("u")
            case "ï", "ì", "í", "î": append("i")
            case "ç": append("c")
            case "ñ": append("n")
            case "ß": append("s"); append("s")
            default:
                if (0x300...0x36F).contains(scalar.value) { continue }
                pendingDash = true
            }
        }
        return result
    }

    @Test func headingIdsAreUniquePerPage() {
        var used = MarkdownRenderer.UsedIds()
        #expect(MarkdownRenderer.uniqueId("exempel", used: &used) == "exempel")
        #expect(MarkdownRenderer.uniqueId("exempel", used: &used) == "exempel-2")
        #expect(MarkdownRenderer.uniqueId("exempel", used: &used) == "exempel-3")
        #expect(MarkdownRenderer.uniqueId("", used: &used) == "rubrik")
    }

    /// `UsedIds` (a list, then a set past `listLimit` ids) gives the ids a `Set<String>` gives, on random runs of
    /// up to four times `listLimit` ids that clash often, with bases that look like made ids (`a-2`).
    @Test func usedIdsGiveTheIdsOfASet() async {
        let bases = ["a", "a-2", "a-3", "a-2-2", "b", "", "rubrik", "rubrik-2", "å", "lang-rubrik-med-manga-ord"]
        let limit = MarkdownRenderer.UsedIds.listLimit
        await propertyCheck(count: 500, input: Gen.element(of: bases).array(of: 0...(4 * limit))) { picked in
            var used = MarkdownRenderer.UsedIds(), reference = Set<String>()
            for base in picked.map({ $0 ?? "" }) {
                var candidate = base.isEmpty ? "rubrik" : base, counter = 2
                while reference.contains(candidate) {
                    candidate = "\(base.isEmpty ? "rubrik" : base)-\(counter)"
                    counter += 1
                }
                reference.insert(candidate)
                #expect(MarkdownRenderer.uniqueId(base, used: &used) == candidate, "\(picked)")
            }
        }
    }
}

@Suite struct URLRuleTests {
    @Test func prettyURLsSectionsAndSlugs() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "regelverk/_index.md": page("Regelverk"),
            "regelverk/sgi.md": page("SGI"),
            "regelverk/Återinsjuknande Högrisk.md": page("Återinsjuknande"),
            "regelverk/gammal.md": page("Med slug", extra: "slug: \"Ny adress\"\n"),
            "Rapporter 2019/_index.md": page("Rapporter"),
            "bilder/logga.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        for path in ["site/index.html", "site/regelverk/index.html", "site/regelverk/sgi/index.html",
                     "site/regelverk/aterinsjuknande-hogrisk/index.html", "site/regelverk/ny-adress/index.html",
                     "site/rapporter-2019/index.html", "site/bilder/logga.svg", "site/404.html",
                     "site/sitemap.xml", "site/robots.txt", "site/feed.xml"] {
            #expect(site.exists(path), "missing \(path)")
        }
        #expect(!site.exists("site/regelverk/gammal/index.html"))
    }

    @Test(arguments: ["../../utanfor", "a/b", "..", "./x"])
    func slugsThatLeaveTheFolderAreRefused(slug: String) throws {
        let site = try TestSite(files: ["x/sida.md": page("Sida", extra: "slug: \"\(slug)\"\n")])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        let error = try #require(result.messages("bad-slug").first)
        #expect(error.location.file == "content/x/sida.md")
        #expect(error.location.line == 3)
        #expect(!site.exists("site"))
        #expect(!FileManager.default.fileExists(atPath: site.root.deletingLastPathComponent().appendingPathComponent("utanfor").path))
    }

    @Test func twoFilesClaimingOneURLIsAnErrorNamingBoth() throws {
        let site = try TestSite(files: [
            "regelverk/sgi.md": page("SGI"),
            "regelverk/annan.md": page("Annan", extra: "slug: sgi\n"),
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        let error = try #require(result.messages("duplicate-url").first)
        #expect(error.message.contains("content/regelverk/annan.md"))
        #expect(error.message.contains("content/regelverk/sgi.md"))
        #expect(error.message.contains("regelverk/sgi/index.html"))
    }

    @Test func aliasesWriteRedirectPagesAndUnsafeAliasesAreRefused() throws {
        let site = try TestSite(files: [
            "regelverk/sgi.md": page("SGI", extra: "aliases: [/gammal/sgi/]\n"),
            "regelverk/b.md": page("B", extra: "aliases: [\"/../../etc/\"]\n"),
        ])
        defer { site.cleanUp() }
        var result = try site.build()
        let error = try #require(result.messages("bad-alias").first)
        #expect(error.location == SourceLocation(file: "content/regelverk/b.md", line: 3, column: 11))
        try site.write("content/regelverk/b.md", page("B"))
        result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let redirect = try #require(site.read("site/gammal/sgi/index.html"))
        #expect(redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=/regelverk/sgi/\">"))
        #expect(redirect.contains("<link rel=\"canonical\" href=\"https://test.example/regelverk/sgi/\">"))
    }

    /// A '..' followed by '/' and a combining mark is one `Character` ("/\u{301}") but leaves the folder all the
    /// same: the alias gets its own `bad-alias` error, not the Output stage's generic `output-write`.
    @Test func anAliasIsJudgedByItsUnicodeScalars() throws {
        for alias in ["/../\u{301}x/", "/a/..\u{301}/../\u{301}b/", "/./\u{308}/"] {
            #expect(Alias.url(alias) == nil, "\(alias.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(Alias.url("/gammal//s\u{301}da/") == "/gammal/s\u{301}da/")
        #expect(Alias.url("/..\u{301}/") == "/..\u{301}/", "a name of two dots and a mark is a name")
        let site = try TestSite(files: ["a.md": page("A", extra: "aliases: [\"/../\u{301}x/\"]\n")])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.messages("bad-alias").count == 1, "\(result.diagnostics)")
        #expect(result.messages("output-write").isEmpty, "\(result.diagnostics)")
    }

    @Test func draftsAreLeftOutUnlessAskedFor() throws {
        let site = try TestSite(files: ["utkast.md": page("Utkast", extra: "draft: true\n")])
        defer { site.cleanUp() }
        try site.build()
        #expect(!site.exists("site/utkast/index.html"))
        try site.build { $0.includeDrafts = true }
        #expect(site.exists("site/utkast/index.html"))
    }

    @Test func excludedFilesAndGlossary() throws {
        let site = try TestSite(files: [
            "README.md": "# Writers' guide, not a page",
            ".hidden": "x",
            "ordlista.yml": "- term: SGI\n  expansion: sjukpenninggrundande inkomst\n  definition: Inkomsten som sjukpenningen räknas från.\n",
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(!site.exists("site/README/index.html"))
        #expect(!site.exists("site/README.md"))
        #expect(!site.exists("site/.hidden"))
        #expect(!site.exists("site/ordlista.yml"))
        let glossary = try #require(site.read("site/ordlista/index.html"))
        #expect(glossary.contains("<dt id=\"sgi\">SGI</dt><dd>sjukpenninggrundande inkomst: Inkomsten som sjukpenningen räknas från.</dd>"))
    }
}
