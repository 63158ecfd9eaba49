/// The Markdown stage: parses every page with cmark-gfm, collects its headings, links and text, runs its
/// directives, and analyses its words for the search index. Pages run on `jobs` threads; results keep the
/// content's order. Each page's HTML and plain text wait in a temporary file (`MarkdownSpool`) until the Output
/// stage writes the page, so the Markdown is parsed once and the build's memory does not grow with them.
struct MarkdownStage: Stage {
    static let name = "markdown"
    let setup: BuildSetup
    let options: BuildOptions
    let content: ContentCatalog
    let data: DataStage.Output
    /// The pages' bodies, taken out of `content.pages` (`PageBodies`): each is freed once its page is rendered and
    /// spooled. Nil: the bodies are in `content.pages` (a process that keeps the pages' results in memory, tests).
    var bodies: PageBodies? = nil

    struct Output {
        /// The pages the spool holds have no Markdown body any more (`MarkdownSpool.dropBodies`).
        let pages: [ParsedPage]
        /// Each page's words for the search index, by file; the Indexes stage takes them.
        let analyses: Handoff<[String: SearchIndex.Analysis]>
        /// Renders a page's Markdown the same way again, for the Output stage.
        let markdown: PageMarkdown
        /// What links and directives read (`IncrementalRenderKey.markdownInputs`).
        let markdownInputs: UInt64
        /// The renderer's options and directives, for the incremental keys.
        let rendererSettings: [String]
    }

    func run() -> Staged<Output> {
        var pageURLs: [String: String] = [:]
        for page in content.pages { pageURLs[page.relativePath] = page.url }
        let config = setup.config
        let links = SiteLinks(pageURLs: pageURLs, assetPaths: Set(content.assets.map(\.relativePath)),
                              basePath: config.basePath, baseURL: config.baseURL)
        let faq = FAQIndex(pages: content.pages)
        // Beside the output folder, on the disk the site is written to (a temporary folder may be in memory).
        // Nothing is written by `lathund check`, so it needs no HTML.
        let spool = options.write
            ? MarkdownSpool(folder: setup.outputURL.deletingLastPathComponent().path) ?? MarkdownSpool() : nil
        let bodies = bodies
        let directivePages = bodies?.directivePages(content.pages, writingAid: data.writingAid, links: links) ?? content.pages
        let markdown = PageMarkdown(renderer: MarkdownRenderer(unsafeHTML: config.unsafeHTML, directives: options.directives),
                                    pages: directivePages, links: links, faq: faq, datasets: data.datasets,
                                    writingAid: data.writingAid, spool: spool)
        let markdownInputs = IncrementalRenderKey.markdownInputs(links: links, faq: faq, contentFiles: content.assets,
                                                                 dataFiles: content.writingAidPath.map { [$0] } ?? [],
                                                                 inputs: setup.inputs)
        let rendererSettings = ["unsafe=\(config.unsafeHTML)", options.directives.signature]
        let memory = options.pageMemory
        let progress = options.progress
        let done = Locked(0)
        let total = content.pages.count
        let contentPages = content.pages
        let results = Parallel.map(Array(contentPages.indices), jobs: setup.jobs) { index -> (IncrementalPageMemory.Analysed, Bool) in
            defer { if let progress { progress(Self.name, done.withLock { $0 += 1; return $0 }, total) } }
            var page = contentPages[index]
            if let bodies { page.body = bodies.body(index) }
            let key = memory == nil
                ? 0 : IncrementalPageMemory.markdownKey(page: page, markdownInputs: markdownInputs, settings: rendererSettings)
            if let remembered = memory?.analysed(page.relativePath, key: key) { return (remembered, false) }
            // A body left in its unchanged file (`Page.bodyInFile`) is read now; a file changed since the build
            // began is an error, and its result is not stored.
            var unread: Diagnostic?
            do { page = try page.withBody() } catch {
                unread = .error(SourceLocation(file: page.displayPath), .contentRead, "\(error)")
            }
            let rendered = markdown.render(page, html: spool != nil)
            if spool?.put(page.relativePath, html: rendered.htmlBytes, text: rendered.plainBytes) == true, let bodies {
                page.body = ""
                bodies.release(index)
            }
            let parsed = ParsedPage(page: page, markdown: rendered.value)
            let analysis = parsed.searchAnalysis(plainBytes: rendered.plainBytes, url: page.url)
            let analysed = IncrementalPageMemory.Analysed(key: key, rendered: parsed, analysis: analysis,
                                                          diagnostics: rendered.diagnostics + (unread.map { [$0] } ?? []))
            if unread == nil { memory?.store(analysed, for: page.relativePath) }
            return (analysed, true)
        }
        var analyses: [String: SearchIndex.Analysis] = [:]
        analyses.reserveCapacity(results.count)
        var diagnostics: [Diagnostic] = []
        for (result, _) in results {
            analyses[result.rendered.page.relativePath] = result.analysis
            diagnostics += result.diagnostics
        }
        // The pages the writing aid quotes, whose bodies were read from their files (`PageBodies.directivePages`).
        for page in directivePages where page.bodyInFile?.changedDuringBuild == true && page.body.isEmpty {
            diagnostics.append(.error(SourceLocation(file: page.displayPath), .contentRead,
                                      "\(BodyInFile.Changed(displayPath: page.displayPath))"))
        }
        if let memory {
            // A memory on disk keeps nothing of these (the store has them): no dictionary of every page's results,
            // made at the stage's end, when its memory is at its peak.
            memory.keep(analysed: memory.store != nil ? [:] : Dictionary(results.map { ($0.0.rendered.page.relativePath, $0.0) },
                                                                         uniquingKeysWith: { first, _ in first }),
                        redone: results.count { $0.1 })
        }
        var pages = results.map(\.0.rendered)
        var pageMarkdown = markdown
        spool?.dropBodies(&pages, &pageMarkdown.pages)
        return Staged(Output(pages: pages, analyses: Handoff(analyses), markdown: pageMarkdown,
                             markdownInputs: markdownInputs, rendererSettings: rendererSettings), diagnostics)
    }
}

/// Renders a page's Markdown with everything its links and directives read, and gives the Output stage each
/// page's HTML and plain text: kept from the Markdown stage (`spool`), or rendered again the same way.
struct PageMarkdown: Sendable {
    let renderer: MarkdownRenderer
    var pages: [Page]
    let links: SiteLinks
    let faq: FAQIndex
    let datasets: DatasetCatalog
    let writingAid: WritingAid?
    var spool: MarkdownSpool?

    /// A page's HTML and plain text for the Output stage: as the Markdown stage rendered them, or, for a page it
    /// took from the serve's page memory (or when the spool could not be written), rendered again.
    /// Throws when the spool holds the page but cannot read it back: such a page has no body to render again.
    /// The HTML is UTF-8 bytes (`MarkdownSpool.get`).
    func output(_ page: Page) throws -> (html: [UInt8], plainText: String) {
        if let kept = try spool?.get(page.relativePath) { return (kept.html, kept.text) }
        let rendered = render(try page.withBody())
        return (rendered.htmlBytes, rendered.plainText)
    }

    func render(_ page: Page, html: Bool = true) -> Staged<RenderedMarkdown> {
        renderer.render(page, context: DirectiveContext(page: page, pages: pages, links: links, faq: faq,
                                                        datasets: datasets, writingAid: writingAid), html: html)
    }
}

/// A large value handed from one stage to a later one that uses it up: `take()` gives it away, so the taker holds
/// the only copy and can free it as it goes (the search analyses of every page).
final class Handoff<Value> {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    func take() -> Value {
        defer { value = nil }
        return value!
    }
}
