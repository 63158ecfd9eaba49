import Foundation
import Testing
@testable import LathundKit

/// The spare's record (`StagedOutput.Spare`, `build-KEY.spare`): a build that trusts it leaves the spare's files
/// that are links of the live site's as they are and removes only the old files it names. Every build must still
/// write exactly what a clean build writes; a record that is damaged, or whose folders were replaced, is not used.
@Suite struct SpareRecordTests {
    static func spareRecord(_ site: TestSite) -> URL? {
        let cache = site.root.appendingPathComponent(".lathund-cache")
        let name = ((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).first { $0.hasSuffix(".spare") }
        return name.map { cache.appendingPathComponent($0) }
    }

    /// Builds with the cache and expects `site/` to equal a clean build of the same input.
    static func expectCleanAfterBuild(_ site: TestSite, _ step: String) throws {
        let result = try site.build()
        #expect(result.succeeded, "\(step): \(result.diagnostics.prefix(2))")
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        let built = site.snapshot(), clean = site.snapshot("clean-site")
        let differing = TestSite.differences(built, clean)
        #expect(differing.isEmpty, "\(step): differs from a clean build: \(differing.prefix(6))")
        try site.remove("clean-site")
    }

    /// A generated 40-page site built, then built again after one page was edited (equal to a clean build):
    /// a build that knew the live site's files, so the cache holds the spare's record. The caller cleans it up.
    static func siteEditedOnce() throws -> TestSite {
        let site = try DeterminismTests.generatedSite(pages: 40)
        do {
            try site.build()
            try site.write("content/avsnitt-0/sida-0.md", page("Sida 0", "Ändrad en gång"))
            try expectCleanAfterBuild(site, "first edit")
            return site
        } catch {
            site.cleanUp()
            throw error
        }
    }

    @Test func buildsThatTrustTheSpareEqualCleanBuilds() throws {
        let site = try Self.siteEditedOnce()
        defer { site.cleanUp() }
        #expect(Self.spareRecord(site) != nil, "a build that knew the live site's files records the spare")
        let steps: [(String, () throws -> Void)] = [
            ("another page edited", { try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "Ändrad")) }),
            ("nothing but a third page", { try site.write("content/avsnitt-2/sida-2.md", page("Sida 2", "Ändrad")) }),
            ("the first page again", { try site.write("content/avsnitt-0/sida-0.md", page("Sida 0", "Två gånger")) }),
            ("a page added", { try site.write("content/avsnitt-3/ny.md", page("Ny", "Ny sida")) }),
            ("a page deleted", { try site.remove("content/avsnitt-1/sida-5.md") }),
            ("a page in a new section", { try site.write("content/nytt/djup/sida.md", page("Djup", "Djupt")) }),
            ("the new section deleted", { try site.remove("content/nytt") }),
            ("the added page deleted", { try site.remove("content/avsnitt-3/ny.md") }),
            ("a page moved", {
                try FileManager.default.moveItem(at: site.root.appendingPathComponent("content/avsnitt-2/sida-6.md"),
                                                  to: site.root.appendingPathComponent("content/avsnitt-3/sida-6.md"))
            }),
            ("a section renamed", {
                try FileManager.default.moveItem(at: site.root.appendingPathComponent("content/avsnitt-3"),
                                                  to: site.root.appendingPathComponent("content/avsnitt-9"))
            }),
        ]
        for (step, change) in steps {
            try change()
            try Self.expectCleanAfterBuild(site, step)
            #expect(Self.spareRecord(site) != nil, "\(step)")
        }
    }

    /// Edits a page, builds (so the record names that page's files), then spoils the record or the spare in
    /// `spoil` and edits another page: the build must equal a clean one.
    func expectSpoiledSpareIgnored(_ spoil: (TestSite, URL) throws -> Void) throws {
        let site = try Self.siteEditedOnce()
        defer { site.cleanUp() }
        try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "Ändrad"))
        try Self.expectCleanAfterBuild(site, "second edit")
        let record = try #require(Self.spareRecord(site))
        try spoil(site, record)
        try site.write("content/avsnitt-2/sida-2.md", page("Sida 2", "Ändrad"))
        try Self.expectCleanAfterBuild(site, "after the spoiling")
    }

    /// The record no longer names a file the spare holds an old version of; its checksum is the old one.
    @Test func aDamagedRecordIsNotTrusted() throws {
        try expectSpoiledSpareIgnored { _, record in
            let bytes = try Data(contentsOf: record)
            let name = Data("avsnitt-1/sida-1/index.html\u{0}".utf8)
            let range = try #require(bytes.range(of: name), "the record names the page edited last")
            var damaged = bytes
            damaged.removeSubrange(range)
            try damaged.write(to: record)
        }
    }

    @Test func garbageIsNotTrusted() throws {
        try expectSpoiledSpareIgnored { _, record in
            try Data("LTHDSPARE \(IncrementalCache.version)\n0000000000000000\n\u{0}\u{0}".utf8).write(to: record)
        }
        try expectSpoiledSpareIgnored { _, record in try Data([0x4C, 0x54, 0xFF]).write(to: record) }
    }

    /// The spare replaced by a copy in which an old file differs: the record describes another folder.
    @Test func aReplacedSpareIsNotTrusted() throws {
        try expectSpoiledSpareIgnored { site, _ in
            let spare = site.root.appendingPathComponent(".site.spare")
            let copy = site.root.appendingPathComponent("kopia")
            try FileManager.default.copyItem(at: spare, to: copy)
            try FileManager.default.removeItem(at: spare)
            try site.write("kopia/avsnitt-3/sida-3/index.html", "gammal")
            try FileManager.default.moveItem(at: copy, to: spare)
        }
    }

    /// `lathund serve` writes files in place after its first build: the spare's links no longer match.
    @Test func writingInPlaceForgetsTheSpare() throws {
        let site = try Self.siteEditedOnce()
        defer { site.cleanUp() }
        try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "I serve"))
        #expect(try site.build { $0.writeInPlace = true }.succeeded)
        #expect(Self.spareRecord(site) == nil)
        try site.write("content/avsnitt-2/sida-2.md", page("Sida 2", "Ändrad"))
        try Self.expectCleanAfterBuild(site, "a build after serve")
    }

    /// The inode of each file of `folder` (in `site`'s root), by path.
    static func inodes(_ site: TestSite, _ folder: String) -> [String: UInt64] {
        let root = site.root.appendingPathComponent(folder).path
        return Dictionary(uniqueKeysWithValues: site.files(folder).keys.compactMap { path in
            RecycledOutputTests.inode(root + "/" + path).map { (path, $0) }
        })
    }

    /// A clean build writes every file. Where the previous site, which becomes the spare, already holds those
    /// bytes (by the cache's record, and untouched since its swap), it records so: the next build keeps the
    /// spare's files as they are, instead of replacing each by a link of the live site's (10 000 pages: 11 000
    /// unlinks and 22 000 links, 0,4–1,2 s), and still equals a clean build.
    @Test func theBuildAfterACleanBuildKeepsTheSpare() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        try site.build { $0.useCache = false }
        try site.build { $0.useCache = false }
        #expect(Self.spareRecord(site) != nil, "a clean build that knew the previous site's files records the spare")
        let spare = Self.inodes(site, ".site.spare"), live = Self.inodes(site, "site")
        #expect(Set(spare.values).isDisjoint(with: live.values), "precondition: the clean build linked nothing")
        try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "Ändrad efter en ren byggning"))
        try Self.expectCleanAfterBuild(site, "one page edited after a clean build")
        let after = Self.inodes(site, "site")
        let relinked = after.keys.filter { after[$0] == live[$0] }.sorted()
        let kept = after.keys.filter { after[$0] == spare[$0] }
        #expect(relinked.isEmpty, "files linked from the live site again: \(relinked.prefix(5))")
        #expect(kept.count > after.count - 10, "kept \(kept.count) of \(after.count) files")
    }

    /// What was changed in the live site by hand before a clean build (a file written over, replaced, removed,
    /// a file added) is not kept by the build after it, whose site equals a clean build.
    @Test func theBuildAfterACleanBuildKeepsNothingChangedByHand() throws {
        let changes: [(String, (TestSite) throws -> Void)] = [
            ("a file written over", { site in
                let descriptor = open(site.root.appendingPathComponent("site/avsnitt-2/sida-2/index.html").path,
                                      O_WRONLY | O_TRUNC)
                #expect(descriptor >= 0 && write(descriptor, "för hand", 9) == 9)
                close(descriptor)
            }),
            ("a file replaced", { try $0.write("site/avsnitt-2/sida-2/index.html", "för hand") }),
            ("a file removed", { try $0.remove("site/avsnitt-2/sida-2/index.html") }),
            ("a file added", { try $0.write("site/avsnitt-2/sida-2/extra.html", "för hand") }),
            ("a folder added", { try $0.write("site/avsnitt-2/ny/index.html", "för hand") }),
        ]
        for (change, make) in changes {
            let site = try DeterminismTests.generatedSite(pages: 40)
            defer { site.cleanUp() }
            try site.build()
            try make(site)
            try site.build { $0.useCache = false }
            try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "Ändrad"))
            try Self.expectCleanAfterBuild(site, change)
            try site.write("content/avsnitt-0/sida-0.md", page("Sida 0", "Ändrad"))
            try Self.expectCleanAfterBuild(site, "\(change), two builds later")
        }
    }

    /// A file added to the live site by hand after a build (into a page's folder, or in a new folder): the next
    /// build keeps that site as its spare, and must not trust it, or the file is published again by every second
    /// build. Each build equals a clean build.
    @Test func aFileAddedToTheSiteByHandIsNotPublishedAgain() throws {
        for (change, path) in [("a file added", "site/avsnitt-2/sida-2/extra.html"),
                               ("a folder added", "site/avsnitt-2/ny/index.html")] {
            let site = try Self.siteEditedOnce()
            defer { site.cleanUp() }
            try site.write(path, "för hand")
            for (step, edited) in ["avsnitt-0/sida-0", "avsnitt-1/sida-1", "avsnitt-3/sida-3"].enumerated() {
                try site.write("content/\(edited).md", page("Sida", "Ändrad i steg \(step)"))
                try Self.expectCleanAfterBuild(site, "\(change), build \(step + 1) after it")
            }
        }
    }

    /// The envelope of the spare's record and the stamps (`IncrementalCache.sealed`): what it sealed comes back
    /// whole, and a change of any one byte, a cut, another magic or another version is refused.
    @Test func aSealedFileOpensOnlyUnchanged() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 17, 300] {
            let body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let sealed = [UInt8](IncrementalCache.sealed("LTHDSPARE", body))
            let opened = sealed.withUnsafeBytes { IncrementalCache.unsealed("LTHDSPARE", $0).map { [UInt8]($0) } }
            #expect(opened == body)
            #expect(sealed.withUnsafeBytes { IncrementalCache.unsealed("LTHDSTMP", $0) } == nil)
            for index in sealed.indices {
                var damaged = sealed
                damaged[index] ^= 1 << UInt8(index % 8)
                #expect(damaged.withUnsafeBytes { IncrementalCache.unsealed("LTHDSPARE", $0) } == nil,
                        "byte \(index) of \(sealed.count) changed")
            }
            for cut in 0..<sealed.count {
                #expect(sealed[..<cut].withUnsafeBytes { IncrementalCache.unsealed("LTHDSPARE", $0) } == nil,
                        "cut to \(cut) of \(sealed.count) bytes")
            }
        }
    }
}
