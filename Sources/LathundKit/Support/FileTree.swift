import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way Lathund lists folders (RepositoryTests.onlyFileTreeListsFolders): the inputs of a build
/// (`content/` and `layouts/`, for the stages and for the build cache's fingerprint, which must see the same
/// files), the files `lathund serve` watches, and the output folders it writes over.
///
/// A walk is depth first, each folder's names in sorted order; an entry has its path relative to the root, its
/// absolute path (the target's, when a link was followed inside the root) and its `lstat` (or, for a followed
/// link, `stat`) values. What the walk could not take is a `Problem`, for the caller to report its own way.
package enum FileTree {
    package enum Kind: Sendable, Equatable {
        case file, folder
        /// A symbolic link, not followed (`Links.none`).
        case link
        /// A socket, a FIFO or a device.
        case other
    }

    package struct Entry: Sendable, Equatable {
        package let relative: String
        package let absolute: String
        package let kind: Kind
        package let size: Int64
        package let seconds: Int
        package let nanoseconds: Int
        package let inode: UInt64
        /// Not a folder, and reached through a link or one of several names of its file (hard links): its stamp
        /// can change with nothing written under its own path.
        package var aliased = false
    }

    package struct Problem: Sendable, Equatable {
        package enum Kind: Sendable, Equatable {
            /// The folder could not be listed (the system's reason).
            case unreadableFolder(String)
            /// A link whose target is outside the root (`Links.insideRoot`).
            case linkOutside
            /// A link to nothing.
            case brokenLink
        }
        package let relative: String
        package let kind: Kind
    }

    /// What a walk does with symbolic links.
    package enum Links: Sendable {
        /// Followed while the target is inside the root (which is resolved first): a file is an entry at the link's
        /// path with the target's absolute path, a folder is walked unless it holds the link (a loop). A link
        /// leading outside is `linkOutside`, one to nothing `brokenLink`. (`content/`)
        case insideRoot
        /// Links to files are followed wherever they lead; links to folders are not entries and are not walked.
        /// (`layouts/`, the files `lathund serve` watches)
        case filesOnly
        /// Not followed: each link is an entry of kind `link`. (the output folders)
        case none
    }

    package struct Walk: Sendable {
        package var entries: [Entry] = []
        package var problems: [Problem] = []
        /// The regular files, in walk order.
        package var files: [Entry] { entries.filter { $0.kind == .file } }
    }

    /// Walks `root`. `excluding` gets each name and its relative path; an excluded entry is left out with
    /// everything under it. `descend` is asked before a folder is walked (after it is listed as an entry).
    package static func walk(root: String, excluding: (_ name: String, _ relative: String) -> Bool = { _, _ in false },
                             links: Links, descend: (Entry) -> Bool = { _ in true }) -> Walk {
        let rules = Rules(root: links == .insideRoot ? URL(fileURLWithPath: root).resolvingSymlinksInPath().path : root,
                          links: links)
        var result = Walk()
        rules.walk(folder: rules.root, relative: "", into: &result, excluding: excluding, descend: descend)
        return result
    }

    /// The regular files under `folder` (itself resolved if a link) whose path has no part starting with a dot,
    /// sorted by relative path; links to files are followed, links to folders are not.
    package static func visibleFiles(under folder: URL) -> [(relative: String, absolute: String)] {
        walk(root: folder.resolvingSymlinksInPath().path, excluding: { name, _ in name.hasPrefix(".") }, links: .filesOnly)
            .files.map { ($0.relative, $0.absolute) }.sorted { $0.0 < $1.0 }
    }

    /// The names in one folder, sorted; nil when it cannot be listed.
    package static func names(in folder: String) -> [String]? {
        try? list(folder)
    }

    private static func list(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    private struct Rules {
        let root: String
        let links: Links

        func walk(folder: String, relative: String, into result: inout Walk, excluding: (String, String) -> Bool,
                  descend: (Entry) -> Bool) {
            let names: [String]
            do {
                names = try FileTree.list(folder)
            } catch {
                result.problems.append(Problem(relative: relative, kind: .unreadableFolder(error.localizedDescription)))
                return
            }
            for name in names {
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                if excluding(name, childRelative) { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                var absolute = path
                let linked = (info.st_mode & S_IFMT) == S_IFLNK
                if linked, links != .none {
                    absolute = links == .insideRoot ? URL(fileURLWithPath: path).resolvingSymlinksInPath().path : path
                    if links == .insideRoot, absolute != root, !absolute.hasPrefix(root + "/") {
                        result.problems.append(Problem(relative: childRelative, kind: .linkOutside))
                        continue
                    }
                    guard stat(absolute, &info) == 0 else {
                        result.problems.append(Problem(relative: childRelative, kind: .brokenLink))
                        continue
                    }
                    if links == .filesOnly, (info.st_mode & S_IFMT) == S_IFDIR { continue }
                }
                let entry = Entry(relative: childRelative, absolute: absolute, kind: Self.kind(info.st_mode),
                                  size: Int64(info.st_size), seconds: Int(info.st_mtim.tv_sec),
                                  nanoseconds: Int(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino),
                                  aliased: (info.st_mode & S_IFMT) != S_IFDIR && (linked || info.st_nlink > 1))
                result.entries.append(entry)
                // A link to a folder that holds it would be walked for ever.
                if entry.kind == .folder, absolute == path || !path.hasPrefix(absolute + "/"), descend(entry) {
                    walk(folder: absolute, relative: childRelative, into: &result, excluding: excluding, descend: descend)
                }
            }
        }

        static func kind(_ mode: mode_t) -> Kind {
            switch mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .folder
            case S_IFLNK: .link
            default: .other
            }
        }
    }
}
