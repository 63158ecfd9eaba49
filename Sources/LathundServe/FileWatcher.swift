import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Notices changes under folders and to single files by comparing snapshots of modification time, size and
/// inode (polling: works on every file system and with editors that save by renaming). Hidden files and editor
/// leftovers (`*~`, `*.swp`) are ignored.
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

    func snapshot() -> Snapshot {
        var files: Snapshot = [:]
        for path in paths {
            guard let stamp = Self.stamp(path) else { continue }
            guard stamp.isFolder else {
                files[path] = stamp.stamp
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if Self.isIgnored(name) {
                    if name.hasPrefix(".") { enumerator.skipDescendants() }
                    continue
                }
                let absolute = path + "/" + relative
                if let stamp = Self.stamp(absolute), !stamp.isFolder { files[absolute] = stamp.stamp }
            }
        }
        return files
    }

    /// Paths added, removed or changed between two snapshots, sorted.
    static func changes(from old: Snapshot, to new: Snapshot) -> [String] {
        var changed = Set<String>()
        for (path, stamp) in new where old[path] != stamp { changed.insert(path) }
        for path in old.keys where new[path] == nil { changed.insert(path) }
        return changed.sorted()
    }

    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
            || name == "4913"
    }

    private static func stamp(_ path: String) -> (stamp: Stamp, isFolder: Bool)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let stamp = Stamp(seconds: Int(status.st_mtim.tv_sec), nanoseconds: Int(status.st_mtim.tv_nsec),
                          size: Int64(status.st_size), inode: UInt64(status.st_ino))
        return (stamp, (status.st_mode & S_IFMT) == S_IFDIR)
    }
}
