import Foundation
import Testing
@testable import LathundKit

/// Each input file is read once per build (`InputFiles` counts the reads from disk): by the build cache's
/// fingerprint, which keeps the bytes for the stages, or else by the first stage that needs it. The Content stage
/// read every page again, and the Checks stage takes what `ContentScan` found in them from the Content stage (it
/// read every page a third time); datasets, the glossary, the synonyms, the writing aid's rules, other content
/// files, layouts, layout assets and `lathund.yml` were read again by their loaders, the Checks stage's scan, the
/// render keys and the Output stage. A build with the page memory takes the scan of an unchanged file from there
/// too. Serialized: the two tests share the one count.
@Suite(.serialized) struct ContentReadTests {
    @Test func eachPageFileIsReadOnceByTheStages() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        try site.write("content/regelverk/etikett.md", page("Etikett", "Enligt Seed 004 gäller detta.\n"))
        let root = site.root.appendingPathComponent("content").resolvingSymlinksInPath().path
        func reads(_ build: () throws -> BuildResult) throws -> (BuildResult, [String: Int]) {
            InputFiles.counts.withLock { $0 = [:] }
            let result = try build()
            let counts = InputFiles.counts.withLock { counts in
                defer { counts = nil }
                return (counts ?? [:]).filter { $0.key.hasPrefix(root + "/") }
            }
            return (result, counts)
        }
        let (first, counts) = try reads { try site.build { $0.useCache = false } }
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".md") }
        #expect(counts.count >= files.count - 2)  // README.md files are excluded
        #expect(counts.values.allSatisfy { $0 == 1 }, "read more than once: \(counts.filter { $0.value > 1 }.keys.sorted().prefix(3))")
        // The scan's finding is still reported, at its line and column.
        #expect(first.diagnostics.contains { $0.code == "internal-label" && $0.location.file == "content/regelverk/etikett.md" })
        // With the page memory (from the last build's store), the same.
        try IncrementalBuildTests.edit(site, "content/regelverk/sgi.md") { $0 + "\nEn mening till.\n" }
        let (again, more) = try reads { try site.build() }
        #expect(more.values.allSatisfy { $0 == 1 })
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(again.diagnostics.map(\.description) == clean.diagnostics.map(\.description))
    }

    /// The Content stage lets a page file's bytes go as soon as its page is made; a file that a link inside
    /// content/ makes into a second page is still read once, in a build with the fingerprint's bytes and in one
    /// without a cache folder.
    @Test func aPageFileLinkedTwiceIsReadOnce() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        let target = site.root.appendingPathComponent("content/regelverk/sgi.md").resolvingSymlinksInPath().path
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("content/regelverk/sgi-kopia.md").path,
                                                   withDestinationPath: "sgi.md")
        for noCache in [false, true] {
            InputFiles.counts.withLock { $0 = [:] }
            let result = try site.build { options in
                options.useCache = false
                options.jobs = 1
                if noCache { options.cacheDirectory = nil }
            }
            let reads = InputFiles.counts.withLock { counts in
                defer { counts = nil }
                return counts?[target] ?? 0
            }
            #expect(result.pages.contains { $0.file == "content/regelverk/sgi-kopia.md" }, "\(result.diagnostics)")
            #expect(reads == 1, "no cache folder: \(noCache)")
        }
    }

    /// Every file a stage reads, of every kind, is read once: in a clean build, an incremental build from the page
    /// store, and a build without a cache folder (no fingerprint: the first stage to need a file reads it). The
    /// builds succeed, so the Output stage copies the content files too.
    @Test func everyInputFileIsReadOnce() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        try site.write("content/regelverk/bilaga.txt", "En bilaga som text.\n")
        try site.write("content/regelverk/bild.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]))
        let root = site.root.resolvingSymlinksInPath().path
        func reads(_ configure: (inout BuildOptions) -> Void) throws -> (BuildResult, [String: Int]) {
            InputFiles.counts.withLock { $0 = [:] }
            let result = try site.build(configure)
            let counts = InputFiles.counts.withLock { counts in
                defer { counts = nil }
                return (counts ?? [:]).filter { $0.key.hasPrefix(root + "/") && !$0.key.hasPrefix(root + "/.lathund-cache/") }
                    .reduce(into: [String: Int]()) { $0[String($1.key.dropFirst(root.count + 1)), default: 0] += $1.value }
            }
            return (result, counts)
        }
        // What the stages see: content/ but README.md files, the layouts and their assets, lathund.yml.
        func isFile(_ path: String) -> Bool {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder) && !isFolder.boolValue
        }
        let content = try FileManager.default.subpathsOfDirectory(atPath: root + "/content")
            .map { "content/" + $0 }.filter { !$0.hasSuffix("README.md") && isFile($0) }
        let layouts = try FileManager.default.subpathsOfDirectory(atPath: root + "/layouts")
            .map { "layouts/" + $0 }.filter { $0.hasSuffix(".mustache") || ($0.hasPrefix("layouts/assets/") && isFile($0)) }
        let expected = Set(content + layouts + ["lathund.yml"])
        for kind in ["content/regelverk/sgi.md", "content/data/sjukpenningtal.csv", "content/data/sjukpenningtal.yml",
                     "content/ordlista.yml", "content/synonymer.yml", "content/dfa/granskningsregler.yml",
                     "content/regelverk/bilaga.txt", "content/regelverk/bild.png", "layouts/page.mustache",
                     "layouts/partials/header.mustache", "layouts/assets/style.css", "layouts/assets/search.js"] {
            #expect(expected.contains(kind), "\(kind) is not in the project")
        }
        for (name, configure) in [("clean", { (options: inout BuildOptions) in options.useCache = false }),
                                  ("incremental", { _ in }), ("no cache folder", { $0.cacheDirectory = nil })]
            as [(String, (inout BuildOptions) -> Void)] {
            if name == "incremental" {
                try IncrementalBuildTests.edit(site, "content/regelverk/sgi.md") { $0 + "\nEn mening till.\n" }
            }
            let (result, counts) = try reads(configure)
            #expect(result.succeeded, "\(name): \(result.diagnostics.filter { $0.severity == .error })")
            #expect(Set(counts.keys) == expected, "\(name): read \(Set(counts.keys).subtracting(expected).sorted()), not read \(expected.subtracting(counts.keys).sorted())")
            let twice = counts.filter { $0.value > 1 }.map { "\($0.key) \($0.value)×" }.sorted()
            #expect(twice.isEmpty, "\(name): read more than once: \(twice)")
        }
    }
    /// The page files of content/ a build read, by path relative to content/.
    static func pageReads(_ site: TestSite, _ build: () throws -> BuildResult) throws -> (BuildResult, Set<String>) {
        let root = site.root.appendingPathComponent("content").resolvingSymlinksInPath().path + "/"
        InputFiles.counts.withLock { $0 = [:] }
        let result = try build()
        let counts = InputFiles.counts.withLock { counts in
            defer { counts = nil }
            return counts ?? [:]
        }
        return (result, Set(counts.keys.filter { $0.hasPrefix(root) && $0.hasSuffix(".md") }.map { String($0.dropFirst(root.count)) }))
    }

    /// `lathund build` keeps each input file's hash with its stamp in the cache (`build-KEY.stamps`): the next build
    /// neither reads nor hashes a file whose stamp is unchanged, and takes its page from the page store with the body
    /// left in the file (`Page.bodyInFile`), read only when a stage needs it (a page rendered again because a
    /// neighbour's title changed, every page when one is added). After each change the site equals a clean build.
    @Test func aBuildReadsOnlyThePageFilesWhoseStampChanged() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        Thread.sleep(forTimeInterval: 1.2)  // stamps are kept only once a file's times are a second old (`FileStamps.settle`)
        let (first, all) = try Self.pageReads(site) { try site.build() }
        #expect(first.succeeded && all.count == 45)
        func sameAsClean() throws {
            try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
            IncrementalBuildTests.expectSiteEqualsCleanSite(site)
        }
        try IncrementalBuildTests.edit(site, "content/avsnitt-1/sida-9.md") { $0 + "\nEn ny mening.\n" }
        let (edited, reads) = try Self.pageReads(site) { try site.build() }
        #expect(edited.succeeded)
        #expect(reads == ["avsnitt-1/sida-9.md"])
        try sameAsClean()
        // A title: the pages that show it are rendered again, from bodies read from their files.
        try IncrementalBuildTests.edit(site, "content/avsnitt-2/sida-6.md") { $0.replacingOccurrences(of: "Sida 6", with: "Sida sex") }
        #expect(try site.build().succeeded)
        try sameAsClean()
        // A page added: every page's Markdown is rendered again.
        try site.write("content/avsnitt-3/ny.md", page("Ny", "Se [sida 3](sida-3.md).\n"))
        let (added, readsAll) = try Self.pageReads(site) { try site.build() }
        // Every page with a body (the five `_index.md` pages have none: nothing to read).
        #expect(added.succeeded && added.redone?.analysed == 46 && readsAll.count == 41, "\(readsAll.count) read, \(String(describing: added.redone))")
        try sameAsClean()
        try site.remove("content/avsnitt-0/sida-0.md")
        #expect(try site.build().succeeded)
        try sameAsClean()
    }

    /// A stamps file that is damaged, cut short or of another version is not trusted: the build reads every file.
    enum DamagedStamps: String, CaseIterable, Sendable {
        case damaged, truncated, foreign

        func apply(to url: URL) throws {
            var bytes = [UInt8](try Data(contentsOf: url))
            switch self {
            case .damaged: bytes[bytes.count - 20] ^= 0x01
            case .truncated: bytes.removeLast(bytes.count / 3)
            case .foreign:
                let head = Array("LTHDSTMP \(IncrementalCache.version)\n".utf8)
                #expect(bytes.starts(with: head))
                bytes.replaceSubrange(0..<head.count, with: Array("LTHDSTMP \(IncrementalCache.version - 1)\n".utf8))
            }
            try Data(bytes).write(to: url)
        }
    }

    @Test(arguments: DamagedStamps.allCases) func stampsThatCannotBeTrustedAreNotUsed(_ kind: DamagedStamps) throws {
        let site = try DeterminismTests.generatedSite(pages: 12)
        defer { site.cleanUp() }
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try site.build().succeeded)
        let cache = site.root.appendingPathComponent(".lathund-cache")
        let name = try #require(FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasSuffix(".stamps") })
        try kind.apply(to: cache.appendingPathComponent(name))
        try IncrementalBuildTests.edit(site, "content/avsnitt-1/sida-9.md") { $0 + "\nEn ny mening.\n" }
        let (result, reads) = try Self.pageReads(site) { try site.build() }
        #expect(result.succeeded)
        #expect(reads.count == 17, "\(kind): read only \(reads.sorted())")
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        IncrementalBuildTests.expectSiteEqualsCleanSite(site)
    }
}
