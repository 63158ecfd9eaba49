import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a build's input files, each read from disk once per build (issue 16): `lathund.yml`, the
/// files of `content/` (pages, datasets, the glossary, the synonyms, the writing aid's rules, other files) and
/// of `layouts/` (templates, assets). The build cache's fingerprint reads them first and every stage after it
/// takes the same bytes from here, so a build is made from the bytes it fingerprinted; without a cache the
/// first stage that needs a file reads it. One per build (`BuildSetup.inputs`); tests count the reads
/// (`counts`, ContentReadTests).
///
/// In a process that builds again (`lathund serve`), `stamps` remembers each file's hash with its `FileStamp`:
/// a file whose stamp is the one it had when it was last read is not read again to be hashed. A stage that needs
/// such a file's bytes reads them then (`data`); a page's are not needed while the page memory has its page.
final class InputFiles: Sendable {
    /// Reads from disk by absolute path, while a test counts them (not nil).
    static let counts = Locked<[String: Int]?>(nil)
    private let read = Locked<[String: Data]>([:])
    /// This build's hashes (every stage gets the fingerprint's), and whether each was taken from `stamps`.
    private let hashes = Locked<[String: (hash: UInt64, stamped: Bool)]>([:])
    let stamps: FileStamps?

    init(stamps: FileStamps? = nil) { self.stamps = stamps }

    /// The walks of this build's folders, by folder and what they leave out: the build cache's fingerprint and the
    /// Content stage walk `content/` once between them, and see the same files.
    private let walks = Locked<[String: FileTree.Walk]>([:])

    func walk(_ key: String, make: () -> FileTree.Walk) -> FileTree.Walk {
        if let walk = walks.withLock({ $0[key] }) { return walk }
        // In `lathund serve`, the last build's walk when the watcher sees the same files (`FileStamps.offerWalks`).
        let walk = stamps?.offeredWalk(key) ?? make()
        stamps?.keep(walk: walk, key: key)
        walks.withLock { $0[key] = walk }
        return walk
    }

    /// The file's bytes: read the first time, then from memory.
    func data(_ path: String) throws -> Data {
        if let data = read.withLock({ $0[path] }) { return data }
        Self.counts.withLock { counts in counts?[path, default: 0] += 1 }
        // `isDirectory: false`: without it, making the URL asks the file system (a `stat` per file).
        let data = try Data(contentsOf: URL(fileURLWithPath: path, isDirectory: false))
        read.withLock { $0[path] = data }
        return data
    }

    /// Frees the bytes of files no later stage reads (one that did would read the file again).
    func forget(_ paths: [String]) {
        read.withLock { read in
            for path in paths { read[path] = nil }
        }
    }

    /// XXH64 of the file's bytes; a file that cannot be read hashes as its error. The same for the whole build.
    func hash(_ path: String) -> UInt64 {
        if let known = hashes.withLock({ $0[path] }) { return known.hash }
        // A file the watcher of `lathund serve` saw unchanged since the last build: not even its stat.
        if let vouched = stamps?.vouchedHash(path) {
            hashes.withLock { $0[path] = (vouched, true) }
            return vouched
        }
        // Stamped before the read: a change during the read gives the next build another stamp.
        let stamp = stamps == nil ? nil : FileStamp(path: path)
        if let stamp, let known = stamps?.hash(path, stamp: stamp) {
            hashes.withLock { $0[path] = (known, true) }
            return known
        }
        let hash: UInt64
        do {
            hash = try data(path).withUnsafeBytes { XXH64.hash($0) }
            if let stamp { stamps?.keep(path, stamp: stamp, hash: hash) }
        } catch {
            hash = XXH64.hash("unreadable \(error)")
        }
        return hashes.withLock { hashes in
            if let first = hashes[path] { return first.hash }
            hashes[path] = (hash, false)
            return hash
        }
    }

    /// The file's hash in this build when it was taken from its stamp, without reading the file.
    func stampedHash(_ path: String) -> UInt64? {
        hashes.withLock { $0[path].flatMap { $0.stamped ? $0.hash : nil } }
    }
}

/// What says that a file is unchanged without reading it: its device, inode, size, and change and modification
/// times in nanoseconds. Another file renamed into its place has another inode; a change that keeps the size and
/// sets the modification time back still changes the change time. A file changed again within the file system's
/// clock tick (a few milliseconds) keeps its times: so a stamp is trusted only once its times are
/// `FileStamps.settle` older than the moment it was taken.
struct FileStamp: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64
    let changed: Int64
    /// When the stamp was taken (the real-time clock, nanoseconds).
    let taken: Int64

    /// The same file with the same bytes, as far as the file system tells.
    func matches(_ other: FileStamp) -> Bool {
        (device, inode, size, modified, changed) == (other.device, other.inode, other.size, other.modified, other.changed)
    }
}

extension FileStamp {
    init?(path: String) {
        var info = stat()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        taken = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// Each file's hash with the stamp it had when it was read, from one build to the next (`lathund serve`).
final class FileStamps: Sendable {
    /// How much older than the moment they were taken a stamp's times must be to be trusted (nanoseconds): more
    /// than any file system's clock tick (ext4 takes the kernel's coarse clock, 1–10 ms).
    let settle: Int64
    private let known = Locked<[String: (stamp: FileStamp, hash: UInt64)]>([:])

    static let settle: Int64 = 1_000_000_000

    init(settle: Int64 = FileStamps.settle) { self.settle = settle }

    /// Stamps kept from an earlier process (the build cache's, `IncrementalCache.loadStamps`).
    init(settle: Int64 = FileStamps.settle, entries: [(path: String, stamp: FileStamp, hash: UInt64)]) {
        self.settle = settle
        known.withLock { known in
            known.reserveCapacity(entries.count)
            for entry in entries { known[entry.path] = (entry.stamp, entry.hash) }
        }
    }

    /// The stamps kept for `paths` (those that have one), for the build cache to save.
    func entries(for paths: [String]) -> [(path: String, stamp: FileStamp, hash: UInt64)] {
        known.withLock { known in paths.compactMap { path in known[path].map { (path, $0.stamp, $0.hash) } } }
    }

    /// How many hashes were taken from stamps, without reading the file (for tests).
    var taken: Int { hits.withLock { $0 } }
    private let hits = Locked(0)

    /// The hash of the file when it was read, if its stamp is the same and was settled then.
    func hash(_ path: String, stamp: FileStamp) -> UInt64? {
        let hash = known.withLock { $0[path] }.flatMap { $0.stamp.matches(stamp) ? $0.hash : nil }
        if hash != nil { hits.withLock { $0 += 1 } }
        return hash
    }

    /// Remembers a file's hash with the stamp taken before it was read; not while the file's times are so recent
    /// that another change in the same clock tick would keep them.
    func keep(_ path: String, stamp: FileStamp, hash: UInt64) {
        let settled = stamp.taken - max(stamp.modified, stamp.changed) > settle
        known.withLock { $0[path] = settled ? (stamp, hash) : nil }
    }

    /// The watcher's word for the next build (`lathund serve`): which absolute paths it saw with the same stamp in
    /// its snapshot before this build as in the one before the last build (`unchanged`), and which it saw change
    /// (`changed`, forgotten at once, so a build that stops before hashing them cannot leave their old hashes
    /// vouched for later). A file it vouches for is hashed from the memory without a `stat` (`vouchedHash`); nil
    /// when the watcher cannot say (the first build, a build not started by the watcher): every file is stamped.
    /// Why this is sound: every change after the snapshot before the build that hashed a file is in a later
    /// build's `changed`, since each build's snapshot is taken before it starts and compared with the next.
    func vouch(unchanged: (@Sendable (String) -> Bool)?, changed: [String]) {
        known.withLock { known in
            for path in changed { known[path] = nil }
        }
        vouched.withLock { $0 = unchanged.map(Vouch.init) }
    }
    private let vouched = Locked<Vouch?>(nil)
    /// A class, so that reading the closure out of the lock does not wrap it again for each file.
    private final class Vouch: Sendable {
        let unchanged: @Sendable (String) -> Bool
        init(_ unchanged: @escaping @Sendable (String) -> Bool) { self.unchanged = unchanged }
    }

    /// The walks of the last build (`InputFiles.walk`, by its key: the folder, then the `exclude:` patterns, joined
    /// by NUL), and those offered to this build.
    private let walks = Locked<(kept: [String: FileTree.Walk], offered: [String: FileTree.Walk])>(([:], [:]))

    /// Before a build (`lathund serve`): the last build's walk of a folder is offered to this one when it has the
    /// files the watcher's snapshot before this build has under that folder, no more (`count`) and no fewer
    /// (`present`), so no file was added or removed since; only a walk that followed no link, met no problem
    /// and left out at least what the watcher ignores (`FileWatcher.isIgnored`: `.*`, `*~`, `*.swp`), so that the
    /// watcher sees every file the walk could. Otherwise (nil: the watcher cannot say) the folder is walked.
    func offerWalks(present: (@Sendable (String) -> Bool)?, count: (@Sendable (String) -> Int)?) {
        walks.withLock { walks in
            walks.offered = [:]
            if let present, let count {
                for (key, walk) in walks.kept where Self.sameFiles(walk, key: key, present: present, count: count) {
                    walks.offered[key] = walk
                }
            }
            walks.kept = [:]
        }
    }

    func offeredWalk(_ key: String) -> FileTree.Walk? { walks.withLock { $0.offered[key] } }
    func keep(walk: FileTree.Walk, key: String) { walks.withLock { $0.kept[key] = walk } }

    private static func sameFiles(_ walk: FileTree.Walk, key: String, present: (String) -> Bool,
                                  count: (String) -> Int) -> Bool {
        let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        guard let folder = parts.first, Set(parts.dropFirst()).isSuperset(of: [".*", "*~", "*.swp"]),
              walk.problems.isEmpty else { return false }
        var files = 0
        for entry in walk.entries {
            switch entry.kind {
            case .folder: continue
            case .file:
                guard entry.absolute == folder + "/" + entry.relative, present(entry.absolute) else { return false }
                files += 1
            case .link, .other: return false
            }
        }
        return files == count(folder)
    }

    /// The hash of a file read by an earlier build, when the watcher vouches that it has not changed since.
    func vouchedHash(_ path: String) -> UInt64? {
        guard let vouch = vouched.withLock({ $0 }), vouch.unchanged(path) else { return nil }
        let hash = known.withLock { $0[path]?.hash }
        if hash != nil { hits.withLock { $0 += 1 } }
        return hash
    }
}
