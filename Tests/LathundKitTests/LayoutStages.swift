import Foundation
import Testing
@testable import LathundKit

/// A project's layouts and the layout contexts of its pages, made by the real stages up to the render plan, with
/// nothing written: what a test or benchmark of the layout step alone starts from.
struct LayoutStages {
    let setup: BuildSetup
    let markdown: MarkdownStage.Output
    let index: SiteIndex
    let layouts: Layouts
    var contexts: LayoutContexts

    init(root: URL) throws {
        var options = BuildOptions(projectRoot: root)
        options.write = false
        options.useCache = false
        options.cacheDirectory = nil
        var stages = StageRunner()
        setup = try stages.run(ConfigStage(options: options))
        let content = try stages.run(ContentStage(setup: setup, options: options))
        let data = try stages.run(DataStage(setup: setup, content: content))
        markdown = try stages.run(MarkdownStage(setup: setup, options: options, content: content, data: data))
        let checks = try stages.run(ChecksStage(setup: setup, content: content, data: data, markdown: markdown))
        let indexes = try stages.run(IndexesStage(setup: setup, content: content, data: data, markdown: markdown))
        let assets = FingerprintedAssets.load(FileTree.visibleFiles(under: setup.layoutsURL.appendingPathComponent("assets")),
                                              displayRoot: setup.layoutsDisplay + "/assets").value
        layouts = try #require(Layouts.load(directory: setup.layoutsURL, displayRoot: setup.layoutsDisplay,
                                            assets: Set(assets.outputNames.keys)).value)
        index = indexes.index
        contexts = LayoutContexts(index: index, faq: markdown.markdown.faq, config: setup.config,
                                  links: markdown.markdown.links, assets: assets,
                                  abbreviations: AbbreviationMarker(glossary: data.glossary),
                                  sourceAges: checks.sourceAges, changeLog: indexes.changeLog)
    }
}
