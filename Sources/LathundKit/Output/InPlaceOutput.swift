import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `lathund serve`'s output after its first build (`BuildOptions.writeInPlace`): only the files whose bytes
/// changed are written, each to a new name beside it and renamed over it, so a reader sees the old file or the
/// new one, never part of one; files the build no longer makes are removed, with the folders they leave empty.
/// Nothing else is touched, so a one-page change writes a few files instead of staging a whole site. The folder
/// is not swapped as one: while a build writes, pages of the old and the new site are served side by side, which
/// the preview accepts and the published `site/` (always staged, `StagedOutput`) does not.
///
/// It trusts the last build's record of what the folder holds (`IncrementalCache`), which is taken only while the
/// folder is the one that build left (`StagedOutput.identity`); the record is removed before the first write and
/// saved again after the last, so a build that fails or is killed while writing leaves no record, and the next
/// build stages the whole site again.
final class InPlaceOutput: OutputWriter, @unchecked Sendable {
    // @unchecked: `folders` and `count` are read and changed only while `lock` is held.
    let output: URL
    private let lockDescriptor: Int32
    private let lock = NSLock()
    private var folders = Set<String>()
    private var count = 0

    /// Takes the output folder's lock.
    init(output: URL) throws {
        self.output = output.standardizedFileURL
        lockDescriptor = try StagedOutput.lock(self.output)
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// Writes the file unless the caller knows its bytes are the ones in the folder.
    func write(_ bytes: UnsafeRawBufferPointer, to relativePath: String, unchanged: Bool) throws {
        guard !unchanged else { return }
        guard StagedOutput.isSafe(relativePath) else {
            throw StagedOutput.WriteError(path: relativePath, reason: "path leaves the output folder")
        }
        let target = output.path + "/" + relativePath
        let folder = String(target[..<target.lastIndex(of: "/")!])
        try makeFolder(folder, for: relativePath)
        let temporary = lock.withLock {
            count += 1
            return folder + "/.lathund-new-\(getpid())-\(count)"
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StagedOutput.WriteError(path: relativePath, reason: String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw StagedOutput.WriteError(path: relativePath, reason: reason)
            }
            offset += written
        }
        close(descriptor)
        if rename(temporary, target) != 0 {
            // A folder where the file goes (a page became a file): replace it.
            if StagedOutput.kind(of: target) == S_IFDIR { try? FileManager.default.removeItem(atPath: target) }
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw StagedOutput.WriteError(path: relativePath, reason: reason)
            }
        }
    }

    /// A write that failed after others were renamed into the folder: it holds files of this build beside the last
    /// one's, so the error must not say the previous site is unchanged. The record is gone (removed before the first
    /// write), so the next build stages the whole folder again.
    struct PartlyWritten: Error, CustomStringConvertible {
        let error: any Error
        var description: String {
            "\(error); the folder holds some files of this build until a build succeeds, which writes it whole again"
        }

        /// Runs `write`, and wraps what it throws.
        static func wrapping<T>(_ write: () throws -> T) throws -> T {
            do { return try write() } catch { throw PartlyWritten(error: error) }
        }
    }

    /// A file whose render key is unchanged is in the folder already.
    func reuse(_ relativePath: String) throws -> Bool { true }

    /// The folder's file: a file is read before the same build writes it.
    func previousFile(_ relativePath: String) -> [UInt8]? {
        StagedOutput.isSafe(relativePath) ? Self.bytes(at: output.path + "/" + relativePath) : nil
    }

    private func makeFolder(_ folder: String, for relativePath: String) throws {
        if folder == output.path || lock.withLock({ folders.contains(folder) }) { return }
        try makeFolder(String(folder[..<folder.lastIndex(of: "/")!]), for: relativePath)
        if mkdir(folder, 0o755) != 0 {
            guard errno == EEXIST else { throw StagedOutput.WriteError(path: relativePath, reason: String(cString: strerror(errno))) }
            if StagedOutput.kind(of: folder) != S_IFDIR {  // a file where a folder goes
                unlink(folder)
                guard mkdir(folder, 0o755) == 0 else {
                    throw StagedOutput.WriteError(path: relativePath, reason: String(cString: strerror(errno)))
                }
            }
        }
        lock.withLock { _ = folders.insert(folder) }
    }

    /// Removes the files of the last build that this build did not make, and the folders that leaves empty.
    func remove(_ relativePaths: some Sequence<String>) {
        var parents = Set<String>()
        for path in relativePaths where StagedOutput.isSafe(path) {
            unlink(output.path + "/" + path)
            var parent = path
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                parents.insert(parent)
            }
        }
        // Deepest first; rmdir removes only empty folders.
        for parent in parents.sorted(by: { $0.count > $1.count }) { rmdir(output.path + "/" + parent) }
    }
}

/// Where the Output stage writes: a staging folder swapped in at the end (`StagedOutput`) or the output folder
/// itself (`InPlaceOutput`).
protocol OutputWriter: Sendable {
    /// Writes a file; `unchanged`: the caller knows its bytes are the previous build's file's at that path.
    func write(_ bytes: UnsafeRawBufferPointer, to relativePath: String, unchanged: Bool) throws
    /// Keeps the previous build's file at that path, which the caller knows is unchanged without making it;
    /// false when there is none to keep (then write it).
    func reuse(_ relativePath: String) throws -> Bool
    /// The bytes of the previous build's file at that path (the live site's), or nil when it cannot be read.
    func previousFile(_ relativePath: String) -> [UInt8]?
}

extension OutputWriter {
    /// The bytes of the file at `path`, or nil when it cannot be read.
    static func bytes(at path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }
}
