import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The incremental build's memory on disk (one of three incremental layers, with `IncrementalRenderKey` and
/// `IncrementalPageMemory`), in `.lathund-cache/` (ignored by git), one set of files per output folder:
///
/// - `build-KEY.json`: the fingerprint of every input of the last successful build, the identity of the output
///   folder it staged, and what the build reported (diagnostics, page counts). When the fingerprint and the
///   output folder are unchanged, the next build writes nothing and reports the same again. Two lines of JSON:
///   the head (`Head`: what a build compares) and the whole record, so that a build that finds its input changed
///   reads the head only, not the report of every page.
/// - `build-KEY.outputs`: the XXH64 of every file that build wrote, by path. A file whose bytes hash the same
///   as the previous build's file at that path is hard linked from the previous site into the staging folder
///   instead of written; removing the previous site then frees nothing for those files. The staged output and its
///   atomic swap stay as they were.
/// - `build-KEY.renders`: each page's render key (`IncrementalRenderKey`), by the page's output path. A page whose key is
///   unchanged is not rendered: its two files are linked from the previous site.
/// - `build-KEY.spare`: where the spare folder (the site before the last build's) differs from the site
///   (`StagedOutput.Spare`). Taken out before a build changes the spare or the site, written after the swap.
///
/// Reuse by bytes compares the new bytes with the old ones, so it cannot make a build differ from a clean build;
/// reuse by render key is as safe as the key is complete (IncrementalBuildTests compare with clean builds). The
/// fingerprint covers every input (`content/` and `layouts/` file by file, byte by byte, the configuration,
/// the options, the directives, the `lathund` binary and the day).
struct IncrementalCache {
    static let version = 6
    let folder: URL
    let key: String

    struct Record: Codable {
        var version: Int
        var fingerprint: String
        var outputIdentity: String
        var pageCount: Int
        var assetCount: Int
        var diagnostics: [Diagnostic]
        var pages: [BuildResult.PageSummary]
        var overdueReviews: [ReviewSchedule.Overdue]
        var oldSources: [OldSources]
        var latestChanges: [PageChange]
    }

    /// The first line of the record file.
    struct Head: Codable, Equatable {
        var version: Int
        var fingerprint: String
        var outputIdentity: String
        var pageCount: Int
    }
    init(folder: URL, output: URL) {
        self.folder = folder
        key = Self.hex(XXH64.hash(output.standardizedFileURL.path))
    }

    var recordURL: URL { folder.appendingPathComponent("build-\(key).json") }
    var outputsURL: URL { folder.appendingPathComponent("build-\(key).outputs") }
    var rendersURL: URL { folder.appendingPathComponent("build-\(key).renders") }
    var spareURL: URL { folder.appendingPathComponent("build-\(key).spare") }
    var stampsURL: URL { folder.appendingPathComponent("build-\(key).stamps") }

    // MARK: Stamps

    /// The input files' hashes by their stamps (`FileStamps`) as the last build left them, so that `lathund build`
    /// neither reads nor hashes a file whose stamp is unchanged: empty when there are none or the file is damaged,
    /// truncated or of another version (every file is then read). Sealed (`sealed`) as `LTHDSTMP`, then
    /// per file its path, device, inode, size, modification and change times (ns) and hash.
    func loadStamps() -> FileStamps {
        guard let data = try? Data(contentsOf: stampsURL) else { return FileStamps() }
        let entries = data.withUnsafeBytes { bytes -> [(path: String, stamp: FileStamp, hash: UInt64)]? in
            guard let body = Self.unsealed("LTHDSTMP", bytes) else { return nil }
            var reader = ByteReader(body)
            let entries = try? reader.list { reader -> (path: String, stamp: FileStamp, hash: UInt64) in
                let path = try reader.string()
                let stamp = FileStamp(device: try reader.fixed(), inode: try reader.fixed(),
                                      size: Int64(bitPattern: try reader.fixed()), modified: Int64(bitPattern: try reader.fixed()),
                                      changed: Int64(bitPattern: try reader.fixed()), taken: 0)
                return (path, stamp, try reader.fixed())
            }
            return reader.isAtEnd ? entries : nil
        }
        return FileStamps(entries: entries ?? [])
    }

    /// Saves the stamps of `paths` (this build's input files), written beside and renamed into place.
    func save(stamps: FileStamps, paths: [String]) {
        let entries = stamps.entries(for: paths)
        var writer = ByteWriter(capacity: 96 * entries.count + 16)
        writer.list(entries) { writer, entry in
            writer.string(entry.path)
            for value in [entry.stamp.device, entry.stamp.inode, UInt64(bitPattern: entry.stamp.size),
                          UInt64(bitPattern: entry.stamp.modified), UInt64(bitPattern: entry.stamp.changed), entry.hash] {
                writer.fixed(value)
            }
        }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Self.sealed("LTHDSTMP", writer.bytes).write(to: stampsURL, options: .atomic)
    }

    /// The spare's record, removed from the cache (a build that uses the spare changes it): nil when there is
    /// none or it is damaged. Sealed (`sealed`) as `LTHDSPARE`, then NUL-ended fields: the two
    /// identities and the paths.
    func takeSpare() -> StagedOutput.Spare? {
        defer { forgetSpare() }
        guard let data = try? Data(contentsOf: spareURL) else { return nil }
        let fields = data.withUnsafeBytes { bytes -> [String]? in
            guard let body = Self.unsealed("LTHDSPARE", bytes), body.last == 0 else { return nil }
            return body.dropLast().split(separator: 0, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
        }
        guard let fields, fields.count >= 2 else { return nil }
        return StagedOutput.Spare(spareIdentity: fields[0], liveIdentity: fields[1], differing: Set(fields.dropFirst(2)))
    }

    func save(spare: StagedOutput.Spare) {
        var rest: [UInt8] = []
        for field in [spare.spareIdentity, spare.liveIdentity] + spare.differing {
            rest += field.utf8
            rest.append(0)
        }
        try? Self.sealed("LTHDSPARE", rest).write(to: spareURL, options: .atomic)
    }

    // MARK: Sealed files

    /// How the stamps and the spare's record are kept: `magic` (`LTHDSTMP`, `LTHDSPARE`) and the cache version on
    /// the first line, the XXH64 of the body in 16 hex digits on the second, then the body.
    static func sealed(_ magic: String, _ body: [UInt8]) -> Data {
        Data(Array("\(magic) \(version)\n\(hex(XXH64.hash(body)))\n".utf8) + body)
    }

    /// The body of what `sealed` made with `magic`: nil when the head, the version or the checksum differ, so
    /// that a damaged, truncated or older file is not trusted.
    static func unsealed(_ magic: String, _ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let head = Array("\(magic) \(version)\n".utf8)
        guard bytes.count >= head.count + 17, bytes.starts(with: head),
              let sum = hexValue(bytes[head.count..<(head.count + 16)]), bytes[head.count + 16] == 0x0A
        else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[(head.count + 17)...])
        return XXH64.hash(body) == sum ? body : nil
    }

    func forgetSpare() { unlink(spareURL.path) }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The record's head and the rest of the file, when the record is of this version.
    private func loadParts() -> (head: Head, rest: Data)? {
        guard let data = try? Data(contentsOf: recordURL), let newline = data.firstIndex(of: 0x0A),
              let head = try? JSONDecoder().decode(Head.self, from: data[data.startIndex..<newline]),
              head.version == Self.version
        else { return nil }
        return (head, data[(newline + 1)...])
    }
    func loadHead() -> Head? { loadParts()?.head }
    func loadRecord() -> Record? {
        guard let (head, rest) = loadParts(), let record = try? JSONDecoder().decode(Record.self, from: rest),
              record.version == head.version, record.fingerprint == head.fingerprint,
              record.outputIdentity == head.outputIdentity
        else { return nil }
        return record
    }

    /// The previous build's output hashes and pages' render keys (`IncrementalRenderKey`), by path, when its site is still
    /// the output folder. `renderKeys: false`: the hashes only (a clean build, which makes every page anew).
    func loadOutputs(outputIdentity: String?, renderKeys: Bool = true) -> Outputs {
        guard let outputIdentity, let head = loadHead(), head.outputIdentity == outputIdentity,
              let outputs = try? Data(contentsOf: outputsURL), let renders = try? Data(contentsOf: rendersURL)
        else { return Outputs() }
        return Outputs(hashes: Self.parse(outputs, capacity: head.pageCount * 2 + 64),
                       renderKeys: renderKeys ? Self.parse(renders, capacity: head.pageCount) : [:])
    }
    /// What a build wrote: each file's XXH64 and each page's render key, by path.
    struct Outputs: Sendable {
        var hashes: [String: UInt64] = [:]
        var renderKeys: [String: UInt64] = [:]
    }

    /// Lines of `HHHHHHHHHHHHHHHH path`.
    private static func parse(_ data: Data, capacity: Int) -> [String: UInt64] {
        var hashes: [String: UInt64] = [:]
        hashes.reserveCapacity(capacity)
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                // "HHHHHHHHHHHHHHHH path"
                if index - start > 17, let value = hexValue(bytes[start..<(start + 16)]) {
                    hashes[String(decoding: bytes[(start + 17)..<index], as: UTF8.self)] = value
                }
                start = index + 1
            }
        }
        return hashes
    }

    /// Sixteen lower-case hex digits, without making a `String` of them.
    private static func hexValue(_ digits: some Sequence<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }
    /// Saves what a successful build wrote. Written beside and renamed into place, so a killed build leaves the
    /// previous record or none; the record is written last, as it is what makes the outputs trusted. The three
    /// files are made (and the two lists written) on `jobs` threads: after the site is swapped in, nothing else
    /// runs (100 000 pages: about 0,2 s of one thread).
    func save(record: Record, outputs: [(path: String, hash: UInt64)], renderKeys: [(path: String, hash: UInt64)],
              jobs: Int = 1) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: recordURL)
            let (outputsURL, rendersURL) = (outputsURL, rendersURL)
            let made = Parallel.map([0, 1, 2], jobs: jobs) { part -> Result<Data?, Error> in
                Result {
                    switch part {
                    case 0: try Self.lines(outputs).write(to: outputsURL, options: .atomic)
                    case 1: try Self.lines(renderKeys).write(to: rendersURL, options: .atomic)
                    default:
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.sortedKeys]
                        let head = Head(version: record.version, fingerprint: record.fingerprint,
                                        outputIdentity: record.outputIdentity, pageCount: record.pageCount)
                        return try encoder.encode(head) + Data([0x0A]) + Self.encode(record, jobs: jobs)
                    }
                    return nil
                }
            }
            for result in made { _ = try result.get() }
            try made[2].get()!.write(to: recordURL, options: .atomic)
        } catch {
            try? FileManager.default.removeItem(at: recordURL)  // a cache that cannot be written is no cache
        }
    }

    /// Lines of `HHHHHHHHHHHHHHHH path` (what `parse` reads), in the order the build made the files: only `parse`
    /// reads them, into a dictionary.
    private static func lines(_ hashes: [(path: String, hash: UInt64)]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * 60)
        let digits = Array("0123456789abcdef".utf8)
        for (path, hash) in hashes {
            for shift in stride(from: 60, through: 0, by: -4) { bytes.append(digits[Int((hash >> UInt64(shift)) & 15)]) }
            bytes.append(0x20)
            bytes += path.utf8
            bytes.append(0x0A)
        }
        return Data(bytes)
    }

    /// The record as JSON that `JSONDecoder` reads back into the same record. Its pages (one per page of the site)
    /// are written by hand: `JSONEncoder` took a twentieth of a one-page rebuild in `lathund serve` on them. They
    /// are written `chunk` at a time on `jobs` threads (the same bytes whatever `jobs` is): after the site is
    /// swapped in, nothing else runs (10 000 pages: 4 % of the main thread's time in a one-page build).
    static func encode(_ record: Record, jobs: Int = 1, chunk: Int = 1_024) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var rest = record
        rest.pages = []
        var data = try encoder.encode(rest)
        // The last key but `version`: no value after it can hold this text (a string's quotes are escaped).
        guard let empty = data.lastRange(of: Data("\"pages\":[]".utf8)),
              record.pages.allSatisfy({ $0.lix?.isFinite ?? true }) else { return try encoder.encode(record) }
        let pages = record.pages
        let parts = Parallel.map(Array(stride(from: 0, to: pages.count, by: chunk)), jobs: jobs) { start -> [UInt8] in
            Self.encode(pages[start..<min(start + chunk, pages.count)], first: start == 0)
        }
        var bytes = Array("\"pages\":[".utf8)
        bytes.reserveCapacity(parts.reduce(2) { $0 + $1.count } + 9)
        for part in parts { bytes += part }
        bytes.append(UInt8(ascii: "]"))
        data.replaceSubrange(empty, with: bytes)
        return data
    }

    /// Pages of the record as JSON objects, each after a comma but the very first page's (`first`).
    private static func encode(_ pages: ArraySlice<BuildResult.PageSummary>, first isFirst: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pages.count * 240)
        for (position, page) in pages.enumerated() {
            if position > 0 || !isFirst { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "{"))
            var first = true
            /// `"key":value`, the keys in order (as JSONEncoder sorts them).
            func add(_ key: String, _ value: String) {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                bytes.append(UInt8(ascii: "\""))
                bytes += key.utf8
                bytes += "\":".utf8
                bytes += value.utf8
            }
            if let changed = page.changed { add("changed", JSONText.string(changed)) }
            add("file", JSONText.string(page.file))
            if let lix = page.lix { add("lix", "\(lix)") }
            if let band = page.lixBand { add("lixBand", JSONText.string(band)) }
            if let longWords = page.longWords { add("longWords", String(longWords)) }
            if let reviewed = page.reviewed { add("reviewed", JSONText.string(reviewed)) }
            if let against = page.reviewedAgainst { add("reviewedAgainst", JSONText.string(against)) }
            if let by = page.reviewedBy { add("reviewedBy", JSONText.string(by)) }
            if let sentences = page.sentences { add("sentences", String(sentences)) }
            add("title", JSONText.string(page.title))
            add("url", JSONText.string(page.url))
            add("words", String(page.words))
            bytes.append(UInt8(ascii: "}"))
        }
        return bytes
    }

    /// A file a build reads, for the fingerprint: `name` says what it is to the build (`content/a.md`), `path` is
    /// where it is read from (nil for something seen but not read: a link to nothing).
    struct Input: Sendable {
        let name: String
        let path: String?
    }

    /// One hash of every input of a build: the settings and each input's name and bytes, read (in parallel) into
    /// `files`, where the stages take them from (`InputFiles`): a build is made from the bytes it fingerprinted.
    /// `parts`: what the hash is made of, each input's own hash in `inputs`' order (`Parts`).
    static func fingerprint(inputs: [Input], files: InputFiles, settings: [String], jobs: Int) -> (hash: UInt64, parts: Parts) {
        let hashes = Parallel.map(inputs, jobs: jobs) { input -> UInt64 in
            guard let path = input.path else { return XXH64.hash("\u{0}" + input.name) }
            return files.hash(path) ^ XXH64.hash(input.name)
        }
        var chain = HashChain()
        chain.add(UInt64(version))
        for setting in settings { chain.add(setting) }
        chain.add(executableStamp())
        for hash in hashes { chain.add(hash) }
        return (chain.value, Parts(settings: settings, inputs: inputs, hashes: hashes))
    }

    /// What a fingerprint is made of: the settings, and each input with its hash (its bytes' and its name's). Two
    /// builds' parts tell which inputs changed between them (`DirectRebuild`).
    struct Parts: Sendable {
        let settings: [String]
        let inputs: [Input]
        let hashes: [UInt64]

        /// The one input whose hash differs from `last`'s, when the settings and the inputs' names are the same and
        /// exactly one hash differs; nil otherwise.
        func onlyChange(since last: Parts) -> Input? {
            guard settings == last.settings, inputs.count == last.inputs.count, hashes.count == last.hashes.count
            else { return nil }
            var changed: Int?
            for position in hashes.indices where hashes[position] != last.hashes[position] {
                guard changed == nil else { return nil }
                changed = position
            }
            guard let changed, zip(inputs, last.inputs).allSatisfy({ $0.name == $1.name && $0.path == $1.path })
            else { return nil }
            return inputs[changed]
        }
    }

    /// A different `lathund` binary may build differently: its size and modification time are an input.
    static func executableStamp() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_size):\(info.st_mtim.tv_sec):\(info.st_mtim.tv_nsec)"
    }
}
