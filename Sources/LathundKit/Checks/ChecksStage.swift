import Foundation

/// The writer's safety net, run after the Markdown stage on every page: personnummer and internal labels in any
/// content file, content files that could run script (`ContentFilePolicy`), review dates, sources (publishers
/// and age), readability, `related:` targets and images that would load from another site.
/// Each check is per page or per file and runs on all cores; results are in input order.
struct ChecksStage: Stage {
    static let name = "checks"
    let config: SiteConfig
    let today: Day
    let jobs: Int
    let pages: [ParsedPage]
    /// What `ContentScan` found in each page's file (the Content stage read it), by its path relative to `content/`.
    let scans: [String: [Diagnostic]]
    let assets: [Asset]
    /// The glossary file: absolute path and how it is printed.
    let glossary: (path: String, display: String)?
    let datasets: DatasetCatalog
    /// The writing aid's rules file (absolute path and how it is printed) and the rules read from it.
    var writingAid: (path: String, display: String, rules: WritingAid?)? = nil
    /// Where the stage takes the files' bytes (read by the fingerprint or an earlier stage).
    var inputs = InputFiles()

    /// Extensions of content files that are scanned as text for personnummer, besides pages and the glossary.
    static let textExtensions: Set<String> = ["md", "csv", "tsv", "yml", "yaml", "json", "txt", "html", "htm", "xml", "svg"]
    /// Pages shorter than this get a LIX but no readability warning: LIX says little about a few sentences.
    static let minimumWordsForLIXWarning = 50

    struct Output {
        /// By the page's path relative to `content/`.
        var readability: [String: Readability] = [:]
        var overdue: [ReviewSchedule.Overdue] = []
        /// Pages whose newest source is older than `source_max_age_years`, or whose sources are undated, in page order.
        var oldSources: [OldSources] = []
        /// What is known about those pages' sources' age, by the page's path relative to `content/`, for the notice.
        var sourceAges: [String: SourceAge] = [:]
    }

    func run() -> Staged<Output> {
        var result = Output()
        var diagnostics: [Diagnostic] = []
        let scan = ContentScan(allowed: config.personnummerAllow)
        let sourceChecks = SourceChecks(publishers: config.publishers, maxAgeYears: config.sourceMaxAgeYears, today: today)

        // Raw bytes of every text file: pages (front matter and body: scanned by the Content stage as it read them),
        // the glossary, the writing aid's rules, datasets and other text assets.
        for page in pages { diagnostics += scans[page.page.relativePath] ?? [] }
        var files: [(absolute: String, display: String)] = []
        if let glossary { files.append((glossary.path, glossary.display)) }
        if let writingAid { files.append((writingAid.path, writingAid.display)) }
        for asset in assets {
            let ext = (asset.relativePath as NSString).pathExtension.lowercased()
            if Self.textExtensions.contains(ext) { files.append((asset.absolutePath, asset.displayPath)) }
        }
        for found in Parallel.map(files, jobs: jobs, { file -> [Diagnostic] in
            guard let data = try? inputs.data(file.absolute) else { return [] }
            return scan.diagnostics(in: [UInt8](data), file: file.display)
        }) {
            diagnostics += found
        }

        // Files that would run script in the reader's browser are not copied (ContentFilePolicy).
        let policy = ContentFilePolicy(allowed: config.allowedFileTypes)
        for found in Parallel.map(assets, jobs: jobs, { asset in
            policy.diagnostics(for: asset) { (try? inputs.data(asset.absolutePath)).map { [UInt8]($0) } }
        }) {
            diagnostics += found
        }

        for dataset in datasets.datasets { diagnostics += sourceChecks.publisherDiagnostics(dataset.sources) }
        for rule in writingAid?.rules?.rules ?? [] { diagnostics += sourceChecks.publisherDiagnostics(rule.sources) }

        let paths = Set(pages.map(\.page.relativePath))
        let faqEntries = Set(pages.filter { $0.page.kind == .page && $0.page.frontMatter.faq != nil }.map(\.page.relativePath))
        let perPage = Parallel.map(pages, jobs: jobs) { page -> (Readability, [Diagnostic], ReviewSchedule.Overdue?, SourceAge?) in
            let sources = page.page.frontMatter.sources
            var diagnostics = sourceChecks.publisherDiagnostics(sources)
            var overdue: ReviewSchedule.Overdue?
            if let (item, diagnostic) = config.review.check(page.page, today: today) {
                overdue = item
                diagnostics.append(diagnostic)
            }
            let readability = page.readability
            if let warning = Self.lixWarning(page, config: config) { diagnostics.append(warning) }
            for related in page.page.frontMatter.faq?.related ?? [] where !paths.contains(related.value) {
                diagnostics.append(.warning(related.location, .brokenRelated,
                                            "related '\(related.value)' names no page in content/\(DidYouMean.hint(for: related.value, among: paths))"))
            }
            diagnostics += Self.checkMostAsked(page.page, entries: faqEntries)
            diagnostics += Self.externalImages(page)
            return (readability, diagnostics, overdue, sourceChecks.age(sources))
        }
        result.readability.reserveCapacity(pages.count)
        for (page, (readability, found, overdue, age)) in zip(pages, perPage) {
            result.readability[page.page.relativePath] = readability
            diagnostics += found
            if let overdue { result.overdue.append(overdue) }
            if let age {
                result.oldSources.append(OldSources(file: page.page.displayPath, url: page.page.url,
                                                    newest: age.newest?.description, undated: age.undated,
                                                    limitYears: config.sourceMaxAgeYears))
                result.sourceAges[page.page.relativePath] = age
            }
        }
        return Staged(result, diagnostics)
    }

    /// The checks of a page that its Markdown decides (the rest is its front matter's): its readability against
    /// the section's limit, and images from another site. `DirectRebuild` does these again for a page whose
    /// Markdown alone changed.
    static func lixWarning(_ page: ParsedPage, config: SiteConfig) -> Diagnostic? {
        let readability = page.readability
        guard let limit = config.lixMax[page.page.section] ?? config.lixMaxDefault, let lix = readability.roundedLIX,
              readability.words >= minimumWordsForLIXWarning, lix > limit else { return nil }
        let section = page.page.section.isEmpty ? "the top of content/" : page.page.section + "/"
        return .warning(SourceLocation(file: page.page.displayPath), .lix,
                        "LIX is \(lix) (\(Readability.band(lix))), above \(limit) for \(section); shorter sentences and fewer long words lower it")
    }

    static func externalImages(_ page: ParsedPage) -> [Diagnostic] {
        page.links.filter { $0.isImage && $0.target == .external && loadsFromAnotherSite($0.destination) }.map { link in
            .warning(link.location, .externalImage,
                     "image '\(link.destination)' would load from another site; put the file in content/ and link to it")
        }
    }

    /// `most_asked:` belongs in `faq/_index.md` and names FAQ entries, each once.
    static func checkMostAsked(_ page: Page, entries: Set<String>) -> [Diagnostic] {
        let list = page.frontMatter.faq?.mostAsked ?? []
        guard let first = list.first else { return [] }
        guard page.kind == .section else {
            return [.warning(first.location, .misplacedKey, "key 'most_asked' is only used in \(FrontMatter.faqSection)/_index.md")]
        }
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for item in list {
            if !entries.contains(item.value) {
                diagnostics.append(.warning(item.location, .brokenMostAsked,
                                            "most_asked '\(item.value)' names no FAQ entry in content/\(DidYouMean.hint(for: item.value, among: entries))"))
            } else if !seen.insert(item.value).inserted {
                diagnostics.append(.warning(item.location, .brokenMostAsked, "most_asked lists '\(item.value)' twice"))
            }
        }
        return diagnostics
    }

    /// `http:`, `https:` and scheme-relative `//host/` URLs make the browser ask another server.
    static func loadsFromAnotherSite(_ destination: String) -> Bool {
        let lower = destination.trimmingWhitespace().lowercased()
        return lower.hasPrefix("http:") || lower.hasPrefix("https:") || lower.hasPrefix("//")
    }
}

extension ChecksStage {
    init(setup: BuildSetup, content: ContentCatalog, data: DataStage.Output, markdown: MarkdownStage.Output) {
        config = setup.config
        today = setup.today
        jobs = setup.jobs
        pages = markdown.pages
        scans = content.scans
        assets = content.assets
        glossary = content.glossaryPath.map { ($0, setup.contentDisplay + "/" + (setup.config.glossary ?? "")) }
        datasets = data.datasets
        inputs = setup.inputs
        writingAid = content.writingAidPath.map { ($0, setup.contentDisplay + "/" + (setup.config.writingAid ?? ""), data.writingAid) }
    }
}
