import Foundation
import Testing
@testable import LathundKit

/// The Markdown is parsed once per build: the Output stage writes each page from the HTML and plain text the
/// Markdown stage kept in `MarkdownSpool`, instead of rendering the page a second time.
@Suite struct MarkdownSpoolTests {
    /// Counts how often its fenced block is rendered, and writes the count, so a page rendered twice would also
    /// show it.
    final class Counting: Directive, @unchecked Sendable {
        let name = "rakna"
        private let lock = NSLock()
        private var renders = 0

        var count: Int { lock.withLock { renders } }

        func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
            let count = lock.withLock { renders += 1; return renders }
            return DirectiveOutput(html: "<p class=\"rakna\">\(HTML.escape(block.body.trimmingWhitespace())) \(count)</p>")
        }
    }

    @Test(arguments: [1, 3]) func eachPageIsParsedOnceInABuild(jobs: Int) throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("content/regelverk/sgi.md")
        try (String(decoding: try Data(contentsOf: page), as: UTF8.self) + "\n```rakna\nräknat\n```\n")
            .write(to: page, atomically: true, encoding: .utf8)
        let counting = Counting()
        var options = BuildOptions(projectRoot: root)
        options.jobs = jobs
        options.useCache = false
        options.directives.register(counting)
        let result = try Builder(options: options).build()
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(counting.count == 1)
        let html = String(decoding: try Data(contentsOf: root.appendingPathComponent("site/regelverk/sgi/index.html")),
                          as: UTF8.self)
        #expect(html.contains("<p class=\"rakna\">räknat 1</p>"))
        // The search document is made from the same rendering's plain text.
        let documents = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("site/search/doc").path)
        let texts = try documents.map { String(decoding: try Data(contentsOf: root.appendingPathComponent("site/search/doc/" + $0)), as: UTF8.self) }
        #expect(texts.contains { $0.contains("\"url\":\"/regelverk/sgi/\"") && $0.contains("SGI") })
        // Nothing is left beside the site.
        let left = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("lathund-markdown") }
        #expect(left.isEmpty)
    }

    /// `lathund check` writes nothing and keeps no HTML; its pages are parsed once too.
    @Test func checkParsesOnceAndSpoolsNothing() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("content/regelverk/sgi.md")
        try (String(decoding: try Data(contentsOf: page), as: UTF8.self) + "\n```rakna\nräknat\n```\n")
            .write(to: page, atomically: true, encoding: .utf8)
        let counting = Counting()
        var options = BuildOptions(projectRoot: root)
        options.write = false
        options.directives.register(counting)
        let result = try Builder(options: options).build()
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(counting.count == 1)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site").path))
    }

    /// What is put under a path is what is got back, from many threads at once: empty, ASCII, multi-byte text
    /// and a text of several megabytes; a path never put gives nil; the file has no name in its folder.
    @Test func keepsEveryPageAndLeavesNoFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try #require(MarkdownSpool(folder: folder.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let texts = ["", "a", "<p>Sjukpenning är 80 %</p>", "åäö ÅÄÖ 😀 \u{301}", String(repeating: "läkarintyg ", count: 300_000)]
        let pages = (0..<200).map { number in
            (path: "sida-\(number).md", html: texts[number % texts.count] + "\(number)",
             text: number % 7 == 0 ? "" : texts[(number + 2) % texts.count])
        }
        let stored = Parallel.map(pages, jobs: 4) { spool.put($0.path, html: $0.html, text: $0.text) }
        #expect(stored.allSatisfy { $0 })
        let back = Parallel.map(pages, jobs: 4) { spool.get($0.path) }
        for (page, got) in zip(pages, back) {
            #expect(got?.html == page.html && got?.text == page.text, "\(page.path)")
        }
        #expect(spool.get("finns-inte.md") == nil)
    }
}
