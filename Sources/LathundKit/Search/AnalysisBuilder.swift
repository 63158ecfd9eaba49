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

    init(kind: SearchIndex.Kind) { self.kind = kind }

    var analysis: SearchIndex.Analysis {
        SearchIndex.Analysis(stems: stems, frequencies: frequencies, bonus: bonus, inQuestion: inQuestion,
                             endings: endings, length: length, kind: kind)
    }

    /// Adds `extra` to the bonus of the stem in `slot` (at most 31).
    mutating func raiseBonus(slot: Int, by extra: UInt8) { bonus[slot] = min(31, bonus[slot] + extra) }

    /// Adds the words of `text` with `weight`; each stem keeps the best `bonus`, and is flagged when it is in
    /// the FAQ `question`.
    mutating func add(_ text: String, weight: UInt32, bonus: UInt8 = 0, question: Bool = false) {
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
        let stem = SwedishStemmer.stem(String(decoding: word, as: UTF8.self))
        // Stems are the same when they are canonically equivalent, as `String`s compare: a stem of ASCII and
        // Latin-1 letters (the lead bytes 0xC2 and 0xC3) is its own NFC; any other is keyed by its NFC.
        var key = stem.utf8.contains { $0 >= 0xC4 } ? stem.precomposedStringWithCanonicalMapping : stem
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
            endings.append(SearchIndex.Ending.pack(word: word, stem: stem))
        }
        words.insert(word, hash: hash, slot: slot)
        return slot
    }
}
