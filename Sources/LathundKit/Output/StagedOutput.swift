import CLathundSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Output stage: everything is written into a fresh staging folder beside the output folder and swapped
/// in only when the whole build succeeded. A failed or killed build leaves the previous output as it was; the
/// next build removes the staging folders such builds leave behind.
public final class StagedOutput: @unchecked Sendable {
    public let output: URL
    let staging: URL
    private let lockDescriptor: Int32
    private var createdFolders = Set<String>()
    private let lock = NSLock()
    private var writes = 0
    /// Test hook: fail the write after this many files, as a full disk would.
    let failAfterWrites: Int?

    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    static func stagingPrefix(for output: URL) -> String { "." + output.lastPathComponent + ".staging-" }

    /// Takes the output's lock (one build at a time), removes leftovers of earlier builds and creates the
    /// staging folder.
    public init(output: URL, failAfterWrites: Int? = nil) throws {
        self.output = output.standardizedFileURL
        self.failAfterWrites = failAfterWrites
        let parent = self.output.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let lockPath = parent.appendingPathComponent("." + self.output.lastPathComponent + ".lock").path
        lockDescriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw WriteError(path: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(lockDescriptor, LOCK_EX) == 0 else {
            close(lockDescriptor)
            throw WriteError(path: lockPath, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
        let prefix = Self.stagingPrefix(for: self.output)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
        staging = parent.appendingPathComponent(prefix + String(getpid()))
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// Refuses any path that is absolute or climbs out (`..`): nothing is written outside the output folder.
    static func isSafe(_ relativePath: String) -> Bool {
        guard !relativePath.isEmpty, !relativePath.hasPrefix("/"), !relativePath.contains("\0"),
              !relativePath.contains("\\") else { return false }
        return relativePath.split(separator: "/", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    private func prepare(_ relativePath: String) throws -> URL {
        guard Self.isSafe(relativePath) else { throw WriteError(path: relativePath, reason: "path leaves the output folder") }
        lock.lock()
        writes += 1
        let count = writes
        lock.unlock()
        if let failAfterWrites, count > failAfterWrites {
            throw WriteError(path: relativePath, reason: "simulated write failure")
        }
        let target = staging.appendingPathComponent(relativePath)
        let folder = target.deletingLastPathComponent().path
        lock.lock()
        let known = createdFolders.contains(folder)
        lock.unlock()
        if !known {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            lock.lock()
            createdFolders.insert(folder)
            lock.unlock()
        }
        return target
    }

    public func write(_ text: String, to relativePath: String) throws {
        try write(Data(text.utf8), to: relativePath)
    }

    public func write(_ data: Data, to relativePath: String) throws {
        let target = try prepare(relativePath)
        do {
            try data.write(to: target)
        } catch {
            throw WriteError(path: relativePath, reason: error.localizedDescription)
        }
    }

    public func copy(from source: String, to relativePath: String) throws {
        let target = try prepare(relativePath)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target.path)
        } catch {
            throw WriteError(path: relativePath, reason: error.localizedDescription)
        }
    }

    /// Puts the staged site in place of the output folder in one atomic step where the system allows it.
    public func commit() throws {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: output.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw WriteError(path: output.path, reason: "exists and is not a folder")
            }
            if lathund_rename_exchange(staging.path, output.path) == 0 {
                try? fileManager.removeItem(at: staging)  // now holds the previous site
                return
            }
            // No atomic exchange on this file system: move the old site aside, then the new one in.
            let previous = staging.deletingLastPathComponent()
                .appendingPathComponent(Self.stagingPrefix(for: output) + "old-" + String(getpid()))
            try fileManager.moveItem(at: output, to: previous)
            do {
                try fileManager.moveItem(at: staging, to: output)
            } catch {
                try? fileManager.moveItem(at: previous, to: output)
                throw error
            }
            try? fileManager.removeItem(at: previous)
        } else {
            try fileManager.moveItem(at: staging, to: output)
        }
    }

    /// Removes the staging folder; the output folder is untouched.
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }
}
