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
        /// The search index, handed on while it may still be being made on another thread (`searchAside`):
        /// `search.value` waits for it, and the Render plan stage asks for it last, so that it plans the pages
        /// meanwhile.
        let search: Pending<Search>
        let changeLog: ChangeLog
    }

    struct Search: Sendable {
        let index: SearchIndex
        /// The search documents of the generated pages, after the pages' documents (`GeneratedDocuments`).
        let generatedDocuments: [SearchIndex.Document]
        /// The synonyms' target words checked against the pages' words (`Synonym.check`), reported by the stage
        /// that takes the index.
        let diagnostics: [Diagnostic]
    }

    func run() -> Staged<Output> {
        var analyses = markdown.analyses.take()
        // A build that redid few pages keeps most term shards from the last build (`SearchIndex.termFiles`); one
        // that redid many makes them at once, so that it holds no postings until they are written.
        let lazyShards = memory?.store?.reads == true
            && (memory?.lastCounts.analysed ?? .max) <= max(64, (markdown.pages.count + data.generated.count) / 8)
        let synonyms = Synonym.all(glossary: data.glossary, entries: data.synonyms)
        // Unless the last build's index is kept in this process (`lathund serve`: `IndexMemory`, `SearchMemory`),
        // the index's pages (every page and generated page, but one that claims a taken output path) are decided
        // first, and the search index is made from their analyses on another thread while this one makes the site
        // index and checks the links (both serial). The analyses move to that thread: each is freed there as its
        // postings are made.
        let members = memory?.search == nil
            ? SiteIndex.members(pages: markdown.pages, generated: data.generated, assets: content.assets) : nil
        let aside = members.map { members in
            Self.searchAside(members.pages.map { analyses.removeValue(forKey: markdown.pages[$0].page.relativePath)! },
                             generated: members.generated.map { data.generated[$0] }, synonyms: synonyms,
                             entries: data.synonyms, lazyShards: lazyShards, setup: setup, markdown: markdown)
        }
        if aside != nil { analyses = [:] }
        let built = SiteIndex.build(pages: markdown.pages, generated: data.generated, assets: content.assets,
                                    memory: memory?.indexes, members: members)
        var index = built.value
        var diagnostics = built.diagnostics
        let linkCheck = LinkCheck(index: index, assets: content.assets, memory: memory?.indexes).run()
        index.backlinks = linkCheck.value
        diagnostics += linkCheck.diagnostics
        let aliases = Alias.collect(from: index)
        diagnostics += aliases.diagnostics
        let search: Pending<Search>
        if let aside {
            search = aside
        } else {
            // Documents 0..<index.pages.count are the pages, in order; then the generated pages' (GeneratedDocuments).
            let generatedDocuments = GeneratedDocuments.make(index.generated, links: markdown.markdown.links)
            var documents = index.pages.map { analyses.removeValue(forKey: $0.page.relativePath)! }
            analyses = [:]
            documents += generatedDocuments.map(SearchIndex.analyse)
            let made = SearchIndex(analyses: consume documents, synonyms: synonyms, jobs: setup.jobs,
                                   memory: memory?.search, lazyShards: lazyShards)
            search = Pending(Search(index: made, generatedDocuments: generatedDocuments,
                                    diagnostics: Synonym.check(data.synonyms, vocabulary: made.vocabulary)))
        }
        return Staged(Output(index: index, aliases: aliases.value, search: search,
                             changeLog: ChangeLog(index: index, history: setup.history)), diagnostics)
    }

    /// Starts the search index of `pages` (the analyses of the index's pages, in its order) and `generated` (the
    /// index's generated pages) on another thread, with the synonyms' check (`entries`). The thread takes `pages`
    /// over, so that each analysis is freed as its postings are made.
    private static func searchAside(_ pages: consuming [SearchIndex.Analysis], generated: [GeneratedPage], synonyms: [Synonym],
                                    entries: [SynonymEntry], lazyShards: Bool, setup: BuildSetup,
                                    markdown: MarkdownStage.Output) -> Pending<Search> {
        let handed = Locked<[SearchIndex.Analysis]?>(consume pages)
        let links = markdown.markdown.links
        let jobs = setup.jobs
        return Pending(making: {
            let generatedDocuments = GeneratedDocuments.make(generated, links: links)
            var documents = handed.withLock { $0.take()! }
            documents += generatedDocuments.map(SearchIndex.analyse)
            let index = SearchIndex(analyses: consume documents, synonyms: synonyms, jobs: jobs, lazyShards: lazyShards)
            return Search(index: index, generatedDocuments: generatedDocuments,
                          diagnostics: Synonym.check(entries, vocabulary: index.vocabulary))
        })
    }
}
