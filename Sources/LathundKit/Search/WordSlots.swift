/// The words of one document by their UTF-8 bytes, each with a number (its stem's slot in the analysis): an
/// open-addressing table over one byte buffer, so looking up a word that was seen before makes no `String` and
/// hashes its bytes once (XXH64).
struct WordSlots {
    private struct Entry {
        var start: Int32
        var length: Int32
        var hash: UInt64
        var slot: Int32
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    /// Entry number + 1 per bucket, 0 for an empty bucket; the size is a power of two, at most half full.
    private var buckets = [Int32](repeating: 0, count: 256)

    var count: Int { entries.count }

    /// The number of `word`, made by `make` the first time the word is seen.
    mutating func slot(of word: UnsafeBufferPointer<UInt8>, orMake make: () -> Int) -> Int {
        let hash = XXH64.hash(UnsafeRawBufferPointer(word))
        if let slot = find(word, hash: hash) { return slot }
        let slot = make()
        insert(word, hash: hash, slot: slot)
        return slot
    }

    /// The number of `word` (whose `XXH64.hash` is `hash`), or nil when it has none yet.
    func find(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var bucket = Int(truncatingIfNeeded: hash) & (buckets.count - 1)
        while buckets[bucket] != 0 {
            let entry = entries[Int(buckets[bucket]) - 1]
            if entry.hash == hash, Int(entry.length) == word.count, equals(entry, word) { return Int(entry.slot) }
            bucket = (bucket + 1) & (buckets.count - 1)
        }
        return nil
    }

    /// Gives `word`, which has no number yet, the number `slot`.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) {
        var bucket = Int(truncatingIfNeeded: hash) & (buckets.count - 1)
        while buckets[bucket] != 0 { bucket = (bucket + 1) & (buckets.count - 1) }
        entries.append(Entry(start: Int32(bytes.count), length: Int32(word.count), hash: hash, slot: Int32(slot)))
        bytes.append(contentsOf: word)
        buckets[bucket] = Int32(entries.count)
        if entries.count * 2 > buckets.count { grow() }
    }

    private func equals(_ entry: Entry, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { stored in
            let start = Int(entry.start)
            for offset in 0..<word.count where stored[start + offset] != word[offset] { return false }
            return true
        }
    }

    private mutating func grow() {
        buckets = [Int32](repeating: 0, count: buckets.count * 2)
        for (number, entry) in entries.enumerated() {
            var bucket = Int(truncatingIfNeeded: entry.hash) & (buckets.count - 1)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & (buckets.count - 1) }
            buckets[bucket] = Int32(number + 1)
        }
    }
}
