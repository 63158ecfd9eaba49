/// The Data stage: the datasets of `content/data/` and the glossary, read before Markdown because directives
/// draw on them, and the pages the engine makes itself from them (`GeneratedPage.site`).
struct DataStage: Stage {
    static let name = "data"
    let setup: BuildSetup
    let content: ContentCatalog

    struct Output: Sendable {
        let datasets: DatasetCatalog
        /// Empty when the site has no glossary.
        let glossary: [GlossaryTerm]
        let generated: [GeneratedPage]
    }

    func run() -> Staged<Output> {
        let (datasets, datasetDiagnostics) = DatasetLoader.load(assets: content.assets)
        var diagnostics = datasetDiagnostics
        var glossary: [GlossaryTerm]?
        if let path = content.glossaryPath, let name = setup.config.glossary {
            let (terms, glossaryDiagnostics) = GlossaryLoader.load(path: path, displayPath: setup.contentDisplay + "/" + name,
                                                                   pages: Set(content.pages.map(\.relativePath)))
            diagnostics += glossaryDiagnostics
            glossary = terms
        }
        let generated = GeneratedPage.site(config: setup.config, datasets: datasets, glossary: glossary)
        return Staged(Output(datasets: datasets, glossary: glossary ?? [], generated: generated), diagnostics)
    }
}
