import CLathundSystem
import Foundation
import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's word (Linux inotify) on what changed in the watched folders, so the watcher looks only then
/// instead of four times a second, and stamps again only the files the events name (`News.files`) instead of
/// walking every folder. Whatever the events cannot name for sure is `News.unclear`, and the watcher walks
/// everything as it did without events: events the kernel dropped, a folder created, removed, moved or changed,
/// a watched folder itself removed or moved, a watch it does not know, a read that failed.
/// Sendable: the descriptor is a `let` (the kernel orders reads of it), the watches are `Locked`.
final class FolderEvents: Sendable {
    /// What the events since the last look say.
    enum News: Equatable, Sendable {
        /// No event.
        case quiet
        /// Only these files (absolute paths) were created, written, removed or moved.
        case files(Set<String>)
        /// Anything may have changed: walk everything.
        case unclear
    }

    private let descriptor: Int32
    /// Folders watched with every folder under them (hidden ones left out).
    private let trees: [String]
    /// Single watched files (such as `lathund.yml`); their folders are watched on their own.
    private let files: Set<String>
    /// Each watch's folder, and whether the folder is in a tree (else only its watched files count).
    private let watches = Locked<[Int32: (folder: String, inTree: Bool)]>([:])

    /// nil where inotify does not exist or a folder cannot be watched (the user's watch limit): then the
    /// watcher polls.
    init?(trees: [String], files: [String]) {
        descriptor = lathund_events_open()
        guard descriptor >= 0 else { return nil }
        self.trees = trees
        self.files = Set(files)
        guard watchAll() else {
            close(descriptor)
            return nil
        }
    }

    deinit { close(descriptor) }

    /// Reads every pending event. When the news is unclear, folders that appeared get watches of their own (and
    /// the watches are listed anew, so a moved folder's watch has its new path).
    func drain() -> News {
        var named = Set<String>()
        var unclear = false
        let size = 65_536
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        let watches = self.watches.withLock { $0 }
        while true {
            let length = lathund_events_read(descriptor, buffer, size)
            if length < 0 { unclear = true; break }
            if length == 0 { break }
            var at = 0
            while at + Self.headerSize <= length {
                let watch = buffer.loadUnaligned(fromByteOffset: at, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)
                let nameSize = Int(buffer.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))
                // A name that is not UTF-8 would not be found again by its path: unclear.
                let name = nameSize == 0 ? ""
                    : String(validatingCString: (buffer + at + Self.headerSize).assumingMemoryBound(to: CChar.self))
                at += Self.headerSize + nameSize
                if unclear { continue }
                switch Self.read(mask: mask, name: name, watch: watches[watch], files: files, trees: trees) {
                case .nothing: break
                case .file(let path): named.insert(path)
                case .unclear: unclear = true
                }
            }
        }
        if unclear {
            _ = watchAll()
            return .unclear
        }
        return named.isEmpty ? .quiet : .files(named)
    }

    /// `struct inotify_event` before its name: watch, mask, cookie, name length (4 bytes each, Linux's layout).
    private static let headerSize = 16

    /// What one event says. `watch` is nil for a watch not (or no longer) known, as with dropped events, whose
    /// watch number is -1.
    static func read(mask: UInt32, name: String?, watch: (folder: String, inTree: Bool)?, files: Set<String>,
                     trees: [String]) -> Event {
        guard let watch, let name, mask & (Mask.overflow | Mask.ignored | Mask.deleteSelf | Mask.moveSelf) == 0,
              !name.isEmpty else { return .unclear }
        let path = watch.folder + "/" + name
        if files.contains(path) { return .file(path) }
        if watch.inTree {
            if FileWatcher.isIgnored(name) { return .nothing }  // not watched, nor anything under it
            return mask & Mask.folder != 0 ? .unclear : .file(path)
        }
        // The folder of a single watched file: only that file counts, and a watched tree inside it.
        return mask & Mask.folder != 0 && trees.contains(path) ? .unclear : .nothing
    }

    enum Event: Equatable {
        case nothing, file(String), unclear
    }

    /// The bits of `inotify_event.mask` read here (`<sys/inotify.h>`, the same on every Linux).
    enum Mask {
        static let deleteSelf: UInt32 = 0x400
        static let moveSelf: UInt32 = 0x800
        static let overflow: UInt32 = 0x4000
        static let ignored: UInt32 = 0x8000
        static let folder: UInt32 = 0x4000_0000
    }

    private func watchAll() -> Bool {
        var ok = true
        var watches: [Int32: (folder: String, inTree: Bool)] = [:]
        for folder in Set(files.map { ($0 as NSString).deletingLastPathComponent }) {
            let watch = lathund_events_watch_folder(descriptor, folder)
            if watch < 0 { ok = false } else { watches[watch] = (folder, watches[watch]?.inTree ?? false) }
        }
        for tree in trees { watch(tree: tree, into: &watches, ok: &ok) }
        self.watches.withLock { $0 = watches }
        return ok
    }

    private func watch(tree folder: String, into watches: inout [Int32: (folder: String, inTree: Bool)], ok: inout Bool) {
        let watch = lathund_events_watch_folder(descriptor, folder)
        guard watch >= 0 else {
            if errno != ENOENT && errno != ENOTDIR { ok = false }
            return
        }
        watches[watch] = (folder, true)
        _ = FileWatcher.tree(folder) { entry in
            guard entry.kind == .folder else { return false }
            let watch = lathund_events_watch_folder(descriptor, entry.absolute)
            guard watch >= 0 else {
                if errno != ENOENT && errno != ENOTDIR { ok = false }
                return false
            }
            watches[watch] = (entry.absolute, true)
            return true
        }
    }
}
