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
    static func trashPrefix(for output: URL) -> String { "." + output.lastPathComponent + ".trash-" }

    /// Removes a folder the build no longer needs (the previous site after the swap, leftovers of killed builds)
    /// without waiting: it is renamed to a `.SITE.trash-…` name at once and deleted by a detached `rm -rf`.
    /// Deleting thousands of files can take far longer than writing them (file systems that discard freed
    /// blocks); the next build removes any trash that is still there.
    static func discard(_ folder: URL, output: URL) {
        let parent = folder.deletingLastPathComponent()
        var trash = folder
        if !folder.lastPathComponent.hasPrefix(trashPrefix(for: output)) {
            trash = parent.appendingPathComponent(trashPrefix(for: output) + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            guard rename(folder.path, trash.path) == 0 else {
                try? FileManager.default.removeItem(at: folder)
                return
            }
        }
        if lathund_remove_in_background(trash.path) != 0 {
            try? FileManager.default.removeItem(at: trash)
        }
    }

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
        let trashPrefix = Self.trashPrefix(for: self.output)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where name.hasPrefix(prefix) || name.hasPrefix(trashPrefix) {
            Self.discard(parent.appendingPathComponent(name), output: self.output)
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
        try makeFolder(target.deletingLastPathComponent().path, for: relativePath)
        return target
    }

    /// `mkdir -p` inside the staging folder, remembering what exists (the staging folder starts empty).
    private func makeFolder(_ folder: String, for relativePath: String) throws {
        lock.lock()
        let known = createdFolders.contains(folder)
        lock.unlock()
        if known || folder == staging.path { return }
        if mkdir(folder, 0o755) != 0 {
            if errno == ENOENT, let slash = folder.lastIndex(of: "/") {
                try makeFolder(String(folder[..<slash]), for: relativePath)
                if mkdir(folder, 0o755) != 0 && errno != EEXIST {
                    throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
                }
            } else if errno != EEXIST {
                throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
            }
        }
        lock.lock()
        createdFolders.insert(folder)
        lock.unlock()
    }

    /// Writes a file with plain system calls: no `fsync` per file (Foundation's `Data.write` syncs every file,
    /// which made the output stage many times slower on thousands of pages). When the caller knows the bytes
    /// are `unchanged` from the previous site's file at the same path, that file is hard linked instead.
    public func write(_ bytes: UnsafeRawBufferPointer, to relativePath: String, unchanged: Bool = false) throws {
        let target = try prepare(relativePath)
        if unchanged, link(output.appendingPathComponent(relativePath).path, target.path) == 0 { return }
        // A new file each time (never through an existing name): a staged file may be a link into the live site.
        var descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == EEXIST, unlink(target.path) == 0 {
            descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw WriteError(path: relativePath, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// Identifies the folder that becomes the output folder on `commit()`: the build cache trusts the previous
    /// site's files only when the output folder is still the one it staged.
    public var stagingIdentity: String? { Self.identity(of: staging.path) }

    static func identity(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
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
                Self.discard(staging, output: output)  // now holds the previous site
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
            Self.discard(previous, output: output)
        } else {
            try fileManager.moveItem(at: staging, to: output)
        }
    }

    /// Removes the staging folder; the output folder is untouched.
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }
}
