import Foundation

/// What the Content and Markdown stages made of each page, kept from one build to the next: in memory by a
/// process that builds again and again (`lathund serve`), and on disk (`PageStore`) for `lathund build`, which
/// makes a memory with a store whenever it has a cache folder. A build given the memory (`BuildOptions.pageMemory`)
/// reads every Markdown file, but types its front matter, parses its Markdown and analyses its words for
/// search only when the file or what its Markdown reads changed; for the other pages it takes the last build's
/// results. The memory then holds this build's results and nothing else.
///
/// Keys:
/// - Content stage: the file's path and the XXH64 of its bytes. A page is a function of those.
/// - Markdown stage: that, the page's URL, the renderer's options and directives, and what links and directives
///   in Markdown read (`IncrementalRenderKey.markdownInputs`: every page's URL, the content's other files, the datasets'
///   bytes, the FAQ index). This is the Markdown part of the render key; a directive that reads more of other
///   pages than that must not be registered (the render key has the same rule).
///
/// Results are the same as without the memory: `PageMemoryTests` compares every file and diagnostic with a
/// clean build after each kind of change.
public final class IncrementalPageMemory: Sendable {
    /// How many pages the last build typed (Content) and parsed and analysed (Markdown) again; the rest came
    /// from the memory.
    public struct Counts: Sendable, Equatable {
        public var loaded = 0
        public var analysed = 0
    }

    struct Loaded: Sendable {
        let key: UInt64
        let page: Page?
        let diagnostics: [Diagnostic]
        /// What the Checks stage finds in the file's bytes (personnummer, internal labels), made while they are
        /// read (`ContentScan`), for `scanKey`'s settings.
        var scan: [Diagnostic] = []
        var scanKey: UInt64 = 0
        /// The page's body is the end of the file's bytes as read: the page store keeps its length only.
        var bodyIsFileEnd = false
    }

    /// A class, so that the stages and the memory pass it on without copying its fields.
    final class Analysed: Sendable {
        let key: UInt64
        let rendered: ParsedPage
        let analysis: SearchIndex.Analysis
        let diagnostics: [Diagnostic]

        init(key: UInt64, rendered: ParsedPage, analysis: SearchIndex.Analysis, diagnostics: [Diagnostic]) {
            self.key = key
            self.rendered = rendered
            self.analysis = analysis
            self.diagnostics = diagnostics
        }
    }

    private struct State: Sendable {
        var loaded: [String: Loaded] = [:]
        var analysed: [String: Analysed] = [:]
        /// Where the store's record of a page holds its Markdown result, for the Markdown stage to read if its key
        /// is still the page's.
        var stored: [String: Stored] = [:]
        var counts = Counts()
    }

    /// A record's Markdown part, read only when it is asked for (valid until the store's `commit`).
    private struct Stored: @unchecked Sendable {
        // @unchecked: the bytes are a read-only mapping of the store, unmapped only after the Markdown stage.
        let key: UInt64
        let record: UnsafeRawBufferPointer
        let offset: Int
        let page: Page
    }

    /// The builds that use the memory may run on different threads, one after the other.
    private let state = Locked(State())
    /// What the last build wrote into the output folder, with the folder's identity after it, in a memory kept
    /// in this process (`lathund serve`): the next build takes it from here instead of reading the cache's files
    /// back. Forgotten before a build writes into the folder, so a build that fails while writing leaves none.
    private let written = Locked<(identity: String, outputs: IncrementalCache.Outputs)?>(nil)
    /// The last build's search postings and shards (`SearchMemory`), in a memory kept in this process; nil for one
    /// on disk.
    let search: SearchMemory?
    /// The Indexes stage's last site structure and link check (`IndexMemory`), in a memory kept in this process.
    let indexes: IndexMemory?
    /// Each input file's hash by its stamp (`FileStamps`), in a memory kept in this process: a file whose stamp
    /// is the same is not read again to be hashed, nor to be loaded while the memory has its page.
    let stamps: FileStamps?
    let store: PageStore?

    public convenience init() { self.init(settle: FileStamps.settle) }

    /// `settle`: how old a file's times must be for its stamp to be trusted (`FileStamps`; tests make it 0).
    init(settle: Int64) {
        store = nil
        search = SearchMemory()
        indexes = IndexMemory()
        stamps = FileStamps(settle: settle)
    }

    init(store: PageStore) {
        self.store = store
        search = nil
        indexes = nil
        stamps = nil
    }

    /// What the last build wrote, when the output folder is still the one it left (`identity`); nil for a
    /// memory on disk (`lathund build` reads the cache's files).
    func outputs(identity: String?) -> IncrementalCache.Outputs? {
        written.withLock { kept in kept.flatMap { $0.identity == identity ? $0.outputs : nil } }
    }
    func keep(outputs: (identity: String, outputs: IncrementalCache.Outputs)?) {
        guard store == nil else { return }
        written.withLock { $0 = outputs }
    }
    /// What the file watcher of `lathund serve` saw between the snapshot before the last build and the one before
    /// the next: the absolute paths it saw `changed`, and whether a path is one it watches with an unchanged stamp
    /// (`unchanged`; nil when it cannot say). Files it vouches for are not stamped again (`FileStamps.vouch`).
    /// `present` and `count` say whether a path is in the watcher's snapshot before the next build and how many files
    /// it has under a folder: with them, the last build's walk of a folder is taken again when the files are the
    /// same (`FileStamps.offerWalks`). Called before each build (`nil`s: the watcher cannot say).
    public func watched(unchanged: (@Sendable (String) -> Bool)?, changed: [String],
                        present: (@Sendable (String) -> Bool)? = nil, count: (@Sendable (String) -> Int)? = nil) {
        stamps?.vouch(unchanged: unchanged, changed: changed)
        stamps?.offerWalks(present: present, count: count)
    }

    /// Work a build leaves until it has been reported, on a thread of its own, in a memory kept in this process
    /// (`lathund serve`: saving the record of what it wrote into the preview folder); the next build and `settle()`
    /// wait for it. A memory on disk does it at once.
    func afterward(_ work: @escaping @Sendable () -> Void) {
        guard store == nil else { return work() }
        pending.enter()
        Thread { [pending] in
            work()
            pending.leave()
        }.start()
    }

    /// Waits until the work the last build left (`afterward`) is done. Blocks: call it off the concurrency pool.
    public func settle() { pending.wait() }
    private let pending = DispatchGroup()

    /// What the last build redid.
    public var lastCounts: Counts { state.withLock { $0.counts } }

    /// What the last build kept for the next one's direct path (`DirectRebuild`), in a memory kept in this process;
    /// taken (and so forgotten) by every build that is not answered from the cache.
    private let direct = Locked<DirectRebuild.Kept?>(nil)
    func takeDirect() -> DirectRebuild.Kept? { direct.withLock { $0.take() } }
    func keep(direct kept: DirectRebuild.Kept) {
        guard store == nil else { return }
        direct.withLock { $0 = kept }
    }

    /// One page done again by the direct path (`DirectRebuild`): its Content and Markdown results replace the last
    /// build's, and it is the one page the build redid.
    func replace(_ relativePath: String, loaded: Loaded, analysed: Analysed) {
        state.withLock {
            $0.loaded[relativePath] = loaded
            $0.analysed[relativePath] = analysed
            $0.counts = Counts(loaded: 1, analysed: 1)
        }
    }

    /// What the memory holds for a file (kept in memory, as `lathund serve` does; for tests).
    func kept(_ relativePath: String) -> (loaded: Loaded?, analysed: Analysed?) {
        state.withLock { ($0.loaded[relativePath], $0.analysed[relativePath]) }
    }

    /// The last build's Content result for a file whose key is `key`, when this process keeps it (`lathund serve`),
    /// or, given the file's path (`unread`: a file not read, whose stamp says it is unchanged), when the store has
    /// it: its body is then left in the file (`Page.bodyInFile`).
    func loaded(_ relativePath: String, key: UInt64, unread path: String? = nil) -> Loaded? {
        if let kept = state.withLock({ $0.loaded[relativePath].flatMap { $0.key == key ? $0 : nil } }) { return kept }
        guard let path else { return nil }
        return stored(relativePath, key: key, fileEnd: .file(path))
    }

    /// The last build's Content result for a file whose key is `key`; `bytes` are the file's bytes as read.
    func loaded(_ relativePath: String, key: UInt64, bytes: Data) -> Loaded? {
        if let kept = loaded(relativePath, key: key) { return kept }
        return stored(relativePath, key: key, fileEnd: .bytes(bytes))
    }

    /// Makes room for `count` files' stored Markdown parts before the Content stage's threads add them one by one
    /// under the lock (a table grown 10 000 times, moved at each doubling).
    func reserve(_ count: Int) {
        guard store != nil else { return }
        state.withLock { $0.stored.reserveCapacity(count) }
    }

    private func stored(_ relativePath: String, key: UInt64, fileEnd: PageRecord.FileEnd) -> Loaded? {
        guard let record = store?.record(contentKey: key),
              let (loaded, markdown) = try? PageRecord.decodeLoaded(record, fileEnd: fileEnd) else { return nil }
        if let markdown, let page = loaded.page {
            state.withLock { $0.stored[relativePath] = Stored(key: markdown.key, record: record, offset: markdown.offset, page: page) }
        }
        return loaded
    }

    func analysed(_ relativePath: String, key: UInt64) -> Analysed? {
        let (kept, stored) = state.withLock { ($0.analysed[relativePath], $0.stored[relativePath]) }
        if let kept { return kept.key == key ? kept : nil }
        guard let stored, stored.key == key else { return nil }
        return try? PageRecord.decodeAnalysed(stored.record, at: stored.offset, page: stored.page)
    }

    /// Replaces the Content stage's results with this build's; `fresh` are the files that were not in the memory.
    /// Those that give no page to parse (drafts left out, errors) are stored now; the others with their Markdown.
    func keep(loaded entries: [String: Loaded], fresh: Set<String>, parsed: Set<String>) {
        state.withLock {
            $0.loaded = entries
            $0.counts = Counts(loaded: fresh.count, analysed: 0)
        }
        guard let store else { return }
        for path in fresh where !parsed.contains(path) {
            let loaded = entries[path]!
            store.save(PageRecord.encode(loaded, nil), contentKey: loaded.key)
        }
    }

    /// Stores a page the Markdown stage did again, with its Content result (on the stage's threads).
    func store(_ analysed: Analysed, for relativePath: String) {
        guard let store, let loaded = state.withLock({ $0.loaded[relativePath] }) else { return }
        store.save(PageRecord.encode(loaded, analysed), contentKey: loaded.key)
        // Stored: the rest of the build needs only its key (`keep`), not its page and body.
        state.withLock { $0.loaded[relativePath] = Loaded(key: loaded.key, page: nil, diagnostics: []) }
    }

    /// Replaces the Markdown stage's results with this build's; `redone` of them were not in the memory. The
    /// store then keeps the entries of this build's files only.
    func keep(analysed entries: [String: Analysed], redone: Int) {
        guard let store else {
            return state.withLock {
                $0.analysed = entries
                $0.counts.analysed = redone
            }
        }
        // A memory on disk is for the next process: this one keeps only the counts, so that the later stages can
        // free the pages' results as they go.
        let keys = state.withLock { state -> [UInt64] in
            defer { state = State(counts: Counts(loaded: state.counts.loaded, analysed: redone)) }
            return state.loaded.values.map(\.key)
        }
        store.commit(keeping: keys)
    }

    /// What the page store had to say about the last build's store (damaged or truncated files); empty without one.
    var notes: [String] { store?.notes ?? [] }

    /// The Content stage's key of a file.
    static func contentKey(relativePath: String, displayPath: String, sourceHash: UInt64) -> UInt64 {
        var chain = HashChain()
        chain.add(relativePath)
        chain.add(displayPath)
        chain.add(sourceHash)
        return chain.value
    }

    /// The Markdown stage's key of a page; `settings` is what else decides the rendering (options, directives).
    static func markdownKey(page: Page, markdownInputs: UInt64, settings: [String]) -> UInt64 {
        var chain = HashChain()
        chain.add(markdownInputs)
        for setting in settings { chain.add(setting) }
        chain.add(contentKey(relativePath: page.relativePath, displayPath: page.displayPath, sourceHash: page.sourceHash))
        chain.add(page.url)
        return chain.value
    }
}

extension IncrementalPageMemory.Loaded {
    /// A file's Content result; `bytes` are the file's bytes as read, which the page's body may be the end of.
    init(key: UInt64, page: Page?, diagnostics: [Diagnostic], scan: [Diagnostic], scanKey: UInt64, bytes: Data) {
        self.init(key: key, page: page, diagnostics: diagnostics, scan: scan, scanKey: scanKey,
                  bodyIsFileEnd: page.map { Self.isEnd($0.body, of: bytes) } ?? false)
    }

    static func isEnd(_ body: String, of bytes: Data) -> Bool {
        var body = body
        return body.withUTF8 { utf8 in
            utf8.count <= bytes.count && bytes.withUnsafeBytes { file in
                utf8.isEmpty || memcmp(file.baseAddress! + (file.count - utf8.count), utf8.baseAddress!, utf8.count) == 0
            }
        }
    }
}
