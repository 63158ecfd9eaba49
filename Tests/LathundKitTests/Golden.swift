import Foundation
import Testing

/// Reviewed expected output, committed under `Tests/LathundKitTests/`: `Golden/basic/` (the fixture site),
/// `Golden/charts/*.svg` and `Fixtures/hostile/*/expected.txt`. Tests only compare with these files and never
/// write them. On a difference a test writes what it got under `.build/golden-pending/` (at the same relative
/// path); `make update-golden` (Tests/update_golden.py) runs the golden tests and copies what they left there
/// over the committed files, for review. Every change to the committed files needs a line in
/// `Golden/CHANGES.md` (`GoldenLogTests`).
enum Golden {
    /// `.build/golden-pending/`: what the last failing golden comparisons got.
    static let pending = packageRoot.appendingPathComponent(".build/golden-pending")
    /// Marks a pending folder that replaces the committed folder as a whole (files it lacks are deleted).
    static let wholeFolderMarker = ".golden-whole-folder"

    /// Expects `actual` to be the committed file `relative` (to `Tests/LathundKitTests/`).
    static func expect(_ actual: Data, equalsFile relative: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let committed = FileManager.default.contents(atPath: testsFolder.appendingPathComponent(relative).path)
        guard committed != actual else { return }
        let what = committed == nil ? "does not exist" : "differs"
        Issue.record("\(relative) \(what); got\n\(String(decoding: actual.prefix(2_000), as: UTF8.self))\n(saved under .build/golden-pending/; `make update-golden` takes it after review)",
                     sourceLocation: sourceLocation)
        writePending(actual, to: pending.appendingPathComponent(relative))
    }

    /// Expects the regular files `actual` (by path) to be exactly the committed files under the folder `relative`.
    static func expect(_ actual: [String: Data], equalsFolder relative: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let committed = TestSite.files(of: testsFolder.appendingPathComponent(relative))
        let differing = Set(actual.keys).union(committed.keys).filter { actual[$0] != committed[$0] }.sorted()
        guard !differing.isEmpty else { return }
        let shown = differing.prefix(10).map { path in
            committed[path] == nil ? "\(path) (new)" : actual[path] == nil ? "\(path) (gone)" : path
        }
        Issue.record("\(relative): \(differing.count) files differ: \(shown.joined(separator: ", "))\n(the site is saved under .build/golden-pending/; `make update-golden` takes it after review)",
                     sourceLocation: sourceLocation)
        let folder = pending.appendingPathComponent(relative)
        try? FileManager.default.removeItem(at: folder)
        for (path, data) in actual { writePending(data, to: folder.appendingPathComponent(path)) }
        writePending(Data(), to: folder.appendingPathComponent(wholeFolderMarker))
    }

    private static func writePending(_ data: Data, to url: URL) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url)
    }
}

/// The review log of golden and expected files (`Golden/CHANGES.md`). From the commit that started the log on,
/// every commit that changes a committed golden or expected file, and the uncommitted changes in the work tree,
/// must add a line to the log that names it (or a folder holding it) in backticks and says why:
///
///     - 2026-12-05 `Golden/basic/search/`, `Fixtures/hostile/bom-crlf/expected.txt`: why they changed
///
/// Paths are relative to `Tests/LathundKitTests/`. The check reads the git history, which a clone has.
struct GoldenLog {
    static let testsPath = "Tests/LathundKitTests/"
    static let logPath = testsPath + "Golden/CHANGES.md"

    /// Whether a repository path is a reviewed golden or expected file.
    static func isGolden(_ path: String) -> Bool {
        guard path.hasPrefix(testsPath), path != logPath else { return false }
        let relative = path.dropFirst(testsPath.count)
        if relative.hasPrefix("Golden/") { return true }
        let parts = relative.split(separator: "/")
        return parts.count == 4 && parts[0] == "Fixtures" && parts[1] == "hostile" && parts[3] == "expected.txt"
    }


    /// The paths (relative to `Tests/LathundKitTests/`) that log lines name, and a problem for each line
    /// that does not follow the format.
    static func parse(addedLines: [String]) -> (paths: [String], problems: [String]) {
        var paths: [String] = [], problems: [String] = []
        for line in addedLines where !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.hasPrefix("#") {
            guard let match = line.wholeMatch(of: /- \d{4}-\d{2}-\d{2} ((?:`[^`]+`(?:, )?)+): *(.*)/) else {
                if line.hasPrefix("- ") { problems.append("not in the form \"- ÅÅÅÅ-MM-DD `path`: why\": \(line)") }
                continue
            }
            if match.output.2.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("says which files but not why: \(line)")
            }
            paths += match.output.1.split(separator: "`").map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0 != ", " }
        }
        return (paths, problems)
    }

    /// Whether a logged path (a file, or a folder ending in `/`) covers a changed repository path.
    static func covers(_ logged: String, _ path: String) -> Bool {
        let relative = String(path.dropFirst(testsPath.count))
        return relative == logged || (logged.hasSuffix("/") && relative.hasPrefix(logged))
    }

    /// One commit (or the work tree): the golden files it changed that no line it added to the log names, and
    /// problems with the lines it added.
    struct Finding: CustomStringConvertible {
        var commit: String
        var unlogged: [String]
        var problems: [String]
        var description: String {
            "\(commit): " + (unlogged.isEmpty ? "" : "changes \(unlogged.joined(separator: ", ")) without a line in \(GoldenLog.logPath) naming it; ")
                + problems.joined(separator: "; ")
        }
    }

    let repository: URL

    func git(_ arguments: [String]) throws -> String {
        let run = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", repository.path] + arguments, in: repository)
        guard run.status == 0 else {
            throw TestFailure("git \(arguments.joined(separator: " ")) exited with \(run.status) in \(repository.path): \(run.stderr)")
        }
        return run.stdout
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// Lines a diff adds to the log.
    func addedLogLines(diff: String) -> [String] {
        lines(diff).filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.map { String($0.dropFirst()) }
    }

    func finding(_ name: String, changed: [String], addedLines: [String]) -> Finding? {
        let golden = changed.filter(Self.isGolden)
        let (paths, problems) = Self.parse(addedLines: addedLines)
        let unlogged = golden.filter { path in !paths.contains { Self.covers($0, path) } }
        return unlogged.isEmpty && problems.isEmpty ? nil : Finding(commit: name, unlogged: unlogged, problems: problems)
    }

    /// Every commit since the log was started, oldest first, and the work tree's uncommitted changes.
    func findings() throws -> [Finding] {
        var findings: [Finding] = []
        // The commit that added the log: the oldest one that touched it (none while the log is not committed).
        if let start = lines(try git(["rev-list", "HEAD", "--", Self.logPath])).last {
            let parents = lines(try git(["rev-list", "--parents", "-n", "1", start])).first?.split(separator: " ").dropFirst() ?? []
            let range = parents.isEmpty ? [start] : lines(try git(["rev-list", "--reverse", "--no-merges", "\(parents.first!)..HEAD"]))
            for commit in range {
                let changed = lines(try git(["diff-tree", "-r", "--root", "--no-commit-id", "--name-only", commit]))
                guard changed.contains(where: Self.isGolden) else { continue }
                let diff = try git(["show", "--format=", "--unified=0", commit, "--", Self.logPath])
                let subject = try git(["log", "-1", "--format=%h %s", commit]).trimmingCharacters(in: .newlines)
                if let finding = finding(String(subject.prefix(72)), changed: changed, addedLines: addedLogLines(diff: diff)) {
                    findings.append(finding)
                }
            }
        }
        // Not yet committed (staged or not), and new files git does not know yet.
        let changed = lines(try git(["diff", "HEAD", "--name-only"]))
            + lines(try git(["ls-files", "--others", "--exclude-standard", "--", Self.testsPath]))
        if changed.contains(where: Self.isGolden) {
            let added: [String]
            if changed.contains(Self.logPath) && (try? git(["cat-file", "-e", "HEAD:" + Self.logPath])) == nil {
                // A log not in the last commit yet: every line of it is new.
                added = lines(String(decoding: try Data(contentsOf: repository.appendingPathComponent(Self.logPath)), as: UTF8.self))
            } else {
                added = addedLogLines(diff: try git(["diff", "HEAD", "--unified=0", "--", Self.logPath]))
            }
            if let finding = finding("uncommitted changes", changed: changed, addedLines: added) {
                findings.append(finding)
            }
        }
        return findings
    }
}

@Suite struct GoldenLogTests {
    /// This repository: every change to a golden or expected file since the log was started is logged.
    @Test func everyChangeToAGoldenFileIsLogged() throws {
        let findings = try GoldenLog(repository: packageRoot).findings()
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func theLogLineFormat() {
        let (paths, problems) = GoldenLog.parse(addedLines: [
            "# Review log", "",
            "- 2026-12-05 `Golden/basic/search/`, `Fixtures/hostile/bom-crlf/expected.txt`: the search index is compared too",
            "- 2026-12-05 `Golden/charts/bar.svg`:",
            "- changed some files",
        ])
        #expect(paths == ["Golden/basic/search/", "Fixtures/hostile/bom-crlf/expected.txt", "Golden/charts/bar.svg"])
        #expect(problems.count == 2)
        #expect(GoldenLog.covers("Golden/basic/search/", "Tests/LathundKitTests/Golden/basic/search/index.json"))
        #expect(!GoldenLog.covers("Golden/basic/search", "Tests/LathundKitTests/Golden/basic/search/index.json"))
        #expect(!GoldenLog.covers("Golden/charts/bar.svg", "Tests/LathundKitTests/Golden/charts/bar.svg.orig"))
        #expect(GoldenLog.isGolden("Tests/LathundKitTests/Fixtures/hostile/yaml-broken/expected.txt"))
        #expect(!GoldenLog.isGolden("Tests/LathundKitTests/Fixtures/hostile/yaml-broken/content/sida.md"))
        #expect(!GoldenLog.isGolden(GoldenLog.logPath))
    }

    /// The check on a repository of its own: a commit that changes a golden file without a log line is found,
    /// also when an earlier commit logged it; so is an unlogged change in the work tree.
    @Test func anUnloggedChangeIsFound() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-golden-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let repository = GoldenLog(repository: root)
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        func commit(_ message: String) throws {
            _ = try repository.git(["add", "-A"])
            _ = try repository.git(["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", message])
        }
        let log = "# Ändringslogg\n\n"
        let golden = "Tests/LathundKitTests/Golden/basic/index.html"
        let expected = "Tests/LathundKitTests/Fixtures/hostile/yaml-broken/expected.txt"
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = try repository.git(["init", "-q"])
        try write(golden, "1")
        try commit("Before the log: not checked")
        try write(GoldenLog.logPath, log + "- 2026-12-01 `Golden/basic/`: first version\n")
        try write(golden, "2")
        #expect(try repository.findings().isEmpty, "a new log, not committed yet, names the change")
        try commit("Logged")
        #expect(try repository.findings().isEmpty)

        try write(golden, "3")
        try write(expected, "exit: 1\n")
        try write("Tests/LathundKitTests/Fixtures/hostile/yaml-broken/content/sida.md", "---\n")
        try commit("Unlogged")
        let unlogged = try repository.findings()
        #expect(unlogged.map(\.unlogged) == [[expected, golden]])

        try write(golden, "4")
        let uncommitted = try repository.findings()
        #expect(uncommitted.map(\.commit) == [unlogged.first?.commit, "uncommitted changes"])
        try write(GoldenLog.logPath, try #require(String(data: try Data(contentsOf: root.appendingPathComponent(GoldenLog.logPath)), encoding: .utf8))
                  + "- 2026-12-02 `Golden/basic/index.html`: a new heading\n")
        #expect(try repository.findings().count == 1, "the work tree is logged now; the commit is not")
    }
}
