/// The Data stage: the datasets of `content/data/`, the glossary, the writing aid's rules and the synonyms file,
/// read before Markdown because directives draw on them, and the pages the engine makes itself from them
/// (`GeneratedPage.site`).
struct DataStage: Stage {
    static let name = "data"
    let setup: BuildSetup
    let content: ContentCatalog

    struct Output: Sendable {
        let datasets: DatasetCatalog
        /// Empty when the site has no glossary.
        let glossary: [GlossaryTerm]
        let generated: [GeneratedPage]
        /// The writing aid's rules (`writing_aid:`), for the granskning directive; nil when the site has none.
        let writingAid: WritingAid?
        /// The entries of the synonyms file; empty without one.
        let synonyms: [SynonymEntry]
    }

    func run() -> Staged<Output> {
        let datasets = DatasetLoader.load(assets: content.assets, inputs: setup.inputs)
        var diagnostics = datasets.diagnostics
        var glossary: [GlossaryTerm]?
        if let path = content.glossaryPath, let name = setup.config.glossary {
            let terms = GlossaryLoader.load(path: path, displayPath: setup.contentDisplay + "/" + name,
                                            pages: Set(content.pages.map(\.relativePath)), inputs: setup.inputs)
            diagnostics += terms.diagnostics
            glossary = terms.value
        }
        var writingAid: WritingAid?
        if let path = content.writingAidPath, let name = setup.config.writingAid {
            let aid = WritingAidLoader.load(path: path, relativePath: name, displayPath: setup.contentDisplay + "/" + name,
                                            inputs: setup.inputs)
            diagnostics += aid.diagnostics
            writingAid = aid.value
        }
        var synonyms: [SynonymEntry] = []
        if let path = content.synonymsPath, let name = setup.config.synonyms {
            let entries = SynonymsLoader.load(path: path, displayPath: setup.contentDisplay + "/" + name,
                                               inputs: setup.inputs)
            diagnostics += entries.diagnostics
            synonyms = entries.value
        }
        let generated = GeneratedPage.site(config: setup.config, datasets: datasets.value, glossary: glossary)
        return Staged(Output(datasets: datasets.value, glossary: glossary ?? [], generated: generated,
                             writingAid: writingAid, synonyms: synonyms), diagnostics)
    }
}
