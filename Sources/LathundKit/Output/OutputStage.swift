import Foundation

/// The Output stage: makes every file of the render plan on `jobs` threads and writes it into a staging folder
/// beside the output folder (`StagedOutput`), which is swapped in only when the whole build succeeded. A file whose
/// bytes or render key are the previous build's is linked from the previous site instead. Then the build cache
/// remembers what this build wrote.
struct OutputStage: Stage {
    static let name = "output"
    let options: BuildOptions
    let setup: BuildSetup
    let files: [OutputFile]
    /// False when nothing is written: `lathund check`, or a build with errors.
    let write: Bool
    /// Where to remember this build, and the record to remember (its output identity is filled in after the swap).
    let cache: (cache: IncrementalCache, record: IncrementalCache.Record)?

    struct Output {
        /// Pages linked from the previous site without being rendered.
        var reusedPages = 0
    }

    /// Fails with `output-write` (and leaves the previous site as it was) when the site cannot be written.
    func run() -> Staged<Output> {
        var output = Output()
        guard write else { return Staged(output) }
        do {
            if options.writeInPlace, options.useCache, let (cache, record) = cache {
                let folder = try InPlaceOutput(output: setup.outputURL)
                cache.forgetSpare()  // files written in place are no longer the spare's links
                let identity = StagedOutput.identity(of: setup.outputURL.path)
                let previous = options.pageMemory?.outputs(identity: identity)
                    ?? cache.loadOutputs(outputIdentity: identity)
                if !previous.hashes.isEmpty {
                    // Untrusted until every file is written.
                    try? FileManager.default.removeItem(at: cache.recordURL)
                    options.pageMemory?.keep(outputs: nil)
                    let (written, renderKeys, reused) = try InPlaceOutput.PartlyWritten.wrapping {
                        try writeAll(previous: previous, to: folder)
                    }
                    folder.remove(Set(previous.hashes.keys).subtracting(written.map(\.path)))
                    output.reusedPages = reused
                    // After the build is reported (`lathund serve`), still under the folder's lock (`folder`).
                    let save = { @Sendable [self] in
                        withExtendedLifetime(folder) { self.save(cache: cache, record: record, outputs: written, renderKeys: renderKeys) }
                    }
                    if let memory = options.pageMemory { memory.afterward(save) } else { save() }
                    return Staged(output)
                }
            }
            let staged = try StagedOutput(output: setup.outputURL, linksUnchanged: options.useCache, jobs: setup.jobs,
                                          failAfterWrites: options.failAfterWrites) {
                let spare = cache?.cache.takeSpare()
                return options.useCache ? spare : nil
            }
            // A page's files are in a folder of its own (`regelverk/sgi/index.html`).
            staged.reserve(files: files.reduce(0) { $0 + $1.paths.count }, folders: files.reduce(0) { $0 + $1.pages } + 64)
            do {
                // Read under the output's lock: the previous site cannot change until this build is done. A clean
                // build reuses nothing (no render keys; `staged` links nothing), but the hashes tell it which of the
                // previous site's files, kept as the spare, already hold what it writes (`StagedOutput.commit`).
                let previous = cache?.cache.loadOutputs(outputIdentity: StagedOutput.identity(of: setup.outputURL.path),
                                                        renderKeys: options.useCache) ?? .init()
                let (written, renderKeys, reused) = try writeAll(previous: previous, to: staged)
                output.reusedPages = reused
                try staged.commit(previous: previous.hashes.keys)
                if let (cache, record) = cache {
                    save(cache: cache, record: record, outputs: written, renderKeys: renderKeys)
                    if let differing = staged.leftInSpare,
                       let spareIdentity = StagedOutput.identity(of: StagedOutput.spare(for: staged.output).path),
                       let liveIdentity = StagedOutput.identity(of: staged.output.path) {
                        cache.save(spare: StagedOutput.Spare(spareIdentity: spareIdentity, liveIdentity: liveIdentity,
                                                             differing: differing))
                    }
                }
            } catch {
                staged.abandon()
                throw error
            }
        } catch {
            let after = error is InPlaceOutput.PartlyWritten ? "" : "; the previous site is unchanged"
            return Staged(output, [.error(SourceLocation(file: setup.outputDisplay), .outputWrite, "\(error)\(after)")])
        }
        return Staged(output)
    }

    /// Remembers what this build wrote, with the identity of the output folder it left: in the cache, and in
    /// the page memory of a process that builds again (`IncrementalPageMemory.outputs`).
    private func save(cache: IncrementalCache, record: IncrementalCache.Record, outputs: [(path: String, hash: UInt64)],
                      renderKeys: [(path: String, hash: UInt64)]) {
        guard let identity = StagedOutput.identity(of: setup.outputURL.path) else { return }
        var record = record
        record.outputIdentity = identity
        cache.save(record: record, outputs: outputs, renderKeys: renderKeys, jobs: setup.jobs)
        // Only a memory kept in this process takes them: not two tables of every file made for nothing.
        guard let memory = options.pageMemory, memory.store == nil else { return }
        memory.keep(outputs: (identity, IncrementalCache.Outputs(
            hashes: Dictionary(outputs, uniquingKeysWith: { first, _ in first }),
            renderKeys: Dictionary(renderKeys, uniquingKeysWith: { first, _ in first }))))
    }

    /// Each file's hash and each keyed file's render key, and how many pages were linked without being made.
    typealias Written = (hashes: [(path: String, hash: UInt64)], renderKeys: [(path: String, hash: UInt64)], reused: Int)

    /// What one `OutputFile` left: each path's hash, the render keys it recorded (by index into its paths) and
    /// how many of its pages were linked without being made.
    private struct Made {
        var hashes: [UInt64]
        var keys: [(Int, UInt64)] = []
        var reused = 0
    }

    /// Makes and writes every file; a file with the same bytes as the previous build's (by hash) is linked
    /// from the previous site instead, and so are files whose render key is the previous build's, without being
    /// made. Returns each file's hash and each keyed file's render key, for the cache.
    func writeAll(previous: IncrementalCache.Outputs, to staged: some OutputWriter) throws -> Written {
        // The files that are not pages first: the sitemap and the feed list every page (100 000 pages: about a
        // second of one thread), and made last, they ran alone after the other threads had run out of pages.
        let order = files.indices.filter { files[$0].pages == 0 } + files.indices.filter { files[$0].pages > 0 }
        let inOrder = Parallel.map(order, jobs: setup.jobs) { position -> Result<Made, Error> in
            Result(catching: { try write(files[position], previous: previous, to: staged) })
        }
        var results = [Result<Made, Error>?](repeating: nil, count: files.count)
        for (position, result) in zip(order, inOrder) { results[position] = result }
        var hashes: [(path: String, hash: UInt64)] = []
        var renderKeys: [(path: String, hash: UInt64)] = []
        var reused = 0
        hashes.reserveCapacity(files.reduce(0) { $0 + $1.paths.count })
        for (file, result) in zip(files, results) {
            let made = try result!.get()
            hashes += zip(file.paths, made.hashes).map { ($0, $1) }
            renderKeys += made.keys.map { (file.paths[$0], $1) }
            reused += made.reused
        }
        return (hashes, renderKeys, reused)
    }

    private func write(_ file: OutputFile, previous: IncrementalCache.Outputs, to staged: some OutputWriter) throws -> Made {
        func put(_ bytes: UnsafeRawBufferPointer, to path: String) throws -> UInt64 {
            try Self.put(bytes, to: path, previous: previous, staged: staged)
        }
        if case .bundle(let bundle) = file.source { return try write(bundle, previous: previous, to: staged) }
        let key = file.key?()
        let keys = key.map { [(0, $0)] } ?? []
        if let key, previous.renderKeys[file.paths[0]] == key,
           let hashes = try Self.link(file.paths, previous: previous, staged: staged) {
            return Made(hashes: hashes, keys: keys, reused: file.pages)
        }
        switch file.source {
        case .texts(let make):
            var hashes: [UInt64] = []
            for (path, text) in zip(file.paths, try make()) {
                var text = text
                hashes.append(try text.withUTF8 { try put(UnsafeRawBufferPointer($0), to: path) })
            }
            return Made(hashes: hashes, keys: keys)
        case .pages(let make):
            let hashes = try zip(file.paths, try make()).map { path, bytes in
                try bytes.withUnsafeBytes { try put($0, to: path) }
            }
            return Made(hashes: hashes, keys: keys)
        case .copy(let source):
            return Made(hashes: [try setup.inputs.data(source).withUnsafeBytes { try put($0, to: file.paths[0]) }])
        case .bytes(let contents):
            return Made(hashes: [try contents.withUnsafeBytes { try put($0, to: file.paths[0]) }])
        case .bundle:
            preconditionFailure("written above")
        }
    }

    /// A bundle's pages and the bundle (`DocumentBundle`): all linked when the bundle's key is the previous
    /// build's; else each page whose key is the previous build's is linked and its document's line taken from the
    /// previous site's bundle (when its bytes are the recorded ones), and the other pages are rendered.
    private func write(_ bundle: DocumentBundle, previous: IncrementalCache.Outputs, to staged: some OutputWriter) throws -> Made {
        let keys = bundle.pages.map { $0.key() }
        let generated = bundle.generated.map { Array(SearchIndex.documentFile($0).utf8) }
        let bundleKey = DocumentBundle.key(pages: keys, generated: generated)
        let allKeys = Array(keys.enumerated()) + [(keys.count, bundleKey)]
        let paths = bundle.pages.map(\.path) + [bundle.path]
        if previous.renderKeys[bundle.path] == bundleKey, let hashes = try Self.link(paths, previous: previous, staged: staged) {
            return Made(hashes: hashes, keys: allKeys, reused: keys.count)
        }
        let unchanged = keys.indices.filter { previous.renderKeys[paths[$0]] == keys[$0] && previous.hashes[paths[$0]] != nil }
        var oldLines: [[UInt8]]?
        if !unchanged.isEmpty, let recorded = previous.hashes[bundle.path], let bytes = staged.previousFile(bundle.path),
           XXH64.hash(bytes) == recorded {
            oldLines = SearchIndex.bundleLines(bytes, count: keys.count + generated.count)
        }
        var made = Made(hashes: [], keys: allKeys)
        var lines: [[UInt8]] = []
        lines.reserveCapacity(keys.count + generated.count)
        for (offset, page) in bundle.pages.enumerated() {
            if let oldLines, unchanged.contains(offset), try staged.reuse(page.path) {
                made.hashes.append(previous.hashes[page.path]!)
                made.reused += 1
                lines.append(oldLines[offset])
                continue
            }
            let (html, document) = try page.make()
            made.hashes.append(try html.withUnsafeBytes { try Self.put($0, to: page.path, previous: previous, staged: staged) })
            lines.append(document)
        }
        let bytes = SearchIndex.bundleFile(lines + generated)
        made.hashes.append(try bytes.withUnsafeBytes { try Self.put($0, to: bundle.path, previous: previous, staged: staged) })
        return made
    }

    /// Links `paths` from the live site, whose render key is the previous build's: their previous hashes, or nil when
    /// one has none or cannot be linked (then they are made).
    private static func link(_ paths: [String], previous: IncrementalCache.Outputs, staged: some OutputWriter) throws -> [UInt64]? {
        let hashes = paths.compactMap { previous.hashes[$0] }
        guard hashes.count == paths.count, try paths.allSatisfy({ try staged.reuse($0) }) else { return nil }
        return hashes
    }

    /// Writes `bytes` at `path`, told whether the previous build wrote the same bytes there (by hash); their hash.
    private static func put(_ bytes: UnsafeRawBufferPointer, to path: String, previous: IncrementalCache.Outputs,
                            staged: some OutputWriter) throws -> UInt64 {
        let hash = XXH64.hash(bytes)
        try staged.write(bytes, to: path, unchanged: previous.hashes[path] == hash)
        return hash
    }
}
