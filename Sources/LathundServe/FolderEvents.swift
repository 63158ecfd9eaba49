import CLathundSystem
import Foundation
import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's word (Linux inotify) that something in the watched folders may have changed, so the watcher
/// walks the files only then instead of four times a second. It says nothing about what changed: the watcher's
/// snapshots still decide that, and miss nothing if an event is lost.
/// Sendable as it is: only `let`s, and the kernel orders reads of the descriptor.
final class FolderEvents: Sendable {
    private let descriptor: Int32
    /// Folders watched with every folder under them (hidden ones left out).
    private let trees: [String]
    /// Folders watched on their own (the folder of a watched file such as `lathund.yml`).
    private let folders: [String]

    /// nil where inotify does not exist or a folder cannot be watched (the user's watch limit): then the
    /// watcher polls.
    init?(trees: [String], folders: [String]) {
        descriptor = lathund_events_open()
        guard descriptor >= 0 else { return nil }
        self.trees = trees
        self.folders = folders
        guard watchAll() else {
            close(descriptor)
            return nil
        }
    }

    deinit { close(descriptor) }

    /// True when something changed since the last call (or the kernel dropped events). Folders that appeared
    /// get watches of their own.
    func drain() -> Bool {
        let result = lathund_events_drain(descriptor)
        if result < 0 { return true }
        if result & 2 != 0 { _ = watchAll() }  // adding a watch a folder already has changes nothing
        return result != 0
    }

    private func watchAll() -> Bool {
        var ok = true
        for folder in folders where lathund_events_watch_folder(descriptor, folder) != 0 { ok = false }
        for tree in trees { watch(tree: tree, ok: &ok) }
        return ok
    }

    private func watch(tree folder: String, ok: inout Bool) {
        guard lathund_events_watch_folder(descriptor, folder) == 0 else {
            if errno != ENOENT && errno != ENOTDIR { ok = false }
            return
        }
        _ = FileWatcher.tree(folder) { entry in
            guard entry.kind == .folder else { return false }
            guard lathund_events_watch_folder(descriptor, entry.absolute) == 0 else {
                if errno != ENOENT && errno != ENOTDIR { ok = false }
                return false
            }
            return true
        }
    }
}
