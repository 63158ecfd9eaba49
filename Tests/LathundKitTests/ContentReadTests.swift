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
}
