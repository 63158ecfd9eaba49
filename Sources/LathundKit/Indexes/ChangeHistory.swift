import Foundation

/// When the content last changed, from git: one `git log` over the content folder per build (not a process per
/// page), read before the cache check so that a new commit changes the build's fingerprint. A change's day is its
/// commit's date in Sweden (committer time, which follows the order commits reached the branch). Without git, or
/// outside a git checkout, there is no history and pages fall back to `updated:` (else `date:`).
struct ChangeHistory: Sendable {
    struct Commit: Sendable, Equatable {
        let hash: String
        let day: Day
        let subject: String
        /// Paths relative to the content folder.
        let files: [String]
    }

    /// Newest first, as `git log` lists them.
    let commits: [Commit]
    /// Each file's newest commit day, by path relative to the content folder.
    let lastChanged: [String: Day]
    /// XXH64 of what `git log` printed, for the build cache's fingerprint.
    let signature: UInt64

    init(commits: [Commit], signature: UInt64) {
        self.commits = commits
        self.signature = signature
        var last: [String: Day] = [:]
        for commit in commits {
            for file in commit.files where last[file] == nil { last[file] = commit.day }
        }
        lastChanged = last
    }

    /// Runs `git log` in `contentDirectory`; nil when git is missing, the folder is not in a git checkout, or
    /// git fails. `environment` is the process's (tests pass another `PATH`).
    static func read(contentDirectory: URL,
                     environment: [String: String] = ProcessInfo.processInfo.environment) -> ChangeHistory? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", contentDirectory.path, "-c", "core.quotepath=off", "-c", "log.showSignature=false",
                             "log", "--no-color", "--format=%x1e%H%x1f%ct%x1f%s", "--name-only", "--no-renames",
                             "--relative", "-z", "--", "."]
        var environment = environment
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] { environment.removeValue(forKey: key) }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return parse([UInt8](data))
    }

    /// Parses `git log -z --name-only` with the format `%x1e%H%x1f%ct%x1f%s`: records start with 0x1E, the header's
    /// fields are separated by 0x1F, the header and each file name end with NUL.
    static func parse(_ bytes: [UInt8]) -> ChangeHistory {
        var commits: [Commit] = []
        for record in bytes.split(separator: 0x1E) {
            let parts = record.split(separator: 0, omittingEmptySubsequences: false)
            guard let header = parts.first else { continue }
            let fields = header.split(separator: 0x1F, maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let seconds = Int(String(decoding: fields[1], as: UTF8.self)) else { continue }
            let files = parts.dropFirst().compactMap { name -> String? in
                let trimmed = name.drop { $0 == 0x0A }
                return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
            }
            commits.append(Commit(hash: String(decoding: fields[0], as: UTF8.self), day: Day.inSweden(Date(timeIntervalSince1970: TimeInterval(seconds))),
                                  subject: String(decoding: fields[2], as: UTF8.self), files: files))
        }
        return ChangeHistory(commits: commits, signature: bytes.withUnsafeBytes { XXH64.hash($0) })
    }
}
