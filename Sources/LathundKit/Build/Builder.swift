import Foundation

/// Runs the pipeline: Config → Content → Data → Markdown → Indexes → Render → Output. Data flows one way;
/// per-page stages run on `jobs` threads with results kept in input order.
public struct Builder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    /// Builds the site. Throws `ConfigurationError` when the build cannot start (exit code 2); content problems
    /// are diagnostics in the result (exit code 1).
    public func build() throws -> BuildResult {
        var clock = StageClock()
        let contentURL = options.resolve(options.contentDirectory).standardizedFileURL
        let layoutsURL = options.resolve(options.layoutsDirectory).standardizedFileURL
        let outputURL = options.resolve(options.outputDirectory).standardizedFileURL
        let contentDisplay = options.display(options.contentDirectory)
        let layoutsDisplay = options.display(options.layoutsDirectory)

        // 1. Config
        let configURL = options.resolve(options.configFile)
        var (config, diagnostics) = try SiteConfig.load(file: configURL, displayPath: options.display(options.configFile))
        if let baseURL = options.baseURL {
            do {
                config.baseURL = try SiteConfig.normalizedBaseURL(baseURL)
            } catch let problem as SiteConfig.BaseURLProblem {
                throw ConfigurationError(SourceLocation(file: "--base-url"), code: "config-base-url", problem.message)
            }
        }
        try checkFolders(content: contentURL, layouts: layoutsURL, output: outputURL)
        let jobs = max(1, options.jobs)
        let today = options.today ?? Day.today
        clock.lap("config")

        // Cache: when no input changed since the last successful build and its site is still in place, that
        // build's report is this build's.
        var cache: BuildCache?
        var fingerprint = ""
        if options.write, let folder = options.cacheDirectory {
            let built = BuildCache(folder: options.resolve(folder).standardizedFileURL, output: outputURL)
            fingerprint = BuildCache.hex(BuildCache.fingerprint(folders: [contentURL, layoutsURL],
                                                                files: [configURL.standardizedFileURL],
                                                                settings: cacheSettings(content: contentURL,
                                                                                        layouts: layoutsURL,
                                                                                        output: outputURL, today: today),
                                                                jobs: jobs))
            if options.useCache, let record = built.loadRecord(), record.fingerprint == fingerprint,
               record.outputIdentity == StagedOutput.identity(of: outputURL.path) {
                // Nothing to write, but still remove what a killed build left beside the site (under the lock).
                if let tidy = try? StagedOutput(output: outputURL) { tidy.abandon() }
                clock.lap("cache")
                return BuildResult(diagnostics: record.diagnostics, pageCount: record.pageCount,
                                   assetCount: record.assetCount, outputPath: options.display(options.outputDirectory),
                                   timings: clock.laps, pages: record.pages, overdueReviews: record.overdueReviews,
                                   oldSources: record.oldSources, succeeded: true)
            }
            cache = built
            clock.lap("cache")
        }

        // 2. Content
        let loader = ContentLoader(contentDirectory: contentURL, displayRoot: contentDisplay, config: config,
                                   includeDrafts: options.includeDrafts, jobs: jobs, memory: options.pageMemory)
        let catalog = loader.load()
        diagnostics += catalog.diagnostics
        options.progress?("content", catalog.pages.count, catalog.pages.count)
        clock.lap("content")

        // 3. Data: datasets and the glossary, read before Markdown because directives draw on them.
        let (datasets, datasetDiagnostics) = DatasetLoader.load(assets: catalog.assets)
        diagnostics += datasetDiagnostics
        var generated: [GeneratedPage] = [
            GeneratedPage(url: "/404/", title: "Sidan finns inte", description: "", layouts: ["404"],
                          content: .notFound, outputPath: "404.html", isListed: false),
        ]
        generated.append(GeneratedPage(url: "/sok/", title: "Sök", description: "Sök i \(config.title).",
                                       layouts: ["search", "page"], content: .search, outputPath: "sok/index.html",
                                       isListed: false))
        generated += StatisticsPages.pages(datasets)
        var glossary: [GlossaryTerm] = []
        if let glossaryPath = catalog.glossaryPath, let glossaryName = config.glossary {
            let (terms, glossaryDiagnostics) = GlossaryLoader.load(path: glossaryPath,
                                                                   displayPath: contentDisplay + "/" + glossaryName,
                                                                   pages: Set(catalog.pages.map(\.relativePath)))
            diagnostics += glossaryDiagnostics
            glossary = terms
            generated.append(GeneratedPage(url: "/ordlista/", title: "Ordlista",
                                           description: "Förkortningar och begrepp i sjukförsäkringen, förklarade.",
                                           layouts: ["glossary", "page"], content: .glossary(terms),
                                           outputPath: "ordlista/index.html", isListed: true))
        }
        clock.lap("data")

        // 4. Markdown
        var pageURLs: [String: String] = [:]
        for page in catalog.pages { pageURLs[page.relativePath] = page.url }
        let links = SiteLinks(pageURLs: pageURLs, assetPaths: Set(catalog.assets.map(\.relativePath)),
                              basePath: config.basePath, baseURL: config.baseURL)
        let faq = FAQIndex(pages: catalog.pages)
        let renderer = MarkdownRenderer(unsafeHTML: config.unsafeHTML, directives: options.directives)
        let markdownInputs = RenderKey.markdownInputs(links: links, faq: faq, contentFiles: catalog.assets)
        let rendererSettings = ["unsafe=\(config.unsafeHTML)", options.directives.signature]
        let memory = options.pageMemory
        let progress = options.progress
        let done = AtomicCounter()
        let total = catalog.pages.count
        /// The same in this stage and the Output stage, which renders each page again instead of keeping every
        /// page's HTML and plain text in memory; only the Output stage needs the HTML.
        func markdown(of page: Page, html: Bool = true) -> RenderedMarkdown {
            renderer.render(page, context: DirectiveContext(page: page, pages: catalog.pages, links: links, faq: faq,
                                                            datasets: datasets), html: html)
        }
        // Each page's words for the search index, by file, until the index is built.
        var analyses: [String: SearchIndex.Analysis] = [:]
        let rendered: [RenderedPage]
        do {
            let results = Parallel.map(catalog.pages, jobs: jobs) { page -> (PageMemory.Analysed, Bool) in
                defer { if let progress { progress("markdown", done.increment() + 1, total) } }
                let key = memory == nil
                    ? 0 : PageMemory.markdownKey(page: page, markdownInputs: markdownInputs, settings: rendererSettings)
                if let remembered = memory?.analysed(page.relativePath, key: key) { return (remembered, false) }
                let markdown = markdown(of: page, html: false)
                let rendered = RenderedPage(page: page, markdown: markdown)
                let analysis = SearchIndex.analyse(rendered.searchDocument(markdown: markdown, url: page.url))
                return (PageMemory.Analysed(key: key, rendered: rendered, analysis: analysis,
                                            diagnostics: markdown.diagnostics), true)
            }
            analyses.reserveCapacity(results.count)
            for (result, _) in results {
                analyses[result.rendered.page.relativePath] = result.analysis
                diagnostics += result.diagnostics
            }
            rendered = results.map(\.0.rendered)
            if let memory {
                memory.keep(analysed: Dictionary(results.map { ($0.0.rendered.page.relativePath, $0.0) },
                                                 uniquingKeysWith: { first, _ in first }),
                            redone: results.count { $0.1 })
            }
        }
        clock.lap("markdown")

        // Checks (Sources/LathundKit/Checks): personnummer, internal labels, review dates, sources, readability,
        // references.
        let checks = ContentChecks(config: config, today: today, jobs: jobs)
            .run(pages: rendered, contentRoot: contentURL, assets: catalog.assets,
                 glossary: catalog.glossaryPath.map { ($0, contentDisplay + "/" + (config.glossary ?? "")) },
                 datasets: datasets)
        diagnostics += checks.diagnostics
        clock.lap("checks")

        // 5. Indexes
        let index = SiteIndex(pages: rendered, generated: generated, assets: catalog.assets)
        diagnostics += index.diagnostics
        var aliases: [(path: String, target: RenderedPage)] = []
        var aliasOwners: [String: String] = [:]
        for page in index.pages {
            for alias in page.page.frontMatter.aliases {
                guard let url = SiteFiles.aliasURL(alias.value) else {
                    diagnostics.append(.error(alias.location, code: "bad-alias",
                                              "alias '\(alias.value)' must be a path such as /gammal/adress/ without '..'"))
                    continue
                }
                let path = String(url.dropFirst()) + "index.html"
                if index.indexByURL[url] != nil || index.generated.contains(where: { $0.url == url }) {
                    diagnostics.append(.error(alias.location, code: "duplicate-url",
                                              "alias '\(alias.value)' is the URL of an existing page"))
                } else if let owner = aliasOwners[path] {
                    diagnostics.append(.error(alias.location, code: "duplicate-url",
                                              "alias '\(alias.value)' is also an alias of \(owner)"))
                } else {
                    aliasOwners[path] = page.page.displayPath
                    aliases.append((path, page))
                }
            }
        }
        // Documents 0..<index.pages.count are the pages, in order; the glossary, when there is one, is last.
        let glossaryDocument = Self.glossaryDocument(index, glossary: glossary, links: links)
        var documents = index.pages.map { analyses.removeValue(forKey: $0.page.relativePath)! }
        analyses = [:]
        if let glossaryDocument { documents.append(SearchIndex.analyse(glossaryDocument)) }
        let search = SearchIndex(analyses: consume documents, synonyms: glossary, jobs: jobs)
        clock.lap("indexes")

        // 6. Render: which layout each file uses, and how to make its text. Rendering itself happens in the
        // Output stage, file by file, so the finished pages are never all in memory at once.
        let (assets, assetDiagnostics) = FingerprintedAssets.load(
            Self.files(under: layoutsURL.appendingPathComponent("assets")), displayRoot: layoutsDisplay + "/assets")
        diagnostics += assetDiagnostics
        let (layoutsOrNil, layoutDiagnostics) = Layouts.load(directory: layoutsURL, displayRoot: layoutsDisplay,
                                                             assets: Set(assets.outputNames.keys))
        diagnostics += layoutDiagnostics
        var outputs: [OutputFile] = []
        if let layouts = layoutsOrNil {
            let contexts = LayoutContext(index: index, faq: faq, config: config, links: links, assets: assets,
                                         abbreviations: AbbreviationMarker(glossary: glossary),
                                         oldSourceYears: checks.oldSourceYears)
            let siteKey = RenderKey.site(
                settings: rendererSettings + ["base=\(options.baseURL ?? "-")"],
                configFile: configURL, layouts: layouts, assets: assets, glossary: glossary,
                markdownInputs: markdownInputs)
            for position in index.pages.indices {
                let rendered = index.pages[position]
                let page = rendered.page
                var candidates: [String] = []
                if let layout = page.frontMatter.layout {
                    guard layouts.names.contains(layout.value) else {  // a misspelt layout is not silently replaced
                        diagnostics.append(.error(layout.location, code: "layout-missing",
                                                  "no layout named '\(layout.value)' in \(layoutsDisplay)/\(DidYouMean.hint(for: layout.value, among: layouts.names))"))
                        continue
                    }
                    candidates.append(layout.value)
                }
                candidates += ["\(page.section)/\(page.kind.rawValue)", page.kind.rawValue]
                guard let layout = layouts.resolve(candidates) else {
                    let location = page.frontMatter.layout?.location ?? SourceLocation(file: page.displayPath)
                    diagnostics.append(.error(location, code: "layout-missing",
                                              "no layout named '\(candidates[0])' in \(layoutsDisplay)/"))
                    continue
                }
                // The page and its search document, made from one rendering of its Markdown, or both linked from
                // the previous site when nothing they are made from changed (`RenderKey`).
                let documentPath = SearchIndex.documentPath(position)
                outputs.append(OutputFile([page.outputPath, documentPath], key: {
                    RenderKey.page(site: siteKey, page: page, layout: layout, context: contexts.pageContext(position, html: ""))
                }) {
                    let markdown = markdown(of: page)
                    let document = rendered.searchDocument(markdown: markdown, url: links.href(page.url))
                    return [layouts.render(contexts.pageContext(position, html: markdown.html), layout: layout),
                            SearchIndex.documentFile(document)]
                })
            }
            for page in index.generated {
                guard let layout = layouts.resolve(page.layouts) else { continue }
                outputs.append(OutputFile(page.outputPath) { layouts.render(contexts.generatedContext(page), layout: layout) })
            }
        }
        for (path, target) in aliases {
            outputs.append(OutputFile(path) {
                SiteFiles.redirect(to: target.url, title: target.title, links: links, language: config.language)
            })
        }
        for dataset in datasets.datasets {
            outputs.append(OutputFile("data/\(dataset.name).json") { StatisticsPages.json(dataset) })
        }
        for (path, text) in search.termFiles { outputs.append(OutputFile(path) { text }) }
        if let glossaryDocument {
            outputs.append(OutputFile(SearchIndex.documentPath(index.pages.count)) {
                SearchIndex.documentFile(glossaryDocument)
            })
        }
        outputs.append(OutputFile("sitemap.xml") { SiteFiles.sitemap(index: index, links: links) })
        outputs.append(OutputFile("robots.txt") { SiteFiles.robots(links: links) })
        outputs.append(OutputFile("feed.xml") { SiteFiles.feed(index: index, config: config, links: links) })
        if !assets.files.isEmpty { outputs.append(OutputFile("assets/manifest.json") { assets.manifest }) }
        outputs += catalog.assets.map { OutputFile(copying: $0.absolutePath, to: $0.relativePath) }
        outputs += assets.files.map { OutputFile("assets/" + $0.outputName, contents: $0.contents) }
        clock.lap("render")

        // 7. Output: render and write on `jobs` threads into the staging folder, then swap it in.
        if options.strict {
            diagnostics = diagnostics.map { var promoted = $0; promoted.severity = .error; return promoted }
        }
        diagnostics = diagnostics.sortedForOutput()
        var succeeded = diagnostics.errorCount == 0
        var reusedPages = 0
        let summaries = index.pages.map {
            BuildResult.PageSummary(url: $0.url, file: $0.page.displayPath, title: $0.title,
                                    words: $0.wordCount,
                                    readability: checks.readability[$0.page.relativePath],
                                    review: $0.page.frontMatter.reviewed)
        }
        let pageCount = index.pages.count + index.generated.count
        let assetCount = catalog.assets.count + assets.files.count
        if succeeded && options.write {
            do {
                let staged = try StagedOutput(output: outputURL, failAfterWrites: options.failAfterWrites)
                do {
                    // Read under the output's lock: the previous site cannot change until this build is done.
                    let previous = options.useCache
                        ? cache?.loadOutputs(outputIdentity: StagedOutput.identity(of: outputURL.path)) ?? ([:], [:])
                        : ([:], [:])
                    let (written, renderKeys, reused) = try writeAll(outputs, previous: previous, to: staged, jobs: jobs)
                    reusedPages = reused
                    try staged.commit()
                    if let cache, let identity = StagedOutput.identity(of: outputURL.path) {
                        cache.save(record: BuildCache.Record(version: BuildCache.version, fingerprint: fingerprint,
                                                             outputIdentity: identity, pageCount: pageCount,
                                                             assetCount: assetCount, diagnostics: diagnostics,
                                                             pages: summaries, overdueReviews: checks.overdue,
                                                             oldSources: checks.oldSources),
                                   outputs: written, renderKeys: renderKeys)
                    }
                } catch {
                    staged.abandon()
                    throw error
                }
            } catch {
                diagnostics.append(.error(SourceLocation(file: options.display(options.outputDirectory)),
                                          code: "output-write", "\(error); the previous site is unchanged"))
                succeeded = false
            }
        }
        clock.lap("output")

        var result = BuildResult(diagnostics: diagnostics, pageCount: pageCount, assetCount: assetCount,
                                 outputPath: options.display(options.outputDirectory), timings: clock.laps,
                                 pages: summaries, overdueReviews: checks.overdue, oldSources: checks.oldSources,
                                 succeeded: succeeded)
        result.reusedPages = reusedPages
        return result
    }

    /// One file of the site: text made when it is written, or a file copied.
    /// Several files can be made together (a page and its search document share one Markdown rendering).
    /// Files with a `key` (`RenderKey`) are linked from the previous site when the previous build recorded the
    /// same key for them.
    struct OutputFile {
        enum Source { case texts(() -> [String]), copy(String), bytes(Data) }
        let paths: [String]
        let source: Source
        var key: (() -> UInt64)?

        init(_ paths: [String], key: @escaping () -> UInt64, _ make: @escaping () -> [String]) {
            self.paths = paths
            source = .texts(make)
            self.key = key
        }

        init(_ path: String, _ make: @escaping () -> String) {
            paths = [path]
            source = .texts { [make()] }
        }

        init(_ paths: [String], _ make: @escaping () -> [String]) {
            self.paths = paths
            source = .texts(make)
        }

        init(_ path: String, contents: Data) {
            paths = [path]
            source = .bytes(contents)
        }

        init(copying source: String, to path: String) {
            paths = [path]
            self.source = .copy(source)
        }
    }

    /// Makes and writes every file; a file with the same bytes as the previous build's (by hash) is linked
    /// from the previous site instead, and so are files whose render key is the previous build's, without being
    /// made. Returns each file's hash and each keyed file's render key, for the cache.
    private func writeAll(_ outputs: [OutputFile], previous: (hashes: [String: UInt64], renderKeys: [String: UInt64]),
                          to staged: StagedOutput, jobs: Int)
        throws -> (hashes: [(path: String, hash: UInt64)], renderKeys: [(path: String, hash: UInt64)], reused: Int) {
        let results = Parallel.map(outputs, jobs: jobs) { file -> Result<([UInt64], UInt64?, Bool), Error> in
            func put(_ bytes: UnsafeRawBufferPointer, to path: String) throws -> UInt64 {
                let hash = XXH64.hash(bytes)
                try staged.write(bytes, to: path, unchanged: previous.hashes[path] == hash)
                return hash
            }
            do {
                let key = file.key?()
                if let key, previous.renderKeys[file.paths[0]] == key {
                    let hashes = file.paths.compactMap { previous.hashes[$0] }
                    if hashes.count == file.paths.count, try file.paths.allSatisfy({ try staged.reuse($0) }) {
                        return .success((hashes, key, true))
                    }
                }
                switch file.source {
                case .texts(let make):
                    var hashes: [UInt64] = []
                    for (path, text) in zip(file.paths, make()) {
                        var text = text
                        hashes.append(try text.withUTF8 { try put(UnsafeRawBufferPointer($0), to: path) })
                    }
                    return .success((hashes, key, false))
                case .copy(let source):
                    return .success(([try Data(contentsOf: URL(fileURLWithPath: source)).withUnsafeBytes { try put($0, to: file.paths[0]) }], nil, false))
                case .bytes(let contents):
                    return .success(([try contents.withUnsafeBytes { try put($0, to: file.paths[0]) }], nil, false))
                }
            } catch {
                return .failure(error)
            }
        }
        var hashes: [(path: String, hash: UInt64)] = []
        var renderKeys: [(path: String, hash: UInt64)] = []
        var reused = 0
        hashes.reserveCapacity(outputs.count)
        for (file, result) in zip(outputs, results) {
            switch result {
            case .success(let (fileHashes, key, wasReused)):
                hashes += zip(file.paths, fileHashes).map { ($0, $1) }
                if let key { renderKeys.append((file.paths[0], key)) }
                if wasReused { reused += 1 }
            case .failure(let error): throw error
            }
        }
        return (hashes, renderKeys, reused)
    }

    /// Everything besides the files that decides what a build writes, for the cache's fingerprint. The day
    /// is there for checks that depend on it (review dates).
    private func cacheSettings(content: URL, layouts: URL, output: URL, today: Day) -> [String] {
        let day = "day=\(today.description)"
        return [content.path, layouts.path, output.path, options.resolve(options.configFile).path,
                "strict=\(options.strict)", "drafts=\(options.includeDrafts)", "base=\(options.baseURL ?? "-")",
                "fail=\(options.failAfterWrites.map(String.init) ?? "-")", options.directives.signature, day]
    }

    /// Refuses an output folder that is, contains or lies inside `content/` or `layouts/`.
    private func checkFolders(content: URL, layouts: URL, output: URL) throws {
        var isFolder: ObjCBool = false
        for (url, name) in [(content, options.contentDirectory), (layouts, options.layoutsDirectory)] {
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw ConfigurationError(SourceLocation(file: options.display(name)), code: "folder-missing",
                                         "folder '\(options.display(name))' does not exist")
            }
        }
        let outputPath = output.resolvingSymlinksInPath().path
        for (url, name) in [(content, "content"), (layouts, "layouts")] {
            let path = url.resolvingSymlinksInPath().path
            if outputPath == path || path.hasPrefix(outputPath + "/") || outputPath.hasPrefix(path + "/")
                || outputPath == "/" {
                throw ConfigurationError(SourceLocation(file: options.display(options.outputDirectory)),
                                         code: "output-unsafe",
                                         "output folder '\(options.display(options.outputDirectory))' overlaps the \(name) folder; refusing to build there")
            }
        }
    }

    /// The glossary as one search document, after the pages' documents.
    static func glossaryDocument(_ index: SiteIndex, glossary: [GlossaryTerm], links: SiteLinks) -> SearchIndex.Document? {
        guard let page = index.generated.first(where: { if case .glossary = $0.content { return true } else { return false } })
        else { return nil }
        let text = glossary.map { "\($0.term) \($0.expansion ?? "") \($0.definition)" }.joined(separator: "\n")
        return SearchIndex.Document(url: links.href(page.url), title: page.title, section: "ordlista",
                                    description: page.description, headings: [], question: nil, body: text)
    }

    static func files(under folder: URL) -> [(relative: String, absolute: String)] {
        let root = folder.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            let absolute = root + "/" + relative
            if FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), !isFolder.boolValue,
               !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                files.append((relative, absolute))
            }
        }
        return files.sorted { $0.0 < $1.0 }
    }
}

/// Wall time per stage.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) / 1e9))
        last = now
    }
}
