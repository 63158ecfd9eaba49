/// The Indexes stage, the join of the per-page stages: the site's structure (`SiteIndex`), the link check with
/// its backlinks, the aliases, and the search index.
struct IndexesStage: Stage {
    static let name = "indexes"
    let setup: BuildSetup
    let content: ContentCatalog
    let data: DataStage.Output
    let markdown: MarkdownStage.Output

    struct Output {
        let index: SiteIndex
        let aliases: [Alias]
        let search: SearchIndex
        /// The glossary as one search document, after the pages' documents; nil without a glossary page.
        let glossaryDocument: SearchIndex.Document?
    }

    func run() -> Staged<Output> {
        var index = SiteIndex(pages: markdown.pages, generated: data.generated, assets: content.assets)
        var diagnostics = index.diagnostics
        let linkCheck = LinkCheck(index: index, assets: content.assets).run()
        index.backlinks = linkCheck.value
        diagnostics += linkCheck.diagnostics
        let aliases = Alias.collect(from: index)
        diagnostics += aliases.diagnostics
        // Documents 0..<index.pages.count are the pages, in order; the glossary, when there is one, is last.
        let glossaryDocument = Self.glossaryDocument(index, glossary: data.glossary, links: markdown.markdown.links)
        var analyses = markdown.analyses.take()
        var documents = index.pages.map { analyses.removeValue(forKey: $0.page.relativePath)! }
        analyses = [:]
        if let glossaryDocument { documents.append(SearchIndex.analyse(glossaryDocument)) }
        let search = SearchIndex(analyses: consume documents, synonyms: data.glossary, jobs: setup.jobs)
        return Staged(Output(index: index, aliases: aliases.value, search: search, glossaryDocument: glossaryDocument),
                      diagnostics)
    }

    static func glossaryDocument(_ index: SiteIndex, glossary: [GlossaryTerm], links: SiteLinks) -> SearchIndex.Document? {
        guard let page = index.generated.first(where: { if case .glossary = $0.content { return true } else { return false } })
        else { return nil }
        let text = glossary.map { "\($0.term) \($0.expansion ?? "") \($0.definition)" }.joined(separator: "\n")
        return SearchIndex.Document(url: links.href(page.url), title: page.title, section: "ordlista",
                                    description: page.description, headings: [], question: nil, body: text)
    }
}
