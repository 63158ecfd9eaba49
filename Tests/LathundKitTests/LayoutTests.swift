import Foundation
import Testing
@testable import LathundKit

@Suite struct LayoutTests {
    func layoutDiagnostics(_ changes: [String: String?]) throws -> [String] {
        var layouts = TestSite.layouts
        for (name, text) in changes { layouts[name] = text }
        let site = try TestSite(files: ["a.md": page("A")], layouts: layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!site.exists("site"))
        return result.diagnostics.map(\.description)
    }

    @Test func missingPartialIsAnErrorAtItsTag() throws {
        let found = try layoutDiagnostics(["page.mustache": "{{<base}}{{$main}}\n  {{>partials/menyn}}{{/main}}{{/base}}"])
        #expect(found == ["layouts/page.mustache:2:3: error: partial 'partials/menyn' does not exist; did you mean 'partials/menu'? [layout-missing-partial]"])
    }

    @Test func missingParentIsAnError() throws {
        let found = try layoutDiagnostics(["page.mustache": "{{<bas}}{{$main}}x{{/main}}{{/bas}}"])
        #expect(found == ["layouts/page.mustache:1:1: error: parent layout 'bas' does not exist; did you mean 'base'? [layout-missing-partial]"])
    }

    @Test func misspeltVariableIsAnError() throws {
        let found = try layoutDiagnostics(["home.mustache": "{{<base}}{{$main}}<h1>{{page.titel}}</h1>\n{{#page.sources}}{{titl}}{{/page.sources}}{{/main}}{{/base}}"])
        #expect(found == [
            "layouts/home.mustache:1:23: error: no layout context has 'titel'; did you mean 'title'? [layout-unknown-variable]",
            "layouts/home.mustache:2:18: error: no layout context has 'titl'; did you mean 'title'? [layout-unknown-variable]",
        ])
    }

    @Test func syntaxErrorHasLineAndColumn() throws {
        let found = try layoutDiagnostics(["404.mustache": "<p>\n{{#page.title}}x{{/page.tittle}}</p>"])
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("layouts/404.mustache:2:"))
        #expect(found[0].contains("[layout-syntax]"))
    }

    /// The engine's escaper is set by a pragma before every layout; a layout cannot switch it off.
    @Test func aLayoutCannotChangeTheContentType() throws {
        let found = try layoutDiagnostics(["404.mustache": "{{% CONTENT_TYPE: TEXT }}\n<p>{{page.title}}</p>"])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("layouts/404.mustache:1:1: error:") == true)
    }

    @Test func requiredLayoutMissing() throws {
        let found = try layoutDiagnostics(["section.mustache": nil])
        #expect(found == ["layouts/section.mustache: error: required layout 'section' does not exist [layout-missing]"])
    }

    @Test func projectLayoutsPassTheCheck() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let assets = Set(FileTree.visibleFiles(under: root.appendingPathComponent("layouts/assets")).map(\.relative))
        let loaded = Layouts.load(directory: root.appendingPathComponent("layouts"), displayRoot: "layouts", assets: assets)
        let (layouts, diagnostics) = (loaded.value, loaded.diagnostics)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(layouts != nil)
    }

    /// Keeps the layout check's vocabulary and the contexts in step: every key a context has is known.
    @Test func everyContextKeyIsInTheVocabulary() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "faq/_index.md": page("Frågor", extra: "most_asked: [faq/a.md]\n"),
            "faq/a.md": page("A", "## X\n## Y\n### Z\n## W\n[b](../rapporter/b.md)", extra: "question: A?\ncategory: SGI\nrelated: [rapporter/b.md]\nsources: [{title: T, publisher: P, date: 2020, url: 'https://x.se'}]\ntags: [t]\nreviewed: {date: 2026-01-01, by: R, against: K}\n"),
            "rapporter/b.md": page("B", "[a](../faq/a.md)", extra: "region: R\nowners: [FK]\nbudget_sek: 4800000\n"),
            "ordlista.yml": "- term: SGI\n  definition: D\n  page: faq/a.md\n",
        ])
        defer { site.cleanUp() }
        let options = site.options()
        let result = try Builder(options: options).build()
        #expect(result.succeeded, "\(result.diagnostics)")
        // Rebuild the index the same way the builder does and walk every context.
        let parsed = try site.parsed()
        let terms = GlossaryLoader.parse("- term: SGI\n  expansion: E\n  definition: D\n  page: faq/a.md\n", displayPath: "x").value
        let index = SiteIndex.build(pages: parsed.pages, generated: [GeneratedPage(url: "/ordlista/", title: "Ordlista", description: "", layouts: ["glossary"], content: .glossary(terms), outputPath: "ordlista/index.html", isListed: true)], assets: []).value
        let context = LayoutContexts(index: index, faq: FAQIndex(pages: parsed.catalog.pages), config: parsed.config, links: parsed.links)
        var keys = Set<String>()
        func collect(_ value: Any) {
            if let parent = value as? any LayoutValue {
                #expect(LayoutContext.types.contains { ObjectIdentifier($0) == ObjectIdentifier(type(of: parent)) }, "\(type(of: parent)) is not in LayoutContext.types")
                for (key, child) in parent.presentValues { keys.insert(key); collect(child) }
            } else if let list = value as? [Any] {
                list.forEach(collect)
            }
        }
        for position in index.pages.indices { collect(context.pageContext(position, html: "<p>x</p>")) }
        for page in index.generated { collect(context.generatedContext(page)) }
        #expect(keys.subtracting(LayoutContext.vocabulary).isEmpty, "\(keys.subtracting(LayoutContext.vocabulary))")
        #expect(keys.contains("budget") && keys.contains("related") && keys.contains("children") && keys.contains("expansion"))
        #expect(keys.isSuperset(of: ["most_asked", "glossary_letters", "page_url", "page_title", "content_lead"]))
    }

    /// The pages' links are made on `jobs` threads: the contexts and their render keys are the same on one thread
    /// and on four, and a menu item's description is its page's summary, else its generated page's description.
    @Test func contextsAreTheSameOnAnyNumberOfThreads() throws {
        var files = ["_index.md": page("Start"), "regelverk/_index.md": page("Regler", "Om reglerna.")]
        for number in 0..<40 { files["regelverk/p\(number).md"] = page("P\(number)", "[n](p\((number + 1) % 40).md)") }
        let config = TestSite.config + "  - { title: \"Sök\", url: \"/sok/\" }\n  - { title: \"Ute\", url: \"https://x.se/\" }\n"
        let site = try TestSite(files: files, config: config)
        defer { site.cleanUp() }
        let parsed = try site.parsed()
        let search = GeneratedPage(url: "/sok/", title: "Sök", description: "Sök här.", layouts: ["page"], content: .notFound,
                                   outputPath: "sok/index.html", isListed: false)
        let index = SiteIndex.build(pages: parsed.pages, generated: [search], assets: []).value
        func contexts(jobs: Int) -> LayoutContexts {
            LayoutContexts(index: index, faq: FAQIndex(pages: parsed.catalog.pages), config: parsed.config, links: parsed.links,
                           jobs: jobs)
        }
        let (one, four) = (contexts(jobs: 1), contexts(jobs: 4))
        #expect(index.pages.count == 42)
        for position in index.pages.indices {
            #expect(one.linkKey(position) == four.linkKey(position))
            #expect(one.renderKey(position, site: 1, layout: "page") == four.renderKey(position, site: 1, layout: "page"))
            #expect("\(one.pageContext(position, html: "x"))" == "\(four.pageContext(position, html: "x"))")
        }
        let summary = index.pages[try #require(index.indexByURL["/regelverk/"])].summary
        #expect(!summary.isEmpty)
        #expect(one.menu(currentURL: "/").map(\.description) == [summary, "Sök här.", nil])
    }

    /// layouts/README.md's key tables are the context types' own lists (`LayoutContext.documentation`), which also
    /// give the layout check its vocabulary: a key added, renamed or removed in the code and not in the README fails.
    @Test func readmeListsEveryContextKey() throws {
        let documented = try Self.readmeSection("context keys", expected: LayoutContext.documentation)
        for name in LayoutContext.vocabulary { #expect(documented.contains("| `\(name)` |"), "\(name) is not in layouts/README.md") }
    }

    /// The part of layouts/README.md between `<!-- MARKER: begin -->` and `<!-- MARKER: end -->`; when it is not
    /// `expected` (made from the code), records an issue and writes `expected` to a temporary file to copy from.
    static func readmeSection(_ marker: String, expected: String) throws -> String {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("layouts/README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- \(marker): begin -->\n"))
        let end = try #require(readme.range(of: "<!-- \(marker): end -->"))
        let documented = String(readme[start.upperBound..<end.lowerBound])
        if documented != expected {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("layouts-README-\(marker.replacingOccurrences(of: " ", with: "-")).md")
            try expected.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("layouts/README.md's '\(marker)' tables differ from the code; the tables as the code has them are in \(file.path)")
        }
        return documented
    }

    @Test func tagScannerFindsKindsAndPositions() {
        let tags = TemplateTag.scan("a {{x}}\n  {{{ y.z }}} {{#s}}{{/s}}{{! note }}{{> p/q }}{{&w}}")
        #expect(tags == [
            TemplateTag(kind: .variable, name: "x", line: 1, column: 3),
            TemplateTag(kind: .unescaped, name: "y.z", line: 2, column: 3),
            TemplateTag(kind: .section, name: "s", line: 2, column: 15),
            TemplateTag(kind: .close, name: "s", line: 2, column: 21),
            TemplateTag(kind: .comment, name: "note", line: 2, column: 27),
            TemplateTag(kind: .partial, name: "p/q", line: 2, column: 38),
            TemplateTag(kind: .unescaped, name: "w", line: 2, column: 48),
        ])
        #expect(TemplateTag(kind: .variable, name: "uppercased(page.title)", line: 1, column: 1).lookedUpNames == ["page", "title"])
    }
}
