import Foundation

/// The Indexes stage, the join of the per-page stages: the site's structure (`SiteIndex`), the link check with
/// its backlinks, the aliases, the search index, and each page's change date with the latest changes.
struct IndexesStage: Stage {
    static let name = "indexes"
    let setup: BuildSetup
    let content: ContentCatalog
    let data: DataStage.Output
    let markdown: MarkdownStage.Output
    /// The page memory of a process that builds again (`lathund serve`): the last build's site structure, link
    /// check results, search postings and shards.
    var memory: IncrementalPageMemory? = nil

    struct Output {
        let index: SiteIndex
        let aliases: [Alias]
        let search: SearchIndex
        /// The search documents of the generated pages, after the pages' documents (`GeneratedDocuments`).
        let generatedDocuments: [SearchIndex.Document]
        let changeLog: ChangeLog
    }

    func run() -> Staged<Output> {
        var analyses = markdown.analyses.take()
        // A build that redid few pages keeps most term shards from the last build (`SearchIndex.termFiles`); one
        // that redid many makes them at once, so that it holds no postings until they are written.
        let lazyShards = memory?.store?.reads == true
            && (memory?.lastCounts.analysed ?? .max) <= max(64, (markdown.pages.count + data.generated.count) / 8)
        let synonyms = Synonym.all(glossary: data.glossary, entries: data.synonyms)
        // Such a build makes its search index on another thread while this one makes the site index and checks the
        // links (both serial): from every page and generated page, which are the index's unless one claims a taken
        // output path (a duplicate-url error), and then the index is made again from the index's pages.
        let early = lazyShards ? Self.searchAside(markdown.pages.map { analyses[$0.page.relativePath]! }, generated: data.generated,
                                                  synonyms: synonyms, setup: setup, markdown: markdown, memory: memory) : nil
        let built = SiteIndex.build(pages: markdown.pages, generated: data.generated, assets: content.assets,
                                    memory: memory?.indexes)
        var index = built.value
        var diagnostics = built.diagnostics
        let linkCheck = LinkCheck(index: index, assets: content.assets, memory: memory?.indexes).run()
        index.backlinks = linkCheck.value
        diagnostics += linkCheck.diagnostics
        let aliases = Alias.collect(from: index)
        diagnostics += aliases.diagnostics
        let search: SearchIndex
        let generatedDocuments: [SearchIndex.Document]
        if let (made, documents) = early?(), index.pages.count == markdown.pages.count,
           index.generated.count == data.generated.count {
            (search, generatedDocuments) = (made, documents)
        } else {
            // Documents 0..<index.pages.count are the pages, in order; then the generated pages' (GeneratedDocuments).
            generatedDocuments = GeneratedDocuments.make(index.generated, links: markdown.markdown.links)
            var documents = index.pages.map { analyses.removeValue(forKey: $0.page.relativePath)! }
            analyses = [:]
            documents += generatedDocuments.map(SearchIndex.analyse)
            search = SearchIndex(analyses: consume documents, synonyms: synonyms, jobs: setup.jobs,
                                 memory: memory?.search, lazyShards: lazyShards)
        }
        diagnostics += Synonym.check(data.synonyms, vocabulary: search.vocabulary)
        return Staged(Output(index: index, aliases: aliases.value, search: search,
                             generatedDocuments: generatedDocuments,
                             changeLog: ChangeLog(index: index, history: setup.history)), diagnostics)
    }

    /// Starts the search index of `pages` (their analyses, in order) and `generated` on another thread; the
    /// returned function waits for it.
    private static func searchAside(_ pages: [SearchIndex.Analysis], generated: [GeneratedPage], synonyms: [Synonym],
                                    setup: BuildSetup, markdown: MarkdownStage.Output,
                                    memory: IncrementalPageMemory?) -> () -> (SearchIndex, [SearchIndex.Document]) {
        let result = Locked<(SearchIndex, [SearchIndex.Document])?>(nil)
        let group = DispatchGroup()
        let links = markdown.markdown.links
        let (jobs, search) = (setup.jobs, memory?.search)
        DispatchQueue.global().async(group: group) {
            let generatedDocuments = GeneratedDocuments.make(generated, links: links)
            let index = SearchIndex(analyses: pages + generatedDocuments.map(SearchIndex.analyse), synonyms: synonyms,
                                    jobs: jobs, memory: search, lazyShards: true)
            result.withLock { $0 = (index, generatedDocuments) }
        }
        return {
            group.wait()
            return result.withLock { $0! }
        }
    }
}
