import Foundation
import Testing
@testable import LathundKit

/// `lathund serve`'s direct path (`DirectRebuild`): a page whose Markdown alone changed is done by itself. Each step
/// builds a copy of this project's site, with three pages of its own that have no description (so their summary is
/// their first paragraph, shown in other pages' lists and the feed), as the serve does (page memory, in place), and
/// expects the files, diagnostics and report of a clean build, and whether the direct path was taken: a change it
/// cannot show to be one page's must fall back to the whole pipeline.
@Suite struct DirectRebuildTests {
    static let pages: [String: String] = [
        "aa-prov/_index.md": page("Prov", "Sidor att prova med."),
        "aa-prov/alfa.md": page("Alfa", "Första stycket om alfa och sjukpenning.\n\n## Rubrik ett\n\nMer text. Se [beta](beta.md).", weight: 1),
        "aa-prov/beta.md": page("Beta", "Beta inleder. Se [rubriken](alfa.md#rubrik-ett) och [gamma](gamma.md).", weight: 2),
        "aa-prov/gamma.md": page("Gamma", "Gamma om karensavdrag.\n\nEtt ord ingen annan sida har: qxzyvolymsamordningsfunktionerna.",
                                 weight: 3),
        // Below gamma's URL: its breadcrumbs show gamma.
        "aa-prov/gamma/delta.md": page("Delta", "Delta under gamma."),
    ]

    static func page(_ title: String, _ body: String, weight: Int? = nil) -> String {
        "---\ntitle: \"\(title)\"\ndate: 2026-12-20\n" + (weight.map { "weight: \($0)\n" } ?? "") + "---\n\n\(body)\n"
    }

    /// Builds as the serve does after `change`, and expects what a clean build makes; `direct`: whether the build
    /// must have taken the direct path (it ran no stage after it).
    @discardableResult
    func build(_ site: TestSite, _ memory: IncrementalPageMemory, direct: Bool, _ step: String,
               after change: () throws -> Void) throws -> BuildResult {
        try change()
        memory.settle()  // as the serve does before each build: the last build's record is saved
        let served = try site.build { $0.pageMemory = memory; $0.writeInPlace = true }
        memory.settle()
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        let stages = served.timings.map(\.stage)
        #expect((stages.last == DirectRebuild.name) == direct, "\(step): \(stages)")
        #expect(served.succeeded == clean.succeeded, "\(step)")
        #expect(served.diagnostics.map(\.description) == clean.diagnostics.map(\.description), "\(step)")
        #expect(served.pages.map(\.url) == clean.pages.map(\.url), "\(step)")
        #expect(served.pages.map { "\($0.words) \($0.lix ?? -1)" } == clean.pages.map { "\($0.words) \($0.lix ?? -1)" }, "\(step)")
        if clean.succeeded { IncrementalBuildTests.expectSiteEqualsCleanSite(site) }
        return served
    }

    func withServedSite(_ body: (TestSite, IncrementalPageMemory) throws -> Void) throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        for (path, text) in Self.pages { try site.write("content/" + path, text) }
        let memory = IncrementalPageMemory()
        let first = try site.build { $0.pageMemory = memory; $0.writeInPlace = true }
        #expect(first.succeeded, "\(first.diagnostics.prefix(3))")
        try body(site, memory)
    }

    func edit(_ site: TestSite, _ path: String, _ transform: (String) -> String) throws {
        try IncrementalBuildTests.edit(site, "content/" + path, transform)
    }

    /// Text added at the end: the page's words, word count, readability and search terms change, not its summary.
    @Test func aPlainBodyEditTakesTheDirectPath() throws { try withServedSite { site, memory in
        try build(site, memory, direct: true, "text appended") {
            try edit(site, "aa-prov/alfa.md") { $0 + "\nÄndrad rad om arbetsgivaren och sjukpenninggrundande inkomst.\n" }
        }
        try build(site, memory, direct: true, "appended again") { try edit(site, "aa-prov/alfa.md") { $0 + "\nÄndrad rad 2.\n" } }
        #expect(memory.lastCounts == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        // A page of this project's own site, with its FAQ, glossary and writing aid.
        try build(site, memory, direct: true, "a page of the site") {
            try edit(site, "regelverk/sjukpenning.md") { $0 + "\nEn ny mening om sjukpenning.\n" }
        }
        // A word no other page has goes: its search shard and its length's word list go with it.
        try build(site, memory, direct: true, "a word only this page had") {
            try edit(site, "aa-prov/gamma.md") { $0.replacingOccurrences(of: " qxzyvolymsamordningsfunktionerna", with: " inget") }
        }
        // Then a change the direct path does not take, and one it takes again after it.
        try build(site, memory, direct: false, "title") {
            try edit(site, "aa-prov/gamma.md") { $0.replacingOccurrences(of: "title: \"Gamma\"", with: "title: \"Gamma 2\"") }
        }
        try build(site, memory, direct: true, "text after the title") { try edit(site, "aa-prov/gamma.md") { $0 + "\nMer.\n" } }
    } }

    /// On the direct path the search index is patched by stem (`SearchPatch`): new words (a compound of a word, one
    /// with å, ä and ö), a word's most used ending changed, a page's last use of words removed. A new two-letter
    /// key changes the shards' keys: the index is made whole. The files are a clean build's after each.
    @Test func searchEditsPatchTheIndexByStem() throws { try withServedSite { site, memory in
        func step(_ patched: Bool, _ step: String, _ change: () throws -> Void) throws {
            try build(site, memory, direct: true, step, after: change)
            #expect(memory.search?.lastPatched == patched, "\(step)")
        }
        let words = "\nEtt sjukpenningbrevqz och ett läkarbrevqz.\n"
        try step(true, "new words") { try edit(site, "aa-prov/alfa.md") { $0 + words } }
        try step(true, "an ending used more") {
            try edit(site, "aa-prov/beta.md") { $0 + "\nKarensavdragen karensavdragen karensavdragen karensavdragen.\n" }
        }
        try step(true, "the words removed") { try edit(site, "aa-prov/alfa.md") { $0.replacingOccurrences(of: words, with: "") } }
        try step(false, "a new two-letter key") { try edit(site, "aa-prov/gamma.md") { $0 + "\nXqxqxq.\n" } }
        try step(true, "after it") { try edit(site, "aa-prov/gamma.md") { $0 + "\nSjukpenningbrevqz.\n" } }
    } }

    /// The first paragraph is the page's summary: its section's list, its neighbours' previous/next, the
    /// backlinks of the page it links to and the feed show it.
    @Test func aNewSummaryIsShownWhereOtherPagesListThePage() throws { try withServedSite { site, memory in
        try build(site, memory, direct: true, "first paragraph") {
            try edit(site, "aa-prov/alfa.md") {
                $0.replacingOccurrences(of: "Första stycket om alfa", with: "Ett nytt första stycke om alfa")
            }
        }
        try build(site, memory, direct: true, "first paragraph of beta") {
            try edit(site, "aa-prov/beta.md") { $0.replacingOccurrences(of: "Beta inleder.", with: "Beta börjar här.") }
        }
        // A page with pages below it (a folder of its name): their breadcrumbs show it, and it falls back.
        try build(site, memory, direct: false, "first paragraph of a page with pages below it") {
            try edit(site, "aa-prov/gamma.md") { $0.replacingOccurrences(of: "Gamma om", with: "Gamma handlar om") }
        }
    } }

    /// Headings: one whose id stays takes the direct path (its search document and table of contents change);
    /// one whose id changes breaks another page's `#fragment` link and falls back.
    @Test func headingsAndTheAnchorsIntoThem() throws { try withServedSite { site, memory in
        try build(site, memory, direct: true, "heading, same id") {
            try edit(site, "aa-prov/alfa.md") { $0.replacingOccurrences(of: "## Rubrik ett", with: "## Rubrik Ett") }
        }
        let broken = try build(site, memory, direct: false, "heading, new id") {
            try edit(site, "aa-prov/alfa.md") { $0.replacingOccurrences(of: "## Rubrik Ett", with: "## Rubrik två") }
        }
        #expect(broken.diagnostics.contains { $0.code == "broken-anchor" && $0.location.file == "content/aa-prov/beta.md" })
        try build(site, memory, direct: false, "heading back") {
            try edit(site, "aa-prov/alfa.md") { $0.replacingOccurrences(of: "## Rubrik två", with: "## Rubrik ett") }
        }
    } }

    /// Links: another link to a page it links to already takes the direct path; a link to a new page changes that
    /// page's backlinks and falls back; so does a broken link's warning going away with it.
    @Test func linksToTheSameOrNewPages() throws { try withServedSite { site, memory in
        try build(site, memory, direct: true, "same target") {
            try edit(site, "aa-prov/alfa.md") { $0 + "\nOch [beta igen](beta.md#beta).\n" }
        }
        try build(site, memory, direct: false, "new target") { try edit(site, "aa-prov/alfa.md") { $0 + "\nSe [gamma](gamma.md).\n" } }
        try build(site, memory, direct: true, "broken anchor") {
            try edit(site, "aa-prov/alfa.md") { $0 + "\nSe [ingenstans](gamma.md#finns-inte).\n" }
        }
    } }

    /// A FAQ entry's text is its answer in the FAQ page's structured data.
    @Test func aFAQAnswer() throws { try withServedSite { site, memory in
        try build(site, memory, direct: true, "answer") {
            try edit(site, "faq/karensavdrag.md") { text in
                let end = text.range(of: "\n---\n")?.upperBound ?? text.startIndex
                return String(text[..<end]) + "\nEn ny första mening i svaret.\n" + String(text[end...])
            }
        }
        try build(site, memory, direct: true, "answer again") { try edit(site, "faq/karensavdrag.md") { $0 + "\nEtt tillägg.\n" } }
    } }

    /// Front matter, an error in the page, and two files at once fall back; so does a page the writing aid quotes.
    @Test func whatFallsBack() throws { try withServedSite { site, memory in
        try build(site, memory, direct: false, "front matter") {
            try edit(site, "aa-prov/beta.md") { $0.replacingOccurrences(of: "weight: 2", with: "weight: 2\ntags: [\"prov\"]") }
        }
        try build(site, memory, direct: false, "an error") {
            try edit(site, "aa-prov/beta.md") { $0 + "\n```chart\ndataset: finns-inte\n```\n" }
        }
        try build(site, memory, direct: false, "mended") {
            try edit(site, "aa-prov/beta.md") { $0.replacingOccurrences(of: "\n```chart\ndataset: finns-inte\n```\n", with: "") }
        }
        try build(site, memory, direct: false, "two pages") {
            try edit(site, "aa-prov/beta.md") { $0 + "\nB.\n" }
            try edit(site, "aa-prov/gamma.md") { $0 + "\nG.\n" }
        }
        try build(site, memory, direct: true, "one page again") { try edit(site, "aa-prov/beta.md") { $0 + "\nB2.\n" } }
    } }
}
