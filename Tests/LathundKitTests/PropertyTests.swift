import Foundation
import PropertyBased
import Testing
@testable import LathundKit

/// How many cases the properties run, and from which seed. `make test` runs 400 cases per property;
/// `make test-long` sets LATHUND_PROPERTY_COUNT (50 000) and LATHUND_PROPERTY_DATASET_COUNT (20 000 for the
/// dataset property, whose cases are larger). The seed is LATHUND_PROPERTY_SEED when set, else a new random one.
/// Every case is generated from the seed, the property's name and the case's number alone, so the same seed
/// gives the same cases: each property prints the seed when it starts (a crash ends the run, but the seed is
/// already in the log) and when it ends, and a failing expectation names the seed and its case.
enum PropertyRun {
    static let environment = ProcessInfo.processInfo.environment
    static let count = number("LATHUND_PROPERTY_COUNT") ?? 400
    static let datasetCount = number("LATHUND_PROPERTY_DATASET_COUNT") ?? count
    static let seed: UInt64 = number("LATHUND_PROPERTY_SEED").map(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)

    static func number(_ name: String) -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text), value >= 0 else { fatalError("\(name) must be a whole number, not '\(text)'") }
        return value
    }

    /// Case `index` of `property`: a generator of its own, from the seed (SplitMix64 expands it into the state).
    static func generator(_ property: String, _ index: Int, seed: UInt64 = seed) -> Xoshiro {
        var state = property.utf8.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100000001B3 } &+ UInt64(index) &* 0x9E3779B97F4A7C15
        func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        return Xoshiro(seed: (next(), next(), next(), next()))
    }

    /// Runs `body` `count` times, each with its case's generator and a note that names the case, printing the seed.
    static func forAll(_ property: String, count: Int, _ body: (inout Xoshiro, String) -> Void) {
        print("PropertyTests.\(property): seed \(seed), \(count) cases (LATHUND_PROPERTY_SEED=\(seed) replays them)")
        for index in 0..<count {
            var generator = generator(property, index)
            body(&generator, "\(property), case \(index) of LATHUND_PROPERTY_SEED=\(seed)")
        }
        print("PropertyTests.\(property): \(count) cases passed, seed \(seed)")
    }
}

/// Bad input never crashes: random pages built from fragments that matter to the parsers (fences, YAML
/// syntax, Markdown syntax, HTML, odd Unicode, numbers) go through the file split, the front matter, the
/// Markdown stage with its directives, the checks, the glossary and the configuration. The properties are
/// "does not crash" (a crash ends the test run) and a few invariants. `PropertyRun` says how many cases run.
@Suite struct PropertyTests {
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

    static func render(_ bytes: [UInt8], section: String = "faq", _ note: String) -> (FrontMatter?, [Diagnostic], RenderedMarkdown?) {
        let relative = section + "/sida.md"
        let read = MarkdownSource.parse(bytes: bytes, relativePath: relative, displayPath: "content/" + relative)
        guard let source = read.value else {
            #expect(read.diagnostics.count == 1 && read.diagnostics[0].severity == .error, "\(note)")
            return (nil, read.diagnostics, nil)
        }
        let parsed = FrontMatter.parse(yaml: source.frontMatter, file: "content/" + relative, lineOffset: 1,
                                       section: section)
        let (matter, diagnostics) = (parsed.value, parsed.diagnostics)
        if matter == nil { #expect(diagnostics.contains { $0.severity == .error }, "\(note)") }
        let page = Page(relativePath: relative, displayPath: "content/" + relative, kind: .page, section: section,
                        url: "/\(section)/sida/", frontMatter: matter ?? FrontMatter(title: "x"), body: source.body,
                        bodyLineOffset: source.bodyLineOffset, sourceHash: XXH64.hash(source.body))
        let links = SiteLinks(pageURLs: [relative: page.url], assetPaths: [], basePath: "/", baseURL: "https://x.example/")
        let rendered = MarkdownRenderer(directives: StandardDirectives.registry)
            .render(page, context: DirectiveContext(page: page, pages: [page], links: links))
        return (matter, diagnostics + rendered.diagnostics, rendered.value)
    }

    static func checkInvariants(_ bytes: [UInt8], _ note: String) {
        let (_, diagnostics, rendered) = render(bytes, note)
        for diagnostic in diagnostics {
            #expect(diagnostic.location.line >= 0 && diagnostic.location.column >= 0, "\(note)")
        }
        if let rendered {
            // The HTML goes to the page's file as cmark-gfm's bytes, never made a `String` (which would repair them).
            #expect(String(validating: rendered.htmlBytes, as: UTF8.self) != nil, "HTML is valid UTF-8; \(note)")
            #expect(!rendered.html.contains("<script"), "raw HTML is never passed through; \(note)")
            #expect(!rendered.html.lowercased().contains("href=\"javascript:"), "\(note)")
            let readability = Readability(text: rendered.plainText)
            #expect(readability.longWords <= readability.words, "\(note)")
            if readability.words > 0 { #expect(readability.sentences >= 1, "\(note)") }
        }
        _ = PersonnummerGuard().matches(in: bytes)
    }

    @Test func pagesFromFragmentsNeverCrash() {
        PropertyRun.forAll("pagesFromFragmentsNeverCrash", count: PropertyRun.count) { generator, note in
            let fence = Self.file.run(using: &generator), yaml = Self.text.run(using: &generator)
            let body = Self.text.run(using: &generator), closed = Gen.bool.run(using: &generator)
            let document = fence + yaml + (closed ? "\n---\n" : "\n") + body
            Self.checkInvariants(Array(document.utf8), note)
        }
    }

    static let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...300)

    @Test func randomBytesNeverCrash() {
        PropertyRun.forAll("randomBytesNeverCrash", count: PropertyRun.count) { generator, note in
            let bytes = Self.bytes.run(using: &generator), fenced = Gen.bool.run(using: &generator)
            Self.checkInvariants((fenced ? Array("---\ntitle: x\n---\n".utf8) : []) + bytes, note)
        }
    }

    @Test func glossaryAndConfigurationNeverCrash() {
        PropertyRun.forAll("glossaryAndConfigurationNeverCrash", count: PropertyRun.count) { generator, note in
            let text = Self.text.run(using: &generator)
            _ = GlossaryLoader.parse(text, displayPath: "content/ordlista.yml")
            _ = GlossaryLoader.parse("- term: " + text + "\n  definition: " + text + "\n", displayPath: "content/ordlista.yml")
            do {
                _ = try SiteConfig.parse(text, displayPath: "lathund.yml")
                _ = try SiteConfig.parse("review: {" + text + "}\npersonnummer_allow: [" + text + "]\n", displayPath: "lathund.yml")
            } catch is ConfigurationError {
            } catch {
                Issue.record("SiteConfig.parse threw \(error) instead of a ConfigurationError; \(note)")
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
    @Test func datasetsNeverCrash() {
        PropertyRun.forAll("datasetsNeverCrash", count: PropertyRun.datasetCount) { generator, note in
            let body = Self.csv.run(using: &generator), metadata = Self.metadata.run(using: &generator)
            let withHeader = Gen.bool.run(using: &generator)
            let text = (withHeader ? "ar,antal\n" : "") + body
            let parsed = DatasetLoader.parse(name: "tabell", csv: Staged(text), csvDisplay: "content/data/tabell.csv",
                                             metadata: Staged(metadata), metadataDisplay: "content/data/tabell.yml")
            let (dataset, diagnostics) = (parsed.value, parsed.diagnostics)
            for diagnostic in diagnostics { #expect(diagnostic.location.line >= 0, "\(note)") }
            if dataset == nil { #expect(diagnostics.contains { $0.severity == .error }, "\(note)") }
        }
    }

    /// The same seed gives the same cases; another seed, others.
    @Test func aSeedReplaysItsCases() {
        func cases(seed: UInt64) -> [String] {
            (0..<20).map { index in
                var generator = PropertyRun.generator("pagesFromFragmentsNeverCrash", index, seed: seed)
                return Self.text.run(using: &generator)
            }
        }
        #expect(cases(seed: 42) == cases(seed: 42))
        #expect(cases(seed: 42) != cases(seed: 43))
        #expect(Set(cases(seed: 42)).count > 10, "the cases of one seed differ from each other")
    }

    /// Edge cases kept as fixed inputs; the huge page below found two quadratic paths.
    @Test(arguments: [
        "---", "---\n", "---\n---", "---\n...\n", "\u{FEFF}", "\u{FEFF}---\r\n---\r\n", "---\ntitle: x\n---",
        "---\ntitle: !!binary x\n---\n", "---\ntitle: *a\n---\n", "---\n? [a]\n: b\n---\n", "---\n&a [*a]\n---\n",
        "---\ntitle: x\ndate: 2026-02-29\n---\n", "---\ntitle: x\n---\n```faq\n", "---\ntitle: x\n---\n```faq\ncategory: [\n```\n",
        "---\ntitle: x\n---\n[^1]\n\n[^1]: [^1]\n", "---\ntitle: x\n---\n[a]: <>\n[a]\n", "---\ntitle: x\nrelated: {a: b}\n---\n",
        "---\ntitle: x\nsources: [[a]]\n---\n", "---\ntitle: x\n---\n" + String(repeating: "[", count: 10_000),
        "---\ntitle: x\n---\n" + String(repeating: "<", count: 10_000), "---\ntitle: \u{0}\n---\n\u{0}",
    ])
    func edgeCases(_ document: String) {
        Self.checkInvariants(Array(document.utf8), "edge case")
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
