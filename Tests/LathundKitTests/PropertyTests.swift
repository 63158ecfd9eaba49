import Foundation
import PropertyBased
import Testing
@testable import LathundKit

/// Bad input never crashes: random pages built from fragments that matter to the parsers (fences, YAML
/// syntax, Markdown syntax, HTML, odd Unicode, numbers) go through the file split, the front matter, the
/// Markdown stage with its directives, the checks, the glossary and the configuration. The properties are
/// "does not crash" (a crash ends the test run) and a few invariants. LATHUND_PROPERTY_COUNT raises the number
/// of cases for a longer run (README: "Bad input never crashes").
@Suite struct PropertyTests {
    static let count = Int(ProcessInfo.processInfo.environment["LATHUND_PROPERTY_COUNT"] ?? "") ?? 400

    static let fragments: [String] = [
        "---", "---\n", "...\n", "\n", "\r\n", "\r", " ", "  ", "\t", "title: ", "title: x\n", "tags: ", "date: ",
        "reviewed: ", "related: ", "question: ", "category: ", "slug: ", "aliases: ", "layout: ", "sources: ",
        "weight: ", "draft: ", "- ", ": ", "? ", "[", "]", "{", "}", ",", "\"", "'", "\\", "#", "## ", "*", "**", "_",
        "`", "```", "```faq\n", "```faq\ncategory: SGI\n", "~~~", "|", "| a | b |\n|---|---:|\n", ">", "> ", "1. ",
        "<script>", "</script>", "<img src=x onerror=y>", "<", "&", "&amp;", "&#0;", "&#x110000;", "](", "[x](",
        "![b](", "javascript:", "data:text/html,", "http://", "/", "../", "..", "%", "%00", "[^1]", "[^1]: ", "<!--",
        "-->", "!!binary ", "!!int ", "&a ", "*a ", "%YAML 1.2\n", "|-\n", ">-\n", "640823-3234", "19701063 2391",
        "0771-524 524", "2026-02-30", "2026-11-23", "9999999999999999999999", "-1", "0", "1.5e309", "~", "null",
        "å", "Ö", "ß", "😀", "\u{0}", "\u{7}", "\u{1B}", "\u{FEFF}", "\u{200B}", "\u{202E}", "\u{2028}", "\u{300}",
        "\u{FFFD}", "t.ex.", "SGI-skydd", "Försäkringskassan", ". ", "! ", "? ", ":",
    ]

    static let text = Gen.element(of: fragments).array(of: 0...80).map { $0.map { $0 ?? "" }.joined() }

    /// Front matter and body as a file's bytes, with or without the fences.
    static let file = Gen.element(of: ["---\n", "---\r\n", "\u{FEFF}---\n", ""]).map { $0 ?? "" }

    static func render(_ bytes: [UInt8], section: String = "faq") -> (FrontMatter?, [Diagnostic], RenderedMarkdown?) {
        let relative = section + "/sida.md"
        switch MarkdownSource.parse(bytes: bytes, relativePath: relative, displayPath: "content/" + relative) {
        case .failure(let diagnostic):
            #expect(diagnostic.severity == .error)
            return (nil, [diagnostic], nil)
        case .success(let source):
            let (matter, diagnostics) = FrontMatter.parse(yaml: source.frontMatter, file: "content/" + relative,
                                                          lineOffset: 1, section: section)
            if matter == nil { #expect(diagnostics.contains { $0.severity == .error }) }
            let page = Page(relativePath: relative, displayPath: "content/" + relative, kind: .page, section: section,
                            url: "/\(section)/sida/", frontMatter: matter ?? FrontMatter(title: "x"), body: source.body,
                            bodyLineOffset: source.bodyLineOffset, sourceHash: XXH64.hash(source.body))
            let links = SiteLinks(pageURLs: [relative: page.url], assetPaths: [], basePath: "/", baseURL: "https://x.example/")
            let rendered = MarkdownRenderer(directives: StandardDirectives.registry)
                .render(page, context: DirectiveContext(page: page, pages: [page], links: links))
            return (matter, diagnostics + rendered.diagnostics, rendered)
        }
    }

    static func checkInvariants(_ bytes: [UInt8]) {
        let (_, diagnostics, rendered) = render(bytes)
        for diagnostic in diagnostics {
            #expect(diagnostic.location.line >= 0 && diagnostic.location.column >= 0)
        }
        if let rendered {
            #expect(!rendered.html.contains("<script"), "raw HTML is never passed through")
            #expect(!rendered.html.lowercased().contains("href=\"javascript:"))
            let readability = Readability(text: rendered.plainText)
            #expect(readability.longWords <= readability.words)
            if readability.words > 0 { #expect(readability.sentences >= 1) }
        }
        _ = PersonnummerGuard().matches(in: bytes)
    }

    @Test func pagesFromFragmentsNeverCrash() async {
        await propertyCheck(count: Self.count, input: Self.file, Self.text, Self.text, Gen.bool) { fence, yaml, body, closed in
            let document = fence + yaml + (closed ? "\n---\n" : "\n") + body
            Self.checkInvariants(Array(document.utf8))
        }
    }

    @Test func randomBytesNeverCrash() async {
        await propertyCheck(count: Self.count, input: Gen<UInt8>.value(in: 0...255).array(of: 0...300), Gen.bool) { bytes, fenced in
            Self.checkInvariants((fenced ? Array("---\ntitle: x\n---\n".utf8) : []) + bytes)
        }
    }

    @Test func glossaryAndConfigurationNeverCrash() async {
        await propertyCheck(count: Self.count, input: Self.text) { text in
            _ = GlossaryLoader.parse(text, displayPath: "content/ordlista.yml")
            _ = GlossaryLoader.parse("- term: " + text + "\n  definition: " + text + "\n", displayPath: "content/ordlista.yml")
            do {
                _ = try SiteConfig.parse(text, displayPath: "lathund.yml")
                _ = try SiteConfig.parse("review: {" + text + "}\npersonnummer_allow: [" + text + "]\n", displayPath: "lathund.yml")
            } catch is ConfigurationError {
            } catch {
                Issue.record("SiteConfig.parse threw \(error) instead of a ConfigurationError")
            }
        }
    }

    static let csvFragments: [String] = [
        ",", "\"", "\"\"", "\n", "\r\n", "\r", "ar", "antal", "2019", "12", "1,5", "1.5", "-3", "1e400", "NaN", "",
        " ", "å", "\u{0}", "\u{FEFF}", "640823-3234", "2019-12", "2026-02-30", ";", "\t", "=cmd()", "<script>",
    ]
    static let csv = Gen.element(of: csvFragments).array(of: 0...60).map { $0.map { $0 ?? "" }.joined() }
    static let metadata = Gen.element(of: [
        "title: T\nunit: u\nsources: [{title: s, publisher: p, date: 2019}]\nperiod: p\ncolumns:\n  ar: date\n  antal: number\n",
        "title: T\ncolumns:\n  ar: text\n  antal: number\nchart:\n  type: bar\n  x: ar\n  y: antal\n",
        "title: T\ncolumns: [ar]\n", "columns:\n  ar: date\n  antal: percent\nchart: { type: line, x: ar, y: [antal, x] }\n",
        "", "- a\n", "title: [\n",
    ]).map { $0 ?? "" }

    /// Datasets (CSV with its YAML metadata) as the Data stage reads them, then as a table and a chart.
    @Test func datasetsNeverCrash() async {
        await propertyCheck(count: Self.count, input: Self.csv, Self.metadata, Gen.bool) { body, metadata, withHeader in
            let text = (withHeader ? "ar,antal\n" : "") + body
            let (dataset, diagnostics) = DatasetLoader.parse(name: "tabell", csv: .success(text), csvDisplay: "content/data/tabell.csv",
                                                             metadata: .success(metadata), metadataDisplay: "content/data/tabell.yml")
            for diagnostic in diagnostics { #expect(diagnostic.location.line >= 0) }
            if dataset == nil { #expect(diagnostics.contains { $0.severity == .error }) }
        }
    }

    /// Edge cases kept as fixed inputs. The property runs (400 cases per property in `make test`, 50 000 in a
    /// longer run) found no crash in these parsers; the huge page below found two quadratic paths.
    @Test(arguments: [
        "---", "---\n", "---\n---", "---\n...\n", "\u{FEFF}", "\u{FEFF}---\r\n---\r\n", "---\ntitle: x\n---",
        "---\ntitle: !!binary x\n---\n", "---\ntitle: *a\n---\n", "---\n? [a]\n: b\n---\n", "---\n&a [*a]\n---\n",
        "---\ntitle: x\ndate: 2026-02-29\n---\n", "---\ntitle: x\n---\n```faq\n", "---\ntitle: x\n---\n```faq\ncategory: [\n```\n",
        "---\ntitle: x\n---\n[^1]\n\n[^1]: [^1]\n", "---\ntitle: x\n---\n[a]: <>\n[a]\n", "---\ntitle: x\nrelated: {a: b}\n---\n",
        "---\ntitle: x\nsources: [[a]]\n---\n", "---\ntitle: x\n---\n" + String(repeating: "[", count: 10_000),
        "---\ntitle: x\n---\n" + String(repeating: "<", count: 10_000), "---\ntitle: \u{0}\n---\n\u{0}",
    ])
    func edgeCases(_ document: String) {
        Self.checkInvariants(Array(document.utf8))
    }

    /// A huge page (about 4 MB of Markdown: long lines, a 2 000-row table, 20 000 links) and deep nesting build.
    @Test func hugeAndDeeplyNestedPagesBuild() throws {
        var body = String(repeating: "Försäkringskassan ", count: 50_000) + "\n\n"  // one 900 KB paragraph
        body += "| a | b |\n|---|---|\n" + (0..<2_000).map { "| \($0) | [l](#rubrik-\($0 % 1_000)) |\n" }.joined()
        body += (0..<20_000).map { "[länk \($0)](../sida.md) " }.joined() + "\n\n"
        body += String(repeating: "x", count: 1_000_000) + "\n\n"
        body += String(repeating: "> ", count: 2_000) + "djupt\n\n" + String(repeating: "- ", count: 2_000) + "lista\n\n"
        body += (0..<1_000).map { String(repeating: "#", count: $0 % 6 + 1) + " Rubrik \($0)\n" }.joined()
        let site = try TestSite(files: ["regelverk/stor.md": page("Stor", body), "sida.md": page("Sida")])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics.prefix(3))")
        #expect(result.diagnostics.isEmpty)
        let html = try #require(site.read("site/regelverk/stor/index.html"))
        #expect(html.utf8.count > 2_000_000)
        #expect(html.contains("<h4 id=\"rubrik-999\">\nRubrik 999\n</h4>"))
        #expect(result.pages.first { $0.url == "/regelverk/stor/" }?.lix != nil)
    }
}
