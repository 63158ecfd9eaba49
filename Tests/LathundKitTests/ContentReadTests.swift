import Foundation
import Testing
@testable import LathundKit

/// Each page's file is read once per build (`ContentFileReads` counts the reads): by the build cache's
/// fingerprint, which hands the bytes to the Content stage (it read them again), and the Checks stage takes what
/// `ContentScan` found in them from the Content stage (it read every page a third time). A build with the page
/// memory takes the scan of an unchanged file from there too.
@Suite struct ContentReadTests {
    @Test func eachPageFileIsReadOnceByTheStages() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        try site.write("content/regelverk/etikett.md", page("Etikett", "Enligt Seed 004 gäller detta.\n"))
        let root = site.root.appendingPathComponent("content").resolvingSymlinksInPath().path
        func reads(_ build: () throws -> BuildResult) throws -> (BuildResult, [String: Int]) {
            ContentFileReads.counts.withLock { $0 = [:] }
            let result = try build()
            let counts = ContentFileReads.counts.withLock { counts in
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
}
