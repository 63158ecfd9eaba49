import Foundation
import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// Notices changes under folders and to single files by comparing snapshots of modification time, size and
/// inode (works on every file system and with editors that save by renaming). When to compare: when
/// `FolderEvents` says so, or at an interval where it cannot. Hidden files and editor leftovers (`*~`, `*.swp`)
/// are ignored.
struct FileWatcher: Sendable {
    /// Folders and files to watch, absolute.
    let paths: [String]

    struct Stamp: Equatable, Sendable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
        var inode: UInt64
    }

    typealias Snapshot = [String: Stamp]

    /// Every watched file's stamp, from one `FileTree` walk of each folder (FileManager's enumerator took five
    /// times as long as `readdir` and `stat`: half a core on a 10 000-page site when the server compared every
    /// 250 ms). Hidden folders are skipped whole, and folder links are not followed (file links are, so a changed
    /// target is seen).
    func snapshot() -> Snapshot {
        var files: Snapshot = [:]
        for path in paths {
            guard let stamp = Self.stamp(path) else { continue }
            guard stamp.isFolder else {
                files[path] = stamp.stamp
                continue
            }
            for entry in Self.tree(path).entries where entry.kind != .folder {
                files[entry.absolute] = Stamp(seconds: entry.seconds, nanoseconds: entry.nanoseconds, size: entry.size,
                                              inode: entry.inode)
            }
        }
        return files
    }

    /// The files and folders under `folder` that are not ignored; `descend` is asked before each folder is walked.
    static func tree(_ folder: String, descend: (FileTree.Entry) -> Bool = { _ in true }) -> FileTree.Walk {
        FileTree.walk(root: folder, excluding: { name, _ in isIgnored(name) }, links: .filesOnly, descend: descend)
    }

    /// Kernel events for the watched paths: each folder with the folders under it, and the folder of each
    /// single file. nil where there are none (see `FolderEvents`).
    func events() -> FolderEvents? {
        var trees: [String] = []
        var folders: [String] = []
        for path in paths {
            guard let stamp = Self.stamp(path) else { continue }
            if stamp.isFolder { trees.append(path) } else { folders.append((path as NSString).deletingLastPathComponent) }
        }
        return FolderEvents(trees: trees, folders: folders)
    }

    /// Paths added, removed or changed between two snapshots, sorted.
    static func changes(from old: Snapshot, to new: Snapshot) -> [String] {
        var changed = Set<String>()
        for (path, stamp) in new where old[path] != stamp { changed.insert(path) }
        for path in old.keys where new[path] == nil { changed.insert(path) }
        return changed.sorted()
    }

    /// What `exclude:` leaves out of `content/` by default (`.*`, `*~`, `*.swp`), and nothing more: every file a
    /// build with those patterns reads is watched, so a build may take the last build's walk when the watcher saw
    /// the same files (`FileStamps.offerWalks`). (Vim's swap files are hidden; its `4913` test file is gone
    /// before the quiet period ends.)
    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp")
    }

    private static func stamp(_ path: String) -> (stamp: Stamp, isFolder: Bool)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let stamp = Stamp(seconds: Int(status.st_mtim.tv_sec), nanoseconds: Int(status.st_mtim.tv_nsec),
                          size: Int64(status.st_size), inode: UInt64(status.st_ino))
        return (stamp, (status.st_mode & S_IFMT) == S_IFDIR)
    }
}
