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
        let built = SiteIndex.build(pages: markdown.pages, generated: data.generated, assets: content.assets,
                                    memory: memory?.indexes)
        var index = built.value
        var diagnostics = built.diagnostics
        let linkCheck = LinkCheck(index: index, assets: content.assets, memory: memory?.indexes).run()
        index.backlinks = linkCheck.value
        diagnostics += linkCheck.diagnostics
        let aliases = Alias.collect(from: index)
        diagnostics += aliases.diagnostics
        // Documents 0..<index.pages.count are the pages, in order; then the generated pages' (GeneratedDocuments).
        let generatedDocuments = GeneratedDocuments.make(index.generated, links: markdown.markdown.links)
        var analyses = markdown.analyses.take()
        var documents = index.pages.map { analyses.removeValue(forKey: $0.page.relativePath)! }
        analyses = [:]
        documents += generatedDocuments.map(SearchIndex.analyse)
        // A build that redid few pages keeps most term shards from the last build (`SearchIndex.termFiles`); one
        // that redid many makes them at once, so that it holds no postings until they are written.
        let lazyShards = memory?.store?.reads == true
            && (memory?.lastCounts.analysed ?? .max) <= max(64, documents.count / 8)
        let search = SearchIndex(analyses: consume documents,
                                 synonyms: Synonym.all(glossary: data.glossary, entries: data.synonyms), jobs: setup.jobs,
                                 memory: memory?.search, lazyShards: lazyShards)
        diagnostics += Synonym.check(data.synonyms, vocabulary: search.vocabulary)
        return Staged(Output(index: index, aliases: aliases.value, search: search,
                             generatedDocuments: generatedDocuments,
                             changeLog: ChangeLog(index: index, history: setup.history)), diagnostics)
    }
}
