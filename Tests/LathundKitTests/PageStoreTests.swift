import Foundation
import Testing
@testable import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// The byte layout of a page in the page store (`PageRecord`) gives back every field it was given, and bytes it
/// did not write (cut short or damaged) throw, never trap.
@Suite struct PageRecordTests {
    /// Pages with every kind of field: empty and full lists, optionals absent and present, each link target, a
    /// report, a body that is not the end of its file (CRLF and a byte order mark), and a file that gives no page.
    static let files: [String: String] = [
        "faq/_index.md": page("Frågor"),
        "faq/fraga.md": """
            ---
            title: "Fråga"
            description: "Om intyg"
            question: "Hur gör jag?"
            category: "Intyg"
            related: [faq/_index.md]
            most_asked: [faq/fraga.md]
            weight: 3
            tags: [a, b]
            date: 2026-01-02
            updated: 2026-02-03
            slug: egen-fraga
            group: "Intyg och blanketter"
            aliases: [/gammal/, /aldre/]
            reviewed: { date: 2026-11-23, by: "Redaktionen", against: "källorna nedan" }
            sources:
              - { title: "Källa", publisher: "Försäkringskassan", date: 2025-03, url: "https://example.se/", section: "kapitel 7" }
              - { title: "Odaterad", publisher: [Försäkringskassan, Inera], date: odaterad, read: 2026-11-23 }
              - { title: "Dag", publisher: "Inera", date: 2024-05-06 }
            ---
            ## Rubrik {#egen}

            Text med [en länk](_index.md#topp), [bild](/saknas.png), [här](#egen), [ute](https://example.se/),
            [sida](/faq/) och [borta](borta.md). Ett ord, ett ord till.

            ## Tom
            """,
        "rapporter/_index.md": page("Rapporter"),
        "rapporter/projekt.md": """
            ---
            title: "Projekt"
            region: "Norr"
            period: "2024–2025"
            owners: [Regionen, Kommunen]
            budget_sek: 1200000
            kind: "Förstudie"
            status: "Klar"
            draft: false
            ---
            Första stycket om projektet.

            Sista stycket med ordet zebrafink, som bara står här.
            """,
        "crlf.md": "\u{FEFF}---\r\ntitle: \"Rader\"\r\n---\r\nEn rad.\r\n\r\nEn rad till.\r\n",
        "trasig.md": "---\ntitle: [\n---\nText.\n",
        "_index.md": page("Start"),
    ]

    typealias Result = (path: String, bytes: Data, loaded: IncrementalPageMemory.Loaded, analysed: IncrementalPageMemory.Analysed?)

    /// Each file's Content and Markdown results, made by a build that keeps them in memory (as `lathund serve`).
    static func results() throws -> [Result] {
        let site = try TestSite(files: files, config: "title: Banken\nbase_url: https://test.example/\npublishers: [Försäkringskassan, Inera]\n")
        defer { site.cleanUp() }
        let memory = IncrementalPageMemory()
        _ = try site.build { $0.pageMemory = memory }
        return try files.keys.sorted().map { path in
            let bytes = try Data(contentsOf: site.root.appendingPathComponent("content/" + path))
            let kept = memory.kept(path)
            var loaded = try #require(kept.loaded, "\(path)")
            if let page = loaded.page { loaded.bodyIsFileEnd = IncrementalPageMemory.Loaded.isEnd(page.body, of: bytes) }
            return (path, bytes, loaded, kept.analysed)
        }
    }

    static func dumped<Value>(_ value: Value) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test func everyFieldComesBack() throws {
        let results = try Self.results()
        let byPath = Dictionary(uniqueKeysWithValues: results.map { ($0.path, $0) })
        // The inputs have what the layout must carry.
        let fraga = try #require(byPath["faq/fraga.md"]?.loaded.page)
        #expect(fraga.frontMatter.sources.count == 3 && fraga.frontMatter.aliases.count == 2 && fraga.frontMatter.faq?.mostAsked.count == 1)
        #expect(byPath["faq/fraga.md"]?.analysed?.rendered.links.count == 6)
        #expect(byPath["rapporter/projekt.md"]?.loaded.page?.frontMatter.report?.budgetSEK == 1_200_000)
        #expect(byPath["trasig.md"]?.loaded.page == nil && byPath["trasig.md"]?.loaded.diagnostics.isEmpty == false)
        #expect(byPath["crlf.md"]?.loaded.bodyIsFileEnd == false)
        #expect(byPath["rapporter/projekt.md"]?.loaded.bodyIsFileEnd == true)

        for result in results {
            let record = PageRecord.encode(result.loaded, result.analysed)
            try record.withUnsafeBytes { bytes in
                let back = try PageRecord.decodeLoaded(bytes, fileBytes: result.bytes)
                #expect(Self.dumped(back.loaded) == Self.dumped(result.loaded), "\(result.path)")
                #expect(PageRecord.contentKey(of: bytes) == result.loaded.key)
                guard let analysed = result.analysed else { return #expect(back.markdown == nil) }
                let markdown = try #require(back.markdown)
                #expect(markdown.key == analysed.key)
                let again = try PageRecord.decodeAnalysed(bytes, at: markdown.offset, page: try #require(back.loaded.page))
                #expect(Self.dumped(again) == Self.dumped(analysed), "\(result.path)")
                #expect(PageRecord.encode(back.loaded, again) == record, "\(result.path): written again, the same bytes")
            }
        }
        // A body that is the end of its file is not stored: it comes from the file's bytes.
        let projekt = try #require(byPath["rapporter/projekt.md"])
        let record = PageRecord.encode(projekt.loaded, projekt.analysed)
        #expect(record.firstRange(of: Array("Sista stycket med ordet zebrafink".utf8)) == nil)
        let crlf = try #require(byPath["crlf.md"])
        #expect(PageRecord.encode(crlf.loaded, crlf.analysed).firstRange(of: Array("En rad.\n\nEn rad till.".utf8)) != nil)
    }

    /// The fields of every type a record holds, as `PageRecord` writes them. A new field fails here: write it in
    /// `PageRecord` (both ways, bump `PageRecord.version`), set it in `files` above, then add it to this list.
    static let knownFields: [String: [String]] = [
        "Loaded": ["key", "page", "diagnostics", "scan", "scanKey", "bodyIsFileEnd"],
        "Analysed": ["key", "rendered", "analysis", "diagnostics"],
        "Page": ["fixed", "body", "bodyInFile"],
        "Page.Fixed": ["relativePath", "displayPath", "kind", "section", "url", "frontMatter", "bodyLineOffset", "sourceHash"],
        "FrontMatter": ["title", "description", "date", "updated", "reviewed", "reviewedLocation", "sources", "tags", "weight",
                        "draft", "slug", "aliases", "layout", "group", "faq", "report"],
        "FAQFields": ["question", "category", "related", "mostAsked"],
        "ReportFields": ["region", "period", "owners", "budgetSEK", "kind", "status"],
        "SourceReference": ["title", "publishers", "date", "read", "url", "section"],
        "Review": ["date", "by", "against"],
        "Located": ["value", "location"],
        "Diagnostic": ["severity", "location", "code", "message"],
        "SourceLocation": ["file", "line", "column"],
        "ParsedPage": ["page", "headings", "leadHeadingCount", "links", "wordCount", "answer", "readability", "summary"],
        "Heading": ["level", "text", "id", "location"],
        "LinkReference": ["destination", "target", "isImage", "location"],
        "Readability": ["words", "sentences", "longWords"],
        "Analysis": ["packed", "length", "kind"],
        "Day": ["year", "month", "day"],
        "DatasetDate": ["year", "month", "day"],
    ]

    @Test func theLayoutKnowsEveryField() throws {
        let results = try Self.results()
        let fraga = try #require(results.first { $0.path == "faq/fraga.md" })
        let projekt = try #require(results.first { $0.path == "rapporter/projekt.md" })
        let page = try #require(fraga.loaded.page)
        let analysed = try #require(fraga.analysed)
        let diagnostic = try #require(results.flatMap(\.loaded.diagnostics).first)
        let source = try #require(page.frontMatter.sources.first)
        let values: [(String, Any)] = [
            ("Loaded", fraga.loaded), ("Analysed", analysed), ("Page", page),
            ("Page.Fixed", try #require(Mirror(reflecting: page).children.first { $0.label == "fixed" }?.value)),
            ("FrontMatter", page.frontMatter),
            ("FAQFields", try #require(page.frontMatter.faq)), ("ReportFields", try #require(projekt.loaded.page?.frontMatter.report)),
            ("SourceReference", source), ("Review", try #require(page.frontMatter.reviewed)),
            ("Located", try #require(source.publishers.first)), ("Diagnostic", diagnostic), ("SourceLocation", diagnostic.location),
            ("ParsedPage", analysed.rendered), ("Heading", try #require(analysed.rendered.headings.first)),
            ("LinkReference", try #require(analysed.rendered.links.first)), ("Readability", analysed.rendered.readability),
            ("Analysis", analysed.analysis), ("Day", try #require(page.frontMatter.date)), ("DatasetDate", try #require(source.date)),
        ]
        #expect(Set(values.map(\.0)) == Set(Self.knownFields.keys))
        for (name, value) in values {
            let fields = Mirror(reflecting: value).children.compactMap(\.label)
            #expect(fields == Self.knownFields[name], "\(name) has fields \(fields): write the new ones in PageRecord")
        }
    }

    /// Every record cut short throws, and damaged bytes throw or decode to something: they never trap.
    @Test func bytesItDidNotWriteThrow() throws {
        for result in try Self.results() {
            let record = PageRecord.encode(result.loaded, result.analysed)
            for cut in 0..<record.count {
                let prefix = Array(record.prefix(cut))
                #expect(throws: ByteReader.Failure.self, "\(result.path) cut at \(cut) of \(record.count)") {
                    try prefix.withUnsafeBytes { bytes in
                        let loaded = try PageRecord.decodeLoaded(bytes, fileBytes: result.bytes)
                        if let markdown = loaded.markdown, let page = loaded.loaded.page {
                            _ = try PageRecord.decodeAnalysed(bytes, at: markdown.offset, page: page)
                        }
                    }
                }
            }
            var generator = SeededRandom(seed: UInt64(record.count))
            for _ in 0..<50 {
                var damaged = record
                for _ in 0..<4 { damaged[Int(generator.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: generator.next()) }
                damaged.withUnsafeBytes { bytes in
                    guard let loaded = try? PageRecord.decodeLoaded(bytes, fileBytes: result.bytes),
                          let markdown = loaded.markdown, let page = loaded.loaded.page else { return }
                    _ = try? PageRecord.decodeAnalysed(bytes, at: markdown.offset, page: page)
                }
            }
        }
    }
}

/// The page store on disk (`PageStore`): a damaged, truncated, foreign or missing file costs the pages it held,
/// with a note, and the build still writes exactly what a clean build writes; packs are compacted; a build killed
/// while it writes the store leaves one the next build can use.
@Suite struct PageStoreTests {
    static func folder(_ site: TestSite) throws -> URL {
        let cache = site.root.appendingPathComponent(".lathund-cache")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasPrefix("pages-") })
        return cache.appendingPathComponent(name)
    }

    static func packs(_ site: TestSite) throws -> [URL] {
        let folder = try folder(site)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("pack-") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    static func index(_ site: TestSite) throws -> (stamp: UInt64, packs: [(name: String, size: Int)], entries: [(UInt64, PageStore.Location)]) {
        let data = try Data(contentsOf: try folder(site).appendingPathComponent(PageStore.indexName))
        return try data.withUnsafeBytes { try PageStore.readIndex($0) }
    }

    static func overwrite(_ file: URL, at offset: Int, with bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(bytes))
    }

    enum Damage: String, CaseIterable, Sendable {
        case truncatedPack, foreignPack, missingPack, damagedRecords, damagedIndex, garbageIndex, otherBinarysIndex

        /// Damages the store; returns what the note says (nil: nothing to say) and how many pages at least are
        /// done again besides the edited one (`all`: every page).
        func apply(to site: TestSite) throws -> (note: String?, all: Bool) {
            let pack = try #require(try PageStoreTests.packs(site).first)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: pack.path)[.size] as? Int)
            let index = try PageStoreTests.folder(site).appendingPathComponent(PageStore.indexName)
            switch self {
            case .truncatedPack:
                try FileHandle(forWritingTo: pack).truncate(atOffset: UInt64(size * 6 / 10))
                return ("is shorter than its index says (truncated)", false)
            case .foreignPack:
                try PageStoreTests.overwrite(pack, at: 0, with: Array("NOTAPACK".utf8))
                return ("is not a pack of this store", true)
            case .missingPack:
                try FileManager.default.removeItem(at: pack)
                return ("is missing", true)
            case .damagedRecords:
                for offset in [size / 4, size / 2, size * 3 / 4] { try PageStoreTests.overwrite(pack, at: offset, with: [0xFF, 0x00, 0xFF]) }
                return ("did not match their checksum (damaged)", false)
            case .damagedIndex:
                let length = try #require(try FileManager.default.attributesOfItem(atPath: index.path)[.size] as? Int)
                try PageStoreTests.overwrite(index, at: length / 2, with: [0xAB])
                return ("is not a page store index or is damaged", true)
            case .garbageIndex:
                try Data("kaputt".utf8).write(to: index)
                return ("is not a page store index or is damaged", true)
            case .otherBinarysIndex:
                // A whole index of another binary (another stamp): its pages are not this binary's, silently.
                let read = try PageStoreTests.index(site)
                try Data(PageStore.index(stamp: read.stamp &+ 1, packs: read.packs, entries: read.entries.map { ($0.0, $0.1) })).write(to: index)
                return (nil, true)
            }
        }
    }

    @Test(arguments: Damage.allCases) func aDamagedStoreCostsItsPagesWithANote(_ damage: Damage) throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        let first = try site.build()
        let pages = try #require(first.redone).analysed
        #expect(first.notes.isEmpty)
        let (note, all) = try damage.apply(to: site)
        try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nEn ny mening.\n" }
        let next = try site.build()
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(next.succeeded && clean.succeeded)
        #expect(next.diagnostics.map(\.description) == clean.diagnostics.map(\.description))
        IncrementalBuildTests.expectSiteEqualsCleanSite(site)
        if let note {
            #expect(next.notes.count == 1 && next.notes.allSatisfy { $0.contains(note) && $0.hasPrefix("page store: .lathund-cache/pages-") || $0.contains(" in .lathund-cache/pages-") }, "\(next.notes)")
        } else {
            #expect(next.notes.isEmpty, "\(next.notes)")
        }
        let redone = try #require(next.redone).analysed
        if all { #expect(redone == pages) } else { #expect((2..<pages).contains(redone), "\(redone) of \(pages)") }
        // The build made the store whole again: the next edit costs one page and says nothing.
        try IncrementalBuildTests.edit(site, "content/regelverk/sjukpenning.md") { $0 + "\nOch en till.\n" }
        let healed = try site.build()
        #expect(healed.redone == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
        #expect(healed.notes.isEmpty, "\(healed.notes)")
    }

    /// The index's layout gives back what it was given, however many packs it names (the last entry in the last
    /// of 300 packs), and a cut or a pack name that is not `pack-HEX` throws.
    @Test func theIndexComesBack() throws {
        let packs = (0..<300).map { (name: "pack-" + IncrementalCache.hex(UInt64($0) &* 0x9E37_79B9_7F4A_7C15), size: 1_000 + $0) }
        let entries = (0..<40).map { number in
            (key: UInt64(number) << 40, location: PageStore.Location(pack: number == 39 ? 299 : number % 3, offset: 16 + number,
                                                                      length: number, checksum: UInt64(number) &* 31))
        }
        let bytes = PageStore.index(stamp: 42, packs: packs, entries: entries)
        let back = try bytes.withUnsafeBytes { try PageStore.readIndex($0) }
        #expect(back.stamp == 42)
        #expect(back.packs.map(\.name) == packs.map(\.name) && back.packs.map(\.size) == packs.map(\.size))
        #expect(back.entries.map(\.0) == entries.map(\.key) && back.entries.map(\.1) == entries.map(\.location))
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: ByteReader.Failure.self) { try Array(bytes.prefix(cut)).withUnsafeBytes { try PageStore.readIndex($0) } }
        }
        let outside = PageStore.index(stamp: 42, packs: [(name: "pack-../../etc/passwd", size: 1)], entries: [])
        #expect(throws: ByteReader.Failure.self) { try outside.withUnsafeBytes { try PageStore.readIndex($0) } }
    }

    /// One page edited per build, a different one each time, adds a small pack each time: the store never holds
    /// more than `maximumPacks` packs, nor more dead bytes than live ones, and every file of its folder is named by
    /// its index. Deleting most pages makes the packs mostly dead: they are compacted too.
    @Test func packsAreCompacted() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        func check(_ step: String) throws {
            let index = try Self.index(site)
            let live = index.entries.reduce(0) { $0 + $1.1.length }
            let sizes = index.packs.reduce(0) { $0 + $1.size }
            #expect(index.packs.count <= PageStore.maximumPacks, "\(step): \(index.packs.count) packs")
            #expect(sizes - PageStore.headerSize * index.packs.count <= 2 * live, "\(step): \(sizes) bytes in packs for \(live) live")
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: try Self.folder(site).path))
            #expect(files == Set(index.packs.map(\.name) + [PageStore.indexName]), "\(step)")
        }
        #expect(try site.build().succeeded)
        var most = 1
        for number in 0..<(2 * PageStore.maximumPacks) {
            let path = "content/avsnitt-\(number % 4)/sida-\(number).md"
            try IncrementalBuildTests.edit(site, path) { $0 + "\nRedigerad \(number).\n" }
            let built = try site.build()
            #expect(built.redone == IncrementalPageMemory.Counts(loaded: 1, analysed: 1))
            most = max(most, try Self.index(site).packs.count)
            try check("edit \(number)")
        }
        #expect(most > 2, "the edits added packs")
        for number in 0..<30 { try site.remove("content/avsnitt-\(number % 4)/sida-\(number).md") }
        try site.build()
        try check("after deleting")
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(TestSite.differences(site.snapshot("site"), site.snapshot("clean-site")).isEmpty)
    }

    /// The real binary, killed with SIGKILL while it appends to its pack and around the index's rename: the next
    /// build says nothing about the store, takes what it can from it and writes what a clean build writes.
    @Test func aBuildKilledWhileItWritesTheStoreLeavesAUsableOne() throws {
        let site = try DeterminismTests.generatedSite(pages: 200)
        defer { site.cleanUp() }
        #expect(try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root).status == 0)
        for (round, point) in ["store-write:1", "store-write:60", "store-commit", "store-committed"].enumerated() {
            // Every third page changes, so the build has records to write.
            for number in stride(from: 0, to: 200, by: 3) {
                try IncrementalBuildTests.edit(site, "content/avsnitt-\(number % 4)/sida-\(number).md") { $0 + "\nVersion \(round).\n" }
            }
            #expect(try Self.buildAndKill(at: point, in: site), "the build never reached \(point)")
            let next = try CLI.run(["build", "--jobs", "2"], in: site.root)
            #expect(next.status == 0, "\(next.stderr)")
            #expect(!next.stderr.contains("page store"), "after a kill at \(point): \(next.stderr)")
            #expect(try CLI.run(["build", "--quiet", "--clean", "--jobs", "2", "--output", "clean-site"], in: site.root).status == 0)
            let differing = TestSite.differences(site.snapshot("site"), site.snapshot("clean-site"))
            #expect(differing.isEmpty, "after a kill at \(point): \(differing.prefix(5))")
            let index = try Self.index(site)
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: try Self.folder(site).path))
            #expect(files == Set(index.packs.map(\.name) + [PageStore.indexName]), "after a kill at \(point): \(files)")
        }
    }

    /// Runs `lathund build` (with the cache) until it stops itself at `point`, and kills it there.
    static func buildAndKill(at point: String, in site: TestSite) throws -> Bool {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["build", "--quiet", "--jobs", "2", "--today", TestSite.today.description]
        process.currentDirectoryURL = site.root
        process.environment = ProcessInfo.processInfo.environment.merging(["LATHUND_TEST_STOP_AT": point]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning, KillSafetyTests.state(of: process.processIdentifier) != "T" {
            usleep(2_000)
        }
        let stopped = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return stopped && process.terminationReason == .uncaughtSignal
    }
}
