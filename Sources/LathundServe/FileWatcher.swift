import Foundation
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

    /// Every watched file's stamp, read with `readdir` and `stat` (FileManager's enumerator took five times as
    /// long: half a core on a 10 000-page site when the server compared every 250 ms).
    func snapshot() -> Snapshot {
        var files: Snapshot = [:]
        for path in paths {
            guard let stamp = Self.stamp(path) else { continue }
            if stamp.isFolder { Self.walk(path, into: &files) } else { files[path] = stamp.stamp }
        }
        return files
    }

    /// Adds the files under `folder`, at any depth; hidden folders are skipped whole, and folder links are not
    /// followed (file links are, so a changed target is seen).
    private static func walk(_ folder: String, into files: inout Snapshot) {
        forEachEntry(in: folder) { path, isFolder in
            if isFolder {
                walk(path, into: &files)
            } else if let stamp = Self.stamp(path), !stamp.isFolder {
                files[path] = stamp.stamp
            }
        }
    }

    /// Calls `body` with the path of every entry of `folder` that is not ignored, and whether it is a folder
    /// (a link to a folder is not).
    static func forEachEntry(in folder: String, _ body: (String, Bool) -> Void) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || isIgnored(name) { continue }
            let path = folder + "/" + name
            var kind = entry.pointee.d_type
            if kind == UInt8(DT_UNKNOWN) {  // file systems that do not fill in the type
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                kind = (status.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            body(path, kind == UInt8(DT_DIR))
        }
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
