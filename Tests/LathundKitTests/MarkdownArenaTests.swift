import CLathundSystem
import Foundation
import Testing
@testable import LathundKit

/// cmark-gfm allocating in the thread's arena (`MarkdownRenderer.Allocator.arena`) renders what it renders with the
/// C library's allocator, on every page of the site, a generated corpus, hostile pages and a directive that renders
/// Markdown inside a page; and a page gives its arena memory back.
@Suite struct MarkdownArenaTests {
    /// A directive that renders its body as Markdown with the allocator of the page around it: a render inside a
    /// render, as a directive may do.
    struct NestedMarkdown: Directive {
        let allocator: MarkdownRenderer.Allocator
        var name: String { "inuti" }
        func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
            let inner = MarkdownRenderer(directives: MarkdownArenaTests.registry(allocator), allocator: allocator)
                .render(markdown: block.body, relativePath: context.page.relativePath, displayPath: context.file,
                        lineOffset: block.location.line, context: context)
            return DirectiveOutput(html: "<div>" + inner.value.html + inner.value.plainText + "</div>")
        }
    }

    static func registry(_ allocator: MarkdownRenderer.Allocator) -> DirectiveRegistry {
        var registry = StandardDirectives.registry
        registry.register(NestedMarkdown(allocator: allocator))
        return registry
    }

    static func summary(_ rendered: Staged<RenderedMarkdown>) -> [String] {
        let value = rendered.value
        return [value.html, value.plainText, value.firstParagraph, "\(value.leadHeadingCount)", "\(value.headings)",
                value.links.map { "\($0.destination) \($0.target) \($0.isImage) \($0.location)" }.joined(separator: "\n"),
                rendered.diagnostics.map { "\($0)" }.joined(separator: "\n")]
    }

    static func expectSame(_ pages: [Page], links: SiteLinks, _ what: String) {
        let arena = MarkdownRenderer(directives: registry(.arena), allocator: .arena)
        let system = MarkdownRenderer(directives: registry(.system), allocator: .system)
        for page in pages {
            let context = DirectiveContext(page: page, pages: pages, links: links)
            let (one, other) = (summary(arena.render(page, context: context)), summary(system.render(page, context: context)))
            #expect(one == other, "\(what): \(page.relativePath)")
        }
    }

    static func pages(of root: URL) throws -> ([Page], SiteLinks) {
        let config = try SiteConfig.load(file: root.appendingPathComponent("lathund.yml"), displayPath: "lathund.yml").value
        let catalog = ContentStage(contentDirectory: root.appendingPathComponent("content"), displayRoot: "content",
                                   config: config, includeDrafts: true, jobs: 1).run().value
        var urls: [String: String] = [:]
        for page in catalog.pages { urls[page.relativePath] = page.url }
        return (catalog.pages, SiteLinks(pageURLs: urls, assetPaths: [], basePath: "/", baseURL: config.baseURL))
    }

    static func page(_ body: String, _ number: Int) -> Page {
        Page(relativePath: "regelverk/sida-\(number).md", displayPath: "content/regelverk/sida-\(number).md", kind: .page,
             section: "regelverk", url: "/regelverk/sida-\(number)/", frontMatter: FrontMatter(title: "Sida"), body: body,
             bodyLineOffset: 3, sourceHash: XXH64.hash(body))
    }

    @Test func theSiteRendersTheSameInTheArena() throws {
        let (pages, links) = try Self.pages(of: packageRoot)
        #expect(pages.count > 50)
        Self.expectSame(pages, links: links, "site")
    }

    @Test func aGeneratedCorpusRendersTheSameInTheArena() throws {
        let corpus = try TestSite.generatedCorpus(pages: 300)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let (pages, links) = try Self.pages(of: corpus)
        Self.expectSame(pages, links: links, "corpus")
    }

    /// Big and deep pages (chunks beyond the first, buffers that grow many times), and pages that render Markdown
    /// inside Markdown, three levels deep.
    @Test func hostileAndNestedPagesRenderTheSameInTheArena() {
        let nested = "`````inuti\n# Inuti\n\n- a [länk](sida-1.md)\n\n````inuti\n**djupare** ~~x~~\n\n```inuti\n| a |\n|---|\n| b |\n```\n````\n`````\n"
        let bodies = [
            String(repeating: "[a](sida-1.md) ", count: 20_000),
            String(repeating: "Ord och &amp; ord. ", count: 30_000),
            "| a | b |\n|---|--:|\n" + String(repeating: "| x *y* | 1,5 |\n", count: 3_000),
            String(repeating: "> - ", count: 300) + "djupt",
            (1...400).map { "Fotnot[^\($0)].\n\n[^\($0)]: Källa \($0)." }.joined(separator: "\n\n"),
            (1...2_000).map { "## Rubrik \($0 % 7)\n\nText \($0) www.forsakringskassan.se\n" }.joined(separator: "\n"),
            "```faq\nokänd\n```\n\n```\nkod\n```\n\n<script>x</script>\n\n![bild](bild.png)",
            nested,
            "Före\n\n" + nested + "\nMellan\n\n" + nested + "\nEfter [sista](sida-2.md)",
            "",
        ]
        let pages = bodies.enumerated().map { Self.page($0.element, $0.offset) }
        let links = SiteLinks(pageURLs: Dictionary(uniqueKeysWithValues: pages.map { ($0.relativePath, $0.url) }),
                              assetPaths: [], basePath: "/", baseURL: "https://x.example/")
        Self.expectSame(pages, links: links, "hostile")
        let inner = MarkdownRenderer(directives: Self.registry(.arena)).render(pages[8], context: DirectiveContext(
            page: pages[8], pages: pages, links: links)).value.html
        #expect(inner.components(separatedBy: "<strong>djupare</strong>").count == 3)
    }

    /// After a page, the thread holds its first chunk only, however much the page needed.
    @Test func aPageGivesItsArenaMemoryBack() {
        let body = String(repeating: "| a [b](sida-1.md) | c |\n|---|---|\n| d | e |\n\n", count: 3_000)
        let page = Self.page(body, 1)
        let links = SiteLinks(pageURLs: [page.relativePath: page.url], assetPaths: [], basePath: "/", baseURL: "https://x.example/")
        let rendered = MarkdownRenderer().render(page, context: DirectiveContext(page: page, pages: [page], links: links))
        #expect(rendered.value.html.utf8.count > 600_000)
        #expect(lathund_arena_held() <= 256 * 1024)
    }
}
