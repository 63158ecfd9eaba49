import Foundation
import Testing
@testable import LathundKit

/// What the layouts need to put the answer on the first screen: the page's opening before its table of contents,
/// the most-asked FAQ entries, glossary letters with links to pages, and tables that scroll in a region of
/// their own (the browser tests in Tests/e2e/test_first_screen.py measure the result).
@Suite struct FirstScreenTests {
    static let layouts = TestSite.layouts.merging([
        "page.mustache": """
        {{<base}}{{$main}}<h1>{{page.title}}</h1><div class="lead">{{{page.content_lead}}}</div>
        {{#page.has_toc}}<ol class="toc">{{#page.toc}}<li>{{text}}</li>{{/page.toc}}</ol>{{/page.has_toc}}
        <div class="rest">{{{page.content_rest}}}</div>{{/main}}{{/base}}

        """,
        "home.mustache": """
        {{<base}}{{$main}}<ol class="most-asked">{{#most_asked}}<li><a href="{{url}}">{{question}}</a></li>{{/most_asked}}</ol>
        <ul class="sections">{{#menu}}<li><a href="{{url}}">{{title}}</a>: {{description}}</li>{{/menu}}</ul>{{/main}}{{/base}}

        """,
        "glossary.mustache": """
        {{<base}}{{$main}}<ul class="letters">{{#glossary_letters}}<li><a href="#{{anchor}}">{{name}}</a></li>{{/glossary_letters}}</ul>
        {{#glossary_letters}}<h2 id="{{anchor}}">{{name}}</h2><dl>{{#terms}}<dt id="{{id}}">{{term}}</dt><dd>{{definition}}{{#page_url}} <a href="{{page_url}}">Läs mer: {{page_title}}</a>{{/page_url}}</dd>{{/terms}}</dl>{{/glossary_letters}}{{/main}}{{/base}}

        """,
    ]) { $1 }

    static func between(_ html: String, _ start: String, _ end: String) -> String {
        guard let from = html.range(of: start), let to = html.range(of: end, range: from.upperBound..<html.endIndex) else { return "" }
        return String(html[from.upperBound..<to.lowerBound])
    }

    // MARK: The opening before the table of contents

    @Test func aPageThatStartsWithASummaryShowsThatSectionBeforeTheTableOfContents() throws {
        let site = try TestSite(files: [
            "regelverk/sgi.md": page("SGI", "## Det viktigaste\n\n- Kort svar.\n\n## Första\n\nText.\n\n### Del\n\n## Andra\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n## Tredje\n"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/regelverk/sgi/index.html"))
        let lead = Self.between(html, "<div class=\"lead\">", "</div>")
        #expect(lead.hasPrefix("<h2 id=\"det-viktigaste\">") && lead.contains("Kort svar."), "\(html)")
        #expect(!lead.contains("Första"))
        let rest = Self.between(html, "<div class=\"rest\">", "</div></body>")
        #expect(rest.hasPrefix("<h2 id=\"forsta\">") && rest.contains("Text.") && rest.contains("<table>"), "\(html)")
        #expect(!rest.contains("Det viktigaste"))
        // The table of contents lists what follows the opening, not the summary above it.
        #expect(Self.between(html, "<ol class=\"toc\">", "</ol>") == "<li>Första</li><li>Andra</li><li>Tredje</li>")
        #expect(html.range(of: "Kort svar.")!.lowerBound < html.range(of: "<ol class=\"toc\">")!.lowerBound)
        // The whole content is the opening and the rest, nothing lost or repeated.
        #expect(html.components(separatedBy: "Text.").count == 2 && html.components(separatedBy: "Kort svar.").count == 2)
    }

    @Test func theOpeningIsTheTextBeforeTheFirstHeadingWhenThereIsSome() {
        #expect(MarkdownRenderer.leadHeadingCount([2, 3, 2, 2], startsWithHeading: true) == 2)
        #expect(MarkdownRenderer.leadHeadingCount([2, 3, 2, 2], startsWithHeading: false) == 0)
        #expect(MarkdownRenderer.leadHeadingCount([3, 2, 2], startsWithHeading: false) == 1)
        #expect(MarkdownRenderer.leadHeadingCount([2, 3], startsWithHeading: true) == 2)
        #expect(MarkdownRenderer.leadHeadingCount([], startsWithHeading: false) == 0)
        let headings = [Heading(level: 2, text: "A", id: "a", location: SourceLocation(file: "x")),
                        Heading(level: 2, text: "B", id: "b", location: SourceLocation(file: "x"))]
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        let split = ContentLead(html: Array("<p>Intro</p>\n<h2 id=\"a\">A</h2>\n<p>a</p>\n<h2 id=\"b\">B</h2>\n".utf8),
                                headings: headings, leadHeadingCount: 0)
        #expect(text(split.lead) == "<p>Intro</p>\n" && text(split.rest).hasPrefix("<h2 id=\"a\">A</h2>"))
        let whole = ContentLead(html: Array("<h2 id=\"a\">A</h2>\n".utf8), headings: Array(headings.prefix(1)), leadHeadingCount: 1)
        #expect(text(whole.lead) == "<h2 id=\"a\">A</h2>\n" && whole.rest.isEmpty)
    }

    // MARK: Tables keep their row names

    @Test func markdownTablesScrollInAFocusableRegionOfTheirOwn() throws {
        let markdown = "Före\n\n| Län | Belopp |\n|---|--:|\n| Jämtland | 1 |\n\nEfter\n"
        let page = Page(relativePath: "a.md", displayPath: "content/a.md", kind: .page, section: "", url: "/a/",
                        frontMatter: FrontMatter(title: "A"), body: markdown, bodyLineOffset: 3, sourceHash: XXH64.hash(markdown))
        let html = MarkdownRenderer().render(page, context: DirectiveContext(page: page, pages: [page], links: MarkdownTests.emptyLinks)).html
        #expect(html.hasPrefix("<p>Före</p>\n<div class=\"table-scroll\" role=\"region\" aria-label=\"Tabell\" tabindex=\"0\">\n<table>\n<thead>"), "\(html)")
        #expect(html.hasSuffix("</tbody>\n</table>\n</div>\n<p>Efter</p>\n"), "\(html)")
        #expect(html.components(separatedBy: "<div").count == 2 && html.components(separatedBy: "</div>").count == 2)
    }

    // MARK: Most-asked questions

    static func faq(_ question: String) -> String {
        "---\ntitle: \"\(question)\"\nquestion: \"\(question)\"\ncategory: \"Beslut\"\n---\nSvar.\n"
    }

    @Test func theHomePageLeadsWithTheMostAskedQuestionsInTheWritersOrder() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "faq/_index.md": page("Frågor", extra: "most_asked:\n  - faq/c.md\n  - faq/a.md\n"),
            "faq/a.md": Self.faq("A?"), "faq/b.md": Self.faq("B?"), "faq/c.md": Self.faq("C?"),
            "regelverk/_index.md": page("Regelverk", extra: "description: \"Reglerna.\"\n"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build { $0.strict = true }
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/index.html"))
        #expect(Self.between(html, "<ol class=\"most-asked\">", "</ol>")
            == "<li><a href=\"/faq/c/\">C?</a></li><li><a href=\"/faq/a/\">A?</a></li>")
        // The home page's list of sections is the menu, in its words, with each page's description.
        #expect(Self.between(html, "<ul class=\"sections\">", "</ul>") == "<li><a href=\"/regelverk/\">Regelverk</a>: Reglerna.</li>")
    }

    @Test func aMostAskedEntryThatIsNoFAQEntryIsReportedAtItsLine() throws {
        let site = try TestSite(files: [
            "faq/_index.md": page("Frågor", extra: "most_asked:\n  - faq/a.md\n  - faq/aa.md\n  - regelverk/sgi.md\n  - faq/a.md\n"),
            "faq/a.md": Self.faq("A?"),
            "faq/b.md": page("B", extra: "question: \"B?\"\nmost_asked: [faq/a.md]\n"),
            "regelverk/sgi.md": page("SGI"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build { $0.strict = true }
        #expect(!result.succeeded)
        #expect(result.messages("broken-most-asked").map(\.description) == [
            "content/faq/_index.md:5:5: error: most_asked 'faq/aa.md' names no FAQ entry in content/; did you mean 'faq/a.md'? [broken-most-asked]",
            "content/faq/_index.md:6:5: error: most_asked 'regelverk/sgi.md' names no FAQ entry in content/ [broken-most-asked]",
            "content/faq/_index.md:7:5: error: most_asked lists 'faq/a.md' twice [broken-most-asked]",
        ])
        #expect(result.messages("misplaced-key").map(\.description)
            == ["content/faq/b.md:4:14: error: key 'most_asked' is only used in faq/_index.md [misplaced-key]"])
    }

    // MARK: Glossary

    static let glossary = """
    - term: "SGI"
      definition: "Inkomsten."
      page: "regelverk/sgi.md"
    - term: "AFU"
      definition: "Utredningen."
      page: "regelverk/afu.md"
    - term: "Överklagande"
      definition: "Till domstol."
    - term: "Anstånd"
      definition: "Mer tid."

    """

    @Test func theGlossaryHasLettersAnAnchorPerTermAndLinksToPages() throws {
        let site = try TestSite(files: [
            "ordlista.yml": Self.glossary,
            "regelverk/sgi.md": page("SGI och SGI-skydd"),
            "regelverk/afu.md": page("Aktivitetsförmågeutredning"),
        ], config: TestSite.config.replacingOccurrences(of: "https://test.example/", with: "https://intra.example/kb/"),
           layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/ordlista/index.html"))
        #expect(Self.between(html, "<ul class=\"letters\">", "</ul>")
            == "<li><a href=\"#bokstav_a\">A</a></li><li><a href=\"#bokstav_s\">S</a></li><li><a href=\"#bokstav_oe\">Ö</a></li>")
        #expect(html.contains("<h2 id=\"bokstav_a\">A</h2><dl><dt id=\"afu\">AFU</dt><dd>Utredningen. <a href=\"/kb/regelverk/afu/\">Läs mer: Aktivitetsförmågeutredning</a></dd><dt id=\"anstand\">Anstånd</dt><dd>Mer tid.</dd></dl>"))
        #expect(html.contains("<dt id=\"sgi\">SGI</dt><dd>Inkomsten. <a href=\"/kb/regelverk/sgi/\">Läs mer: SGI och SGI-skydd</a></dd>"))
        #expect(html.contains("<h2 id=\"bokstav_oe\">Ö</h2><dl><dt id=\"overklagande\">Överklagande</dt><dd>Till domstol.</dd></dl>"))
    }

    @Test func aGlossaryPageThatNamesNoPageIsAnErrorAtItsLine() throws {
        let text = "- term: SGI\n  definition: Inkomsten.\n  page: regelverk/sgi.md\n- term: AFU\n  definition: Utredningen.\n  page: regelverk/aktivitetsformaga.md\n"
        let parsed = GlossaryLoader.parse(text, displayPath: "content/ordlista.yml", pages: ["regelverk/sgi.md"])
        let (terms, diagnostics) = (parsed.value, parsed.diagnostics)
        #expect(diagnostics.map(\.description) == [
            "content/ordlista.yml:6:9: error: page 'regelverk/aktivitetsformaga.md' names no page in content/ [glossary-page]",
        ])
        #expect(terms.map(\.page) == ["regelverk/sgi.md", nil])

        let site = try TestSite(files: [
            "ordlista.yml": Self.glossary,
            "regelverk/sgi.md": page("SGI och SGI-skydd"),
            "regelverk/afu.md": page("AFU"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        #expect(try site.build().succeeded)
        let before = site.snapshot()
        // The page is renamed and the glossary still names the old file.
        try site.remove("content/regelverk/afu.md")
        try site.write("content/regelverk/afv.md", page("AFU"))
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.messages("glossary-page").map(\.description) == [
            "content/ordlista.yml:6:9: error: page 'regelverk/afu.md' names no page in content/; did you mean 'regelverk/afv.md'? [glossary-page]",
        ])
        #expect(site.snapshot() == before, "a failed build leaves the site as it was")
    }
}
