import Foundation
import Testing
@testable import LathundKit

/// The sitemap, the feed and the redirect pages come from templates (`FormatTemplate`): built in, and overridden by a
/// file of the same name in `layouts/`, checked like any layout against the keys of its own context.
@Suite struct FormatTemplateTests {
    static let files = [
        "a.md": page("A & B", "Om A.\n", extra: "date: 2026-01-02\naliases: [/gammal/]\n"),
        "b.md": page("B", extra: "date: 2026-02-03\n"),
    ]

    @Test func builtInTemplatesParseAndPassTheCheck() throws {
        for format in FormatTemplate.allCases {
            #expect(throws: Never.self) { try Layouts.parse(format.builtIn) }
            #expect(Layouts.check(format.builtIn, file: format.rawValue, known: [], vocabulary: format.vocabulary).isEmpty)
        }
    }

    @Test func withoutAnOverrideTheBuiltInTemplatesMakeTheFiles() throws {
        let site = try TestSite(files: Self.files)
        defer { site.cleanUp() }
        #expect(try site.build().diagnostics.isEmpty)
        #expect(site.read("site/sitemap.xml")?.contains("  <url><loc>https://test.example/a/</loc><lastmod>2026-01-02</lastmod></url>\n") == true)
        #expect(site.read("site/feed.xml")?.contains("    <title>A &amp; B</title>\n    <id>https://test.example/a/</id>\n") == true)
        #expect(site.read("site/gammal/index.html")?.contains("<meta http-equiv=\"refresh\" content=\"0; url=/a/\">") == true)
    }

    /// Each override changes its file, with the keys of its context; the other files keep the built-in template.
    @Test(arguments: [
        ("sitemap.xml", "{{#entries}}{{url}} {{#lastmod}}{{lastmod}}{{/lastmod}}\n{{/entries}}", "site/sitemap.xml",
         "https://test.example/a/ 2026-01-02\nhttps://test.example/andringar/ \nhttps://test.example/b/ 2026-02-03\n"),
        ("feed.xml", "<feed title=\"{{site.title}}\" updated=\"{{updated}}\" self=\"{{self_url}}\" home=\"{{site_url}}\">{{#entries}}<e>{{title}}|{{url}}|{{updated}}|{{summary}}</e>{{/entries}}</feed>\n",
         "site/feed.xml",
         "<feed title=\"Testbanken\" updated=\"2026-02-03T00:00:00Z\" self=\"https://test.example/feed.xml\" home=\"https://test.example/\"><e>B|https://test.example/b/|2026-02-03T00:00:00Z|</e><e>A &amp; B|https://test.example/a/|2026-01-02T00:00:00Z|Om A.</e></feed>\n"),
        ("redirect.html", "<p lang=\"{{site.language}}\">{{title}} {{url}} {{canonical_url}}</p>\n", "site/gammal/index.html",
         "<p lang=\"sv\">A &amp; B /a/ https://test.example/a/</p>\n"),
    ])
    func anOverrideInLayoutsMakesTheFile(name: String, template: String, path: String, expected: String) throws {
        let site = try TestSite(files: Self.files, layouts: TestSite.layouts.merging([name + ".mustache": template]) { $1 })
        defer { site.cleanUp() }
        #expect(try site.build().diagnostics.isEmpty)
        #expect(site.read(path) == expected)
        for other in FormatTemplate.allCases where other.rawValue != name {
            let file = ["sitemap.xml": "site/sitemap.xml", "feed.xml": "site/feed.xml", "redirect.html": "site/gammal/index.html"][other.rawValue]!
            #expect(site.read(file)?.hasPrefix(other == .redirect ? "<!DOCTYPE html>" : "<?xml") == true, "\(file)")
        }
    }

    /// A broken override is an error at its file, line and column, and nothing is written.
    @Test(arguments: [
        ("feed.xml.mustache", "<feed>\n  {{#entries}}{{titel}}{{/entries}}</feed>\n",
         "layouts/feed.xml.mustache:2:15: error: no layout context has 'titel'; did you mean 'title'? [layout-unknown-variable]"),
        // A page's keys are not a sitemap's.
        ("sitemap.xml.mustache", "<urlset>{{page.title}}</urlset>\n",
         "layouts/sitemap.xml.mustache:1:9: error: no layout context has 'page' [layout-unknown-variable]"),
        ("redirect.html.mustache", "<p>\n{{#site}}{{title}}{{/sit}}</p>\n",
         "layouts/redirect.html.mustache:2:22: error: Mustache syntax error: sectionCloseNameIncorrect [layout-syntax]"),
    ])
    func aBrokenOverrideIsAnErrorAtItsPlace(file: String, template: String, expected: String) throws {
        let site = try TestSite(files: Self.files, layouts: TestSite.layouts.merging([file: template]) { $1 })
        defer { site.cleanUp() }
        let found = try site.build().diagnostics.map(\.description)
        #expect(found == [expected])
        #expect(!site.exists("site"))
    }

    /// The format templates are not page layouts: a page cannot choose one.
    @Test func aPageCannotUseAFormatTemplate() throws {
        let site = try TestSite(files: ["a.md": page("A", extra: "layout: feed.xml\n")])
        defer { site.cleanUp() }
        let found = try site.build().diagnostics.map(\.description)
        #expect(found.count == 1 && found[0].hasPrefix("content/a.md:") && found[0].hasSuffix("[layout-missing]"), "\(found)")
    }

    /// layouts/README.md lists each format template's keys as the context types have them.
    @Test func readmeListsTheFormatTemplatesKeys() throws {
        let documented = try LayoutTests.readmeSection("format keys", expected: FormatTemplate.documentation)
        for format in FormatTemplate.allCases {
            #expect(documented.contains("### `\(format.rawValue)`"))
            for type in format.types where ObjectIdentifier(type) != ObjectIdentifier(SiteContext.self) {
                for key in type.keyNames { #expect(documented.contains("| `\(key)` |"), "\(format.rawValue): \(key)") }
            }
        }
    }
}
