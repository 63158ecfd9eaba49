/// The search index's memory in a process that builds again and again (`lathund serve`, through
/// `IncrementalPageMemory`): the last build's analyses and each stem's postings, with the ending of the word each
/// posting's document uses. A build compares its analyses with the last build's, position by position, and takes
/// out of and puts into the postings only the documents that changed, instead of making three million postings
/// (10 000 pages) again. The postings are the same as `SearchIndex.stemEntries` makes from all the analyses:
/// documents in order, the endings counted in document order (`SearchIndexTests` compare the files after edits,
/// additions and deletions). The shards' JSON is kept too (`ShardMemo`), and the last index's layout, which a
/// build that changed few stems patches (`SearchPatch`).
final class SearchMemory: Sendable {
    /// A stem's postings with each one's ending (`Ending.pack`), in document order, and the entry they count to.
    struct Kept: Sendable {
        var entry = SearchIndex.StemEntry()
        var endings: [UInt64] = []
    }

    private struct State: Sendable {
        var analyses: [SearchIndex.Analysis] = []
        var kept: [String: Kept] = [:]
    }

    /// What the last build did: how many documents' postings it changed, and whether it made them all anew.
    struct Counts: Sendable, Equatable {
        var documents = 0
        var anew = true
    }

    let shards = ShardMemo()
    private let state = Locked<State?>(nil)
    /// The last build's index as `SearchPatch` patches it (nil: made with `lazyShards`, or none yet).
    private let layout = Locked<SearchIndex.Layout?>(nil)
    private let patched = Locked(false)
    private let counts = Locked(Counts())

    var lastCounts: Counts { counts.withLock { $0 } }

    /// The analyses of the last build's documents, in document order (nil before the first).
    var lastAnalyses: [SearchIndex.Analysis]? { state.withLock { $0?.analyses } }

    /// Takes out of and puts into every stem's postings and endings the documents of `analyses` that changed, and
    /// adds each kind's document count and total length to `kinds`. Returns the stems whose postings or most used
    /// ending changed, or nil when they were all made anew.
    func update(_ analyses: [SearchIndex.Analysis], kinds: inout [(documents: Int, length: Int)]) -> Set<String>? {
        for analysis in analyses {
            kinds[analysis.kind.rawValue].documents += 1
            kinds[analysis.kind.rawValue].length += analysis.length
        }
        // Taken out while it changes, so it is not copied.
        var state = state.withLock { kept -> State in
            defer { kept = nil }
            return kept ?? State()
        }
        var changed: [Int] = []
        for document in analyses.indices
        where document >= state.analyses.count || !Self.same(state.analyses[document], analyses[document]) {
            changed.append(document)
        }
        let removed = max(0, state.analyses.count - analyses.count)
        // Many changes (a page added or removed moves every document after it): all anew.
        let anew = changed.count + removed > max(64, analyses.count / 8)
        var stems: Set<String>?
        if anew {
            state = State()
            changed = Array(analyses.indices)
            var none: [String: Touch]?
            for document in analyses.indices { Self.put(document, analyses[document], into: &state.kept, touched: &none) }
        } else {
            var touched: [String: Touch]? = [:]
            for document in analyses.count..<(analyses.count + removed) {
                Self.take(document, state.analyses[document], from: &state.kept, touched: &touched!)
            }
            for document in changed where document < state.analyses.count {
                Self.take(document, state.analyses[document], from: &state.kept, touched: &touched!)
            }
            for document in changed { Self.put(document, analyses[document], into: &state.kept, touched: &touched) }
            stems = Self.count(touched!, in: &state.kept)
        }
        state.analyses = analyses
        self.state.withLock { $0 = state }
        counts.withLock { $0 = Counts(documents: changed.count + removed, anew: anew) }
        return stems
    }

    /// Every stem's postings and endings, as `update` left them.
    func entries() -> [String: SearchIndex.StemEntry] {
        state.withLock { $0?.kept.mapValues(\.entry) } ?? [:]
    }

    /// Keeps the layout of the index just made from every stem (nil: none, so the next build makes every stem again).
    func keep(_ layout: SearchIndex.Layout?) {
        self.layout.withLock { $0 = layout }
        patched.withLock { $0 = false }
    }

    /// The index for the stems `update` changed, made by patching the last build's layout (`SearchPatch`); nil when
    /// the layout is not kept or a patch cannot make what a whole index would (then it must be made whole).
    func patch(_ changed: Set<String>, documents: Int, kinds: [(documents: Int, length: Int)],
               synonyms: [Synonym]) -> SearchIndex? {
        guard let layout = layout.withLock({ kept -> SearchIndex.Layout? in
            defer { kept = nil }
            return kept
        }) else { return nil }
        let made = state.withLock { state -> (SearchIndex, SearchPatch)? in
            guard let state else { return nil }
            var patch = SearchPatch(layout: layout, kept: state.kept, changed: changed)
            return patch.run(documents: documents, kinds: kinds, synonyms: synonyms).map { ($0, patch) }
        }
        guard let (index, patch) = made else { return nil }
        self.layout.withLock { $0 = patch.layout }
        patched.withLock { $0 = true }
        shards.counted(taken: patch.layout.shards.count - patch.dirtyShards.count, made: patch.dirtyShards.count)
        return index
    }

    /// Whether the last build's index was patched by stem (`patch`), not made from every stem.
    var lastPatched: Bool { patched.withLock { $0 } }

    /// What a build did to a stem: its counted endings before (nil: it had no postings), and the postings, with
    /// their endings, taken out and put in.
    private struct Touch {
        var before: SearchIndex.StemEntry?
        var taken: [(posting: SearchIndex.Posting, ending: UInt64)] = []
        var put: [(posting: SearchIndex.Posting, ending: UInt64)] = []

        init(_ entry: SearchIndex.StemEntry?) {
            before = entry.map { SearchIndex.StemEntry(postings: [], endings: $0.endings, counts: $0.counts) }
        }
    }

    /// Counts the touched stems' endings again and returns the stems whose postings or most used ending changed.
    /// The first four endings seen are counted, in document order: from the start when a document's ending changed;
    /// otherwise the counts are the ones before (`put` counted an ending added at the end again).
    private static func count(_ touched: [String: Touch], in kept: inout [String: Kept]) -> Set<String> {
        var changed = Set<String>()
        for (stem, touch) in touched {
            let taken = touch.taken.sorted { $0.posting.document < $1.posting.document }
            let put = touch.put.sorted { $0.posting.document < $1.posting.document }
            let sameEndings = taken.elementsEqual(put) { $0.posting.document == $1.posting.document && $0.ending == $1.ending }
            let samePostings = taken.elementsEqual(put) { $0.posting.document == $1.posting.document && $0.posting.value == $1.posting.value }
            if var entry = kept.removeValue(forKey: stem) {
                if sameEndings, let before = touch.before {
                    entry.entry.endings = before.endings
                    entry.entry.counts = before.counts
                } else {
                    entry.entry.endings = (0, 0, 0, 0)
                    entry.entry.counts = (0, 0, 0, 0)
                    for ending in entry.endings { entry.entry.count(ending) }
                }
                kept[stem] = entry
            }
            let after = kept[stem]?.entry
            if !samePostings || (after == nil) != (touch.before == nil)
                || (!sameEndings && touch.before?.commonEnding != after?.commonEnding) {
                changed.insert(stem)
            }
        }
        return changed
    }

    /// The same analysis: the same arrays (a page the Markdown stage did not do again), or equal ones.
    static func same(_ a: SearchIndex.Analysis, _ b: SearchIndex.Analysis) -> Bool {
        let identical = a.packed.withUnsafeBufferPointer { x in
            b.packed.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress && x.count == y.count }
        }
        if a.length == b.length, a.kind == b.kind, identical { return true }
        return a == b
    }

    /// The position of `document`'s posting in `postings` (in document order), or where it goes.
    fileprivate static func position(of document: Int32, in postings: [SearchIndex.Posting]) -> Int {
        var low = 0, high = postings.count
        while low < high {
            let middle = (low + high) / 2
            if postings[middle].document < document { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Takes the postings of `document` (whose analysis was `analysis`) out.
    private static func take(_ document: Int, _ analysis: SearchIndex.Analysis, from kept: inout [String: Kept],
                             touched: inout [String: Touch]) {
        for stem in analysis.stems {
            if touched[stem] == nil { touched[stem] = Touch(kept[stem]?.entry) }
            guard var entry = kept.removeValue(forKey: stem) else { continue }
            let at = position(of: Int32(document), in: entry.entry.postings)
            if at < entry.entry.postings.count, entry.entry.postings[at].document == Int32(document) {
                touched[stem]!.taken.append((entry.entry.postings[at], entry.endings[at]))
                entry.entry.postings.remove(at: at)
                entry.endings.remove(at: at)
            }
            if !entry.entry.postings.isEmpty { kept[stem] = entry }
        }
    }

    /// Puts the postings of `document` in, in document order (noted in `touched`, unless nil).
    private static func put(_ document: Int, _ analysis: SearchIndex.Analysis, into kept: inout [String: Kept],
                            touched: inout [String: Touch]?) {
        analysis.forEach { stemBytes, frequency, bonus, inQuestion, ending in
            let stem = String(decoding: stemBytes, as: UTF8.self)
            let posting = SearchIndex.Posting(document: Int32(document), value: SearchIndex.Posting.value(
                frequency: frequency, length: analysis.length, kind: analysis.kind, bonus: bonus, flags: inQuestion ? 2 : 0))
            if touched != nil {
                if touched?[stem] == nil { touched?[stem] = Touch(kept[stem]?.entry) }
                touched?[stem]?.put.append((posting, ending))
            }
            kept[stem, default: Kept()].insert(posting, ending: ending)
        }
    }
}

extension SearchMemory.Kept {
    /// Adds a posting in document order; the ending is counted at once when it is the last (a build made anew),
    /// otherwise when the stem's endings are counted again.
    mutating func insert(_ posting: SearchIndex.Posting, ending: UInt64) {
        if entry.postings.last.map({ $0.document < posting.document }) ?? true {
            entry.add(posting, ending: ending)
            endings.append(ending)
            return
        }
        let at = SearchMemory.position(of: posting.document, in: entry.postings)
        entry.postings.insert(posting, at: at)
        endings.insert(ending, at: at)
    }
}
