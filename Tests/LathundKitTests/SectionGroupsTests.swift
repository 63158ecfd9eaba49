import Foundation
import Testing
@testable import LathundKit

/// A section page can list its pages under headings (`group:` in each page's front matter, `page.child_groups`)
/// and compare its reports in a table (`report` on each of `page.children`): the regelverk headings and the
/// rapporter table that the hand-kept lists had, made from the pages themselves.
@Suite struct SectionGroupsTests {
    static let layouts = TestSite.layouts.merging([
        "section.mustache": """
        {{<base}}{{$main}}<main><h1>{{page.title}}</h1>
        {{#page.child_groups}}[{{#title}}{{title}}{{/title}}{{^title}}-{{/title}}:{{#children}} {{title}}{{/children}}]{{/page.child_groups}}
        <table>{{#page.children}}<tr><td>{{title}}</td>{{#report}}<td>{{region}}</td><td>{{#budget}}{{budget}}{{/budget}}{{^budget}}anges inte{{/budget}}</td>{{/report}}{{^report}}<td>ingen rapport</td>{{/report}}</tr>{{/page.children}}</table>
        </main>{{/main}}{{/base}}

        """,
    ]) { $1 }

    @Test func sectionPagesListTheirPagesUnderTheirGroupsInWeightOrder() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "regler/_index.md": page("Regler"),
            "regler/a.md": page("A", extra: "weight: 10\ngroup: \"Grunderna\"\n"),
            "regler/b.md": page("B", extra: "weight: 20\ngroup: \"Särskilda situationer\"\n"),
            "regler/c.md": page("C", extra: "weight: 30\ngroup: \"Grunderna\"\n"),
            "regler/d.md": page("D", extra: "weight: 40\n"),
            "platt/_index.md": page("Platt"),
            "platt/e.md": page("E", extra: "weight: 1\n"),
            "platt/f.md": page("F", extra: "weight: 2\n"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded && result.diagnostics.isEmpty, "\(result.diagnostics)")
        let grouped = try #require(site.read("site/regler/index.html"))
        #expect(grouped.contains("[-: D][Grunderna: A C][Särskilda situationer: B]"), "\(grouped)")
        let flat = try #require(site.read("site/platt/index.html"))
        #expect(flat.contains("[-: E F]"), "no page has a group: one group without a title")
    }

    @Test func aGroupMustNotBeEmpty() throws {
        let site = try TestSite(files: ["_index.md": page("Start"), "regler/_index.md": page("Regler"),
                                        "regler/a.md": page("A", extra: "group: \"  \"\n")], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.contains { $0.location.file.hasSuffix("regler/a.md") && $0.message.contains("'group' must not be empty") })
    }

    @Test func aSectionOfReportsSeesEachReportsFields() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "rapporter/_index.md": page("Rapporter"),
            "rapporter/a.md": page("Timrå", extra: "weight: 1\nregion: \"Västernorrlands län\"\nbudget_sek: 898625\n"),
            "rapporter/b.md": page("Villkor", extra: "weight: 2\nregion: \"Hela Sverige\"\n"),
        ], layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded && result.diagnostics.isEmpty, "\(result.diagnostics)")
        let html = try #require(site.read("site/rapporter/index.html"))
        #expect(html.contains("<tr><td>Timrå</td><td>Västernorrlands län</td><td>898\u{00A0}625\u{00A0}kr</td></tr><tr><td>Villkor</td><td>Hela Sverige</td><td>anges inte</td></tr>"),
                "\(html)")
    }
}
