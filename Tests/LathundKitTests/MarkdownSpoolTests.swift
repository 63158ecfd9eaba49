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

    /// Once the spool keeps a page's HTML and text, nothing renders the page again, so its Markdown body is not
    /// kept for the rest of the build (100 000 pages: 619 MiB): the Markdown stage's pages and the pages its
    /// directives read have empty bodies, and the Output stage's HTML is the same. A page the serve's memory answered
    /// is not in the spool: it keeps its body, to be rendered again.
    @Test func spooledPagesKeepNoBody() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = BuildOptions(projectRoot: root)
        options.today = TestSite.today
        options.pageMemory = IncrementalPageMemory()
        for build in 1...2 {
            var stages = StageRunner()
            let setup = try stages.run(ConfigStage(options: options))
            let content = try stages.run(ContentStage(setup: setup, options: options))
            let data = try stages.run(DataStage(setup: setup, content: content))
            let markdown = try stages.run(MarkdownStage(setup: setup, options: options, content: content, data: data))
            #expect(content.pages.count > 5 && content.pages.allSatisfy { !$0.body.isEmpty })
            let spooled = markdown.markdown.spool.map { spool in content.pages.filter { spool.holds($0.relativePath) } } ?? []
            #expect(spooled.count == (build == 1 ? content.pages.count : 0), "build \(build)")
            for (original, parsed) in zip(content.pages, markdown.pages) {
                let kept = build == 2
                #expect(parsed.page.body.isEmpty == !kept, "\(original.relativePath), build \(build)")
                #expect(markdown.markdown.pages.first { $0.relativePath == original.relativePath }?.body.isEmpty == !kept)
                #expect(try markdown.markdown.output(parsed.page).html == Array(markdown.markdown.render(original).html.utf8))
            }
        }
    }

    /// The Markdown stage frees each page's body as soon as the page is rendered and in the spool (`PageBodies`),
    /// not at the stage's end; the writing aid's directive still finds its examples' quotes in the pages it names.
    /// On the real site, the stage gives the same HTML, text and diagnostics as one that keeps every body.
    @Test func eachBodyIsFreedOnceItsPageIsSpooled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-bodies-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = BuildOptions(projectRoot: packageRoot)
        options.outputDirectory = folder.appendingPathComponent("site").path
        options.today = TestSite.today
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var stages = StageRunner()
        let setup = try stages.run(ConfigStage(options: options))
        let content = try stages.run(ContentStage(setup: setup, options: options))
        let data = try stages.run(DataStage(setup: setup, content: content))
        #expect(data.writingAid?.examples.isEmpty == false)
        var taken = content
        let bodies = PageBodies(taking: &taken.pages)
        #expect(taken.pages.allSatisfy { $0.body.isEmpty })
        let freed = MarkdownStage(setup: setup, options: options, content: taken, data: data, bodies: bodies).run()
        let kept = MarkdownStage(setup: setup, options: options, content: content, data: data).run()
        let left = content.pages.indices.filter { !bodies.body($0).isEmpty }.map { content.pages[$0].relativePath }
        #expect(left.isEmpty, "bodies not freed: \(left)")
        #expect(freed.diagnostics.map(\.description) == kept.diagnostics.map(\.description))
        #expect(!kept.diagnostics.contains { $0.code == DiagnosticCode.writingAidExample.rawValue })
        #expect(freed.pages.count == content.pages.count)
        for (one, other) in zip(freed.pages, kept.pages) {
            #expect(one.page.body.isEmpty && other.page.body.isEmpty)
            let (html, text) = try freed.markdown.output(one.page)
            let (keptHTML, keptText) = try kept.markdown.output(other.page)
            #expect(html == keptHTML && text == keptText, "\(one.page.relativePath)")
        }
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
        let back = Parallel.map(pages, jobs: 4) { try? spool.get($0.path) }
        for (page, got) in zip(pages, back) {
            #expect(got?.html == Array(page.html.utf8) && got?.text == page.text, "\(page.path)")
        }
        #expect(try spool.get("finns-inte.md") == nil)
        #expect(pages.allSatisfy { spool.holds($0.path) } && !spool.holds("finns-inte.md"))
    }

    /// Pages go to the file in chunks of at least `chunkSize` bytes, not two small writes each; the pages not yet
    /// written come back from memory. Red with a write per page: the file held the first page's bytes at once.
    @Test func pagesAreWrittenInChunks() throws {
        let spool = try #require(MarkdownSpool())
        let html = "<p>Sjukpenning är 80 % av SGI.</p>\n" + String(repeating: "å", count: 2_000)
        let count = MarkdownSpool.chunkSize / html.utf8.count + 2
        for number in 0..<count / 2 { spool.put("sida-\(number).md", html: html + "\(number)", text: "text \(number)") }
        #expect(spool.fileSize == 0)
        for number in count / 2..<count { spool.put("sida-\(number).md", html: html + "\(number)", text: "text \(number)") }
        #expect(spool.fileSize >= Int64(MarkdownSpool.chunkSize))
        for number in 0..<count {
            let page = try spool.get("sida-\(number).md")
            #expect(page?.html == Array((html + "\(number)").utf8) && page?.text == "text \(number)", "sida-\(number).md")
        }
    }

    /// A chunk that cannot be written (a full disk: /dev/full) is kept in memory, so every page put comes back.
    /// Red with the chunks dropped after a failed write: those pages came back as the zeros read from the file.
    @Test func aFullDiskLosesNoPage() throws {
        let descriptor = open("/dev/full", O_RDWR)
        try #require(descriptor >= 0)
        let spool = MarkdownSpool(descriptor: descriptor)
        let pages = (0..<3_000).map { (path: "sida-\($0).md", html: String(repeating: "<p>läkarintyg</p>", count: 40) + "\($0)",
                                       text: "Läkarintyg \($0)") }
        let stored = Parallel.map(pages, jobs: 4) { spool.put($0.path, html: $0.html, text: $0.text) }
        #expect(stored.allSatisfy { $0 })
        let back = Parallel.map(pages, jobs: 4) { try? spool.get($0.path) }
        #expect(zip(pages, back).allSatisfy { Array($0.html.utf8) == $1?.html && $0.text == $1?.text })
    }
}
