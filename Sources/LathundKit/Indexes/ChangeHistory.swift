import Foundation

/// When the content last changed, from git: one `git log` over the content folder per build (not a process per
/// page), read before the cache check so that a new commit changes the build's fingerprint. A change's day is its
/// commit's date in Sweden (committer time, which follows the order commits reached the branch). Without git, or
/// outside a git checkout, there is no history and pages fall back to `updated:` (else `date:`).
///
/// The commit subject is for the developers. What readers see on `/andringar/` is the writer's line in the commit
/// message, a trailer `Ändring: <en kort mening på svenska>` (`ChangeHistory.trailer`).
struct ChangeHistory: Sendable {
    struct Commit: Sendable, Equatable {
        let hash: String
        let day: Day
        let subject: String
        /// The value of the message's `Ändring:` trailer: the writer's line for readers; nil without one.
        var note: String? = nil
        /// Paths relative to the content folder.
        let files: [String]
        /// The files the commit added (a new page).
        var added: Set<String> = []
    }

    /// The trailer that holds the line for readers, matched without regard to case.
    static let trailer = "Ändring:"

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
                             "log", "--no-color", "--format=%x1e%H%x1f%ct%x1f%s%x1f%b", "--name-status", "--no-renames",
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

    /// Parses `git log -z --name-status` with the format `%x1e%H%x1f%ct%x1f%s%x1f%b`: records start with 0x1E, the
    /// header's fields are separated by 0x1F, the header ends with NUL, then each file is its status letter and its
    /// name, each ending with NUL.
    static func parse(_ bytes: [UInt8]) -> ChangeHistory {
        var commits: [Commit] = []
        for record in bytes.split(separator: 0x1E) {
            let parts = record.split(separator: 0, omittingEmptySubsequences: false)
            guard let header = parts.first else { continue }
            let fields = header.split(separator: 0x1F, maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3, let seconds = Int(String(decoding: fields[1], as: UTF8.self)) else { continue }
            let entries = parts.dropFirst().compactMap { name -> String? in
                let trimmed = name.drop { $0 == 0x0A }
                return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
            }
            var files: [String] = []
            var added: Set<String> = []
            var index = entries.startIndex
            while index + 1 < entries.endIndex {
                let (status, file) = (entries[index], entries[index + 1])
                files.append(file)
                if status == "A" { added.insert(file) }
                index += 2
            }
            let body = fields.count == 4 ? String(decoding: fields[3], as: UTF8.self) : ""
            commits.append(Commit(hash: String(decoding: fields[0], as: UTF8.self), day: Day.inSweden(Date(timeIntervalSince1970: TimeInterval(seconds))),
                                  subject: String(decoding: fields[2], as: UTF8.self), note: note(inBody: body),
                                  files: files, added: added))
        }
        return ChangeHistory(commits: commits, signature: bytes.withUnsafeBytes { XXH64.hash($0) })
    }

    /// The value of the last `Ändring:` line of a commit message's body, trimmed; nil when there is none or it is empty.
    static func note(inBody body: String) -> String? {
        let prefix = trailer.lowercased()
        let values = body.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let line = line.trimmingCharacters(in: .whitespaces)
            guard line.lowercased().hasPrefix(prefix) else { return nil }
            let value = line.dropFirst(trailer.count).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return values.last
    }
}
