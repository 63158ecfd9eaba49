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

    /// `walk` with each folder at the root walked on one of `jobs` threads: the same entries and problems, in the
    /// same order (`FileTreeTests`). For `content/`, whose walk takes a `stat` of every file before anything else
    /// can start (10 000 pages: a twentieth of a one-page build).
    package static func walk(root: String, excluding: @escaping @Sendable (_ name: String, _ relative: String) -> Bool,
                             links: Links, jobs: Int) -> Walk {
        guard jobs > 1 else { return walk(root: root, excluding: excluding, links: links) }
        let rules = Rules(root: links == .insideRoot ? URL(fileURLWithPath: root).resolvingSymlinksInPath().path : root,
                          links: links)
        var result = Walk()
        let names: [String]
        do {
            names = try list(rules.root)
        } catch {
            result.problems.append(Problem(relative: "", kind: .unreadableFolder(error.localizedDescription)))
            return result
        }
        let steps = names.map { rules.step($0, in: rules.root, relative: "", excluding: excluding) }
        var folders: [(relative: String, path: String)] = []
        for case .entry(let entry, let folder?) in steps { folders.append((entry.relative, folder)) }
        var walks = Parallel.map(folders, jobs: jobs) { folder -> Walk in
            var walk = Walk()
            rules.walk(folder: folder.path, relative: folder.relative, into: &walk, excluding: excluding, descend: { _ in true })
            return walk
        }[...]
        for step in steps {
            switch step {
            case .skip: continue
            case .problem(let problem): result.problems.append(problem)
            case .entry(let entry, let folder):
                result.entries.append(entry)
                if folder != nil, let walk = walks.popFirst() {
                    result.entries += walk.entries
                    result.problems += walk.problems
                }
            }
        }
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

    private struct Rules: Sendable {
        let root: String
        let links: Links

        /// What one name in a folder is: left out, a problem, or an entry with the folder to walk under it.
        enum Step {
            case skip
            case problem(Problem)
            case entry(Entry, walk: String?)
        }

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
                switch step(name, in: folder, relative: relative, excluding: excluding) {
                case .skip: continue
                case .problem(let problem): result.problems.append(problem)
                case .entry(let entry, let folder):
                    result.entries.append(entry)
                    if let folder, descend(entry) {
                        walk(folder: folder, relative: entry.relative, into: &result, excluding: excluding, descend: descend)
                    }
                }
            }
        }

        func step(_ name: String, in folder: String, relative: String, excluding: (String, String) -> Bool) -> Step {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            if excluding(name, childRelative) { return .skip }
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { return .skip }
            var absolute = path
            let linked = (info.st_mode & S_IFMT) == S_IFLNK
            if linked, links != .none {
                absolute = links == .insideRoot ? URL(fileURLWithPath: path).resolvingSymlinksInPath().path : path
                if links == .insideRoot, absolute != root, !absolute.hasPrefix(root + "/") {
                    return .problem(Problem(relative: childRelative, kind: .linkOutside))
                }
                guard stat(absolute, &info) == 0 else {
                    return .problem(Problem(relative: childRelative, kind: .brokenLink))
                }
                if links == .filesOnly, (info.st_mode & S_IFMT) == S_IFDIR { return .skip }
            }
            let entry = Entry(relative: childRelative, absolute: absolute, kind: Self.kind(info.st_mode),
                              size: Int64(info.st_size), seconds: Int(info.st_mtim.tv_sec),
                              nanoseconds: Int(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino),
                              aliased: (info.st_mode & S_IFMT) != S_IFDIR && (linked || info.st_nlink > 1))
            // A link to a folder that holds it would be walked for ever.
            let walks = entry.kind == .folder && (absolute == path || !path.hasPrefix(absolute + "/"))
            return .entry(entry, walk: walks ? absolute : nil)
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
