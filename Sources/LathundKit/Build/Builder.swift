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
        clock.lap("config")

        // 2. Content
        let loader = ContentLoader(contentDirectory: contentURL, displayRoot: contentDisplay, config: config,
                                   includeDrafts: options.includeDrafts, jobs: jobs)
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
                                                                   displayPath: contentDisplay + "/" + glossaryName)
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
        let progress = options.progress
        let done = AtomicCounter()
        let total = catalog.pages.count
        let rendered = Parallel.map(catalog.pages, jobs: jobs) { page -> RenderedPage in
            let context = DirectiveContext(page: page, pages: catalog.pages, links: links, faq: faq,
                                           datasets: datasets)
            let result = RenderedPage(page: page, markdown: renderer.render(page, context: context))
            if let progress { progress("markdown", done.increment() + 1, total) }
            return result
        }
        for page in rendered { diagnostics += page.markdown.diagnostics }
        clock.lap("markdown")

        // Checks (Sources/LathundKit/Checks): personnummer, review dates, readability, references.
        let checks = ContentChecks(config: config, today: options.today ?? Day.todayInSweden(), jobs: jobs)
            .run(pages: rendered, contentRoot: contentURL, assets: catalog.assets,
                 glossary: catalog.glossaryPath.map { ($0, contentDisplay + "/" + (config.glossary ?? "")) })
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
        let search = SearchIndex(documents: Self.searchDocuments(index, glossary: glossary, links: links),
                                 synonyms: glossary, jobs: jobs)
        clock.lap("indexes")

        // 6. Render
        let (assets, assetDiagnostics) = FingerprintedAssets.load(
            Self.files(under: layoutsURL.appendingPathComponent("assets")), displayRoot: layoutsDisplay + "/assets")
        diagnostics += assetDiagnostics
        let (layoutsOrNil, layoutDiagnostics) = Layouts.load(directory: layoutsURL, displayRoot: layoutsDisplay,
                                                             assets: Set(assets.outputNames.keys))
        diagnostics += layoutDiagnostics
        var outputs: [(path: String, text: String)] = []
        if let layouts = layoutsOrNil {
            let contexts = LayoutContext(index: index, faq: faq, config: config, links: links, assets: assets,
                                         abbreviations: AbbreviationMarker(glossary: glossary))
            let pageOutputs = Parallel.map(Array(index.pages.indices), jobs: jobs) { position -> (String, String, Diagnostic?) in
                let page = index.pages[position].page
                var candidates: [String] = []
                if let layout = page.frontMatter.layout {
                    guard layouts.names.contains(layout.value) else {  // a misspelt layout is not silently replaced
                        return (page.outputPath, "", .error(layout.location, code: "layout-missing",
                                                           "no layout named '\(layout.value)' in \(layoutsDisplay)/\(DidYouMean.hint(for: layout.value, among: layouts.names))"))
                    }
                    candidates.append(layout.value)
                }
                candidates += ["\(page.section)/\(page.kind.rawValue)", page.kind.rawValue]
                guard let layout = layouts.resolve(candidates) else {
                    let location = page.frontMatter.layout?.location ?? SourceLocation(file: page.displayPath)
                    return (page.outputPath, "", .error(location, code: "layout-missing",
                                                       "no layout named '\(candidates[0])' in \(layoutsDisplay)/"))
                }
                return (page.outputPath, layouts.render(contexts.pageContext(position), layout: layout), nil)
            }
            for (path, text, problem) in pageOutputs {
                if let problem { diagnostics.append(problem) } else { outputs.append((path, text)) }
            }
            for page in index.generated {
                guard let layout = layouts.resolve(page.layouts) else { continue }
                outputs.append((page.outputPath, layouts.render(contexts.generatedContext(page), layout: layout)))
            }
        }
        for (path, target) in aliases {
            outputs.append((path, SiteFiles.redirect(to: target.url, title: target.title, links: links,
                                                     language: config.language)))
        }
        outputs += datasets.datasets.map { ("data/\($0.name).json", StatisticsPages.json($0)) }
        outputs += search.files
        outputs.append(("sitemap.xml", SiteFiles.sitemap(index: index, links: links)))
        outputs.append(("robots.txt", SiteFiles.robots(links: links)))
        outputs.append(("feed.xml", SiteFiles.feed(index: index, config: config, links: links)))
        if !assets.files.isEmpty { outputs.append(("assets/manifest.json", assets.manifest)) }
        clock.lap("render")

        // 7. Output
        if options.strict {
            diagnostics = diagnostics.map { var promoted = $0; promoted.severity = .error; return promoted }
        }
        diagnostics = diagnostics.sortedForOutput()
        var succeeded = diagnostics.errorCount == 0
        if succeeded && options.write {
            do {
                let staged = try StagedOutput(output: outputURL, failAfterWrites: options.failAfterWrites)
                do {
                    try writeAll(outputs, catalog.assets, assets.files, to: staged, jobs: jobs)
                    try staged.commit()
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

        let summaries = index.pages.map {
            BuildResult.PageSummary(url: $0.url, file: $0.page.displayPath, title: $0.title,
                                    words: Self.wordCount($0.markdown.plainText),
                                    readability: checks.readability[$0.page.relativePath],
                                    reviewed: $0.page.frontMatter.reviewed)
        }
        return BuildResult(diagnostics: diagnostics, pageCount: index.pages.count + index.generated.count,
                           assetCount: catalog.assets.count + assets.files.count,
                           outputPath: options.display(options.outputDirectory), timings: clock.laps,
                           pages: summaries, overdueReviews: checks.overdue, succeeded: succeeded)
    }

    private func writeAll(_ outputs: [(path: String, text: String)], _ assets: [Asset],
                          _ layoutAssets: [FingerprintedAssets.File], to staged: StagedOutput,
                          jobs: Int) throws {
        enum Job { case text(String, String), copy(String, String), data(Data, String) }
        var work: [Job] = outputs.map { .text($0.path, $0.text) }
        work += assets.map { .copy($0.absolutePath, $0.relativePath) }
        work += layoutAssets.map { .data($0.contents, "assets/" + $0.outputName) }
        let errors = Parallel.map(work, jobs: jobs) { job -> Error? in
            do {
                switch job {
                case .text(let path, let text): try staged.write(text, to: path)
                case .copy(let source, let path): try staged.copy(from: source, to: path)
                case .data(let data, let path): try staged.write(data, to: path)
                }
                return nil
            } catch {
                return error
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
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

    /// What the search index holds: every page, and the glossary as one document.
    static func searchDocuments(_ index: SiteIndex, glossary: [GlossaryTerm], links: SiteLinks) -> [SearchIndex.Document] {
        var documents = index.pages.map { page in
            SearchIndex.Document(url: links.href(page.url), title: page.title, section: page.page.section,
                                 description: page.summary, headings: page.markdown.headings.map(\.text),
                                 question: page.page.frontMatter.faq?.question, body: page.markdown.plainText)
        }
        if let page = index.generated.first(where: { if case .glossary = $0.content { return true } else { return false } }) {
            let text = glossary.map { "\($0.term) \($0.expansion ?? "") \($0.definition)" }.joined(separator: "\n")
            documents.append(SearchIndex.Document(url: links.href(page.url), title: page.title, section: "ordlista",
                                                  description: page.description, headings: [],
                                                  question: nil, body: text))
        }
        return documents
    }

    /// Words separated by ASCII white space, counted on bytes.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
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
