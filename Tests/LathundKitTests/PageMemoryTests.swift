import Foundation
import Testing
@testable import LathundKit

/// Builds that take unchanged pages from a `IncrementalPageMemory` (as `lathund serve` does) must write exactly what a
/// clean build writes, and must redo only the pages whose inputs changed. Each test builds a copy of this
/// project's own site with one memory, changes one input, builds again with the same memory and compares the
/// site, file by file, and the diagnostics with a clean build of the changed input made without a memory.
@Suite struct PageMemoryTests {
    /// Builds with `memory` after `change`, expects the diagnostics and (when it succeeds) the output of a clean
    /// build without memory, and returns what the memory says the build redid.
    @discardableResult
    func build(_ site: TestSite, _ memory: IncrementalPageMemory, after change: () throws -> Void) throws -> IncrementalPageMemory.Counts {
        let before = (site: site.snapshot("site"), clean: site.snapshot("clean-site"))
        try change()
        let remembered = try site.build { $0.pageMemory = memory }
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(remembered.succeeded == clean.succeeded)
        #expect(remembered.diagnostics.map(\.description) == clean.diagnostics.map(\.description))
        #expect(remembered.pages.map(\.url) == clean.pages.map(\.url))
        #expect(remembered.pages.map(\.words) == clean.pages.map(\.words))
        if clean.succeeded {
            IncrementalBuildTests.expectSiteEqualsCleanSite(site)
        } else {
            // A failed build writes nothing: both output folders are as they were before the change.
            #expect(!remembered.succeeded)
            #expect(TestSite.differences(site.snapshot("site"), before.site).isEmpty, "site/ changed after a failed build")
            #expect(TestSite.differences(site.snapshot("clean-site"), before.clean).isEmpty, "clean-site/ changed after a failed build")
        }
        return memory.lastCounts
    }

    /// Builds a copy of this project's site once with a new memory, which does every Markdown file, then calls
    /// `body` with the site, the memory and the number of pages built (drafts and excluded files left out).
    func withFirstBuild(_ body: (TestSite, IncrementalPageMemory, Int) throws -> Void) throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        let memory = IncrementalPageMemory()
        let first = try site.build { $0.pageMemory = memory }
        #expect(first.succeeded, "\(first.diagnostics.prefix(3))")
        let files = try FileManager.default.subpathsOfDirectory(atPath: site.root.appendingPathComponent("content").path)
            .filter { $0.hasSuffix(".md") && !$0.hasSuffix("README.md") }.count
        let pages = memory.lastCounts.analysed
        #expect(memory.lastCounts.loaded == files)
        #expect(pages > 50 && pages <= files)
        try body(site, memory, pages)
    }

    /// With each file's stamp (`FileStamps`), a serve build reads and hashes only the files whose stamp changed;
    /// an edit that keeps the file's size is found all the same.
    @Test func aServeBuildReadsOnlyTheFilesWhoseStampChanged() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        let memory = IncrementalPageMemory(settle: 0)
        let stamps = try #require(memory.stamps)
        #expect(try site.build { $0.pageMemory = memory }.succeeded)
        let files = try FileManager.default.subpathsOfDirectory(atPath: site.root.appendingPathComponent("content").path)
            .filter { $0.hasSuffix(".md") && !$0.hasSuffix("README.md") }.count
        let before = stamps.taken
        let counts = try build(site, memory) {
            try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") {
                $0.replacingOccurrences(of: "sjukpenning", with: "SJUKPENNING")
            }
        }
        #expect(counts == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        #expect(stamps.taken - before >= files - 1, "every other page's hash from its stamp")
    }

    @Test func onlyAnEditedPageIsDoneAgain() throws { try withFirstBuild { site, memory, _ in
        // Its text: shown in its section's list (summary) and in its neighbours' previous/next links.
        let text = try build(site, memory) {
            try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening om sjukpenning.\n" }
        }
        #expect(text == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        // Its title: in other pages' lists, backlinks and breadcrumbs, which are rendered again (`IncrementalRenderKey`), but
        // no other page's Markdown reads it.
        let title = try build(site, memory) {
            try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") {
                $0.replacingOccurrences(of: "\ntitle:", with: "\ntitle: \"Ändrad titel\"\n#")
            }
        }
        #expect(title == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        // Nothing changed, but the build runs (no build cache): nothing is done again.
        let none = try site.build { $0.pageMemory = memory; $0.useCache = false }
        #expect(none.succeeded)
        #expect(memory.lastCounts == IncrementalPageMemory.Counts(loaded: 0, analysed: 0))
    } }

    @Test func aRememberedPageKeepsItsDiagnostics() throws { try withFirstBuild { site, memory, _ in
        let sgi = try #require(site.read("content/regelverk/sgi.md"))
        // An unknown dataset (an error of the Markdown stage) and a broken link (a warning of the Indexes stage,
        // from the links the Markdown stage found).
        try build(site, memory) {
            try site.write("content/regelverk/sgi.md", sgi + "\nSe [saknas](finns-inte.md).\n\n```chart\ndataset: finns-inte\n```\n")
        }
        // Another page changes; the broken page comes from the memory with both.
        let counts = try build(site, memory) {
            try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nÄnnu en mening.\n" }
        }
        #expect(counts == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        let result = try site.build { $0.pageMemory = memory; $0.useCache = false }
        #expect(!result.succeeded)
        #expect(memory.lastCounts == IncrementalPageMemory.Counts(loaded: 0, analysed: 0))
        let codes = Set(result.diagnostics.filter { $0.location.file == "content/regelverk/sgi.md" }.map(\.code))
        #expect(codes == ["unknown-dataset", "broken-link"])
        // Front matter that does not parse: the page is left out, and comes back when mended.
        let original = try #require(site.read("content/regelverk/sjukpenning.md"))
        try build(site, memory) { try site.write("content/regelverk/sjukpenning.md", "---\ntitle: [\n---\nText\n") }
        try build(site, memory) { try site.write("content/regelverk/sjukpenning.md", original) }
        try build(site, memory) { try site.write("content/regelverk/sgi.md", sgi) }
        #expect(try site.build { $0.pageMemory = memory }.succeeded)
    } }

    /// Changes to what links and directives read redo every page's Markdown, and nothing else's front matter.
    @Test func whatEveryPageReadsRedoesEveryPage() throws { try withFirstBuild { site, memory, pages in
        // A new page: a new URL links may point to.
        let added = try build(site, memory) {
            try site.write("content/regelverk/ny-sida.md", "---\ntitle: \"Ny sida\"\n---\nSe [sjukpenning](sjukpenning.md).\n")
        }
        #expect(added == IncrementalPageMemory.Counts(loaded: 1, analysed: pages + 1))
        // A renamed page.
        let renamed = try build(site, memory) {
            let text = try #require(site.read("content/regelverk/ny-sida.md"))
            try site.remove("content/regelverk/ny-sida.md")
            try site.write("content/regelverk/annan-sida.md", text)
        }
        #expect(renamed == IncrementalPageMemory.Counts(loaded: 1, analysed: pages + 1))
        // A deleted page.
        let deleted = try build(site, memory) { try site.remove("content/regelverk/annan-sida.md") }
        #expect(deleted == IncrementalPageMemory.Counts(loaded: 0, analysed: pages))
        // A dataset, which table and chart directives draw.
        let dataset = try build(site, memory) { try IncrementalBuildTests.InputEdit.dataset.apply(to: site) }
        #expect(dataset == IncrementalPageMemory.Counts(loaded: 0, analysed: pages))
        // A FAQ question, which the FAQ directive lists.
        let question = try build(site, memory) {
            try IncrementalBuildTests.edit(site, "content/faq/beslut-drojer.md") {
                $0.replacingOccurrences(of: "\nquestion: \"", with: "\nquestion: \"Ändrad: ")
            }
        }
        #expect(question == IncrementalPageMemory.Counts(loaded: 1, analysed: pages))
    } }

    /// Layouts, the glossary and the configuration are read after the Markdown stage: their changes redo no
    /// page's Markdown, and the site still equals a clean build.
    @Test(arguments: [IncrementalBuildTests.InputEdit.footer, .glossary, .configuration])
    func laterInputsRedoNoPage(_ edit: IncrementalBuildTests.InputEdit) throws { try withFirstBuild { site, memory, _ in
        let counts = try build(site, memory) { try edit.apply(to: site) }
        #expect(counts == IncrementalPageMemory.Counts(loaded: 0, analysed: 0))
    } }

    /// What a serve build leaves until it is reported (saving its record) is done before the next build starts:
    /// `settle` waits for it, and a memory on disk does it at once.
    @Test func workLeftAfterABuildIsDoneWhenSettled() throws {
        let memory = IncrementalPageMemory(settle: 0)
        let done = Locked(0)
        memory.afterward {
            Thread.sleep(forTimeInterval: 0.3)
            done.withLock { $0 += 1 }
        }
        memory.afterward { done.withLock { $0 += 1 } }
        memory.settle()
        #expect(done.withLock { $0 } == 2)
    }
}
