import Foundation
import Testing
@testable import LathundKit

/// Builds that use `.lathund-cache/` must write exactly what a clean build writes. Each test builds a copy of
/// this project's own site (FAQ, glossary, datasets, reports, links between pages), changes one input, builds
/// again with the cache and compares the site, file by file and byte by byte, with a clean build of the same
/// input into another folder.
@Suite struct IncrementalBuildTests {
    /// A copy of `content/`, `layouts/` and `lathund.yml` of this repository.
    static func projectCopy() throws -> TestSite {
        let site = try TestSite(files: [:], config: "", layouts: [:])
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content"))
        try? FileManager.default.removeItem(at: site.root.appendingPathComponent("layouts"))
        try? FileManager.default.removeItem(at: site.root.appendingPathComponent("lathund.yml"))
        for name in ["content", "layouts", "lathund.yml"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(name),
                                            to: site.root.appendingPathComponent(name))
        }
        return site
    }

    /// Builds with the cache, applies `change`, builds with the cache again and expects the same files and
    /// diagnostics as a clean build of the changed input.
    func expectSameAsClean(_ site: TestSite, _ change: () throws -> Void) throws {
        let first = try site.build()
        #expect(first.succeeded, "\(first.diagnostics.prefix(3))")
        try change()
        let incremental = try site.build()
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(incremental.succeeded == clean.succeeded)
        #expect(incremental.diagnostics.map(\.description) == clean.diagnostics.map(\.description))
        Self.expectSiteEqualsCleanSite(site)
    }

    /// Expects `site/` to hold what `clean-site/` holds (files byte for byte, folders, links and modes), and
    /// nothing else.
    static func expectSiteEqualsCleanSite(_ site: TestSite) {
        let built = site.snapshot("site")
        let expected = site.snapshot("clean-site")
        #expect(built.count > 50)
        let differing = TestSite.differences(built, expected)
        #expect(differing.isEmpty, "differs from a clean build: \(differing.prefix(8).map { "\($0): \(built[$0].map(\.description) ?? "missing") vs \(expected[$0].map(\.description) ?? "missing")" })")
    }

    static func edit(_ site: TestSite, _ path: String, _ transform: (String) -> String) throws {
        let text = try #require(site.read(path))
        let changed = transform(text)
        #expect(changed != text, "the edit of \(path) changed nothing")
        try site.write(path, changed)
    }

    /// Changes to inputs other than pages, made the same way by this suite and `PageMemoryTests`.
    enum InputEdit: String, CaseIterable, Sendable {
        /// A partial every page uses.
        case footer
        /// A dataset that table and chart directives draw.
        case dataset
        case glossary
        case configuration

        func apply(to site: TestSite) throws {
            switch self {
            case .footer:
                try IncrementalBuildTests.edit(site, "layouts/partials/footer.mustache") { $0 + "<!-- ändrad sidfot -->\n" }
            case .dataset:
                try IncrementalBuildTests.edit(site, "content/data/sjukpenningtal.csv") { $0.replacingOccurrences(of: "13.8", with: "14.1") }
            case .glossary:
                try IncrementalBuildTests.edit(site, "content/ordlista.yml") {
                    $0.replacingOccurrences(of: "expansion: \"Arbetsförmedlingen\"",
                                            with: "expansion: \"Arbetsförmedlingen (myndigheten)\"")
                }
            case .configuration:
                try IncrementalBuildTests.edit(site, "lathund.yml") {
                    $0.replacingOccurrences(of: "title: \"Kunskapsbanken", with: "title: \"Nya kunskapsbanken")
                }
            }
        }
    }

    @Test func nothingChangedWritesNothingAndReportsTheSame() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        let first = try site.build()
        #expect(first.succeeded)
        let identity = StagedOutput.identity(of: site.root.appendingPathComponent("site").path)
        let again = try site.build()
        #expect(again.succeeded)
        #expect(again.timings.map(\.stage) == ["config", "cache"])
        #expect(again.diagnostics == first.diagnostics)
        #expect(again.pageCount == first.pageCount)
        #expect(again.pages.map(\.url) == first.pages.map(\.url))
        #expect(StagedOutput.identity(of: site.root.appendingPathComponent("site").path) == identity)
        // --clean builds everything again.
        let clean = try site.build { $0.useCache = false }
        #expect(clean.timings.map(\.stage).contains("markdown"))
    }

    @Test func editingAPageOthersLinkTo() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        // Its title shows in other pages' backlinks, section lists and previous/next links; a heading id is
        // an anchor other pages may link to.
        try expectSameAsClean(site) {
            try Self.edit(site, "content/regelverk/sjukpenning.md") { text in
                var lines = text.components(separatedBy: "\n")
                let title = lines.firstIndex { $0.hasPrefix("title:") }!
                lines[title] = "title: \"Sjukpenning, ändrad titel\""
                if let heading = lines.firstIndex(where: { $0.hasPrefix("## ") }) { lines[heading] += " (ändrad)" }
                return lines.joined(separator: "\n")
            }
        }
    }

    /// Every kind of change, for the builds that write into the output folder in place (`lathund serve`).
    enum Change: String, CaseIterable, Sendable {
        case text, title, add, delete, rename, dataset, footer, glossary, configuration

        func apply(to site: TestSite) throws {
            switch self {
            case .text:
                try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening om sjukpenning.\n" }
            case .title:
                try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") {
                    $0.replacingOccurrences(of: "\ntitle:", with: "\ntitle: \"Ändrad titel\"\n#")
                }
            case .add:
                try site.write("content/regelverk/ny-sida.md", page("Ny sida", "Se [sjukpenning](sjukpenning.md).\n"))
            case .delete:
                try site.remove("content/kommunicering/exempelbrev.md")
            case .rename:
                let text = try #require(site.read("content/regelverk/lakarintyg.md"))
                try site.remove("content/regelverk/lakarintyg.md")
                try site.write("content/regelverk/lakarintyg-ny.md", text)
            case .dataset: try InputEdit.dataset.apply(to: site)
            case .footer: try InputEdit.footer.apply(to: site)
            case .glossary: try InputEdit.glossary.apply(to: site)
            case .configuration: try InputEdit.configuration.apply(to: site)
            }
        }
    }

    /// `writeInPlace` (`lathund serve`): once the folder holds a build the cache describes, the next build writes
    /// the changed files into it (the folder itself is not replaced) and removes what it no longer makes; the
    /// result is what a clean build writes.
    @Test(arguments: Change.allCases) func writingInPlace(_ change: Change) throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        func folder() -> UInt64? {
            var info = stat()
            return stat(site.root.appendingPathComponent("site").path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        #expect(try site.build { $0.writeInPlace = true }.succeeded)
        let first = folder()
        try change.apply(to: site)
        let incremental = try site.build { $0.writeInPlace = true }
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(incremental.succeeded && clean.succeeded)
        #expect(incremental.diagnostics.map(\.description) == clean.diagnostics.map(\.description))
        #expect(folder() == first, "the folder was replaced, not written in place")
        Self.expectSiteEqualsCleanSite(site)
        // And again after a second change (the record saved after writing in place is trusted).
        try Self.edit(site, "content/regelverk/sgi.md") { $0 + "\nEtt stycke till.\n" }
        #expect(try site.build { $0.writeInPlace = true }.succeeded)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(folder() == first)
        Self.expectSiteEqualsCleanSite(site)
    }

    /// `lathund serve` keeps what its last build wrote in its page memory (`IncrementalPageMemory.outputs`) and
    /// does not read the cache's files back: with them gone, the next build still writes in place and equals a
    /// clean build.
    @Test func aServeBuildTakesWhatItWroteFromMemory() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        let memory = IncrementalPageMemory()
        func folder() -> UInt64? {
            var info = stat()
            return stat(site.root.appendingPathComponent("site").path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        #expect(try site.build { $0.writeInPlace = true; $0.pageMemory = memory }.succeeded)
        let first = folder()
        let cache = site.root.appendingPathComponent(".lathund-cache")
        for name in try FileManager.default.contentsOfDirectory(atPath: cache.path)
        where name.hasSuffix(".outputs") || name.hasSuffix(".renders") {
            try FileManager.default.removeItem(at: cache.appendingPathComponent(name))
        }
        try Self.edit(site, "content/regelverk/sgi.md") { $0 + "\nEtt stycke till.\n" }
        let again = try site.build { $0.writeInPlace = true; $0.pageMemory = memory }
        #expect(again.succeeded)
        #expect(folder() == first, "the folder was replaced: the build did not know what it held")
        #expect(again.reusedPages > 0)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        Self.expectSiteEqualsCleanSite(site)
    }

    /// A build whose input changed reads only the head of the cache's record (`IncrementalCache.Head`), not the
    /// report of every page: with the rest of the record unreadable, it still reuses the unchanged pages.
    @Test func aChangedBuildReadsOnlyTheRecordsHead() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        #expect(try site.build().succeeded)
        let cache = site.root.appendingPathComponent(".lathund-cache")
        let name = try #require(FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasSuffix(".json") })
        let record = try Data(contentsOf: cache.appendingPathComponent(name))
        let newline = try #require(record.firstIndex(of: 0x0A))
        try (record[...newline] + Data("kaputt".utf8)).write(to: cache.appendingPathComponent(name))
        try Self.edit(site, "content/regelverk/sgi.md") { $0 + "\nEtt stycke till.\n" }
        let again = try site.build()
        #expect(again.succeeded)
        #expect(again.reusedPages > 0)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        Self.expectSiteEqualsCleanSite(site)
    }

    /// Only a page's text: its own HTML, its summary in lists and its search shards change.
    @Test func editingAPagesText() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        try expectSameAsClean(site) {
            try Self.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening om sjukpersonal och sjukpenning.\n" }
        }
    }

    /// `lathund build` takes what the Content and Markdown stages made of unchanged pages from the last build's
    /// page store (`PageStore`), in a new process as in this new `Builder`: after one page's edit it types,
    /// parses and analyses that page only; after `--clean` every page. A damaged store, a store of another binary: `PageStoreTests`.
    @Test func aBuildRedoesOnlyTheEditedPageFromTheStore() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        let first = try site.build()
        let pages = try #require(first.redone).analysed
        #expect(pages == first.pages.count)
        try Self.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening.\n" }
        let edited = try site.build()
        #expect(edited.redone == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        try Self.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn mening till.\n" }
        let clean = try site.build { $0.useCache = false }
        #expect(clean.redone?.analysed == pages)
        // A damaged store: `PageStoreTests`.
    }

    /// A layout, a dataset, the glossary, the configuration.
    @Test(arguments: InputEdit.allCases) func editingAnInputOtherThanAPage(_ edit: InputEdit) throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        try expectSameAsClean(site) { try edit.apply(to: site) }
    }

    @Test func deletingAPage() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        // A page that other pages link to but that the glossary's `page:` and the FAQ's `most_asked:` do not
        // name (removing one of those is an error).
        try expectSameAsClean(site) { try site.remove("content/kommunicering/exempelbrev.md") }
    }

    @Test func renamingAPage() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        try expectSameAsClean(site) {
            let text = try #require(site.read("content/regelverk/lakarintyg.md"))
            try site.remove("content/regelverk/lakarintyg.md")
            try site.write("content/regelverk/lakarintyg-ny.md", text)
        }
    }

    @Test func addingAPage() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        try expectSameAsClean(site) {
            try site.write("content/regelverk/ny-sida.md", page("Ny sida", "Se [sjukpenning](sjukpenning.md).\n"))
        }
    }

    /// The search index's documents are the site index's pages in URL order, which is not the order of the files
    /// in `content/` when a slug (or a name such as `a-b.md` beside a folder `a/`) puts a page elsewhere. A build
    /// that redid one page makes its search index on another thread, from the analyses taken in that order.
    @Test func editingAPageWhenFilesAndAddressesSortDifferently() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        try site.write("content/regelverk/zz-forst.md",
                       page("Först bland adresserna", "En sida om sjukpenning vars adress kommer först.\n",
                            extra: "slug: aa-forst\ndescription: \"En sida vars adress kommer först.\"\n"))
        try expectSameAsClean(site) {
            try Self.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening om sjukpenning.\n" }
        }
    }

    /// Files whose bytes did not change are the previous site's files, linked, not written again.
    @Test func unchangedFilesAreReusedFromThePreviousSite() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        try site.build()
        func inode(_ path: String) throws -> UInt64 {
            let attributes = try FileManager.default.attributesOfItem(atPath: site.root.appendingPathComponent(path).path)
            return try #require(attributes[.systemFileNumber] as? UInt64)
        }
        let unchanged = try inode("site/avsnitt-2/sida-10/index.html")
        let changed = try inode("site/avsnitt-1/sida-9/index.html")
        try Self.edit(site, "content/avsnitt-1/sida-9.md") { $0 + "\nEn ny mening.\n" }
        #expect(try site.build().succeeded)
        #expect(try inode("site/avsnitt-2/sida-10/index.html") == unchanged)
        #expect(try inode("site/avsnitt-1/sida-9/index.html") != changed)
        #expect(site.read("site/avsnitt-1/sida-9/index.html")?.contains("En ny mening.") == true)
        // A clean build writes every file anew.
        try site.build { $0.useCache = false }
        #expect(try inode("site/avsnitt-2/sida-10/index.html") != unchanged)
    }

    /// How the previous site's search-document bundle is, when a page of it is edited.
    enum OldBundle: String, CaseIterable, Sendable {
        case intact
        /// Removed by hand.
        case missing
        /// Changed by hand, still a bundle of as many documents: its bytes are not the ones the build recorded.
        case damaged
    }

    /// A page's document is a line of its bundle (`search/doc/B.json`, 16 documents): after one page's edit its
    /// bundle is written again, with the other pages linked and their lines taken from the previous site's bundle,
    /// or rendered again when that bundle is missing or not the one the previous build wrote. The site equals a
    /// clean build each time.
    @Test(arguments: OldBundle.allCases) func aPageEditRewritesItsSearchBundle(_ old: OldBundle) throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        let first = try site.build()
        let bundles = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("site/search/doc").path)
        let meta = try #require(site.read("site/search/index.json"))
        #expect(meta.contains("\"documents\":\(first.pages.count),"))
        #expect(bundles.sorted() == (0 ..< (first.pages.count + 15) / 16).map { "\($0).json" }.sorted())
        let edited = try #require(bundles.sorted().first { site.read("site/search/doc/" + $0)?.contains("/sida-9/") == true })
        switch old {
        case .intact: break
        case .missing: try site.remove("site/search/doc/" + edited)
        case .damaged:
            let text = try #require(site.read("site/search/doc/" + edited))
            try site.write("site/search/doc/" + edited, text.replacingOccurrences(of: "sida", with: "SIDA"))
        }
        try Self.edit(site, "content/avsnitt-1/sida-9.md") { $0 + "\nEn ny mening.\n" }
        let result = try site.build()
        // The edited bundle's 15 other pages are linked when its old lines can be trusted, else rendered.
        #expect(result.reusedPages == first.pages.count - (old == .intact ? 1 : 16))
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        Self.expectSiteEqualsCleanSite(site)
    }

    /// Pages whose render key is unchanged are linked from the previous site without being rendered; pages
    /// whose layout context changed through another page are rendered again.
    @Test func pagesAreRenderedOnlyWhenWhatTheyAreMadeFromChanged() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "avsnitt/_index.md": page("Avsnitt"),
            "avsnitt/a.md": page("A", "Första stycket om a.\n"),
            "avsnitt/b.md": page("B", "Första stycket om b. Se [a](a.md).\n"),
            "annat/_index.md": page("Annat"),
            "annat/c.md": page("C", "Fristående text.\n"),
        ], config: "title: Banken\nbase_url: https://test.example/\n", layouts: TestSite.realLayouts())
        defer { site.cleanUp() }
        #expect(try site.build().reusedPages == 0)
        // Nothing changed but the day (which only review checks read): every page is linked, none rendered.
        #expect(try site.build { $0.today = Day("2030-01-01") }.reusedPages == 6)
        // Only a's text. Its summary is in the section's list and in b's previous/next link (which b's layout
        // does not show, but its context has): a, the section and b are rendered; the start page, the other
        // section and c are linked.
        try Self.edit(site, "content/avsnitt/a.md") { $0.replacingOccurrences(of: "Första stycket om a.", with: "Ändrat stycke om a.") }
        let edited = try site.build()
        #expect(edited.reusedPages == 3)
        #expect(site.read("site/avsnitt/index.html")?.contains("Ändrat stycke om a.") == true)
        // A layout change renders every page.
        try InputEdit.footer.apply(to: site)
        let relayout = try site.build()
        #expect(relayout.reusedPages == 0)
        #expect(site.read("site/annat/c/index.html")?.contains("<!-- ändrad sidfot -->") == true)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(site.snapshot("site") == site.snapshot("clean-site"))
    }

    /// What a page's context shows of other pages, each kind alone (`LayoutContexts.reads`, which the render key
    /// records instead of the whole context): the change renders again the pages that show it, the site equals
    /// a clean build, and a page that shows nothing of it is linked, not rendered.
    enum Dependency: String, CaseIterable, Sendable {
        /// A page's title: its neighbours' previous/next, its section's children, the backlinks of the page it
        /// links to, the FAQ entry that names it in `related`.
        case title
        /// A page's first paragraph: its summary in its neighbours' previous/next and its section's list.
        case summary
        /// A section's title: the breadcrumbs of every page in it.
        case sectionTitle
        /// A page starts linking to another: that page's backlinks.
        case newLink
        /// The menu shows the description of the page each item points to.
        case menuDescription
        /// Every page shows the most-asked FAQ entries (`most_asked:` of the FAQ's own page).
        case mostAsked
        /// The FAQ's list page holds every entry's answer in its structured data.
        case faqAnswer
        /// A page added: a new neighbour, child and backlink.
        case added
        /// A page deleted: the same, gone.
        case deleted
        /// The day: a page's sources become older than `source_max_age_years`.
        case sourceAge

        static let layouts = TestSite.layouts.merging([
            "base.mustache": """
            <!DOCTYPE html><html lang="sv"><head><title>{{page.title}}</title></head>
            <body><nav>{{#menu}}<a href="{{url}}">{{title}}</a> {{description}}{{/menu}}</nav>
            <ol class="most-asked">{{#most_asked}}<li><a href="{{url}}">{{question}}</a></li>{{/most_asked}}</ol>
            {{$main}}{{/main}}</body></html>

            """,
            "page.mustache": """
            {{<base}}{{$main}}<main><h1>{{page.title}}</h1>
            <ol class="crumbs">{{#page.breadcrumbs}}<li><a href="{{url}}">{{title}}</a></li>{{/page.breadcrumbs}}</ol>
            {{#page.source_notice}}<p class="notice">Källorna är från {{page.old_sources}}.</p>{{/page.source_notice}}
            {{{page.content}}}
            <ul class="backlinks">{{#page.backlinks}}<li><a href="{{url}}">{{title}}</a></li>{{/page.backlinks}}</ul>
            {{#page.prev}}<a rel="prev" href="{{url}}">{{title}}: {{summary}}</a>{{/page.prev}}
            {{#page.next}}<a rel="next" href="{{url}}">{{title}}: {{summary}}</a>{{/page.next}}
            {{#page.faq}}<ul class="related">{{#related}}<li><a href="{{url}}">{{title}}</a></li>{{/related}}</ul>{{/page.faq}}
            {{#page.jsonld}}<script type="application/ld+json">{{{page.jsonld}}}</script>{{/page.jsonld}}
            </main>{{/main}}{{/base}}

            """,
            "faq/section.mustache": """
            {{<base}}{{$main}}{{#faq_categories}}<h2>{{name}}</h2>{{#entries}}<a href="{{url}}">{{question}}</a>{{/entries}}{{/faq_categories}}
            {{#page.jsonld}}<script type="application/ld+json">{{{page.jsonld}}}</script>{{/page.jsonld}}{{/main}}{{/base}}

            """,
        ]) { $1 }

        static func site() throws -> TestSite {
            func faq(_ question: String, _ extra: String = "") -> String {
                page(question, "Svaret på \(question.lowercased())\n", extra: "question: \"\(question)\"\ncategory: \"Beslut\"\n\(extra)")
            }
            return try TestSite(files: [
                "_index.md": page("Start"),
                "avsnitt/_index.md": page("Avsnitt", "Om avsnittet.\n"),
                "avsnitt/a.md": page("A", "Första stycket om a.\n"),
                "avsnitt/b.md": page("B", "Om b. Se [c](c.md).\n"),
                "avsnitt/c.md": page("C", "Om c.\n"),
                "annat/_index.md": page("Annat", "Om annat.\n"),
                "annat/d.md": page("D", "Fristående text.\n", extra: """
                    sources:
                      - title: "Sjukpenning"
                        publisher: "Försäkringskassan"
                        date: 2024-01

                    """),
                "faq/_index.md": page("Frågor", extra: "most_asked:\n  - faq/ett.md\n"),
                "faq/ett.md": faq("Fråga ett?", "related: [avsnitt/a.md]\n"),
                "faq/tva.md": faq("Fråga två?"),
            ], config: """
                title: "Banken"
                base_url: "https://test.example/"
                publishers: ["Försäkringskassan"]
                menu:
                  - { title: "Avsnitt", url: "/avsnitt/" }

                """, layouts: layouts)
        }

        func apply(to site: TestSite) throws {
            switch self {
            case .title: try IncrementalBuildTests.edit(site, "content/avsnitt/a.md") { $0.replacingOccurrences(of: "title: \"A\"", with: "title: \"A, ändrad\"") }
            case .summary: try IncrementalBuildTests.edit(site, "content/avsnitt/a.md") { $0.replacingOccurrences(of: "Första stycket", with: "Ändrat stycke") }
            case .sectionTitle: try IncrementalBuildTests.edit(site, "content/avsnitt/_index.md") { $0.replacingOccurrences(of: "\"Avsnitt\"", with: "\"Avsnittet\"") }
            case .newLink: try IncrementalBuildTests.edit(site, "content/annat/d.md") { $0 + "Se [a](../avsnitt/a.md).\n" }
            case .menuDescription: try IncrementalBuildTests.edit(site, "content/avsnitt/_index.md") { $0.replacingOccurrences(of: "Om avsnittet.", with: "Allt om avsnittet.") }
            case .mostAsked: try IncrementalBuildTests.edit(site, "content/faq/_index.md") { $0.replacingOccurrences(of: "  - faq/ett.md\n", with: "  - faq/tva.md\n  - faq/ett.md\n") }
            case .faqAnswer: try IncrementalBuildTests.edit(site, "content/faq/tva.md") { $0 + "Och lite till.\n" }
            case .added: try site.write("content/avsnitt/ab.md", page("AB", "Om ab. Se [c](c.md).\n"))
            case .deleted: try site.remove("content/avsnitt/b.md")
            case .sourceAge: break  // the day, in `build`
            }
        }
    }

    @Test(arguments: Dependency.allCases) func aPageIsRenderedAgainWhenWhatItShowsOfAnotherChanged(_ dependency: Dependency) throws {
        let site = try Dependency.site()
        defer { site.cleanUp() }
        let first = try site.build()
        #expect(first.succeeded, "\(first.diagnostics.prefix(3))")
        try dependency.apply(to: site)
        let day = dependency == .sourceAge ? Day("2028-06-01")! : TestSite.today
        let incremental = try site.build { $0.today = day }
        let clean = try site.build { $0.today = day; $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(incremental.succeeded && clean.succeeded)
        let differing = TestSite.differences(site.snapshot("site"), site.snapshot("clean-site"))
        #expect(differing.isEmpty, "differs from a clean build: \(differing.prefix(8))")
        // Every page shows the menu and the most-asked entries, and a page added or deleted changes the set of
        // URLs every page's links are resolved against (`IncrementalRenderKey.markdownInputs`) and the search
        // documents' numbers: all are rendered. Other changes leave pages that show nothing of them, linked from
        // the previous site, not rendered.
        if [.menuDescription, .mostAsked, .added, .deleted].contains(dependency) {
            #expect(incremental.reusedPages == 0)
        } else {
            #expect(incremental.reusedPages > 0)
        }
        if dependency == .sourceAge {
            #expect(site.read("site/annat/d/index.html")?.contains("class=\"notice\"") == true)
        }
    }

    /// A file added to the site by hand changes the folder's change time: the cache does not answer, and the
    /// build removes the file (with only device and inode, it answered and the file stayed).
    @Test func aFileAddedToTheSiteByHandIsNotTrusted() throws {
        let site = try DeterminismTests.generatedSite(pages: 8)
        defer { site.cleanUp() }
        try site.build()
        let before = site.snapshot()
        try site.write("site/stray.html", "kvar")
        try site.write("site/" + StagedOutput.markerName, StagedOutput.marker)  // as a copy of the old site would have it
        let result = try site.build()
        #expect(result.timings.map(\.stage).contains("output"))
        #expect(site.snapshot() == before)
    }

    /// A site changed by hand is not the one the cache describes: nothing is skipped or reused.
    @Test func aReplacedOutputFolderIsNotTrusted() throws {
        let site = try DeterminismTests.generatedSite(pages: 8)
        defer { site.cleanUp() }
        try site.build()
        let before = site.snapshot()
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("site"))
        try site.write("site/stray.html", "kvar")
        let result = try site.build()
        #expect(result.timings.map(\.stage).contains("output"))
        #expect(site.snapshot() == before)
    }
    /// The sitemap and the feed list every page. Each is kept from the last build without being rendered when its
    /// render key (`IncrementalRenderKey.format`: the site key and every value of its context) is the last
    /// build's, and made again when an entry's date, title or URL changed; the site equals a clean build each time.
    @Test func theSitemapAndFeedAreMadeAgainOnlyWhenAnEntryChanged() throws {
        let site = try Self.projectCopy()
        defer { site.cleanUp() }
        func keys() throws -> [String: String] {
            let cache = site.root.appendingPathComponent(".lathund-cache")
            let name = try #require(FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasSuffix(".renders") })
            let lines = try #require(site.read(".lathund-cache/" + name)).split(separator: "\n")
            return Dictionary(lines.compactMap { line in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                return ["sitemap.xml", "feed.xml"].contains(parts.last ?? "") ? (parts[1], parts[0]) : nil
            }, uniquingKeysWith: { first, _ in first })
        }
        func build() throws {
            #expect(try site.build().succeeded)
            try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
            Self.expectSiteEqualsCleanSite(site)
        }
        try build()
        let first = try keys()
        #expect(first.keys.sorted() == ["feed.xml", "sitemap.xml"])
        // Text at a page's end: no entry changed, both are kept.
        try Self.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening.\n" }
        try build()
        #expect(try keys() == first)
        // The page's date: its lastmod in the sitemap, and it becomes the feed's newest entry.
        try Self.edit(site, "content/regelverk/sjukpenning.md") { $0.replacingOccurrences(of: "date: 2026-11-23\n", with: "date: 2026-12-06\n") }
        try build()
        let dated = try keys()
        #expect(dated["sitemap.xml"] != first["sitemap.xml"])
        #expect(dated["feed.xml"] != first["feed.xml"])
        #expect(site.read("site/feed.xml")?.contains("2026-12-06T00:00:00Z") == true)
        // Its title: only in the feed.
        try Self.edit(site, "content/regelverk/sjukpenning.md") { $0.replacingOccurrences(of: "title: \"Sjukpenning i korthet\"", with: "title: \"Sjukpenning, kort\"") }
        try build()
        let titled = try keys()
        #expect(titled["sitemap.xml"] == dated["sitemap.xml"])
        #expect(titled["feed.xml"] != dated["feed.xml"])
        #expect(site.read("site/feed.xml")?.contains("Sjukpenning, kort") == true)
        // A page added: a new URL.
        try site.write("content/regelverk/ny-sida.md", page("Ny sida", "Se [sjukpenning](sjukpenning.md).\n"))
        try build()
        #expect(try keys()["sitemap.xml"] != titled["sitemap.xml"])
    }
}
