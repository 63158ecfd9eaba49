import Foundation

/// The words of one document by their UTF-8 bytes, each with a number (its stem's slot in the analysis): an
/// open-addressing table over one byte buffer, so looking up a word that was seen before makes no `String` and
/// hashes its bytes once (`hash`).
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
        let hash = Self.hash(word)
        if let slot = find(word, hash: hash) { return slot }
        let slot = make()
        insert(word, hash: hash, slot: slot)
        return slot
    }

    /// A word's hash for the table, from at most four overlapping loads and two multiplications: words are short,
    /// and every word of a page is hashed (XXH64, which the table used before, was 1,1 % of a 10 000-page build;
    /// still used for words of 17–32 bytes, Swedish compounds such as "arbetsförmedlingen", it was 1,7 % of a
    /// 1 000-page build's instructions). The loads cover every byte of a word of up to 32 bytes, and the length
    /// is mixed in; longer words use XXH64. A hash only picks the bucket: words are told apart by their bytes.
    @inline(__always) static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(word)
        let count = raw.count
        let first: UInt64, last: UInt64
        if count > 16 {
            if count > 32 { return XXH64.hash(raw) }
            let front = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self) ^ 0xC2B2_AE3D_27D4_EB4F)
                .multipliedFullWidth(by: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ 0x1656_67B1_9E37_79F9)
            first = front.high ^ front.low ^ raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 8 {
            first = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            first = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            last = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else if count > 0 {
            first = UInt64(raw[0]) << 16 | UInt64(raw[count >> 1]) << 8 | UInt64(raw[count - 1])
            last = 0
        } else {
            first = 0
            last = 0
        }
        let product = (first ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: last ^ 0xD6E8_FEB8_6659_FD93 ^ UInt64(count))
        return product.high ^ product.low
    }

    /// The number of `word` (whose `hash` is `hash`), or nil when it has none yet.
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
        guard word.count > 0, let base = word.baseAddress else { return true }  // an empty word; the entry's length is 0
        return bytes.withUnsafeBufferPointer { stored in
            memcmp(stored.baseAddress! + Int(entry.start), base, word.count) == 0
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
