import Foundation
import PropertyBased
import Testing
@testable import LathundKit

@Suite struct MarkdownTests {
    static let emptyLinks = SiteLinks(pageURLs: ["regelverk/sgi.md": "/regelverk/sgi/", "regelverk/sida.md": "/regelverk/sida/",
                                                 "_index.md": "/", "regelverk/_index.md": "/regelverk/"],
                                      assetPaths: ["regelverk/bild.png"], basePath: "/", baseURL: "https://x.se/")

    func render(_ markdown: String, unsafe: Bool = false, directives: DirectiveRegistry = DirectiveRegistry(),
                links: SiteLinks = MarkdownTests.emptyLinks) -> Staged<RenderedMarkdown> {
        let page = Page(relativePath: "regelverk/sida.md", displayPath: "content/regelverk/sida.md", kind: .page,
                        section: "regelverk", url: "/regelverk/sida/", frontMatter: FrontMatter(title: "Sida"),
                        body: markdown, bodyLineOffset: 3, sourceHash: XXH64.hash(markdown))
        let renderer = MarkdownRenderer(unsafeHTML: unsafe, directives: directives)
        return renderer.render(page, context: DirectiveContext(page: page, pages: [page], links: links))
    }

    @Test func gfmExtensions() {
        let html = render("""
        | a | b |
        |---|--:|
        | 1 | 2,5 |

        ~~borta~~ och www.forsakringskassan.se

        - [x] klar
        - [ ] inte klar

        Fotnot[^1].

        [^1]: Källa.
        """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td class=\"align-right\">2,5</td>"))
        #expect(!html.contains("style="))
        #expect(html.contains("<del>borta</del>"))
        #expect(html.contains("<a href=\"http://www.forsakringskassan.se\">www.forsakringskassan.se</a>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" />"))
        #expect(html.contains("<section class=\"footnotes\""))
        #expect(html.contains("aria-label=\"Tillbaka till texten\""))
        #expect(!html.contains("Back to content"))
    }

    /// Every occurrence of every pattern is swapped, in any order, and the bytes between are kept.
    @Test func localizeSwapsEveryLabelAndAlignment() {
        func localize(_ text: String) -> String {
            var text = text
            return text.withUTF8 { String(decoding: MarkdownRenderer.localize($0), as: UTF8.self) }
        }
        #expect(localize("") == "")
        #expect(localize("<p>Ingen tabell, å ä ö.</p>") == "<p>Ingen tabell, å ä ö.</p>")
        let input = #"<th style="text-align: right">a</th><th style="text-align: left">b</th>"#
            + #"<td style="text-align: center">c</td><td style="text-align: right">d</td>"#
            + ##"<a href="#fnref-1" aria-label="Back to content">↩</a> slut"##
        #expect(localize(input) == #"<th class="align-right">a</th><th class="align-left">b</th>"#
            + #"<td class="align-center">c</td><td class="align-right">d</td>"#
            + ##"<a href="#fnref-1" aria-label="Tillbaka till texten">↩</a> slut"##)
        #expect(localize(#"x style="text-align: justify""#) == #"x style="text-align: justify""#)
    }

    @Test func rawHTMLAndScriptURLsNeverReachTheOutput() {
        let html = render("""
        <script>alert(1)</script>

        Text <img src=x onerror=alert(1)> [klick](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
        """).html
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("data:text/html"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
    }

    @Test func unsafeHTMLIsPassedOnlyWhenConfigured() {
        #expect(render("<div class=\"ruta\">x</div>", unsafe: true).html.contains("<div class=\"ruta\">x</div>"))
        #expect(!render("<div class=\"ruta\">x</div>").html.contains("<div"))
    }

    @Test func headingsGetStableUniqueIdsAndPlainText() {
        let result = render("""
        ## Det viktigaste
        Text med *betoning* och `kod`.

        ### Det viktigaste
        ## Sjukpenning – dag 1–90
        """)
        #expect(result.headings.map(\.id) == ["det-viktigaste", "det-viktigaste-2", "sjukpenning-dag-1-90"])
        #expect(result.headings.map(\.level) == [2, 3, 2])
        #expect(result.headings.map(\.location.line) == [4, 7, 8])
        #expect(result.html.contains("<h2 id=\"det-viktigaste\">"))
        #expect(result.html.contains("<h3 id=\"det-viktigaste-2\">"))
        #expect(result.plainText.contains("Text med betoning och kod."))
        #expect(result.firstParagraph == "Text med betoning och kod.")
    }

    /// Every heading level, ATX and setext, gets its opening tag with the id and its own closing tag.
    @Test func everyHeadingLevelIsWrappedInItsTags() {
        let html = render("# Ett\n## Två\n### Tre\n#### Fyra\n##### Fem\n###### Sex\n\nSetext\n---\n").html
        #expect(html == "<h1 id=\"ett\">\nEtt\n</h1>\n<h2 id=\"tva\">\nTvå\n</h2>\n<h3 id=\"tre\">\nTre\n</h3>\n"
            + "<h4 id=\"fyra\">\nFyra\n</h4>\n<h5 id=\"fem\">\nFem\n</h5>\n<h6 id=\"sex\">\nSex\n</h6>\n"
            + "<h2 id=\"setext\">\nSetext\n</h2>\n")
    }

    @Test func linksAreRewrittenAndResolved() {
        let result = render("""
        [SGI](sgi.md#sgi-skydd) [start](../_index.md) [avsnitt](./) [bild](bild.png) [extern](https://fk.se/x.md)
        [rot](/regelverk/sgi/) [här](#rubrik) [saknas](saknas.md) [utanför](../../../etc/passwd.md)
        """)
        #expect(result.html.contains("<a href=\"/regelverk/sgi/#sgi-skydd\">SGI</a>"))
        #expect(result.html.contains("<a href=\"/\">start</a>"))
        #expect(result.html.contains("<a href=\"/regelverk/\">avsnitt</a>"))
        #expect(result.html.contains("<a href=\"/regelverk/bild.png\">bild</a>"))
        #expect(result.html.contains("<a href=\"https://fk.se/x.md\">extern</a>"))
        #expect(result.links.map(\.target) == [
            .page(url: "/regelverk/sgi/", fragment: "sgi-skydd"), .page(url: "/", fragment: nil),
            .page(url: "/regelverk/", fragment: nil), .asset(url: "/regelverk/bild.png"), .external,
            .siteURL(path: "/regelverk/sgi/", fragment: nil), .samePage(fragment: "rubrik"),
            .missing(path: "saknas.md"), .missing(path: "../../../etc/passwd.md"),
        ])
        #expect(result.links.first?.location == SourceLocation(file: "content/regelverk/sida.md", line: 4, column: 1))
    }

    /// A link's column counts characters (Unicode scalars) from the start of its own line, on every line: the line
    /// starts are found once per page (`TreeWalk.characterColumn`).
    @Test func linkColumnsCountCharactersOnEveryLine() {
        let result = render("å [a](a.md)\nåäö [b](b.md) [c](c.md)\n\n😀 [d](d.md)\n\n[e](e.md)")
        #expect(result.links.map(\.location) == [(4, 3), (5, 5), (5, 15), (7, 3), (9, 1)].map {
            SourceLocation(file: "content/regelverk/sida.md", line: $0.0, column: $0.1)
        })
    }

    struct Shout: Directive {
        let name = "shout"
        func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
            var diagnostics: [Diagnostic] = []
            if block.body.isEmpty {
                diagnostics.append(.error(block.location, code: "shout-empty", "nothing to shout"))
            }
            return DirectiveOutput(html: "<p class=\"shout\">\(HTML.escape(block.body.uppercased()))</p>",
                                   diagnostics: diagnostics)
        }
    }

    @Test func registeredDirectivesReplaceTheirFencedBlocks() {
        let result = render("""
        Före.

        ```shout högt
        <hej>
        ```

        ```shout
        ```

        ```swift
        let x = 1
        ```
        """, directives: DirectiveRegistry([Shout()]))
        #expect(result.html.contains("<p class=\"shout\">&lt;HEJ&gt;\n</p>"))
        #expect(result.html.contains("<pre><code class=\"language-swift\">let x = 1\n</code></pre>"))
        #expect(result.diagnostics.map(\.description) == ["content/regelverk/sida.md:10:1: error: nothing to shout [shout-empty]"])
    }
}

/// `SiteLinks.resolve` searches and splits an ASCII destination by bytes; it must resolve every destination as
/// the version that did it by `Character` (kept below), also where a `/`, `#` or `?` is followed by a combining
/// mark (one `Character`, no separator).
@Suite struct SiteLinksSplitTests {
    @Test func resolvingByBytesEqualsResolvingByCharacters() async {
        let links = SiteLinks(pageURLs: ["a/b.md": "/a/b/", "b.md": "/b/", "a/_index.md": "/a/", "\u{301}x.md": "/x/"],
                              assetPaths: ["a/bild.png"], basePath: "/kb/", baseURL: "https://x.example/kb/")
        let pieces = ["a", "b", ".md", "b.md", "/", "//", ".", "..", "#", "?", "x", "å", "\u{301}", "bild.png", "_index.md",
                      "%20", " ", "q=1"]
        let from = ["a/sida.md", "sida.md", "a/b/c.md", "å/\u{301}sida.md"]
        await propertyCheck(count: 4000, input: Gen.element(of: pieces).array(of: 0...8)) { parts in
            let destination = parts.map { $0 ?? "" }.joined()
            for relativePath in from {
                let resolved = links.resolve(destination, from: relativePath)
                let reference = Self.referenceResolve(links, destination, from: relativePath)
                #expect(resolved.target == reference.target && resolved.href == reference.href,
                        "\(destination.debugDescription) from \(relativePath)")
            }
            #expect(SiteLinks.split(destination, omittingEmpty: false)
                    == destination.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// `resolve` as it was, by `Character`.
    static func referenceResolve(_ links: SiteLinks, _ destination: String, from relativePath: String)
        -> (target: SiteLinks.Target, href: String?) {
        let trimmed = destination.trimmingWhitespace()
        if LinkSafety.hasUnsafeCharacters(trimmed) { return (.unsafe, "") }
        if trimmed.isEmpty || SiteLinks.hasScheme(trimmed) || trimmed.hasPrefix("//") { return (.external, nil) }
        var rest = Substring(trimmed)
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[mark...])
            rest = rest[..<mark]
        }
        let suffix = query + (fragment.map { "#" + $0 } ?? "")
        let path = String(rest).removingPercentEncoding ?? String(rest)
        if LinkSafety.hasUnsafeCharacters(path) { return (.unsafe, "") }
        if path.isEmpty { return (fragment.map { .samePage(fragment: $0) } ?? .external, nil) }
        if path.hasPrefix("/") { return (.siteURL(path: path, fragment: fragment), links.href(path) + suffix) }
        let folder = relativePath.split(separator: "/").dropLast().map(String.init)
        guard let normalized = SiteLinks.normalize(folder + path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)) else {
            return (.missing(path: path), nil)
        }
        if let url = links.pageURLs[normalized] { return (.page(url: url, fragment: fragment), links.href(url) + suffix) }
        if links.assetPaths.contains(normalized) {
            return (.asset(url: "/" + normalized), links.href("/" + normalized) + suffix)
        }
        if normalized.hasSuffix("/") || normalized.isEmpty, let url = links.pageURLs[normalized + "_index.md"] {
            return (.page(url: url, fragment: fragment), links.href(url) + suffix)
        }
        return (.missing(path: path), nil)
    }
}
