import Foundation
import Testing
@testable import LathundKit

/// Every content diagnostic of the engine issue, with its file:line:column.
@Suite struct DiagnosticsTests {
    func diagnostics(for text: String, at path: String = "regelverk/sida.md") throws -> [Diagnostic] {
        let site = try TestSite(files: [path: text])
        defer { site.cleanUp() }
        return try site.build().diagnostics
    }

    func diagnostics(bytes: [UInt8], at path: String = "sida.md") throws -> [Diagnostic] {
        let site = try TestSite()
        defer { site.cleanUp() }
        try site.write("content/" + path, Data(bytes))
        return try site.build().diagnostics
    }

    @Test func missingTitle() throws {
        let found = try diagnostics(for: "---\ndescription: x\n---\nText")
        #expect(found.map(\.description) == ["content/regelverk/sida.md:1:1: error: 'title' is required [missing-title]"])
    }

    @Test func noFrontMatterAtAll() throws {
        let found = try diagnostics(for: "# Bara text\n")
        #expect(found.map(\.code) == ["missing-title"])
    }

    @Test func unclosedFrontMatter() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\nText utan slut\n")
        #expect(found.map(\.description) == ["content/regelverk/sida.md:1:1: error: front matter opened here is never closed with '---' [front-matter-unclosed]"])
    }

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\ntags: [sgi, \nweight: 3\n---\n")
        let error = try #require(found.first)
        #expect(error.code == "yaml-syntax")
        #expect(error.location.file == "content/regelverk/sida.md")
        #expect((4...5).contains(error.location.line))
        #expect(error.location.column > 0)
    }

    @Test func invalidUTF8IsLocated() throws {
        var bytes = Array("---\ntitle: Sida\n---\nFörsta raden\nAndra ".utf8)
        bytes += [0xC3, 0x28]
        let found = try diagnostics(bytes: bytes)
        #expect(found.map(\.description) == ["content/sida.md:5:7: error: file is not valid UTF-8 (byte 0xC3) [utf8]"])
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: Sida\r\n---\r\n# Rubrik\r\n".utf8)
        #expect(try diagnostics(bytes: bytes).isEmpty)
    }

    @Test func badDates() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\ndate: 2026-02-30\nreviewed: { date: 23/11/2026, by: R, against: K }\nupdated: 2024-02-29\n---\n")
        #expect(found.map(\.description) == [
            "content/regelverk/sida.md:3:7: error: 'date' is '2026-02-30', not a valid date ÅÅÅÅ-MM-DD [bad-date]",
            "content/regelverk/sida.md:4:19: error: 'date' is '23/11/2026', not a valid date ÅÅÅÅ-MM-DD [bad-date]",
        ])
    }

    @Test func unknownKeyWarnsWithDidYouMean() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\nreviwed: 2026-11-23\ncolour: blå\n---\n")
        #expect(found.map(\.description) == [
            "content/regelverk/sida.md:3:1: warning: unknown front matter key 'reviwed'; did you mean 'reviewed'? [unknown-key]",
            "content/regelverk/sida.md:4:1: warning: unknown front matter key 'colour' [unknown-key]",
        ])
    }

    @Test func sectionKeysOutsideTheirSection() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\nquestion: Varför?\n---\n")
        #expect(found.map(\.description) == ["content/regelverk/sida.md:3:1: warning: key 'question' is only used in faq/ entries [misplaced-key]"])
        #expect(try diagnostics(for: "---\ntitle: Sida\nquestion: Varför?\ncategory: SGI\n---\n", at: "faq/sida.md").isEmpty)
    }

    @Test func wrongTypes() throws {
        let found = try diagnostics(for: "---\ntitle: Sida\nweight: tung\ndraft: kanske\nsources: ingen\n---\n")
        #expect(found.map(\.description) == [
            "content/regelverk/sida.md:3:9: error: 'weight' must be a whole number [front-matter-type]",
            "content/regelverk/sida.md:4:8: error: 'draft' must be true or false [front-matter-type]",
            "content/regelverk/sida.md:5:10: error: 'sources' must be a list [front-matter-type]",
        ])
    }

    @Test func brokenLinksAndAnchorsHaveTheirLine() throws {
        let site = try TestSite(files: [
            "regelverk/sgi.md": page("SGI", "## SGI-skydd\n"),
            "regelverk/sida.md": page("Sida", """
            Första stycket.

            Se [SGI](sgi.md#sgi-skyd) och [borta](finns-inte.md).
            Och [rot](/saknas/) samt [här](#ingenstans).

            ## Finns
            """),
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "broken links are warnings")
        #expect(result.diagnostics.map(\.description) == [
            "content/regelverk/sida.md:6:4: warning: link 'sgi.md#sgi-skyd': no heading with id '#sgi-skyd' on /regelverk/sgi/; did you mean 'sgi-skydd'? [broken-anchor]",
            "content/regelverk/sida.md:6:31: warning: link 'finns-inte.md' names no page or file in content/ [broken-link]",
            "content/regelverk/sida.md:7:5: warning: link '/saknas/' points to no page or file of this site [broken-link]",
            "content/regelverk/sida.md:7:26: warning: link '#ingenstans': no heading with id '#ingenstans' on /regelverk/sida/ [broken-anchor]",
        ])
        let strict = try site.build { $0.strict = true }
        #expect(!strict.succeeded)
        #expect(strict.diagnostics.allSatisfy { $0.severity == .error })
        #expect(strict.diagnostics.count == 4)
    }

    @Test func diagnosticsAreSortedAndDeterministic() throws {
        let site = try TestSite(files: [
            "b.md": "---\ntitle: B\ncolor: x\n---\n[x](nope.md)\n",
            "a.md": "---\ntitel: A\n---\n",
        ])
        defer { site.cleanUp() }
        let first = try site.build { $0.jobs = 1 }.diagnostics
        let second = try site.build { $0.jobs = 4 }.diagnostics
        #expect(first == second)
        #expect(first.map(\.location.file) == ["content/a.md", "content/a.md", "content/b.md", "content/b.md"])
    }
}

@Suite struct ConfigTests {
    @Test func unknownConfigKeyIsAWarning() throws {
        let parsed = try SiteConfig.parse("title: Banken\nbase_ulr: https://x.se\n", displayPath: "lathund.yml")
        let (config, warnings) = (parsed.value, parsed.diagnostics)
        #expect(config.title == "Banken")
        #expect(warnings.map(\.description) == ["lathund.yml:2:1: warning: unknown configuration key 'base_ulr'; did you mean 'base_url'? [unknown-key]"])
    }

    @Test func badConfigIsAConfigurationError() throws {
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("title: [unclosed\n", displayPath: "lathund.yml") }
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("base_url: ftp://x\n", displayPath: "lathund.yml") }
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("- a\n- b\n", displayPath: "lathund.yml") }
    }

    @Test func basePathIsUsedForEveryInternalLink() throws {
        let site = try TestSite(files: [
            "regelverk/_index.md": page("Regelverk"),
            "regelverk/a.md": page("A", "[B](b.md#x)"),
            "regelverk/b.md": page("B", "## X"),
        ])
        defer { site.cleanUp() }
        let result = try site.build { $0.baseURL = "https://intra.example/kb" }
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/regelverk/a/index.html"))
        #expect(html.contains("<a href=\"/kb/regelverk/b/#x\">B</a>"))
        #expect(html.contains("<a href=\"/kb/regelverk/\" aria-current=\"page\">Regelverk</a>"))
        #expect(site.read("site/sitemap.xml")?.contains("<loc>https://intra.example/kb/regelverk/a/</loc>") == true)
    }

    @Test func outputFolderMayNotOverlapContentOrLayouts() throws {
        let site = try TestSite(files: ["a.md": page("A")])
        defer { site.cleanUp() }
        for output in ["content", "layouts", ".", "content/site"] {
            #expect(throws: ConfigurationError.self, "output \(output)") { try site.build { $0.outputDirectory = output } }
        }
        #expect(site.exists("content/a.md"))
    }
}
