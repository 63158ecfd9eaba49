/// The Render plan stage: every file of the site and how to make it, with the layout and layout context of each
/// page. Nothing is rendered here: the Output stage makes each file as it writes it, so the finished pages are
/// never all in memory at once.
struct RenderPlanStage: Stage {
    static let name = "render-plan"
    let options: BuildOptions
    let setup: BuildSetup
    let content: ContentCatalog
    let data: DataStage.Output
    let markdown: MarkdownStage.Output
    let checks: ChecksStage.Output
    let indexes: IndexesStage.Output

    struct Output {
        let files: [OutputFile]
        /// Content files copied and layout assets written.
        let assetCount: Int
        /// What the pages were planned with, for `DirectRebuild`; nil when the layouts could not be loaded.
        var pagesPlan: PagesPlan? = nil
    }

    /// The layouts, the pages' layouts (with the site-wide fragments, `LayoutFragments`), the contexts and the site
    /// key the pages were planned with.
    struct PagesPlan: Sendable {
        let layouts: Layouts
        let pageLayouts: Layouts
        let contexts: LayoutContexts
        let siteKey: UInt64
    }

    func run() -> Staged<Output> {
        let layoutFiles = LayoutFiles(setup.layoutsURL)
        let loaded = FingerprintedAssets.load(layoutFiles.assets, displayRoot: setup.layoutsDisplay + "/assets",
                                              inputs: setup.inputs)
        let assets = loaded.value
        let layouts = Layouts.load(layoutFiles, displayRoot: setup.layoutsDisplay, assets: Set(assets.outputNames.keys),
                                   inputs: setup.inputs)
        var diagnostics = loaded.diagnostics + layouts.diagnostics
        var files: [OutputFile] = []
        var pagesPlan: PagesPlan?
        if let layouts = layouts.value {
            var contexts = LayoutContexts(index: indexes.index, faq: markdown.markdown.faq, config: setup.config,
                                          links: markdown.markdown.links, assets: assets,
                                          abbreviations: AbbreviationMarker(glossary: data.glossary),
                                          sourceAges: checks.sourceAges, changeLog: indexes.changeLog, jobs: setup.jobs)
            // The header, menu and footer are rendered once per menu, not once per page.
            let fragments = LayoutFragments(layouts: layouts, assetHref: contexts.assetHref)
            contexts.render(fragments, original: layouts,
                            urls: indexes.index.pages.map(\.url) + indexes.index.generated.map(\.url))
            let siteKey = IncrementalRenderKey.site(
                settings: markdown.rendererSettings + ["base=\(options.baseURL ?? "-")"],
                configFile: setup.configURL, layouts: layouts, assets: assets, glossary: data.glossary,
                markdownInputs: markdown.markdownInputs, inputs: setup.inputs)
            let pages = pageFiles(layouts: layouts, rendering: fragments.layouts, contexts: contexts, siteKey: siteKey)
            files += pages.value
            diagnostics += pages.diagnostics
            files += formatFiles(layouts: layouts, site: contexts.site, siteKey: siteKey)
            pagesPlan = PagesPlan(layouts: layouts, pageLayouts: fragments.layouts, contexts: contexts, siteKey: siteKey)
        }
        // Last: the search index may still be being made (`IndexesStage.searchAside`).
        let search = indexes.search.value
        files += siteFiles(assets: assets, search: search)
        diagnostics += search.diagnostics
        return Staged(Output(files: files, assetCount: content.assets.count + assets.files.count, pagesPlan: pagesPlan),
                      diagnostics)
    }

    /// Each page with its search document, and each generated page.
    /// `pageLayouts` render the pages (`layouts` with the fragments, `LayoutFragments`).
    private func pageFiles(layouts: Layouts, rendering pageLayouts: Layouts, contexts: LayoutContexts,
                           siteKey: UInt64) -> Staged<[OutputFile]> {
        let index = indexes.index
        let links = markdown.markdown.links
        // One value that every page's closures share: captured by value, what they use was copied into each
        // closure (about 2 KB a page, all alive until the Output stage has written the page).
        let shared = PageRendering(index: index, markdown: markdown.markdown, links: links, layouts: pageLayouts,
                                   contexts: contexts, siteKey: siteKey)
        var diagnostics: [Diagnostic] = []
        var pages: [DocumentBundle.Page] = []
        pages.reserveCapacity(index.pages.count)
        for position in index.pages.indices {
            let page = index.pages[position].page
            let choice = LayoutChoice.layout(for: page, in: layouts, displayRoot: setup.layoutsDisplay)
            diagnostics += choice.diagnostics
            // Without a layout the build has an error and writes nothing.
            guard let layout = choice.value else { continue }
            pages.append(shared.bundlePage(position, layout: layout))
        }
        // The pages with their search documents, a bundle at a time, made from one rendering of each page's
        // Markdown, or linked from the previous site when nothing they are made from changed (`IncrementalRenderKey`).
        // The generated pages' documents follow the pages' (as in the Indexes stage, which makes the same).
        var files = shared.bundles(pages, generated: GeneratedDocuments.make(index.generated, links: links))
        for page in index.generated {
            guard let layout = layouts.resolve(page.layouts) else { continue }
            files.append(OutputFile(page.outputPath) { pageLayouts.render(contexts.generatedContext(page), layout: layout) })
        }
        return Staged(files, diagnostics)
    }

    /// What every page's files are made with (`pageFiles`, `DirectRebuild`).
    final class PageRendering: Sendable {
        let index: SiteIndex
        let markdown: PageMarkdown
        let links: SiteLinks
        let layouts: Layouts
        let contexts: LayoutContexts
        let siteKey: UInt64

        init(index: SiteIndex, markdown: PageMarkdown, links: SiteLinks, layouts: Layouts, contexts: LayoutContexts,
             siteKey: UInt64) {
            self.index = index
            self.markdown = markdown
            self.links = links
            self.layouts = layouts
            self.contexts = contexts
            self.siteKey = siteKey
        }

        /// The page at `position` and its search document's line, from one rendering of its Markdown; the page's
        /// HTML stays UTF-8 bytes from the spool to the file.
        func files(_ position: Int, layout: String) throws -> (html: [UInt8], document: [UInt8]) {
            let parsed = index.pages[position]
            let rendered = try markdown.output(parsed.page)
            let document = parsed.searchDocument(plainText: rendered.plainText, url: links.href(parsed.page.url))
            return (layouts.renderBytes(contexts.pageContext(position, html: rendered.html), layout: layout),
                    Array(SearchIndex.documentFile(document).utf8))
        }

        /// The page at `position` in its bundle: its HTML file, its render key and how it is made.
        func bundlePage(_ position: Int, layout: String) -> DocumentBundle.Page {
            DocumentBundle.Page(path: index.pages[position].page.outputPath,
                                key: { self.contexts.renderKey(position, site: self.siteKey, layout: layout) },
                                make: { try self.files(position, layout: layout) })
        }

        /// The bundles of search documents (`DocumentBundle`): `pages` (every page, in order), then the `generated`
        /// pages' documents.
        func bundles(_ pages: [DocumentBundle.Page], generated: [SearchIndex.Document]) -> [OutputFile] {
            DocumentBundle.ranges(pages: pages.count, generated: generated.count).map { range in
                OutputFile(DocumentBundle(path: SearchIndex.bundlePath(range.bundle), pages: Array(pages[range.pages]),
                                          generated: Array(generated[range.generated])))
            }
        }
    }

    /// The files made from the format templates (`FormatTemplate`): a redirect page per alias, the sitemap and
    /// the feed. The sitemap and the feed list every page: each is kept from the last build, without being
    /// rendered, when its key is the last build's (`IncrementalRenderKey.format`: the site key and every value of
    /// its context).
    private func formatFiles(layouts: Layouts, site: SiteContext, siteKey: UInt64) -> [OutputFile] {
        let index = indexes.index
        let links = markdown.markdown.links
        let config = setup.config
        let changed = indexes.changeLog.changed
        var files = indexes.aliases.map { alias in
            OutputFile(alias.path) { layouts.render(RedirectContext(to: alias.target, links: links, site: site)) }
        }
        let sitemap = MadeOnce { SitemapContext(index: index, changed: changed, links: links, site: site) }
        files.append(OutputFile("sitemap.xml", key: { IncrementalRenderKey.format(sitemap.value, site: siteKey) }) {
            layouts.render(sitemap.take())
        })
        files.append(Self.feedFile(index: index, changed: changed, config: config, links: links, layouts: layouts,
                                   site: site, siteKey: siteKey))
        return files
    }

    static func feedFile(index: SiteIndex, changed: [Day?], config: SiteConfig, links: SiteLinks, layouts: Layouts,
                         site: SiteContext, siteKey: UInt64) -> OutputFile {
        let feed = MadeOnce { FeedContext(index: index, changed: changed, config: config, links: links, site: site) }
        return OutputFile("feed.xml", key: { IncrementalRenderKey.format(feed.value, site: siteKey) }) {
            layouts.render(feed.take())
        }
    }

    /// A value that a file's render key and the file itself are made from: the sitemap's and the feed's contexts,
    /// which list every page (100 000 pages: about 0,2 s of one thread each), were made once for the key and again
    /// for the file. Made once, by whichever asks first; the file takes it, so it is not kept after the write.
    final class MadeOnce<Value: Sendable>: Sendable {
        private let make: @Sendable () -> Value
        private let made = Locked<Value?>(nil)

        init(_ make: @escaping @Sendable () -> Value) { self.make = make }

        /// The value, made now if it was not yet, and kept for `take`.
        var value: Value {
            made.withLock { made in
                if let made { return made }
                let value = make()
                made = value
                return value
            }
        }

        /// The value, made now if it was not yet; no longer kept.
        func take() -> Value { made.withLock { $0.take() } ?? make() }
    }

    /// The other files besides the pages: dataset JSON, the search index, robots.txt, the asset manifest, the
    /// content's other files and the layout assets.
    private func siteFiles(assets: FingerprintedAssets, search: IndexesStage.Search) -> [OutputFile] {
        let links = markdown.markdown.links
        var files: [OutputFile] = []
        for dataset in data.datasets.datasets {
            files.append(OutputFile("data/\(dataset.name).json") { StatisticsPages.json(dataset) })
        }
        for (path, text) in search.index.files { files.append(OutputFile(path) { text }) }
        for file in search.index.termFiles { files.append(OutputFile(file.path, key: { file.key }, file.make)) }
        files.append(OutputFile("robots.txt") { SiteFiles.robots(links: links) })
        if !assets.files.isEmpty { files.append(OutputFile("assets/manifest.json") { assets.manifest }) }
        files += content.assets.map { OutputFile(copying: $0.absolutePath, to: $0.relativePath) }
        files += assets.files.map { OutputFile("assets/" + $0.outputName, contents: $0.contents) }
        return files
    }
}

/// Which layout makes a page: `layout:` in its front matter (a name that does not exist is an error, not a
/// fallback), else `SECTION/KIND`, else `KIND`.
enum LayoutChoice {
    static func layout(for page: Page, in layouts: Layouts, displayRoot: String) -> Staged<String?> {
        var candidates: [String] = []
        if let layout = page.frontMatter.layout {
            guard layouts.names.contains(layout.value) else {
                return Staged(nil, [.error(layout.location, .layoutMissing,
                                           "no layout named '\(layout.value)' in \(displayRoot)/\(DidYouMean.hint(for: layout.value, among: layouts.names))")])
            }
            candidates.append(layout.value)
        }
        candidates += ["\(page.section)/\(page.kind.rawValue)", page.kind.rawValue]
        guard let layout = layouts.resolve(candidates) else {
            let location = page.frontMatter.layout?.location ?? SourceLocation(file: page.displayPath)
            return Staged(nil, [.error(location, .layoutMissing,
                                       "no layout named '\(candidates[0])' in \(displayRoot)/")])
        }
        return Staged(layout)
    }
}
