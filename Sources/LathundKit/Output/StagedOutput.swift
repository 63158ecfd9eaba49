import CLathundSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Output stage: everything is written into a staging folder beside the output folder and swapped in only
/// when the whole build succeeded. A failed or killed build leaves the previous output as it was; the next build
/// removes the staging folders such builds leave behind.
///
/// The staging folder is the previous site, kept as `.SITE.spare` after the swap, when there is one: its files
/// are written over in place and what this build did not write is removed before the swap. Creating and deleting
/// every file of the site on each build cost more than writing them (on this machine's ext4, creating files soon
/// after deleting as many took four times as long as writing over them). A file that is also a hard link of the
/// live site is never written through: it is replaced.
///
/// After a build that knew the previous site's files (the cache's record of them), the spare (the site before) holds
/// the new site's bytes at every path but those it records (`Spare`, kept in the build cache): the files the build
/// wrote with other bytes, and those it no longer makes. After an incremental build the spare's other files are
/// hard links of the live site's; after a clean build, which links nothing, they are the previous site's own files,
/// which it checked were not changed since that site was swapped in (`commit`). The next build that is given the
/// record, and finds the spare and the live site still the folders it names, leaves the files the record does not
/// name as they are (no link, no `stat`) and removes only the old files it does not make again, instead of walking
/// the whole folder: a one-page build touches a few files, not all 20 000, also right after a clean build. The swap
/// of the whole folder stays as it was.
final class StagedOutput: OutputWriter, @unchecked Sendable {
    // @unchecked: the `var`s below (`createdFolders`, `written`, `fresh`, `sameInLive`, `writes`) are changed only
    // while `lock` is held, and read without it only by `commit`, after every write has returned; the rest is set in
    // `init`.
    let output: URL
    let staging: URL
    /// `output.path` and `staging.path`, made once.
    private let outputPath: String
    private let stagingPath: String
    /// The staging folder is a previous site being written over.
    let recycled: Bool
    private let lockDescriptor: Int32
    private var createdFolders = Set<String>()
    /// Relative paths written or kept: everything else in a recycled folder is removed before the swap.
    private var written = Set<String>()
    /// Relative paths whose bytes were written (not linked from the live site).
    private var fresh = Set<String>()
    /// Of `fresh`, in a build that links nothing: the paths whose bytes the previous site's file has by the cache's
    /// record, and whose file was not changed since that site was swapped in (`liveFileUntouched`).
    private var sameInLive = Set<String>()
    /// The build links the live site's unchanged files (false in a clean build, which writes every file).
    private let linksUnchanged: Bool
    /// The build's threads (`--jobs`), for `liveFoldersUntouched`.
    private let jobs: Int
    /// When the live site was swapped in: the change time of its folder, which the swap set. A file or folder of
    /// the live site changed since then has a later change time.
    private let liveSwapped: timespec?
    /// The live site's folder, opened once for `liveUntouched` (paths looked up from it, not from `/`); -1 when
    /// there is none.
    private let liveDescriptor: Int32
    /// When the spare is the folder `Spare` describes: the paths that differ from the live site's.
    private let trusted: Set<String>?
    /// After `commit` with the previous build's paths: the paths where the spare, which now holds the previous
    /// site, differs from the new live site (what `Spare.differing` records).
    private(set) var leftInSpare: Set<String>?
    private let lock = NSLock()
    private var writes = 0

    /// Makes room for `files` paths written and `folders` folders made, before the writes: the sets grew under the
    /// lock (100 000 pages: 200 000 paths, rehashed at every doubling while the other threads waited).
    func reserve(files: Int, folders: Int) {
        lock.withLock {
            written.reserveCapacity(files)
            fresh.reserveCapacity(files)
            createdFolders.reserveCapacity(folders)
        }
    }
    /// Test hook: fail the write after this many files, as a full disk would.
    let failAfterWrites: Int?

    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    /// Every output folder Lathund makes holds this file; a build replaces only a folder that has it, is empty
    /// or does not exist (or any folder with `--force`). Servers do not serve it (a name starting with a dot).
    static let markerName = ".lathund-site"
    static let marker = "This folder is the output of Lathund (lathund build). Each build replaces all of it.\n"

    /// Whether `folder` may be replaced by a build: it does not exist, is empty, holds the marker, or has the lock
    /// file Lathund keeps beside the folders it builds (a site built before there was a marker).
    static func mayReplace(_ folder: URL) -> Bool {
        guard let names = FileTree.names(in: folder.path), !names.isEmpty else { return true }
        if names.contains(markerName) { return true }
        let lock = folder.deletingLastPathComponent().appendingPathComponent("." + folder.lastPathComponent + ".lock")
        return kind(of: lock.path) == S_IFREG
    }

    static func stagingPrefix(for output: URL) -> String { "." + output.lastPathComponent + ".staging-" }
    static func trashPrefix(for output: URL) -> String { "." + output.lastPathComponent + ".trash-" }
    static func spare(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent("." + output.lastPathComponent + ".spare")
    }

    /// Keeps `folder` (the previous site, or an abandoned staging folder) as the next build's staging folder.
    static func keepAsSpare(_ folder: URL, output: URL) {
        let spare = Self.spare(for: output)
        if kind(of: spare.path) != nil { discard(spare, output: output) }
        if rename(folder.path, spare.path) != 0 { discard(folder, output: output) }
    }

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
        KillPoint.reached("discard")
        if lathund_remove_in_background(trash.path) != 0 {
            try? FileManager.default.removeItem(at: trash)
        }
    }

    /// What a build left in the spare folder (`.SITE.spare`, the site before it): every path where the spare's
    /// file may not have the bytes of the live site's file at the same path (at the others it is a hard link of
    /// it, or a file checked to hold its bytes). Trusted only while the spare and the live site are the folders it
    /// names (`identity`), and taken out of the cache before a build changes either.
    struct Spare: Equatable {
        var spareIdentity: String
        var liveIdentity: String
        var differing: Set<String>
    }

    /// Takes the output's lock (one build at a time), removes leftovers of earlier builds and creates the
    /// staging folder. `takeSpare`, called under the lock, gives (and forgets) what the last build recorded of
    /// the spare. `linksUnchanged: false` (a clean build): files the caller calls unchanged are written all the same.
    init(output: URL, linksUnchanged: Bool = true, jobs: Int = 1, failAfterWrites: Int? = nil,
         takeSpare: () -> Spare? = { nil }) throws {
        self.output = output.standardizedFileURL
        self.linksUnchanged = linksUnchanged
        self.jobs = jobs
        self.failAfterWrites = failAfterWrites
        let parent = self.output.deletingLastPathComponent()
        lockDescriptor = try Self.lock(self.output)
        Self.removeLeftovers(of: self.output)
        liveDescriptor = open(self.output.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        var live = stat()
        liveSwapped = liveDescriptor >= 0 && fstat(liveDescriptor, &live) == 0 ? live.st_ctim : nil
        let prefix = Self.stagingPrefix(for: self.output)
        staging = parent.appendingPathComponent(prefix + String(getpid()))
        outputPath = self.output.path
        stagingPath = staging.path
        let spare = Self.spare(for: self.output)
        let record = takeSpare()
        let spareIdentity = Self.identity(of: spare.path), liveIdentity = Self.identity(of: self.output.path)
        let trustworthy = record.map { $0.spareIdentity == spareIdentity && $0.liveIdentity == liveIdentity } ?? false
        if Self.kind(of: spare.path) == S_IFDIR, rename(spare.path, staging.path) == 0 {
            recycled = true
            trusted = trustworthy ? record?.differing : nil
            Self.resetMode(of: staging.path, to: Self.folderMode)
        } else {
            if Self.kind(of: spare.path) != nil { Self.discard(spare, output: self.output) }
            guard mkdir(staging.path, 0o755) == 0 else {
                throw WriteError(path: staging.path, reason: String(cString: strerror(errno)))
            }
            recycled = false
            trusted = nil
        }
        KillPoint.reached("output-start")
    }

    /// Removes what killed builds left beside the output folder (staging folders, trash), under the output's
    /// lock; the spare is not touched.
    static func tidy(output: URL) throws {
        let output = output.standardizedFileURL
        let descriptor = try lock(output)
        defer { flock(descriptor, LOCK_UN); close(descriptor) }
        removeLeftovers(of: output)
    }

    private static func removeLeftovers(of output: URL) {
        let parent = output.deletingLastPathComponent()
        let prefix = stagingPrefix(for: output)
        let trashPrefix = trashPrefix(for: output)
        for name in FileTree.names(in: parent.path) ?? []
        where name.hasPrefix(prefix) || name.hasPrefix(trashPrefix) {
            discard(parent.appendingPathComponent(name), output: output)
        }
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
        if liveDescriptor >= 0 { close(liveDescriptor) }
    }

    /// Takes the output folder's lock (`.SITE.lock` beside it), which one build at a time holds while it writes;
    /// returns its descriptor, which `close` releases.
    static func lock(_ output: URL) throws -> Int32 {
        let parent = output.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let lockPath = parent.appendingPathComponent("." + output.lastPathComponent + ".lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            throw WriteError(path: lockPath, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Refuses any path that is absolute or climbs out (`..`), or has a NUL or a backslash: nothing is written
    /// outside the output folder. Read by bytes, as the file system reads it: by `Character`, a `/` followed by a
    /// combining mark is one character, so `../\u{301}x` was one harmless name (and it went up a folder).
    static func isSafe(_ relativePath: String) -> Bool {
        var length = 0, dots = 0  // the current name's bytes, and how many of them are dots
        for byte in relativePath.utf8 {
            switch byte {
            case 0, UInt8(ascii: "\\"): return false
            case UInt8(ascii: "/"):
                guard length > 0, length != dots || dots > 2 else { return false }
                (length, dots) = (0, 0)
            default:
                length += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length > 0 && (length != dots || dots > 2)
    }

    /// The path in the staging folder a file is written to, with its folder made. Plain string paths: building a
    /// `URL` per file was 6 % of a one-page build, which links every unchanged file.
    private func prepare(_ relativePath: String) throws -> String {
        guard Self.isSafe(relativePath) else { throw WriteError(path: relativePath, reason: "path leaves the output folder") }
        lock.lock()
        writes += 1
        let count = writes
        written.insert(relativePath)
        lock.unlock()
        if let failAfterWrites, count > failAfterWrites {
            throw WriteError(path: relativePath, reason: "simulated write failure")
        }
        KillPoint.reached("write:\(count)")
        let target = stagingPath + "/" + relativePath
        try makeFolder(String(target[..<target.lastIndex(of: "/")!]), for: relativePath)
        return target
    }

    /// `mkdir -p` inside the staging folder, remembering what exists. Parents first, so that in a recycled
    /// folder a file or link where this build needs a folder is replaced before anything is made inside it.
    private func makeFolder(_ folder: String, for relativePath: String) throws {
        if folder == stagingPath { return }
        lock.lock()
        let known = createdFolders.contains(folder)
        lock.unlock()
        if known { return }
        if let slash = folder.lastIndex(of: "/") { try makeFolder(String(folder[..<slash]), for: relativePath) }
        if mkdir(folder, 0o755) != 0 {
            guard errno == EEXIST else { throw WriteError(path: relativePath, reason: String(cString: strerror(errno))) }
            if Self.kind(of: folder) != S_IFDIR {
                lock.lock()
                defer { lock.unlock() }
                if Self.kind(of: folder) != S_IFDIR {
                    try remove(folder, for: relativePath)
                    guard mkdir(folder, 0o755) == 0 else {
                        throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
                    }
                }
            } else {
                Self.resetMode(of: folder, to: Self.folderMode)  // a recycled folder
            }
        }
        lock.lock()
        createdFolders.insert(folder)
        lock.unlock()
    }

    /// The process's umask, through which new files and folders get their modes; read from /proc/self/status,
    /// since umask(2) reads it only by setting it, which would race with other threads creating files.
    static let creationMask: mode_t = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let mask = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) {
            return mask
        }
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()
    /// The modes this stage creates files and folders with: what a recycled file or folder is set back to.
    static var fileMode: mode_t { 0o644 & ~creationMask }
    static var folderMode: mode_t { 0o755 & ~creationMask }

    /// Sets the permission bits of a file or folder (not a link) that has others.
    static func resetMode(of path: String, to mode: mode_t) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK, info.st_mode & 0o7777 != mode {
            chmod(path, mode)
        }
    }

    /// The file type at `path` (`S_IFDIR`, `S_IFREG`, `S_IFLNK`, …), links not followed; nil when nothing is there.
    static func kind(of path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// Removes a file, link or folder (with what it holds, links not followed) from the staging folder.
    private func remove(_ path: String, for relativePath: String) throws {
        guard let kind = Self.kind(of: path) else { return }
        if kind == S_IFDIR {
            try FileManager.default.removeItem(atPath: path)
        } else if unlink(path) != 0 && errno != ENOENT {
            throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes a file with plain system calls: no `fsync` per file (Foundation's `Data.write` syncs every file,
    /// which made the output stage many times slower on thousands of pages). When the caller knows the bytes
    /// are `unchanged` from the previous site's file at the same path, that file is hard linked instead (kept, in a
    /// trusted spare); a clean build (`linksUnchanged: false`) writes it and notes whether the live file holds them.
    func write(_ bytes: UnsafeRawBufferPointer, to relativePath: String, unchanged: Bool = false) throws {
        if unchanged, linksUnchanged, keepsSpareFile(relativePath) { return }
        let target = try prepare(relativePath)
        if unchanged, linksUnchanged, try linkLive(relativePath, to: target) { return }
        // Before the file is written: replacing the staged file, when it is a hard link of the live one, changes
        // the live file's change time.
        let same = unchanged && liveFileUntouched(relativePath)
        lock.withLock {
            fresh.insert(relativePath)
            if same { sameInLive.insert(relativePath) }
        }
        var descriptor: Int32 = -1
        var reused = false
        if recycled {
            // Write over the previous build's file only when it is a plain file of its own: one with more links
            // may be a file of the live site.
            descriptor = open(target, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            var info = stat()
            if descriptor >= 0, fstat(descriptor, &info) != 0 || info.st_mode & S_IFMT != S_IFREG || info.st_nlink != 1 {
                close(descriptor)
                descriptor = -1
                try remove(target, for: relativePath)
            } else if descriptor >= 0, info.st_mode & 0o7777 != Self.fileMode {
                fchmod(descriptor, Self.fileMode)  // as a new file would have
            } else if descriptor < 0, errno != ENOENT {
                try remove(target, for: relativePath)  // a folder or a link where the file goes
            }
            reused = descriptor >= 0
        }
        if descriptor < 0 {
            // A new file (never through an existing name): a staged file may be a link into the live site.
            descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor < 0, errno == EEXIST, unlink(target) == 0 {
                descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            }
        }
        guard descriptor >= 0 else { throw WriteError(path: relativePath, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // A reused file's last page is filled with zeros, cut off again below: a page written in part must first
        // be read from disk when the old file has bytes there, and the spare's files are seldom in the page
        // cache (100 000 pages: 75 000 waits of the stage's threads on such reads).
        let padding = reused ? (Self.zeros.count - bytes.count % Self.zeros.count) % Self.zeros.count : 0
        var offset = 0
        while offset < bytes.count + padding {
            let written = Self.zeros.withUnsafeBytes { zeros in
                let padded = max(0, offset - bytes.count)
                var parts = [iovec(iov_base: UnsafeMutableRawPointer(mutating: zeros.baseAddress! + padded), iov_len: padding - padded)]
                if offset < bytes.count {
                    parts.insert(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + offset),
                                       iov_len: bytes.count - offset), at: 0)
                }
                return writev(descriptor, parts, Int32(parts.count))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        if reused, ftruncate(descriptor, off_t(bytes.count)) != 0 {  // the padding, and the old file may have been longer
            throw WriteError(path: relativePath, reason: String(cString: strerror(errno)))
        }
    }

    /// A page of zeros, to fill a reused file's last page (`write`).
    private static let zeros = [UInt8](repeating: 0, count: max(4_096, sysconf(Int32(_SC_PAGESIZE))))

    /// Puts the live site's file at `relativePath` in the staging folder as a hard link, for a file the caller
    /// knows is unchanged without making it. False when there is no such file to link: then write it.
    func reuse(_ relativePath: String) throws -> Bool {
        if keepsSpareFile(relativePath) { return true }
        return try linkLive(relativePath, to: try prepare(relativePath))
    }

    /// The live site's file (the previous build's).
    func previousFile(_ relativePath: String) -> [UInt8]? {
        Self.isSafe(relativePath) ? Self.bytes(at: outputPath + "/" + relativePath) : nil
    }

    /// For a file the caller knows the live site has with the right bytes: true when the trusted spare holds it as
    /// a hard link of the live file already, so nothing is to be done.
    private func keepsSpareFile(_ relativePath: String) -> Bool {
        guard let trusted, !trusted.contains(relativePath) else { return false }
        lock.lock()
        written.insert(relativePath)
        lock.unlock()
        return true
    }

    private func linkLive(_ relativePath: String, to target: String) throws -> Bool {
        let live = outputPath + "/" + relativePath
        if link(live, target) == 0 { return true }
        guard errno == EEXIST, recycled else { return false }
        var staged = stat(), current = stat()
        if lstat(target, &staged) == 0, stat(live, &current) == 0, staged.st_dev == current.st_dev,
           staged.st_ino == current.st_ino {
            return true  // already a link of the live file
        }
        try remove(target, for: relativePath)
        return link(live, target) == 0
    }

    /// In a recycled staging folder, removes every file, link and folder this build did not write, so the
    /// folder holds exactly the new site.
    func removeUnwritten() throws {
        guard recycled else { return }
        // Folders this build did not make are removed whole, so they are not walked.
        let tree = FileTree.walk(root: staging.path, links: .none, descend: { createdFolders.contains($0.absolute) })
        if let problem = tree.problems.first, case .unreadableFolder(let reason) = problem.kind {
            throw WriteError(path: problem.relative.isEmpty ? "." : problem.relative, reason: reason)
        }
        for entry in tree.entries {
            if entry.kind == .folder ? !createdFolders.contains(entry.absolute) : !written.contains(entry.relative) {
                KillPoint.reached("prune")
                try remove(entry.absolute, for: entry.relative)
            }
        }
    }

    /// Whether `path` in the live site is not changed since the live site was swapped in (`liveSwapped`): a file
    /// for the file's path, a folder for a folder's. Every file and folder of a site was made or linked before
    /// the clock ticked ahead of its swap (`waitForClockTick`); writing, replacing, adding or removing anything
    /// since gives it (or its folder) a change time no earlier than the swap's. So a clean build, which reads the
    /// previous site's record but not its files, does not take what a hand or a tool changed in the live site
    /// for the record's bytes.
    private func liveUntouched(_ relativePath: String, kind: mode_t) -> Bool {
        var info = stat()
        guard let liveSwapped, Self.isSafe(relativePath),
              fstatat(liveDescriptor, relativePath, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == kind
        else { return false }
        return (info.st_ctim.tv_sec, info.st_ctim.tv_nsec) < (liveSwapped.tv_sec, liveSwapped.tv_nsec)
    }

    /// Waits until the coarse clock, which change times come from (the fine one when a file's time was read since
    /// its last change), is past the fine clock's present time: whatever changed before has an earlier change time
    /// than whatever changes after. At most one tick (4 ms here).
    static func waitForClockTick() {
        var now = timespec(), coarse = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        repeat {
            var pause = timespec(tv_sec: 0, tv_nsec: 250_000)
            nanosleep(&pause, nil)
            clock_gettime(CLOCK_REALTIME_COARSE, &coarse)
        } while (coarse.tv_sec, coarse.tv_nsec) <= (now.tv_sec, now.tv_nsec)
    }

    private func liveFileUntouched(_ relativePath: String) -> Bool { liveUntouched(relativePath, kind: S_IFREG) }

    /// Whether every folder of the live site on the record's paths is unchanged since the site's swap
    /// (`liveUntouched`). When one was changed, by a hand or a tool, the live site (after the swap, the spare) may
    /// hold a file the record does not name, which a build that trusts the spare would keep (and every second
    /// build after it would publish). On the build's threads: 10 000 pages have 10 000 folders (10–20 ms a build).
    private func liveFoldersUntouched(_ previous: some Collection<String>) -> Bool {
        var folders = Set<Substring>()
        folders.reserveCapacity(previous.count)
        for path in previous {
            var end = path.endIndex
            while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")), folders.insert(path[..<slash]).inserted {
                end = slash
            }
        }
        let list = Array(folders)
        let chunks = stride(from: 0, to: list.count, by: 1_024).map { list[$0..<min($0 + 1_024, list.count)] }
        return Parallel.map(chunks, jobs: jobs) { chunk in
            chunk.allSatisfy { self.liveUntouched(String($0), kind: S_IFDIR) }
        }.allSatisfy { $0 }
    }

    /// Identifies a folder for the build cache, which trusts the previous site's files only while the output
    /// folder is still the one that build committed: device, inode and the folder's change time. The inode alone
    /// is not enough: a folder deleted and made again by hand can get the same inode number back (it did, in
    /// `aReplacedOutputFolderIsNotTrusted` on a clean clone), and adding or removing a file by hand changes the time.
    /// Taken after `commit()`, since the swap itself changes the time.
    static func identity(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// In a trusted spare: removes the files of the old sites this build did not write (the spare holds no file
    /// but the live site's and those the record names), then the folders that leaves empty, deepest first.
    private func removeStale(_ trusted: Set<String>, previous: some Collection<String>) throws {
        var parents = Set<String>()
        // Each path once, without a set of both (the live site's paths: 20 000 for 10 000 pages).
        var stale = previous.filter { !written.contains($0) }
        stale += trusted.filter { !written.contains($0) && !previous.contains($0) }
        for path in stale where Self.isSafe(path) {
            KillPoint.reached("prune")
            if unlink(stagingPath + "/" + path) != 0, errno != ENOENT, errno != EISDIR, errno != ENOTDIR {
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            var parent = path
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                parents.insert(parent)
            }
        }
        for parent in parents.sorted(by: { $0.count > $1.count }) where !createdFolders.contains(stagingPath + "/" + parent) {
            rmdir(stagingPath + "/" + parent)
        }
    }

    /// Puts the staged site in place of the output folder in one atomic step where the system allows it.
    /// `previous`: the paths of the live site's files by the last build's record (empty when not known); with
    /// them, `leftInSpare` says afterwards where the spare differs from the new site.
    func commit(previous: some Collection<String> = [String]()) throws {
        var marker = Self.marker
        try marker.withUTF8 { try write(UnsafeRawBufferPointer($0), to: Self.markerName) }
        if let trusted { try removeStale(trusted, previous: previous) } else { try removeUnwritten() }
        if !previous.isEmpty, liveFoldersUntouched(previous) {
            // The live site (after the swap, the spare) has the bytes this build wrote where it had them already.
            leftInSpare = fresh.subtracting(sameInLive).union(previous.filter { !written.contains($0) })
        }
        KillPoint.reached("before-swap")
        Self.waitForClockTick()  // every file of the new site older than its swap (`liveUntouched`)
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: output.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw WriteError(path: output.path, reason: "exists and is not a folder")
            }
            if lathund_rename_exchange(staging.path, output.path) == 0 {
                KillPoint.reached("after-swap")
                Self.keepAsSpare(staging, output: output)  // now holds the previous site
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
            Self.keepAsSpare(previous, output: output)
        } else {
            try fileManager.moveItem(at: staging, to: output)
        }
    }

    /// Keeps the staging folder as the next build's spare (which writes over it); the output folder is
    /// untouched.
    func abandon() {
        Self.keepAsSpare(staging, output: output)
    }
}
