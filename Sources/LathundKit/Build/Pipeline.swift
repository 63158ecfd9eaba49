import Foundation

/// The build as a list of named stages (DESIGN.md, *The pipeline*). Data flows one way: each stage takes the
/// values of the stages before it and returns its own with its diagnostics; per-page work runs on `jobs`
/// threads with results in input order. Stage names are the names in the timings and the JSON report.
struct Pipeline {
    let options: BuildOptions

    func run() throws -> BuildResult {
        var options = options
        var stages = StageRunner()
        let setup = try stages.run(ConfigStage(options: options))
        var cache: (IncrementalCache, fingerprint: String)?
        var parts: IncrementalCache.Parts?
        if options.write, options.cacheDirectory != nil {
            switch try stages.run(CacheStage(options: options, setup: setup)) {
            case .hit(let record): return result(record, timings: stages.timings)
            case .miss(let found, let fingerprint, let made):
                cache = (found, fingerprint)
                parts = made
            }
            // `lathund serve`: one page's Markdown changed, and nothing else, is done directly (`DirectRebuild`).
            if let memory = options.pageMemory, let kept = memory.takeDirect(), let parts, let (found, fingerprint) = cache,
               let direct = try stages.run(DirectRebuild(options: options, setup: setup, memory: memory, kept: kept,
                                                         cache: found, fingerprint: fingerprint, parts: parts)) {
                var result = direct
                result.timings = stages.timings
                return result
            }
            // `lathund build` keeps the page memory on disk; `lathund serve` gives its own, kept in memory.
            if options.pageMemory == nil, let (found, _) = cache {
                options.pageMemory = IncrementalPageMemory(store: PageStore(
                    cacheFolder: found.folder, output: setup.outputURL, reads: options.useCache))
            }
        }
        var content = try stages.run(ContentStage(setup: setup, options: options))
        let data = try stages.run(DataStage(setup: setup, content: content))
        // The Markdown stage frees each page's body once the page is rendered and spooled, unless the page memory
        // keeps the pages' results in this process (`lathund serve`: it renders remembered pages again).
        let bodies = options.write && options.pageMemory.map({ $0.store != nil }) ?? true
            ? PageBodies(taking: &content.pages) : nil
        let markdown = try stages.run(MarkdownStage(setup: setup, options: options, content: content, data: data,
                                                    bodies: bodies))
        // The Markdown stage's pages are the content's, without the bodies it no longer needs: the catalog must not
        // keep those alive for the rest of the build (100 000 pages: 619 MiB).
        content.pages = markdown.pages.map(\.page)
        let checks = try stages.run(ChecksStage(setup: setup, content: content, data: data, markdown: markdown))
        let indexes = try stages.run(IndexesStage(setup: setup, content: content, data: data, markdown: markdown,
                                                  memory: options.pageMemory))
        let plan = try stages.run(RenderPlanStage(options: options, setup: setup, content: content, data: data,
                                                  markdown: markdown, checks: checks, indexes: indexes))

        // Everything is known but the output: warnings are errors under --strict, and any error means no site.
        let diagnostics = stages.diagnostics.map { options.strict ? $0.promoted : $0 }.sortedForOutput()
        let succeeded = diagnostics.errorCount == 0
        let changes = indexes.changeLog
        let summaries = zip(indexes.index.pages, changes.changed).map {
            BuildResult.PageSummary(url: $0.url, file: $0.page.displayPath, title: $0.title, words: $0.wordCount,
                                    readability: checks.readability[$0.page.relativePath],
                                    review: $0.page.frontMatter.reviewed, changed: $1)
        }
        let pageCount = indexes.index.pages.count + indexes.index.generated.count
        let record = cache.map { cache, fingerprint in
            (cache, IncrementalCache.Record(version: IncrementalCache.version, fingerprint: fingerprint,
                                             outputIdentity: "", pageCount: pageCount, assetCount: plan.assetCount,
                                             diagnostics: diagnostics, pages: summaries,
                                             overdueReviews: checks.overdue, oldSources: checks.oldSources,
                                             latestChanges: changes.latest))
        }
        let output = try stages.runStaged(OutputStage(options: options, setup: setup, files: plan.files,
                                                      write: succeeded && options.write, cache: record))
        let failures = output.diagnostics

        var result = BuildResult(diagnostics: diagnostics + failures, pageCount: pageCount, assetCount: plan.assetCount,
                                 outputPath: setup.outputDisplay, timings: stages.timings, pages: summaries,
                                 overdueReviews: checks.overdue, oldSources: checks.oldSources,
                                 latestChanges: changes.latest, succeeded: succeeded && failures.isEmpty)
        result.reusedPages = output.value.reusedPages
        result.redone = options.pageMemory?.lastCounts
        result.notes = options.pageMemory?.notes ?? []
        if result.succeeded, let memory = options.pageMemory, let parts, let record = record?.1 {
            DirectRebuild.keep(in: memory, options: options, parts: parts, content: content, data: data, markdown: markdown,
                               checks: checks, indexes: indexes, plan: plan, record: record)
        }
        if options.endsProcess { _ = Unmanaged.passRetained(Leftovers([options, setup, content, data, markdown, checks, indexes, plan])) }
        return result
    }

    /// What a build made, kept until the process ends (`BuildOptions.endsProcess`): never released.
    private final class Leftovers {
        let values: [Any]
        init(_ values: [Any]) { self.values = values }
    }

    /// The result of a build answered from the cache: the last build's report.
    private func result(_ record: IncrementalCache.Record, timings: [(stage: String, seconds: Double)]) -> BuildResult {
        BuildResult(diagnostics: record.diagnostics, pageCount: record.pageCount, assetCount: record.assetCount,
                    outputPath: options.display(options.outputDirectory), timings: timings, pages: record.pages,
                    overdueReviews: record.overdueReviews, oldSources: record.oldSources,
                    latestChanges: record.latestChanges, succeeded: true)
    }
}
