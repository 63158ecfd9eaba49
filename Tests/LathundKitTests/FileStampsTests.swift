import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LathundKit

/// `lathund serve` hashes a file again only when its stamp (`FileStamp`: device, inode, size, modification and
/// change times) is not the one it had when it was last read, and trusts a stamp only once its times are settled.
@Suite struct FileStampsTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-stamp-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Sets the file's modification time back to `time` (nanoseconds), as `touch -d` or a copy keeping times does.
    func setModified(_ path: String, to time: Int64) {
        var times = [timespec(tv_sec: Int(time / 1_000_000_000), tv_nsec: Int(time % 1_000_000_000)),
                     timespec(tv_sec: Int(time / 1_000_000_000), tv_nsec: Int(time % 1_000_000_000))]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func aFileIsReadAgainOnlyWhenItsStampChanged() throws {
        let path = try temporaryFile("sjukpenning")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stamps = FileStamps(settle: 0)
        let first = InputFiles(stamps: stamps)
        let hash = first.hash(path)
        #expect(hash == XXH64.hash("sjukpenning"))
        #expect(first.stampedHash(path) == nil, "read the first time")
        let again = InputFiles(stamps: stamps)
        #expect(again.hash(path) == hash)
        #expect(again.stampedHash(path) == hash, "not read: the stamp is the same")

        // The same size, the modification time set back: the change time still differs.
        let modified = try #require(FileStamp(path: path)).modified
        try Data("sjukpenninG".utf8).write(to: URL(fileURLWithPath: path))
        setModified(path, to: modified)
        let edited = InputFiles(stamps: stamps)
        #expect(edited.hash(path) == XXH64.hash("sjukpenninG"))
        #expect(edited.stampedHash(path) == nil)

        // Another file with the same size and times renamed into its place: another inode.
        let other = try temporaryFile("sjukpenninY")
        setModified(other, to: modified)
        #expect(rename(other, path) == 0)
        let renamed = InputFiles(stamps: stamps)
        #expect(renamed.hash(path) == XXH64.hash("sjukpenninY"))
        #expect(renamed.stampedHash(path) == nil)
    }

    /// A file written twice within one tick of the file system's clock keeps its times and size: a stamp taken
    /// less than `settle` after its times is not trusted, so the second write is read.
    @Test func aStampIsTrustedOnlyOnceItsTimesAreSettled() throws {
        let stamps = FileStamps()
        let recent = FileStamp(device: 1, inode: 2, size: 11, modified: 1_000_000_000_000, changed: 1_000_000_000_000,
                               taken: 1_000_005_000_000)
        stamps.keep("a", stamp: recent, hash: 42)
        #expect(stamps.hash("a", stamp: recent) == nil, "taken 5 ms after the file's times")
        let settled = FileStamp(device: 1, inode: 2, size: 11, modified: 1_000_000_000_000, changed: 1_000_000_000_000,
                                taken: 1_002_000_000_000)
        stamps.keep("a", stamp: settled, hash: 42)
        #expect(stamps.hash("a", stamp: settled) == 42)

        // On the file system: written, hashed and written again at once, with the same size.
        let path = try temporaryFile("karensavdrag")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(InputFiles(stamps: stamps).hash(path) == XXH64.hash("karensavdrag"))
        try Data("karensavdraG".utf8).write(to: URL(fileURLWithPath: path))
        #expect(InputFiles(stamps: stamps).hash(path) == XXH64.hash("karensavdraG"))
    }

    /// `lathund serve`'s watcher vouches for the files it saw unchanged since the last build: they are hashed from
    /// the memory without a stat; a file it saw change is stamped and read, also in a later build when the build it
    /// was reported to stopped before hashing it.
    @Test func filesTheWatcherVouchesForAreNotStampedAgain() throws {
        let path = try temporaryFile("sjukpenning")
        let other = try temporaryFile("karensdag")
        defer { for file in [path, other] { try? FileManager.default.removeItem(atPath: file) } }
        let stamps = FileStamps(settle: 0)
        #expect(InputFiles(stamps: stamps).hash(path) == XXH64.hash("sjukpenning"))
        #expect(InputFiles(stamps: stamps).hash(other) == XXH64.hash("karensdag"))

        // The watcher vouches for `other` only: it is taken from the memory without a stat (here its bytes did
        // change, which the watcher would have reported), and `path`, which it saw change, is read again.
        try Data("sjukpenninG".utf8).write(to: URL(fileURLWithPath: path))
        try Data("karensdaX".utf8).write(to: URL(fileURLWithPath: other))
        stamps.vouch(unchanged: { $0 == other }, changed: [path])
        let watched = InputFiles(stamps: stamps)
        #expect(watched.hash(path) == XXH64.hash("sjukpenninG"))
        #expect(watched.stampedHash(path) == nil, "a changed file is read")
        #expect(watched.hash(other) == XXH64.hash("karensdag"))
        #expect(watched.stampedHash(other) == XXH64.hash("karensdag"), "a vouched file is taken from the memory")

        // Reported to a build that stopped before hashing it: not vouched for by the next word that leaves it out.
        try Data("sjukpenninX".utf8).write(to: URL(fileURLWithPath: path))
        stamps.vouch(unchanged: { _ in true }, changed: [path])
        stamps.vouch(unchanged: { _ in true }, changed: [])
        #expect(InputFiles(stamps: stamps).hash(path) == XXH64.hash("sjukpenninX"))

        // Without the watcher's word, every file is stamped.
        stamps.vouch(unchanged: nil, changed: [])
        #expect(InputFiles(stamps: stamps).hash(other) == XXH64.hash("karensdaX"))
    }

    /// The last build's walk of a folder is taken again only when the watcher's snapshot has exactly its files, it
    /// followed no link and it leaves out what the watcher ignores.
    @Test func aWalkIsTakenAgainOnlyWhenTheWatcherSeesTheSameFiles() throws {
        let folder = "/projekt/content"
        let entry = { (relative: String) in
            FileTree.Entry(relative: relative, absolute: folder + "/" + relative, kind: .file, size: 1, seconds: 0,
                           nanoseconds: 0, inode: 1)
        }
        let walk = FileTree.Walk(entries: [entry("a.md"), entry("b.md")], problems: [])
        let key = ([folder] + SiteConfig().exclude).joined(separator: "\u{0}")
        let files: Set<String> = [folder + "/a.md", folder + "/b.md"]
        func offered(_ walk: FileTree.Walk, key: String, present: Set<String>, count: Int) -> Bool {
            let stamps = FileStamps(settle: 0)
            stamps.keep(walk: walk, key: key)
            stamps.offerWalks(present: { present.contains($0) }, count: { $0 == folder ? count : 0 })
            return stamps.offeredWalk(key) != nil
        }
        #expect(offered(walk, key: key, present: files, count: 2))
        #expect(!offered(walk, key: key, present: files, count: 3), "a file added")
        #expect(!offered(walk, key: key, present: [folder + "/a.md"], count: 1), "a file removed")
        #expect(!offered(walk, key: folder + "\u{0}README.md", present: files, count: 2), "hidden files not left out")
        let linked = FileTree.Walk(entries: [entry("a.md"), FileTree.Entry(relative: "b.md", absolute: "/annan/b.md",
            kind: .file, size: 1, seconds: 0, nanoseconds: 0, inode: 2)], problems: [])
        #expect(!offered(linked, key: key, present: files.union(["/annan/b.md"]), count: 2), "a link followed")

        // Offered once: the next build takes only what this one kept; without the watcher's word, nothing.
        let stamps = FileStamps(settle: 0)
        stamps.keep(walk: walk, key: key)
        stamps.offerWalks(present: { files.contains($0) }, count: { _ in 2 })
        stamps.offerWalks(present: { files.contains($0) }, count: { _ in 2 })
        #expect(stamps.offeredWalk(key) == nil)
        stamps.keep(walk: walk, key: key)
        stamps.offerWalks(present: nil, count: nil)
        #expect(stamps.offeredWalk(key) == nil)
    }
}
