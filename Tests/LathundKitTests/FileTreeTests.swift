import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LathundKit

/// `FileTree`, the one folder walker (issue 16): its order, excludes and link rules, and that the build cache's
/// fingerprint sees exactly the files the stages see.
@Suite struct FileTreeTests {
    /// root/ with folders, a hidden file, links inside and outside, a link to nothing, a loop and a FIFO.
    static func tree() throws -> (site: TestSite, root: String, outside: String) {
        let site = try TestSite()
        for path in ["t/b.md", "t/a/x.md", "t/a-b/y.md", "t/A.md", "t/.dold.md", "t/bort/z.md", "t/inne/w.txt",
                     "ute/hemlig.txt", "ute/mapp/u.txt"] {
            try site.write(path, path)
        }
        let root = site.root.appendingPathComponent("t").path
        let outside = site.root.appendingPathComponent("ute").path
        #expect(symlink("inne/w.txt", root + "/fil-länk.txt") == 0)
        #expect(symlink("inne", root + "/mapp-länk") == 0)
        #expect(symlink(outside + "/hemlig.txt", root + "/ut.txt") == 0)
        #expect(symlink(outside + "/mapp", root + "/ut-mapp") == 0)
        #expect(symlink("finns-inte.md", root + "/trasig.md") == 0)
        #expect(symlink("..", root + "/a/upp") == 0)
        #expect(mkfifo(root + "/rör", 0o644) == 0)
        return (site, root, outside)
    }

    /// The walk of `content/` on several threads (each folder at the root walked on its own) gives the same entries
    /// and problems, in the same order, as the walk on one thread.
    @Test(arguments: [FileTree.Links.insideRoot, .filesOnly, .none])
    func aWalkOnThreadsEqualsTheWalkOnOne(_ links: FileTree.Links) throws {
        let (site, root, _) = try Self.tree()
        defer { site.cleanUp() }
        for number in 0..<12 { try site.write("t/m\(number % 3)/under-\(number)/f\(number).md", "x") }
        try site.write("t/a/djup/mer/g.md", "g")
        #expect(symlink(root + "/../ute", root + "/m1/ut") == 0)
        #expect(symlink("saknas", root + "/m2/trasig") == 0)
        let excluding: @Sendable (String, String) -> Bool = { name, relative in name.hasPrefix(".") || relative == "m0/under-3" }
        let one = FileTree.walk(root: root, excluding: excluding, links: links)
        #expect(one.entries.count > 30)
        if links == .insideRoot { #expect(one.problems.count == 5, "\(one.problems)") }
        for jobs in [2, 3, 16] {
            let threads = FileTree.walk(root: root, excluding: excluding, links: links, jobs: jobs)
            #expect(threads.entries == one.entries, "\(links) on \(jobs) threads")
            #expect(threads.problems == one.problems, "\(links) on \(jobs) threads")
        }
    }

    @Test func insideTheRootLinksAreFollowedAndOthersRefused() throws {
        let (site, root, _) = try Self.tree()
        defer { site.cleanUp() }
        let walk = FileTree.walk(root: root, excluding: { name, relative in name.hasPrefix(".") || relative == "bort" },
                                 links: .insideRoot)
        // Depth first, each folder's names sorted; excluded names left out with what is under them.
        #expect(walk.files.map(\.relative) == ["A.md", "a/x.md", "a-b/y.md", "b.md", "fil-länk.txt", "inne/w.txt",
                                               "mapp-länk/w.txt"])
        // A followed link is read from its target.
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        #expect(walk.files.first { $0.relative == "fil-länk.txt" }?.absolute == realRoot + "/inne/w.txt")
        #expect(walk.files.first { $0.relative == "mapp-länk/w.txt" }?.absolute == realRoot + "/inne/w.txt")
        #expect(walk.problems == [FileTree.Problem(relative: "trasig.md", kind: .brokenLink),
                                  FileTree.Problem(relative: "ut-mapp", kind: .linkOutside),
                                  FileTree.Problem(relative: "ut.txt", kind: .linkOutside)])
        // The link to an ancestor is listed but not walked; the FIFO is neither file nor folder.
        #expect(walk.entries.first { $0.relative == "a/upp" }?.kind == .folder)
        #expect(!walk.entries.contains { $0.relative.hasPrefix("a/upp/") })
        #expect(walk.entries.first { $0.relative == "rör" }?.kind == .other)
        // Sizes and inodes are the files' own.
        var info = stat()
        #expect(stat(realRoot + "/b.md", &info) == 0)
        let b = try #require(walk.files.first { $0.relative == "b.md" })
        #expect(b.size == Int64(info.st_size) && b.inode == UInt64(info.st_ino) && b.seconds == Int(info.st_mtim.tv_sec))
    }

    @Test func fileLinksOnlyOrNoLinks() throws {
        let (site, root, outside) = try Self.tree()
        defer { site.cleanUp() }
        // Links to files are followed wherever they lead (and keep their own path); links to folders are not walked.
        let files = FileTree.walk(root: root, excluding: { name, _ in name.hasPrefix(".") }, links: .filesOnly)
        #expect(files.files.map(\.relative) == ["A.md", "a/x.md", "a-b/y.md", "b.md", "bort/z.md", "fil-länk.txt",
                                                "inne/w.txt", "ut.txt"])
        #expect(files.files.last?.absolute == root + "/ut.txt")
        #expect(files.files.last?.size == Int64(("ute/hemlig.txt" as String).utf8.count))
        #expect(!files.entries.contains { $0.relative.hasPrefix("mapp-länk") || $0.relative.hasPrefix("ut-mapp") })
        #expect(files.problems == [FileTree.Problem(relative: "trasig.md", kind: .brokenLink)])
        _ = outside
        // Not followed: each link is an entry of its own.
        let none = FileTree.walk(root: root, links: .none, descend: { $0.relative != "a" })
        #expect(none.entries.filter { $0.kind == .link }.map(\.relative)
                == ["fil-länk.txt", "mapp-länk", "trasig.md", "ut-mapp", "ut.txt"])
        #expect(none.entries.contains { $0.relative == "a" } && !none.entries.contains { $0.relative.hasPrefix("a/") })
        #expect(none.entries.contains { $0.relative == ".dold.md" })
        #expect(none.problems.isEmpty)
        // A folder that cannot be listed is a problem at its path.
        let missing = FileTree.walk(root: root + "/finns-inte", links: .insideRoot)
        #expect(missing.entries.isEmpty)
        guard case .unreadableFolder = missing.problems.first?.kind else {
            Issue.record("no problem for a missing folder: \(missing.problems)")
            return
        }
        #expect(FileTree.names(in: root + "/a") == ["upp", "x.md"])
    }

    /// The cache's fingerprint walks `content/` and `layouts/` as the stages do: a file the stages do not see
    /// (excluded by `exclude:`, hidden, a layout folder's README) changes nothing, so the next build is answered
    /// from the cache; a file they see through a link inside `content/` is an input.
    @Test func theFingerprintSeesTheFilesTheStagesSee() throws {
        let site = try TestSite(files: ["regelverk/_index.md": page("Regelverk", "Text."),
                                        "regelverk/sgi.md": page("SGI", "Text."), "README.md": "Om mappen.\n",
                                        ".anteckning.txt": "Att göra.\n", "delad/text.txt": "ett\n"])
        defer { site.cleanUp() }
        try site.write("layouts/README.md", "Om mallarna.\n")
        #expect(symlink("delad/text.txt", site.root.appendingPathComponent("content/länk.txt").path) == 0)
        let first = try site.build()
        #expect(first.succeeded, "\(first.diagnostics)")
        func answeredFromCache(after change: () throws -> Void) throws -> Bool {
            try change()
            return try site.build().timings.map(\.stage) == ["config", "cache"]
        }
        #expect(try answeredFromCache { try site.write("content/README.md", "Om mappen, ändrad.\n") })
        #expect(try answeredFromCache { try site.write("content/.anteckning.txt", "Klart.\n") })
        #expect(try answeredFromCache { try site.write("layouts/README.md", "Om mallarna, ändrad.\n") })
        #expect(try !answeredFromCache { try site.write("content/delad/text.txt", "två\n") })
        #expect(site.read("site/länk.txt") == "två\n")
    }
}
