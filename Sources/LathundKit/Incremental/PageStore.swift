import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The page memory on disk, so that `lathund build` too redoes only the pages that changed. In
/// `.lathund-cache/pages-KEY/` (KEY: the output folder's, as for the other cache files):
///
/// - **packs** (`pack-HEX`): a 16-byte header (`LTHDPACK` and the stamp) and then records (`PageRecord`: what the
///   Content and Markdown stages made of one Markdown file), one after the other. A build appends the pages it
///   did to one new pack of its own, from the Markdown stage's threads, in 1 MiB writes; packs are never changed
///   once written.
/// - **the index** (`index`): `LTHDINDX`, the stamp, the packs it uses with their lengths, and for each page
///   (by Content key: the file's path and the XXH64 of its bytes) the pack, offset, length and XXH64 of its record;
///   then the XXH64 of all that. A build writes it once, after its Markdown stage (`commit`), to a new name renamed
///   over the old one, and then removes every file of the folder the index does not name.
///
/// The stamp is the hash of `version`, `PageRecord.version` and the `lathund` binary: another binary finds no
/// pages. A build reads the index and maps its packs once (`init`); a record is used only when its bytes have the
/// XXH64 the index gives and start with the key asked for, and its Markdown part only for the Markdown stage's
/// own key (`IncrementalPageMemory.markdownKey`). So a killed build leaves the last index and the packs it names
/// untouched (its own pack is named by no index and removed by the next build), and a damaged, truncated or
/// foreign file costs the pages it held, which are done again, with a note (`notes`), never wrong pages or an
/// error. When more than half of the bytes of the old packs an index would keep are dead, or it would name more
/// than `maximumPacks` packs, the build copies the records it keeps into its own pack (compaction).
///
/// Test hooks (`KillPoint`): `store-write:N` after the Nth record is written, `store-commit` before the index is
/// renamed into place, `store-committed` after it.
final class PageStore: Sendable {
    let folder: String
    /// How the folder is named in notes (`.lathund-cache/pages-KEY`).
    let shown: String
    /// Read the last build's store; false for `--clean`, which still writes one for the next build.
    let reads: Bool
    private let stamp: UInt64
    private let last: Last
    private let state = Locked(Writing())

    /// Bump when the pack or index layout changes (`PageRecord.version` for the records').
    static let version: UInt64 = 2
    static let indexName = "index"
    static let packMagic = Array("LTHDPACK".utf8)
    static let indexMagic = Array("LTHDINDX".utf8)
    static let headerSize = 16
    static let maximumPacks = 8
    static let chunk = 1 << 20

    struct Location: Sendable, Equatable {
        /// The pack's number in `Last.packs`, or `Location.new` for this build's pack.
        var pack: Int
        var offset: Int
        var length: Int
        var checksum: UInt64
        static let new = -1
    }

    init(cacheFolder: URL, output: URL, reads: Bool) {
        let name = "pages-" + IncrementalCache.hex(XXH64.hash(output.standardizedFileURL.path))
        folder = cacheFolder.appendingPathComponent(name).path
        shown = cacheFolder.lastPathComponent + "/" + name
        self.reads = reads
        var chain = HashChain()
        chain.add(Self.version)
        chain.add(PageRecord.version)
        chain.add(IncrementalCache.executableStamp())
        stamp = chain.value
        last = reads ? Last(folder: folder, shown: shown, stamp: stamp) : Last()
    }

    // MARK: Reading

    /// A pack of the last build's store, mapped read-only for this build (until `commit`).
    final class Mapping: @unchecked Sendable {
        // @unchecked: `base` changes only in `unmap`, which `commit` calls after the last read.
        let name: String
        private(set) var base: UnsafeRawPointer?
        let size: Int

        init?(path: String, name: String) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_size > 0 else { return nil }
            let mapped = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0)
            guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
            self.name = name
            base = UnsafeRawPointer(mapped)
            size = Int(info.st_size)
        }

        func bytes(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: base! + offset, count: length)
        }

        func unmap() {
            guard let base else { return }
            munmap(UnsafeMutableRawPointer(mutating: base), size)
            self.base = nil
        }

        deinit { unmap() }
    }

    /// What the last build left: its index and packs, checked as far as can be without reading every record.
    struct Last: Sendable {
        var packs: [Mapping] = []
        var entries: [UInt64: Location] = [:]
        var notes: [String] = []
        /// The index was there (then `commit` writes one even when it would be empty).
        var existed = false

        init() {}

        init(folder: String, shown folderShown: String, stamp: UInt64) {
            let path = folder + "/" + PageStore.indexName
            guard let data = FileManager.default.contents(atPath: path) else { return }
            existed = true
            let shown = folderShown + "/" + PageStore.indexName
            let parsed: (stamp: UInt64, packs: [(name: String, size: Int)], entries: [(UInt64, Location)])
            do {
                parsed = try data.withUnsafeBytes { try PageStore.readIndex($0) }
            } catch {
                notes.append("page store: \(shown) is not a page store index or is damaged (\(error)); every page is done again")
                return
            }
            guard parsed.stamp == stamp else { return }  // another binary's: nothing to say
            var mapped: [Int: Int] = [:]
            var truncated: [String: Int] = [:]
            for (number, pack) in parsed.packs.enumerated() {
                guard let mapping = Mapping(path: folder + "/" + pack.name, name: pack.name) else {
                    notes.append("page store: \(folderShown + "/" + pack.name) is missing; the pages in it are done again")
                    continue
                }
                var header = ByteReader(mapping.bytes(0, min(mapping.size, PageStore.headerSize)))
                guard (try? header.raw(8)).map(Array.init) == PageStore.packMagic, (try? header.fixed()) == stamp else {
                    notes.append("page store: \(folderShown + "/" + pack.name) is not a pack of this store; the pages in it are done again")
                    continue
                }
                if mapping.size < pack.size { truncated[pack.name] = 0 }
                mapped[number] = packs.count
                packs.append(mapping)
            }
            for (key, location) in parsed.entries {
                guard let pack = mapped[location.pack] else { continue }
                guard location.offset >= PageStore.headerSize, location.length <= packs[pack].size - location.offset else {
                    truncated[packs[pack].name, default: 0] += 1
                    continue
                }
                var kept = location
                kept.pack = pack
                entries[key] = kept
            }
            for (name, lost) in truncated.sorted(by: { $0.key < $1.key }) {
                notes.append("page store: \(folderShown + "/" + name) is shorter than its index says (truncated); \(lost) page\(lost == 1 ? "" : "s") in it are done again")
            }
        }
    }

    /// The record of the page whose Content key is `contentKey`, when the last build left a whole one. Its bytes
    /// stay valid until `commit`.
    func record(contentKey: UInt64) -> UnsafeRawBufferPointer? {
        guard let location = last.entries[contentKey] else { return nil }
        let pack = last.packs[location.pack]
        let bytes = pack.bytes(location.offset, location.length)
        guard XXH64.hash(bytes) == location.checksum, PageRecord.contentKey(of: bytes) == contentKey else {
            state.withLock { $0.damaged[pack.name, default: 0] += 1 }
            return nil
        }
        return bytes
    }

    /// Problems found with the last build's store, each with what they cost; empty when all was well.
    var notes: [String] {
        let (damaged, failure) = state.withLock { ($0.damaged, $0.failure) }
        return last.notes
            + damaged.sorted { $0.key < $1.key }.map { name, count in
                "page store: \(count) record\(count == 1 ? "" : "s") in \(shown)/\(name) did not match \(count == 1 ? "its" : "their") checksum (damaged); \(count == 1 ? "that page was" : "those pages were") done again"
            }
            + (failure.map { ["page store: cannot write \(shown) (\($0)); the next build does these pages again"] } ?? [])
    }

    // MARK: Writing

    /// This build's pack, as it is written.
    private struct Writing: Sendable {
        var descriptor: Int32 = -1
        var name = ""
        /// Bytes of the pack so far, written or waiting in `buffer`.
        var end = 0
        var buffer: [UInt8] = []
        var entries: [UInt64: Location] = [:]
        var records = 0
        var failure: String?
        var committed = false
        var damaged: [String: Int] = [:]

        /// Adds a record; returns the bytes to write now, at which offset, when a chunk is full.
        mutating func append(_ record: UnsafeRawBufferPointer, key: UInt64, checksum: UInt64) -> (bytes: [UInt8], offset: Int)? {
            entries[key] = Location(pack: Location.new, offset: end, length: record.count, checksum: checksum)
            buffer.append(contentsOf: record)
            end += record.count
            records += 1
            return buffer.count >= PageStore.chunk ? take() : nil
        }

        mutating func take() -> (bytes: [UInt8], offset: Int)? {
            guard !buffer.isEmpty else { return nil }
            defer {
                buffer = []
                buffer.reserveCapacity(PageStore.chunk + 64 * 1024)
            }
            return (buffer, end - buffer.count)
        }
    }

    /// Appends a page's record to this build's pack (on any thread). A store that cannot be written is no store:
    /// the next build does those pages again.
    func save(_ record: [UInt8], contentKey: UInt64) {
        let checksum = record.withUnsafeBytes { XXH64.hash($0) }
        let (descriptor, chunk, count) = state.withLock { writing -> (Int32, (bytes: [UInt8], offset: Int)?, Int) in
            guard !writing.committed, writing.failure == nil else { return (-1, nil, 0) }
            if writing.descriptor < 0 { start(&writing) }
            guard writing.descriptor >= 0 else { return (-1, nil, 0) }
            let chunk = record.withUnsafeBytes { writing.append($0, key: contentKey, checksum: checksum) }
            return (writing.descriptor, chunk, writing.records)
        }
        if let chunk { write(chunk, to: descriptor) }
        if count > 0 { KillPoint.reached("store-write:\(count)") }
    }

    /// Creates this build's pack and puts its header in the buffer.
    private func start(_ writing: inout Writing) {
        let name = "pack-" + IncrementalCache.hex(UInt64.random(in: 0...UInt64.max))
        let path = folder + "/" + name
        var descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else {
            writing.failure = String(cString: strerror(errno))
            return
        }
        writing.descriptor = descriptor
        writing.name = name
        writing.buffer.reserveCapacity(Self.chunk + 64 * 1024)
        writing.buffer = Self.packMagic
        withUnsafeBytes(of: stamp.littleEndian) { writing.buffer.append(contentsOf: $0) }
        writing.end = writing.buffer.count
    }

    private func write(_ chunk: (bytes: [UInt8], offset: Int), to descriptor: Int32) {
        let complete = chunk.bytes.withUnsafeBytes { buffer -> Bool in
            var done = 0
            while done < buffer.count {
                let written = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(chunk.offset + done))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                done += written
            }
            return true
        }
        if !complete {
            let reason = String(cString: strerror(errno))
            state.withLock { if $0.failure == nil { $0.failure = reason } }
        }
    }

    /// Ends the build's use of the store: the index names the records of `contentKeys` (this build's files),
    /// from this build's pack or the last build's, and every other file of the folder is removed. Nothing is read
    /// from the store after this.
    func commit(keeping contentKeys: some Sequence<UInt64>) {
        let keys = Array(contentKeys)
        var writing = state.withLock { writing -> Writing in
            writing.committed = true
            return writing
        }
        defer {
            for pack in last.packs { pack.unmap() }
            if writing.descriptor >= 0 { close(writing.descriptor) }
        }
        var kept: [UInt64: Location] = [:]
        for key in keys {
            if let location = writing.entries[key] ?? last.entries[key] { kept[key] = location }
        }
        // Compaction: the old records this index keeps go into this build's pack when their packs are mostly dead
        // or too many.
        var live: [Int: Int] = [:]
        for location in kept.values where location.pack != Location.new { live[location.pack, default: 0] += location.length }
        let liveBytes = live.values.reduce(0, +)
        let packBytes = live.keys.reduce(0) { $0 + last.packs[$1].size }
        if writing.failure == nil, !live.isEmpty, packBytes - liveBytes > liveBytes || live.count + 1 > Self.maximumPacks {
            if writing.descriptor < 0 {
                start(&writing)
                if let failure = writing.failure { state.withLock { $0.failure = failure } }
            }
            // In pack and offset order: the old packs are read from start to end.
            for (key, location) in kept.sorted(by: { ($0.value.pack, $0.value.offset) < ($1.value.pack, $1.value.offset) })
                where location.pack != Location.new && writing.descriptor >= 0 {
                let bytes = last.packs[location.pack].bytes(location.offset, location.length)
                if let chunk = writing.append(bytes, key: key, checksum: location.checksum) { write(chunk, to: writing.descriptor) }
                kept[key] = writing.entries[key]
            }
        }
        if writing.descriptor >= 0, let chunk = writing.take() { write(chunk, to: writing.descriptor) }
        if let failure = state.withLock({ $0.failure }) {
            // This build's pack is not whole: the index keeps only the old records.
            writing.failure = failure
            kept = [:]
            for key in keys { kept[key] = last.entries[key] }
        }

        // The index, with the packs it names renumbered in order.
        var names: [(name: String, size: Int)] = []
        var numbers: [Int: Int] = [:]
        var entries: [(key: UInt64, location: Location)] = []
        for (key, location) in kept.sorted(by: { $0.key < $1.key }) {
            var renumbered = location
            if let number = numbers[location.pack] {
                renumbered.pack = number
            } else {
                let pack = location.pack == Location.new ? (writing.name, writing.end) : (last.packs[location.pack].name, last.packs[location.pack].size)
                numbers[location.pack] = names.count
                renumbered.pack = names.count
                names.append(pack)
            }
            entries.append((key, renumbered))
        }
        // Only old records, all of them, and nothing wrong with the old store: the index would be the same.
        let unchanged = last.existed && last.notes.isEmpty && numbers[Location.new] == nil && entries.count == last.entries.count
        if !unchanged && (last.existed || !entries.isEmpty) {
            let bytes = Self.index(stamp: stamp, packs: names, entries: entries)
            let target = folder + "/" + Self.indexName
            let temporary = target + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else { return }
            KillPoint.reached("store-commit")
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                return
            }
            KillPoint.reached("store-committed")
        }
        let named = Set(names.map(\.name) + [Self.indexName])
        for file in FileTree.names(in: folder) ?? [] where !named.contains(file) {
            unlink(folder + "/" + file)
        }
    }

    // MARK: The index's layout

    static func index(stamp: UInt64, packs: [(name: String, size: Int)], entries: [(key: UInt64, location: Location)]) -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + 32 * entries.count)
        indexMagic.withUnsafeBytes { writer.raw($0) }
        writer.fixed(stamp)
        writer.list(packs) { writer, pack in
            writer.string(pack.name)
            writer.count(pack.size)
        }
        writer.list(entries) { writer, entry in
            writer.fixed(entry.key)
            writer.count(entry.location.pack)
            writer.count(entry.location.offset)
            writer.count(entry.location.length)
            writer.fixed(entry.location.checksum)
        }
        writer.fixed(writer.bytes.withUnsafeBytes { XXH64.hash($0) })
        return writer.bytes
    }

    static func readIndex(_ bytes: UnsafeRawBufferPointer) throws
        -> (stamp: UInt64, packs: [(name: String, size: Int)], entries: [(UInt64, Location)]) {
        guard bytes.count >= indexMagic.count + 16, Array(bytes.prefix(indexMagic.count)) == indexMagic else {
            throw ByteReader.Failure(description: "no \(String(decoding: indexMagic, as: UTF8.self)) header")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])
        var trailer = ByteReader(bytes, at: bytes.count - 8)
        guard try trailer.fixed() == XXH64.hash(body) else { throw ByteReader.Failure(description: "checksum does not match") }
        var reader = ByteReader(body, at: indexMagic.count)
        let stamp = try reader.fixed()
        let packs = try reader.list { reader -> (name: String, size: Int) in
            let name = try reader.string()
            // Only a file of the folder: a name with a slash (or anything but pack-HEX) is not ours.
            guard name.hasPrefix("pack-"), name.utf8.count > 5,
                  name.utf8.dropFirst(5).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw ByteReader.Failure(description: "'\(name)' is not a pack's name")
            }
            return (name, Int(try reader.varint()))
        }
        let entries = try reader.list { reader -> (UInt64, Location) in
            let key = try reader.fixed()
            let pack = try reader.varint()
            guard pack < packs.count else { throw ByteReader.Failure(description: "pack \(pack) of \(packs.count)") }
            let offset = Int(clamping: try reader.varint())
            let length = Int(clamping: try reader.varint())
            return (key, Location(pack: Int(pack), offset: offset, length: length, checksum: try reader.fixed()))
        }
        guard reader.isAtEnd else { throw ByteReader.Failure(description: "bytes after the entries") }
        return (stamp, packs, entries)
    }
}
