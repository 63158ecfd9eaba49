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
            let staged = try StagedOutput(output: setup.outputURL, failAfterWrites: options.failAfterWrites) {
                let spare = cache?.cache.takeSpare()
                return options.useCache ? spare : nil
            }
            // A page's files are in a folder of its own (`regelverk/sgi/index.html`).
            staged.reserve(files: files.reduce(0) { $0 + $1.paths.count }, folders: files.count { $0.isPage } + 64)
            do {
                // Read under the output's lock: the previous site cannot change until this build is done.
                let previous = options.useCache
                    ? cache?.cache.loadOutputs(outputIdentity: StagedOutput.identity(of: setup.outputURL.path)) ?? .init()
                    : .init()
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

    /// Makes and writes every file; a file with the same bytes as the previous build's (by hash) is linked
    /// from the previous site instead, and so are files whose render key is the previous build's, without being
    /// made. Returns each file's hash and each keyed file's render key, for the cache.
    func writeAll(previous: IncrementalCache.Outputs, to staged: some OutputWriter) throws -> Written {
        // The files that are not pages first: the sitemap and the feed list every page (100 000 pages: about a
        // second of one thread), and made last, they ran alone after the other threads had run out of pages.
        let order = files.indices.filter { !files[$0].isPage } + files.indices.filter { files[$0].isPage }
        let made = Parallel.map(order, jobs: setup.jobs) { position -> Result<([UInt64], UInt64?, Bool), Error> in
            let file = files[position]
            func put(_ bytes: UnsafeRawBufferPointer, to path: String) throws -> UInt64 {
                let hash = XXH64.hash(bytes)
                try staged.write(bytes, to: path, unchanged: previous.hashes[path] == hash)
                return hash
            }
            do {
                let key = file.key?()
                if let key, previous.renderKeys[file.paths[0]] == key {
                    let hashes = file.paths.compactMap { previous.hashes[$0] }
                    if hashes.count == file.paths.count, try file.paths.allSatisfy({ try staged.reuse($0) }) {
                        return .success((hashes, key, true))
                    }
                }
                switch file.source {
                case .texts(let make):
                    var hashes: [UInt64] = []
                    for (path, text) in zip(file.paths, try make()) {
                        var text = text
                        hashes.append(try text.withUTF8 { try put(UnsafeRawBufferPointer($0), to: path) })
                    }
                    return .success((hashes, key, false))
                case .pages(let make):
                    let hashes = try zip(file.paths, try make()).map { path, bytes in
                        try bytes.withUnsafeBytes { try put($0, to: path) }
                    }
                    return .success((hashes, key, false))
                case .copy(let source):
                    return .success(([try setup.inputs.data(source).withUnsafeBytes { try put($0, to: file.paths[0]) }], nil, false))
                case .bytes(let contents):
                    return .success(([try contents.withUnsafeBytes { try put($0, to: file.paths[0]) }], nil, false))
                }
            } catch {
                return .failure(error)
            }
        }
        var results = [Result<([UInt64], UInt64?, Bool), Error>?](repeating: nil, count: files.count)
        for (position, result) in zip(order, made) { results[position] = result }
        var hashes: [(path: String, hash: UInt64)] = []
        var renderKeys: [(path: String, hash: UInt64)] = []
        var reused = 0
        hashes.reserveCapacity(files.count)
        for (file, result) in zip(files, results) {
            switch result! {
            case .success(let (fileHashes, key, wasReused)):
                hashes += zip(file.paths, fileHashes).map { ($0, $1) }
                if let key { renderKeys.append((file.paths[0], key)) }
                if wasReused, file.isPage { reused += 1 }
            case .failure(let error): throw error
            }
        }
        return (hashes, renderKeys, reused)
    }
}
