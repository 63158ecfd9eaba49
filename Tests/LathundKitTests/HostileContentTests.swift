import Foundation
import Testing
@testable import LathundKit

extension TestSite {
    /// The project's own layouts (with their assets), as published.
    static func realLayouts() -> [String: String] {
        var layouts: [String: String] = [:]
        for (relative, data) in TestSite.files(of: packageRoot.appendingPathComponent("layouts")) where relative != "README.md" {
            layouts[relative] = String(decoding: data, as: UTF8.self)
        }
        return layouts
    }
}

/// Script tags, event handlers, `javascript:`/`data:` URLs and HTML in titles and front matter never become
/// active markup: not in pages, the search index, the feed, the sitemap, JSON-LD or redirect pages.
@Suite struct HostileContentTests {
    static let script = "<script>alert(1)</script>"

    static let files: [String: String] = [
        "_index.md": page("Start", "Välkommen."),
        "regelverk/_index.md": page("Regelverk"),
        "regelverk/sgi.md": page("SGI", "## Skydd\nText."),
        "faq/_index.md": page("Frågor", "```faq\ncategory: \"<b onclick=alert(1)>\"\n```\n"),
        // A quote followed by a combining mark is one Character in Swift: an escaper that compares whole
        // characters lets it through, and the quote ends the attribute (meta description, link titles).
        "regelverk/accent.md": """
        ---
        title: "Accent \\"\\u0301 onmouseover=alert(1) x=\\"\\u0301"
        description: "Beskrivning \\"\\u0301 onmouseover=alert(2) \\u0301'\\u0301 onfocus=alert(3) \\u0301"
        ---
        Text.
        """,
        "faq/fientlig.md": """
        ---
        title: "<script>alert('titel')</script> & \\"citat\\""
        description: "</script><script>alert(1)</script><img src=x onerror=alert(1)>"
        question: "\\"><img src=x onerror=alert(1)>?"
        category: "<b onclick=alert(1)>"
        tags: ["<svg onload=alert(1)>", "javascript:alert(1)"]
        date: 2026-11-20
        reviewed: { date: 2026-11-20, by: "<b onclick=alert(1)>roll</b>", against: "\\"><script>alert(1)</script>" }
        sources:
          - { title: "<i onmouseover=alert(1)>källa</i>", publisher: "<u onclick=alert(1)>", date: 2026, section: "<script>x</script>", url: "https://ok.example/?a=\\"><script>alert(1)</script>" }
        aliases: ["/gammal-\\"><script>alert(1)</script>/"]
        related: [regelverk/sgi.md]
        ---
        Stycke med <script>alert(1)</script> och <img src=x onerror="alert(1)"> och <iframe src="https://x.example"></iframe>.

        <a href="javascript:alert(1)" onclick="alert(1)">rå länk</a> <svg onload=alert(1)></svg> <object data="x"></object>

        [klick](javascript:alert(1)) [STOR](JaVaScRiPt:alert(1)) [tab](java	script:alert(1)) [vb](vbscript:msgbox(1))
        [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![bild](javascript:alert(1))
        ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) <javascript:alert(1)> [ref][r]

        [r]: javascript:alert(1) "<script>"

        ## <script>rubrik</script> & "citat" <img src=x onerror=alert(1)>

        | <b onclick=x>cell</b> | `<script>` |
        |---|---|
        | <style>body{}</style> | <!-- kommentar --> |

        Fotnot[^1].

        [^1]: <script>alert(1)</script>
        """,
        "ordlista.yml": """
        - term: "<script>alert(1)</script>"
          expansion: "<img src=x onerror=alert(1)>"
          definition: "javascript:alert(1) </dd><script>alert(1)</script>"

        """,
    ]

    @Test func nothingBecomesActiveAnywhere() throws {
        let config = """
        title: "Banken <script>alert(1)</script>"
        description: "\\"><img src=x onerror=alert(1)>"
        base_url: "https://test.example/"
        menu:
          - { title: "<b onclick=alert(1)>Regelverk</b>", url: "/regelverk/" }

        """
        let site = try TestSite(files: Self.files, config: config, layouts: TestSite.realLayouts())
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.errorCount == 0, "\(result.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(result.succeeded)
        let problems = InertOutput.problems(in: site.root.appendingPathComponent("site"))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        // A quote before a combining mark is escaped like any other quote.
        let accent = try #require(site.read("site/regelverk/accent/index.html"))
        #expect(accent.contains("content=\"Beskrivning &quot;\u{301} onmouseover=alert(2)"))
        let scalars = Array(accent.unicodeScalars)
        let rawQuotes = zip(scalars, scalars.dropFirst()).filter { ($0.0 == "\"" || $0.0 == "'") && $0.1 == "\u{301}" }
        #expect(rawQuotes.isEmpty, "a raw quote before a combining mark, \(rawQuotes.count) times")

        // The text is still there, as text.
        let html = try #require(site.read("site/faq/fientlig/index.html"))
        #expect(html.contains("&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt; &amp; &quot;citat&quot;"))
        #expect(html.contains("<script type=\"application/ld+json\">"))
        #expect(html.contains("\\u003cimg src=x onerror=alert(1)\\u003e?"), "question in JSON-LD, escaped")
        #expect(!html.contains("<script>alert"))
        let feed = try #require(site.read("site/feed.xml"))
        #expect(feed.contains("<title>&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt; &amp; &quot;citat&quot;</title>"))
        let glossary = try #require(site.read("site/ordlista/index.html"))
        #expect(glossary.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let searchFiles = site.files("site/search")
        #expect(!searchFiles.isEmpty)
        #expect(searchFiles.values.contains { String(decoding: $0, as: UTF8.self).contains("\\u003cscript\\u003e") })
        // The alias became a redirect page inside the site, pointing at the page.
        let redirects = site.files("site").filter { $0.key.hasPrefix("gammal-") }
        #expect(redirects.count == 1)
        #expect(redirects.values.first.map { String(decoding: $0, as: UTF8.self).contains("url=/faq/fientlig/") } == true)
    }

    /// The same content with `unsafe_html: true` (raw HTML passed through) is caught by the scanner.
    @Test func rawHTMLWouldBeCaught() throws {
        let site = try TestSite(files: Self.files, config: TestSite.config + "unsafe_html: true\n", layouts: TestSite.realLayouts())
        defer { site.cleanUp() }
        #expect(try site.build().succeeded)
        let problems = InertOutput.problems(in: site.root.appendingPathComponent("site"))
        // (GFM's tagfilter still turns <script> into text; the attributes and URLs are what get through.)
        #expect(problems.contains { $0 == "faq/fientlig/index.html: href=javascript:alert(1) on <a>" })
        #expect(problems.contains { $0.contains("event attribute onerror on <img>") })
    }

    /// The writing aid's rules file is writers' data that reaches the page as HTML and as a JSON data block: markup
    /// in any of its texts stays text in both.
    @Test func writingAidRulesStayInert() throws {
        let rules = """
        fields:
          - id: falt
            section: "<script>alert(1)</script>"
            label: "\\"><img src=x onerror=alert(1)>"
            hint: "</textarea><script>alert(1)</script>"
            choices_label: "<b onclick=alert(1)>"
            choices:
              - { id: val, label: "</label><script>alert(1)</script>" }
        lists:
          ord: ["</script>", "<img onerror>"]
        rules:
          - id: regel
            fields: [falt]
            words: [$ord]
            message: "</script><script>alert(1)</script> & \\u2028 <!--"
            link: "sida.md"
            sources: [{ title: "<i onmouseover=alert(1)>", publisher: "<u>", date: 2026, url: "https://ok.example/?a=\\"><script>alert(1)</script>" }]
        examples:
          - label: "<script>alert(1)</script>"
            from: sida.md
            choice: { falt: [val] }
            values: { falt: "</script><script>alert(1)</script>" }

        """
        let site = try TestSite(files: [
            "sida.md": page("Sida", "Text med </script><script>alert(1)</script>."),
            "granska.md": page("Granska", "```granskning\n```\n", extra: "layout: granska\n"),
            "regler.yml": rules,
        ], config: TestSite.config + "writing_aid: regler.yml\n", layouts: TestSite.realLayouts())
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.errorCount == 0, "\(result.diagnostics.map(\.description).joined(separator: "\n"))")
        let problems = InertOutput.problems(in: site.root.appendingPathComponent("site"))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let html = try #require(site.read("site/granska/index.html"))
        #expect(html.contains("<script type=\"application/json\" id=\"granskning_data\">"))
        #expect(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"), "the message, escaped in the JSON")
        #expect(html.contains("<legend>&lt;script&gt;alert(1)&lt;/script&gt;</legend>"))
        #expect(!html.contains("<script>alert") && !html.contains("<img src=x"))
        #expect(site.read("site/regler.yml") == nil, "the rules file is read by the build, not published")
    }

    @Test func theScannerSeesActiveMarkup() {
        // The check above can fail: each of these is reported.
        for active in ["<script>x</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">",
                       "<a href=\"javascript&#x3A;x\">", "<a href=' JAVASCRIPT:x'>", "<iframe src=x>", "<a href=\"data:text/html,x\">",
                       "<meta http-equiv=\"refresh\" content=\"0; url=javascript:alert(1)\">",
                       "<script type=\"application/ld+json\">{\"a\":\"</script><script>x\"}</script>",
                       "<script type=\"application/json\" id=\"x\">{\"a\":\"</script><script>x\"}</script>",
                       "<svg onload=x>", "<img src=\"data:image/svg+xml;base64,AAAA\">"] {
            #expect(!InertOutput.html(active).isEmpty, "\(active)")
        }
        for inert in ["<p>&lt;script&gt;</p>", "<img src=\"data:image/png;base64,AAAA\" alt=\"\">", "<a href=\"/x/\">",
                      "<script type=\"module\" src=\"/assets/search-ui.js\"></script>", "<a href=\"\">x</a>",
                      "<script type=\"application/json\" id=\"granskning_data\">{\"a\":\"\\u003c/script\\u003e\"}</script>"] {
            #expect(InertOutput.html(inert).isEmpty, "\(inert)")
        }
    }

    @Test func sourceURLsMustBeWebAddresses() throws {
        let site = try TestSite(files: [
            "a.md": page("A", extra: "sources:\n  - { title: Källa, publisher: FK, date: 2020, url: \"javascript:alert(1)\" }\n  - { title: Bra, publisher: FK, date: 2020, url: \"https://ok.example/\" }\n  - { title: Data, publisher: FK, date: 2020, url: \"data:text/html,x\" }\n"),
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.map(\.description) == [
            "content/a.md:4:48: error: source url 'javascript:alert(1)' must start with https://, http:// or / [source-url]",
            "content/a.md:6:47: error: source url 'data:text/html,x' must start with https://, http:// or / [source-url]",
        ])
        #expect(!site.exists("site"))
    }
}
