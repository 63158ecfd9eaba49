import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The page memory on disk, so that `lathund build` too redoes only the pages that changed: one file per Markdown
/// file in `.lathund-cache/pages-KEY/` (KEY: the output folder's, as for the other cache files), holding what the
/// Content and Markdown stages made of it (`IncrementalPageMemory.Loaded` and `.Analysed`) in `BinaryCoding`.
///
/// A file's name is the hash of the page's Content key (its path and the XXH64 of its bytes) and of the `lathund`
/// binary, so an edited file or another binary finds no entry; its Markdown part is used only when its own key
/// (`IncrementalPageMemory.markdownKey`) is this build's. Entries are written as pages are done (on the
/// Markdown stage's threads, each to a new name and renamed into place, so a killed build leaves whole entries or
/// none), and after the Markdown stage every file that no page of this build uses is removed. An entry that
/// cannot be read is a page to do again, never an error.
struct PageStore: Sendable {
    let folder: String
    /// Read entries; false for `--clean`, which still writes them for the next build.
    let reads: Bool
    private let stamp: UInt64

    /// Bump when what an entry holds changes in a way the binary's stamp would not show.
    static let version: UInt64 = 1

    init(cacheFolder: URL, output: URL, reads: Bool) {
        folder = cacheFolder.appendingPathComponent("pages-" + IncrementalCache.hex(XXH64.hash(output.standardizedFileURL.path))).path
        self.reads = reads
        var chain = HashChain()
        chain.add(Self.version)
        chain.add(IncrementalCache.executableStamp())
        stamp = chain.value
    }

    struct Entry: Codable {
        var loaded: IncrementalPageMemory.Loaded
        var analysed: IncrementalPageMemory.Analysed?
    }

    func name(contentKey: UInt64) -> String {
        var chain = HashChain()
        chain.add(stamp)
        chain.add(contentKey)
        return IncrementalCache.hex(chain.value)
    }

    /// The entry of a page whose Content key is `contentKey`, when there is a whole one.
    func load(contentKey: UInt64) -> Entry? {
        guard reads else { return nil }
        let path = folder + "/" + name(contentKey: contentKey)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let entry = data.withUnsafeBytes { try? BinaryCoding.decode(Entry.self, from: $0) }
        guard let entry, entry.loaded.key == contentKey else { return nil }
        return entry
    }

    /// Writes an entry (to a new name, then renamed over the old one). A store that cannot be written is no
    /// store: the next build does those pages again.
    func save(_ entry: Entry) {
        guard let bytes = try? BinaryCoding.encode(entry) else { return }
        let target = folder + "/" + name(contentKey: entry.loaded.key)
        let temporary = target + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { return }
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        close(descriptor)
        if !complete || rename(temporary, target) != 0 { unlink(temporary) }
    }

    /// Removes every file but the entries of `contentKeys` (those of this build's pages): entries of edited,
    /// removed or renamed files, of another binary, and what a killed build left.
    func prune(keeping contentKeys: some Sequence<UInt64>) {
        guard let names = FileTree.names(in: folder) else { return }
        let keep = Set(contentKeys.map(name(contentKey:)))
        for name in names where !keep.contains(name) { unlink(folder + "/" + name) }
    }
}
