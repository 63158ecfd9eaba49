import Foundation

/// `lathund serve`'s direct path: when the one input that changed since the last build is a page's Markdown file
/// and its front matter is the same, the page is done again by itself instead of running every stage over every
/// page. It reads and parses that file, renders its Markdown, redoes the checks its Markdown decides, puts it into
/// the last build's site index (same structure: same titles, URLs, weights), applies its search delta, checks its
/// links, renders it again with the pages whose contexts show what changed of it (`LayoutContexts.reads`), writes
/// the files whose bytes changed into the preview folder in place, and patches the build's record. The last build's
/// values are kept for it (`Kept`, in the page memory) by every build that wrote the site.
///
/// Anything it cannot show to give a clean build's bytes falls back to the whole pipeline (`run` returns nil): more
/// than one input changed, or another kind of file; the front matter changed; the page's heading ids or the pages
/// its links point to changed (other pages' anchors and backlinks); its summary changed while it is a section, the
/// home page or in the menu (every page below it, or every page, shows it); the writing aid quotes it; the page
/// now has an error. `DirectRebuildTests` compare every file with a clean build after each kind of edit.
struct DirectRebuild: Stage {
    static let name = "direct"
    let options: BuildOptions
    let setup: BuildSetup
    let memory: IncrementalPageMemory
    let kept: Kept
    let cache: IncrementalCache
    let fingerprint: String
    let parts: IncrementalCache.Parts

    /// What a build that wrote the site keeps for the next one's direct path.
    final class Kept: Sendable {
        let parts: IncrementalCache.Parts
        let content: ContentCatalog
        let data: DataStage.Output
        /// The Markdown stage's pages (content order), and how it rendered them (without its spool).
        let markdownPages: [ParsedPage]
        let markdown: PageMarkdown
        let markdownInputs: UInt64
        let rendererSettings: [String]
        let checks: ChecksStage.Output
        let index: SiteIndex
        /// The search documents of the generated pages and the synonyms' check (the index itself is in `SearchMemory`).
        let generatedDocuments: [SearchIndex.Document]
        let searchDiagnostics: [Diagnostic]
        let changeLog: ChangeLog
        let plan: RenderPlanStage.PagesPlan
        /// The build's record (its diagnostics, sorted and promoted as reported, and its pages' summaries).
        let record: IncrementalCache.Record

        init(parts: IncrementalCache.Parts, content: ContentCatalog, data: DataStage.Output, markdownPages: [ParsedPage],
             markdown: PageMarkdown, markdownInputs: UInt64, rendererSettings: [String], checks: ChecksStage.Output,
             index: SiteIndex, search: IndexesStage.Search, changeLog: ChangeLog, plan: RenderPlanStage.PagesPlan,
             record: IncrementalCache.Record) {
            self.parts = parts
            self.content = content
            self.data = data
            self.markdownPages = markdownPages
            self.markdown = markdown
            self.markdownInputs = markdownInputs
            self.rendererSettings = rendererSettings
            self.checks = checks
            self.index = index
            generatedDocuments = search.generatedDocuments
            searchDiagnostics = search.diagnostics
            self.changeLog = changeLog
            self.plan = plan
            self.record = record
        }
    }

    /// Keeps what a build that wrote the site made, for the next build's direct path (a memory kept in this process).
    static func keep(in memory: IncrementalPageMemory, options: BuildOptions, parts: IncrementalCache.Parts,
                     content: ContentCatalog, data: DataStage.Output, markdown: MarkdownStage.Output,
                     checks: ChecksStage.Output, indexes: IndexesStage.Output, plan: RenderPlanStage.Output,
                     record: IncrementalCache.Record) {
        guard memory.store == nil, options.write, let pagesPlan = plan.pagesPlan else { return }
        var rendering = markdown.markdown
        rendering.spool = nil  // not kept between builds: pages are rendered from their bodies (`withBodies`)
        // The pages the writing aid quotes, with their bodies (the spool took them), for the pages that quote them.
        let quoted = data.writingAid.map { quotedURLs($0, links: rendering.links) } ?? []
        for position in rendering.pages.indices
        where rendering.pages[position].body.isEmpty && quoted.contains(rendering.pages[position].url) {
            if let page = memory.kept(rendering.pages[position].relativePath).analysed?.rendered.page {
                rendering.pages[position] = page
            }
        }
        memory.keep(direct: Kept(parts: parts, content: content, data: data, markdownPages: markdown.pages,
                                 markdown: rendering, markdownInputs: markdown.markdownInputs,
                                 rendererSettings: markdown.rendererSettings, checks: checks, index: indexes.index,
                                 search: indexes.search.value, changeLog: indexes.changeLog, plan: pagesPlan,
                                 record: record))
    }

    /// The page done again, with where it is in the last build's values.
    struct Edit {
        let relativePath: String
        let contentPosition: Int
        let position: Int
        let old: ParsedPage
        let oldLoaded: IncrementalPageMemory.Loaded
        let oldAnalysed: IncrementalPageMemory.Analysed
        let loaded: IncrementalPageMemory.Loaded
        let analysed: IncrementalPageMemory.Analysed
        let html: String
        let plainText: String
        var page: ParsedPage { analysed.rendered }
    }

    func run() throws -> Staged<BuildResult?> {
        guard options.writeInPlace, options.useCache else { return Staged(nil) }
        let identity = StagedOutput.identity(of: setup.outputURL.path)
        guard let previous = memory.outputs(identity: identity), let edit = edit(),
              let links = memory.indexes?.links(), links.found.count == kept.index.pages.count,
              let analyses = memory.search?.lastAnalyses, analyses.count > edit.position else { return Staged(nil) }
        let config = setup.config
        var index = kept.index
        index.replacePage(edit.position, with: edit.page)
        let found = LinkCheck(index: index, assets: kept.content.assets)
            .check(edit.position, generatedURLs: Set(kept.index.generated.map(\.url)),
                   assetURLs: Set(kept.content.assets.map(\.url)))
        // Other pages' anchors into it and its backlinks are the last build's only with the same ids and targets.
        guard edit.old.headings.map(\.id) == edit.page.headings.map(\.id),
              found.targets == links.found[edit.position].targets else { return Staged(nil) }
        let linkChanged = !Self.sameLink(edit.old, edit.page)
        if linkChanged {
            // Pages below it show it in their breadcrumbs (a section, or a page beside a folder of the same name).
            let page = edit.page.page
            guard page.kind == .page, index.children[edit.position] == nil,
                  !config.menu.contains(where: { $0.url == page.url }) else { return Staged(nil) }
        }
        let search = searchIndex(analyses, edit: edit)
        var diagnostics = kept.record.diagnostics
        let removed = pageDiagnostics(edit.old, loaded: edit.oldLoaded, analysed: edit.oldAnalysed,
                                      found: links.found[edit.position]) + kept.searchDiagnostics
        let added = pageDiagnostics(edit.page, loaded: edit.loaded, analysed: edit.analysed, found: found)
            + search.diagnostics
        for diagnostic in removed.map({ options.strict ? $0.promoted : $0 }) {
            guard let at = diagnostics.firstIndex(of: diagnostic) else { return Staged(nil) }
            diagnostics.remove(at: at)
        }
        diagnostics += added.map { options.strict ? $0.promoted : $0 }
        diagnostics = diagnostics.sortedForOutput()
        guard diagnostics.errorCount == 0 else { return Staged(nil) }
        let readers = readers(of: edit, index: index, targets: found.targets, linkChanged: linkChanged)
        // The bundles that hold the readers' search documents are written again, each with all its pages (rendered
        // when the bundle in the folder is not the recorded one).
        let ranges = DocumentBundle.ranges(pages: index.pages.count, generated: kept.generatedDocuments.count)
        let bundles = Set(readers.map { $0 / SearchIndex.documentsPerBundle }).sorted().map { ranges[$0] }
        let contexts = kept.plan.contexts.replacing(edit.position, in: withBodies(index, bundles.flatMap { Array($0.pages) }))
        let files = files(bundles, edit: edit, contexts: contexts, search: search, linkChanged: linkChanged)
        let output = OutputStage(options: options, setup: setup, files: files, write: true, cache: nil)
        guard let folder = try? InPlaceOutput(output: setup.outputURL) else { return Staged(nil) }
        cache.forgetSpare()
        // Untrusted until every file is written, as in the Output stage.
        try? FileManager.default.removeItem(at: cache.recordURL)
        memory.keep(outputs: nil)
        guard let written = try? output.writeAll(previous: previous, to: folder) else { return Staged(nil) }
        // The search index's files it no longer makes (a shard or a word length no page has now).
        let made = Set(search.index.files.map(\.path) + search.index.termFiles.map(\.path))
        let gone = previous.hashes.keys.filter { $0.hasPrefix("search/") && !$0.hasPrefix("search/doc/") && !made.contains($0) }
        folder.remove(gone)
        var outputs = previous
        for path in gone { outputs.hashes[path] = nil; outputs.renderKeys[path] = nil }
        for (path, hash) in written.hashes { outputs.hashes[path] = hash }
        for (path, key) in written.renderKeys { outputs.renderKeys[path] = key }
        return Staged(finish(edit, index: index, contexts: contexts, found: found, links: links, search: search,
                             diagnostics: diagnostics, files: files, written: written, outputs: outputs, folder: folder))
    }

    /// The one changed page, read and rendered again, when it is a page of the last build whose front matter is the
    /// same; nil otherwise.
    private func edit() -> Edit? {
        guard let input = parts.onlyChange(since: kept.parts), let absolute = input.path, input.name.hasPrefix("content/")
        else { return nil }
        let relativePath = String(input.name.dropFirst("content/".count))
        let config = setup.config
        guard relativePath.hasSuffix(".md"), relativePath != config.glossary, relativePath != config.writingAid,
              relativePath != config.synonyms,
              let contentPosition = kept.content.pages.firstIndex(where: { $0.relativePath == relativePath }),
              let position = kept.index.indexByURL[kept.content.pages[contentPosition].url],
              kept.index.pages[position].page.relativePath == relativePath,
              case let (oldLoaded?, oldAnalysed?) = memory.kept(relativePath) else { return nil }
        let stage = ContentStage(setup: setup, options: options)
        guard let loaded = stage.load((relativePath, absolute), scan: ContentScan(allowed: config.personnummerAllow)).0,
              let page = loaded.page, let oldPage = oldLoaded.page, Self.sameFrontMatter(oldPage, page),
              !quotedByWritingAid(page) else { return nil }
        let key = IncrementalPageMemory.markdownKey(page: page, markdownInputs: kept.markdownInputs,
                                                    settings: kept.rendererSettings)
        let rendered = kept.markdown.render(page)
        let parsed = ParsedPage(page: page, markdown: rendered.value)
        let analysis = SearchIndex.analyse(parsed.searchDocument(plainText: rendered.plainText, url: page.url))
        let analysed = IncrementalPageMemory.Analysed(key: key, rendered: parsed, analysis: analysis,
                                                      diagnostics: rendered.diagnostics)
        return Edit(relativePath: relativePath, contentPosition: contentPosition, position: position,
                    old: kept.index.pages[position], oldLoaded: oldLoaded, oldAnalysed: oldAnalysed, loaded: loaded,
                    analysed: analysed, html: rendered.html, plainText: rendered.plainText)
    }

    /// Everything of the page but its body and its file's hash is the same: what its front matter decides.
    static func sameFrontMatter(_ a: Page, _ b: Page) -> Bool {
        a.relativePath == b.relativePath && a.displayPath == b.displayPath && a.kind == b.kind && a.section == b.section
            && a.url == b.url && a.bodyLineOffset == b.bodyLineOffset
            && String(reflecting: a.frontMatter) == String(reflecting: b.frontMatter)
    }

    /// The link other pages show of a page (`PageLinkContext`): its summary is the only part its Markdown decides.
    static func sameLink(_ a: ParsedPage, _ b: ParsedPage) -> Bool { a.summary == b.summary }

    /// Whether the writing aid's directive quotes the page: pages that show the aid read its body.
    private func quotedByWritingAid(_ page: Page) -> Bool {
        kept.data.writingAid.map { Self.quotedURLs($0, links: kept.markdown.links).contains(page.url) } ?? false
    }

    /// The URLs of the pages the writing aid quotes (`PageBodies.directivePages`).
    static func quotedURLs(_ aid: WritingAid, links: SiteLinks) -> Set<String> {
        var urls = Set<String>()
        for path in aid.examples.map(\.from) + aid.rules.map(\.link) {
            if case .page(let url, _) = links.resolve(path.value, from: aid.relativePath).target { urls.insert(url) }
        }
        return urls
    }

    /// Every diagnostic the page's bytes and Markdown decide: the Content stage's (reading, front matter) and its
    /// scan, the Markdown stage's, the checks of its Markdown and its links'.
    private func pageDiagnostics(_ page: ParsedPage, loaded: IncrementalPageMemory.Loaded,
                                 analysed: IncrementalPageMemory.Analysed, found: LinkCheck.Found) -> [Diagnostic] {
        loaded.diagnostics + loaded.scan + analysed.diagnostics
            + (ChecksStage.lixWarning(page, config: setup.config).map { [$0] } ?? []) + ChecksStage.externalImages(page)
            + found.diagnostics
    }

    /// The search index with the page's new analysis (the last build's postings, `SearchMemory`).
    private func searchIndex(_ analyses: [SearchIndex.Analysis], edit: Edit) -> IndexesStage.Search {
        var documents = analyses
        documents[edit.position] = edit.analysed.analysis
        let made = SearchIndex(analyses: documents, synonyms: Synonym.all(glossary: kept.data.glossary, entries: kept.data.synonyms),
                               jobs: setup.jobs, memory: memory.search)
        return IndexesStage.Search(index: made, generatedDocuments: kept.generatedDocuments,
                                   diagnostics: Synonym.check(kept.data.synonyms, vocabulary: made.vocabulary))
    }

    /// The pages whose contexts show what changed of the page (`LayoutContexts.reads`), with the page: when its
    /// link changed (its summary), the pages that list it (previous/next, its parent's children, the pages it links
    /// to as backlinks, FAQ entries that name it `related:`); when its FAQ answer changed, the pages whose structured
    /// data holds it. Each candidate's reads are checked.
    private func readers(of edit: Edit, index: SiteIndex, targets: Set<Int>, linkChanged: Bool) -> [Int] {
        let position = edit.position
        let answerChanged = edit.old.answer != edit.page.answer
        guard linkChanged || answerChanged else { return [position] }
        var candidates = Set<Int>()
        if linkChanged {
            candidates.formUnion([index.previous[position], index.next[position], index.parent[position]].compactMap { $0 })
            candidates.formUnion(targets)
        }
        for (other, page) in index.pages.enumerated()
        where (linkChanged && page.page.frontMatter.faq?.related.isEmpty == false)
            || (answerChanged && page.page.section == FrontMatter.faqSection) {
            candidates.insert(other)
        }
        let contexts = kept.plan.contexts
        let readers = candidates.filter { other in
            let reads = contexts.reads(other)
            let lists = reads.breadcrumbs + [reads.previous, reads.next].compactMap { $0 } + reads.backlinks + reads.children
                + reads.related
            return (linkChanged && lists.contains(position)) || (answerChanged && reads.faqEntries.contains { $0.answer == position })
        }
        return ([position] + readers.subtracting([position])).sorted()
    }

    /// `index` with the pages at `positions` as the page memory keeps them, with their Markdown bodies: the last
    /// build's index may have given them to its spool (`MarkdownSpool.dropBodies`), and they are rendered again.
    private func withBodies(_ index: SiteIndex, _ positions: [Int]) -> SiteIndex {
        var index = index
        for position in positions where index.pages[position].page.body.isEmpty {
            guard let kept = memory.kept(index.pages[position].page.relativePath).analysed?.rendered else { continue }
            index.replacePage(position, with: kept)
        }
        return index
    }

    /// The files that may have changed: the `bundles` of search documents (`DocumentBundle.ranges`), with their
    /// pages, the feed when the page's summary changed, and the search index's files. Every other file is the last
    /// build's.
    private func files(_ bundles: [(bundle: Int, pages: Range<Int>, generated: Range<Int>)], edit: Edit,
                       contexts: LayoutContexts, search: IndexesStage.Search, linkChanged: Bool) -> [OutputFile] {
        let plan = kept.plan
        let links = kept.markdown.links
        // The page's HTML and text as just rendered; the other pages' are rendered again from their bodies.
        var markdown = kept.markdown
        markdown.spool = MarkdownSpool(folder: setup.outputURL.deletingLastPathComponent().path)
        markdown.spool?.put(edit.relativePath, html: edit.html, text: edit.plainText)
        let shared = RenderPlanStage.PageRendering(index: contexts.index, markdown: markdown, links: links,
                                                   layouts: plan.pageLayouts, contexts: contexts, siteKey: plan.siteKey)
        // Each bundle with all its pages: those whose key is unchanged are linked, their documents' lines kept from
        // the bundle in the folder (or rendered again when it is not the recorded one).
        var files: [OutputFile] = []
        for range in bundles {
            let pages = range.pages.compactMap { position -> DocumentBundle.Page? in
                let page = contexts.index.pages[position].page
                return LayoutChoice.layout(for: page, in: plan.layouts, displayRoot: setup.layoutsDisplay).value
                    .map { shared.bundlePage(position, layout: $0) }
            }
            guard pages.count == range.pages.count else { continue }
            files.append(OutputFile(DocumentBundle(path: SearchIndex.bundlePath(range.bundle), pages: pages,
                                                   generated: Array(kept.generatedDocuments[range.generated]))))
        }
        if linkChanged {
            files.append(RenderPlanStage.feedFile(index: contexts.index, changed: kept.changeLog.changed, config: setup.config,
                                                  links: links, layouts: plan.layouts, site: contexts.site,
                                                  siteKey: plan.siteKey))
        }
        // Of an index patched by stem, only the files it changed.
        for (path, text) in search.index.files where search.index.changed?.contains(path) ?? true {
            files.append(OutputFile(path) { text })
        }
        for file in search.index.termFiles { files.append(OutputFile(file.path, key: { file.key }, file.make)) }
        return files
    }

    /// After the files are written (`outputs`: what the folder now holds): the page memory takes the page's results, the
    /// record is saved after the build is reported (as the Output stage does), and the next build's `Kept`.
    private func finish(_ edit: Edit, index: SiteIndex, contexts: LayoutContexts, found: LinkCheck.Found,
                        links: LinkCheck.Kept, search: IndexesStage.Search, diagnostics: [Diagnostic],
                        files: [OutputFile], written: OutputStage.Written, outputs: IncrementalCache.Outputs,
                        folder: InPlaceOutput) -> BuildResult {
        memory.replace(edit.relativePath, loaded: edit.loaded, analysed: edit.analysed)
        var links = links
        links.found[edit.position] = found
        links.headings[edit.position] = edit.page.headings
        memory.indexes?.keep(links: links)
        var checks = kept.checks
        checks.readability[edit.relativePath] = edit.page.readability
        var record = kept.record
        record.fingerprint = fingerprint
        record.diagnostics = diagnostics
        let page = edit.page.page
        record.pages[edit.position] = BuildResult.PageSummary(
            url: page.url, file: page.displayPath, title: edit.page.title, words: edit.page.wordCount,
            readability: edit.page.readability, review: page.frontMatter.reviewed, changed: kept.changeLog.changed[edit.position])
        save(record, outputs: outputs, folder: folder)
        var content = kept.content
        content.pages[edit.contentPosition] = page
        content.scans[edit.relativePath] = edit.loaded.scan
        var markdownPages = kept.markdownPages
        markdownPages[edit.contentPosition] = edit.page
        var markdown = kept.markdown
        markdown.pages[edit.contentPosition] = page
        memory.keep(direct: Kept(parts: parts, content: content, data: kept.data, markdownPages: markdownPages,
                                 markdown: markdown, markdownInputs: kept.markdownInputs,
                                 rendererSettings: kept.rendererSettings, checks: checks, index: index, search: search,
                                 changeLog: kept.changeLog,
                                 plan: RenderPlanStage.PagesPlan(layouts: kept.plan.layouts, pageLayouts: kept.plan.pageLayouts,
                                                                 contexts: contexts, siteKey: kept.plan.siteKey),
                                 record: record))
        var result = BuildResult(diagnostics: diagnostics, pageCount: record.pageCount, assetCount: record.assetCount,
                                 outputPath: setup.outputDisplay, timings: [], pages: record.pages,
                                 overdueReviews: record.overdueReviews, oldSources: record.oldSources,
                                 latestChanges: record.latestChanges, succeeded: true)
        result.reusedPages = index.pages.count - files.reduce(0) { $0 + $1.pages } + written.reused
        result.redone = memory.lastCounts
        return result
    }

    /// Saves the record and what the folder holds after the build is reported, still under the folder's lock
    /// (`OutputStage.save`).
    private func save(_ record: IncrementalCache.Record, outputs: IncrementalCache.Outputs, folder: InPlaceOutput) {
        let (cache, memory, output, jobs) = (cache, memory, setup.outputURL, setup.jobs)
        memory.afterward {
            withExtendedLifetime(folder) {
                guard let identity = StagedOutput.identity(of: output.path) else { return }
                var record = record
                record.outputIdentity = identity
                // In the dictionaries' order, as the Output stage's in the order it made the files: only a
                // dictionary reads them back (`IncrementalCache.lines`).
                cache.save(record: record, outputs: outputs.hashes.map { ($0.key, $0.value) },
                           renderKeys: outputs.renderKeys.map { ($0.key, $0.value) }, jobs: jobs)
                memory.keep(outputs: (identity, outputs))
            }
        }
    }
}
