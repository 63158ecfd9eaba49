import Foundation
import Testing
@testable import LathundKit

/// In `lathund serve`, the Indexes stage takes the last build's site structure and link check results from
/// `IndexMemory`; what it gives must be what it makes anew.
@Suite struct IndexMemoryTests {
    /// The structure, backlinks and diagnostics of the Indexes stage's first two steps.
    struct Made: Equatable {
        var urls: [String] = []
        var generated: [String] = []
        var children: [Int: [Int]] = [:]
        var parent: [Int: Int] = [:]
        var previous: [Int: Int] = [:]
        var next: [Int: Int] = [:]
        var indexByURL: [String: Int] = [:]
        var backlinks: [Int: [Int]] = [:]
        var diagnostics: [String] = []
        var titles: [String] = []

        init(_ pages: [ParsedPage], memory: IndexMemory?) {
            let built = SiteIndex.build(pages: pages, generated: [], assets: [], memory: memory)
            var index = built.value
            let check = LinkCheck(index: index, assets: [], memory: memory).run()
            index.backlinks = check.value
            urls = index.pages.map(\.url)
            titles = index.pages.map(\.title)
            (children, parent, previous, next, indexByURL, backlinks) =
                (index.children, index.parent, index.previous, index.next, index.indexByURL, index.backlinks)
            diagnostics = (built.diagnostics + check.diagnostics).map(\.description)
        }
    }

    @Test func theIndexAndLinksTakenFromTheMemoryAreTheSameAsMadeAnew() throws {
        let site = try TestSite(files: [
            "a.md": page("A", "Se [B](b.md), [avsnittet](b.md#avsnitt) och [C](c.md)."),
            "b.md": page("B", "## Avsnitt\n\nTillbaka till [A](a.md)."),
            "c.md": page("C", "Text."),
            "sektion/index.md": page("Sektion", "[X](x.md)"),
            "sektion/x.md": page("X", "[Y](y.md) och [A](../a.md)", extra: "weight: 1\n"),
            "sektion/y.md": page("Y", "[X](x.md)", extra: "weight: 2\n"),
            "sektion/z.md": page("Z", "Text.", extra: "weight: 3\n"),
        ])
        let memory = IndexMemory()
        var last: [String: (text: String, page: ParsedPage)] = [:]
        func check(_ change: String, taken: Bool? = nil) throws {
            // As the page memory does: a page whose file did not change is the last build's value.
            var pages: [ParsedPage] = []
            for page in try site.parsed().pages {
                let text = try #require(site.read("content/" + page.page.relativePath))
                if let kept = last[page.page.relativePath], kept.text == text { pages.append(kept.page) } else {
                    pages.append(page)
                    last[page.page.relativePath] = (text, page)
                }
            }
            let fromMemory = Made(pages, memory: memory)
            #expect(fromMemory == Made(pages, memory: nil), "\(change)")
            if let taken { #expect(memory.siteWasTaken == taken, "\(change)") }
        }
        try check("first build", taken: false)
        try check("nothing changed", taken: true)
        try site.write("content/c.md", page("C", "Annan text."))
        try check("a page's text", taken: true)
        try site.write("content/c.md", page("C", "Se [Y](sektion/y.md) och [Z](sektion/z.md)."))
        try check("links added", taken: true)
        try site.write("content/a.md", page("A", "Se [C](c.md)."))
        try check("the links to a page removed", taken: true)
        try site.write("content/a.md", page("A", "Se [avsnittet](b.md#avsnitt), [C](c.md) och [D](d.md)."))
        try check("a broken link", taken: true)
        try site.write("content/a.md", page("A", "Rad.\n\nSe [avsnittet](b.md#avsnitt), [C](c.md) och [D](d.md)."))
        try check("a broken link on another line", taken: true)
        try site.write("content/b.md", page("B", "## Nytt namn\n\nTillbaka till [A](a.md)."))
        try check("a heading renamed: an anchor broken", taken: true)
        try site.write("content/sektion/y.md", page("Ett annat namn", "[X](x.md)", extra: "weight: 2\n"))
        try check("a title", taken: false)
        try site.write("content/sektion/y.md", page("Ett annat namn", "[X](x.md)", extra: "weight: 0\n"))
        try check("a weight", taken: false)
        try site.write("content/d.md", page("D", "[A](a.md)"))
        try check("a page added", taken: false)
        try check("nothing changed again", taken: true)
        try site.write("content/b.md", page("B", "## Avsnitt\n\nTillbaka till [A](a.md)."))
        try check("the heading back", taken: true)
        try site.remove("content/sektion/z.md")
        last["sektion/z.md"] = nil
        try check("a page removed", taken: false)
    }
}
