import Foundation
import Testing
@testable import LathundKit

/// `LayoutFragments`: site-wide partials rendered once per menu, asset sections replaced by their hrefs, and the
/// same bytes as rendering every partial on every page.
@Suite struct LayoutFragmentsTests {
    /// The project's layouts (and a page layout that includes a site-wide partial where it must not be replaced).
    static func layouts(extra: [String: String] = [:]) throws -> (Layouts, TestSite) {
        var texts: [String: String] = [:]
        let folder = packageRoot.appendingPathComponent("layouts")
        for file in FileTree.visibleFiles(under: folder) where file.relative.hasSuffix(".mustache") {
            texts[file.relative] = try String(contentsOf: folder.appendingPathComponent(file.relative), encoding: .utf8)
        }
        for (name, text) in extra { texts[name] = text }
        let site = try TestSite(files: [
            "_index.md": "---\ntitle: Start\n---\nText.\n",
            "faq/_index.md": "---\ntitle: Frågor\nmost_asked: [faq/a.md]\n---\n",
            "faq/a.md": "---\ntitle: A\nquestion: A?\ncategory: SGI\nlayout: tricky\n---\n## X\n## Y\n### Z\n## W\n[b](../rapporter/b.md)\n",
            "rapporter/b.md": "---\ntitle: B\n---\n[a](../faq/a.md)\n",
        ], config: "title: T\nbase_url: \"https://test.example/\"\nmenu:\n  - { title: \"Frågor\", url: \"/faq/\" }\n"
            + "  - { title: \"Rapporter\", url: \"/rapporter/\" }\n  - { title: \"Extern\", url: \"https://x.se/\" }\n",
           layouts: texts)
        let assets = Set(FileTree.visibleFiles(under: packageRoot.appendingPathComponent("layouts/assets")).map(\.relative))
        let loaded = Layouts.load(directory: site.root.appendingPathComponent("layouts"), displayRoot: "layouts", assets: assets)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        return (try #require(loaded.value), site)
    }

    static let tricky = """
        {{<base}}{{$main}}
        {{#page.faq}}
        {{>partials/footer}}
        {{/page.faq}}
          {{>partials/footer}}
        <p>{{#asset}}style.css{{/asset}} {{#asset}}
        favicon.svg{{/asset}}</p>
        {{>partials/footer}}
        {{/main}}{{/base}}

        """

    @Test func headerAndFooterAreRenderedOncePerMenu() throws {
        let (layouts, site) = try Self.layouts(extra: ["tricky.mustache": Self.tricky])
        defer { site.cleanUp() }
        let fragments = LayoutFragments(layouts: layouts) { "/assets/" + $0 }
        #expect(Set(fragments.partials).isSuperset(of: ["partials/header", "partials/footer"]))
        let base = try #require(fragments.layouts.sources["base"])
        #expect(!base.contains("{{>partials/header}}") && !base.contains("{{>partials/footer}}"))
        #expect(!base.contains("{{#asset}}") && base.contains("href=\"/assets/style.css\""))
        // Inside a section and indented, a partial is rendered as before; so is an asset section over two lines.
        let tricky = try #require(fragments.layouts.sources["tricky"])
        #expect(tricky.components(separatedBy: "{{>partials/footer}}").count == 3)
        #expect(tricky.contains("{{{_fragment") && tricky.contains("<p>/assets/style.css {{#asset}}\nfavicon.svg"))
    }

    /// Every page and generated page of a site renders to the same bytes with the fragments as without.
    @Test func fragmentsRenderTheSameBytes() throws {
        let (layouts, site) = try Self.layouts(extra: ["tricky.mustache": Self.tricky])
        defer { site.cleanUp() }
        let parsed = try site.parsed()
        let generated = [GeneratedPage(url: "/sok/", title: "Sök", description: "", layouts: ["search"], content: .search,
                                       outputPath: "sok/index.html", isListed: true)]
        let index = SiteIndex.build(pages: parsed.pages, generated: generated, assets: []).value
        let plain = LayoutContexts(index: index, faq: FAQIndex(pages: parsed.catalog.pages), config: parsed.config, links: parsed.links)
        var withFragments = plain
        let fragments = LayoutFragments(layouts: layouts, assetHref: plain.assetHref)
        withFragments.render(fragments, original: layouts, urls: index.pages.map(\.url) + generated.map(\.url))
        #expect(withFragments.fragments.count == 3)  // the home page's menu, the FAQ's and the reports'
        #expect(withFragments.fragments.values.allSatisfy { $0.joined().contains("aria-current") == ($0 != withFragments.fragments[0]) })
        var compared = 0
        for position in index.pages.indices {
            let page = index.pages[position].page
            let layout = try #require(LayoutChoice.layout(for: page, in: layouts, displayRoot: "layouts").value)
            let html = "<p>Text \(position)</p>"
            let expected = layouts.render(plain.pageContext(position, html: html), layout: layout)
            #expect(fragments.layouts.render(withFragments.pageContext(position, html: html), layout: layout) == expected,
                    "\(page.relativePath)")
            #expect(expected.contains("site-footer"))
            compared += 1
        }
        for page in generated {
            let layout = try #require(layouts.resolve(page.layouts))
            #expect(fragments.layouts.render(withFragments.generatedContext(page), layout: layout)
                    == layouts.render(plain.generatedContext(page), layout: layout))
        }
        #expect(compared == 4)
    }
}
