import Foundation

/// Counts one document's words by stem for `SearchIndex.analyse`. Words and stems are looked up by their UTF-8
/// bytes (`WordSlots`), never as `String` dictionary keys (whose hashing normalises Unicode on every look-up),
/// and a word is stemmed once per document. All state is this value's own, so the word loop makes no
/// dynamically checked accesses (the closures of the version before were 2 % of a 10 000-page build).
struct AnalysisBuilder {
    /// The stems and their counts, one array per field while the document is counted; `analysis` packs them.
    private(set) var stems: [String] = []
    private var frequencies: [UInt32] = []
    private var bonus: [UInt8] = []
    private var inQuestion: [Bool] = []
    private var endings: [UInt64] = []
    private var length = 0
    private let kind: SearchIndex.Kind
    /// Word bytes → the slot of its stem.
    private var words = WordSlots()
    /// Stem bytes → its slot in `stems`.
    private var stemSlots = WordSlots()
    /// Each word's stem, kept by the thread across documents (`StemMemo`).
    private let memo: StemMemo

    /// `memo`: the thread's own unless given (tests compare with an empty one).
    init(kind: SearchIndex.Kind, memo: StemMemo = .current) {
        self.kind = kind
        self.memo = memo
    }

    var analysis: SearchIndex.Analysis {
        SearchIndex.Analysis(stems: stems, frequencies: frequencies, bonus: bonus, inQuestion: inQuestion,
                             endings: endings, length: length, kind: kind)
    }

    /// Adds `extra` to the bonus of the stem in `slot` (at most 31).
    mutating func raiseBonus(slot: Int, by extra: UInt8) { bonus[slot] = min(31, bonus[slot] + extra) }

    /// Adds the words of `text` with `weight`; each stem keeps the best `bonus`, and is flagged when it is in
    /// the FAQ `question`.
    mutating func add(_ text: String, weight: UInt32, bonus: UInt8 = 0, question: Bool = false) {
        var text = text
        text.withUTF8 { add(bytes: $0, weight: weight, bonus: bonus, question: question) }
    }

    /// `add` of a text given as its UTF-8 bytes.
    mutating func add(bytes text: UnsafeBufferPointer<UInt8>, weight: UInt32, bonus: UInt8 = 0, question: Bool = false) {
        Tokenizer.forEachWordBytes(in: text) { word in
            let slot = slot(of: word)
            frequencies[slot] &+= weight
            length += 1
            if bonus > self.bonus[slot] { self.bonus[slot] = bonus }
            if question { inQuestion[slot] = true }
        }
    }

    /// The slot of `word`'s stem: made (with the word's ending) the first time the stem is seen.
    private mutating func slot(of word: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = WordSlots.hash(word)
        if let slot = words.find(word, hash: hash) { return slot }
        let (stem, memoKey, ending) = memo.stem(of: word, hash: hash)
        var key = memoKey
        let (slot, isNew) = key.withUTF8 { stemBytes -> (Int, Bool) in
            let stemHash = WordSlots.hash(stemBytes)
            if let known = stemSlots.find(stemBytes, hash: stemHash) { return (known, false) }
            let slot = stems.count
            stemSlots.insert(stemBytes, hash: stemHash, slot: slot)
            return (slot, true)
        }
        if isNew {
            stems.append(stem)
            frequencies.append(0)
            bonus.append(0)
            inQuestion.append(false)
            endings.append(ending)
        }
        words.insert(word, hash: hash, slot: slot)
        return slot
    }
}

/// Each word's stem, the stem's key and the word's ending (`SearchIndex.Ending.pack`), by the word's bytes: a
/// page uses mostly words the pages before it used, and stemming each again made a `String` of the word and one of
/// the stem. One memo per thread (`current`), so it needs no lock; it keeps at most `limit` words (words past it
/// are stemmed every time), so its memory has a bound whatever the site.
final class StemMemo {
    static let limit = 1 << 16
    // Unchecked: only `stem(of:hash:)` and `count` touch them, one access at a time on the memo's one thread
    // (`current`), and the run-time exclusivity checks of a class's properties were 0,6 % of a build's instructions.
    @exclusivity(unchecked) private var slots = WordSlots()
    @exclusivity(unchecked) private var entries: [(stem: String, key: String, ending: UInt64)] = []

    var count: Int { entries.count }

    init() {}

    /// `word`'s stem, its key (stems are the same when they are canonically equivalent, as `String`s compare: a
    /// stem of ASCII and Latin-1 letters, lead bytes below 0xC4, is its own NFC; any other is keyed by its NFC) and
    /// the word's ending. `hash` is `WordSlots.hash(word)`.
    func stem(of word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (stem: String, key: String, ending: UInt64) {
        if let known = slots.find(word, hash: hash) { return entries[known] }
        let stem = SwedishStemmer.stem(String(decoding: word, as: UTF8.self))
        let key = stem.utf8.contains { $0 >= 0xC4 } ? stem.precomposedStringWithCanonicalMapping : stem
        let entry = (stem, key, SearchIndex.Ending.pack(word: word, stem: stem))
        if entries.count < Self.limit {
            slots.insert(word, hash: hash, slot: entries.count)
            entries.append(entry)
        }
        return entry
    }

    /// The calling thread's memo, made on first use and freed when the thread ends.
    static var current: StemMemo {
        if let pointer = pthread_getspecific(threadKey) {
            return Unmanaged<StemMemo>.fromOpaque(pointer).takeUnretainedValue()
        }
        let memo = StemMemo()
        pthread_setspecific(threadKey, Unmanaged.passRetained(memo).toOpaque())
        return memo
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<StemMemo>.fromOpaque(pointer).release() }
        }
        return key
    }()
}
