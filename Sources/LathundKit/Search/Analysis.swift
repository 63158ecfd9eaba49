extension SearchIndex {
    /// One document's stems, in first-seen order, with their weighted frequencies, best field bonus, whether the
    /// stem is in an FAQ question, and the ending of the first word seen for each (`AnalysisBuilder`).
    ///
    /// Every analysis of the site is in memory at once, from the Markdown stage until the Indexes stage makes the
    /// postings (100 000 pages: about 25 million stems), so the stems are packed into one byte array per document
    /// (`packed`), not kept as a `String` and four array elements each (three times the memory). Per stem:
    /// the stem's UTF-8 length (varint) and bytes, the frequency (varint), the bonus (one byte), one byte of
    /// 0x80 for "in a question" plus the ending's top byte (`Ending.pack`: its length + 1, or 0), and then the
    /// ending's bytes.
    struct Analysis: Sendable, Equatable {
        /// The stems, packed as above; read it with `forEach`.
        private(set) var packed: [UInt8] = []
        var length = 0
        var kind = Kind.page

        init() {}

        init(stems: [String], frequencies: [UInt32], bonus: [UInt8], inQuestion: [Bool], endings: [UInt64],
             length: Int, kind: Kind) {
            // The stem is a `string` (varint length, UTF-8) and the frequency a `varint`, as `BinaryCoding` writes them.
            var packed = ByteWriter(capacity: stems.reduce(0) { $0 + $1.utf8.count + 6 })
            for slot in stems.indices {
                packed.string(stems[slot])
                packed.varint(UInt64(frequencies[slot]))
                packed.byte(bonus[slot])
                let ending = endings[slot]
                let top = UInt8(truncatingIfNeeded: ending >> 56)
                packed.byte((inQuestion[slot] ? 0x80 : 0) | top)
                for index in 0..<max(0, Int(top) - 1) { packed.byte(UInt8(truncatingIfNeeded: ending >> (8 * UInt64(index)))) }
            }
            self.init(packed: packed.bytes, length: length, kind: kind)
        }

        /// Bytes a `PageRecord` kept: they must be a whole number of stems as `init(stems:…)` packs them.
        init(validating packed: [UInt8], length: Int, kind: Kind) throws {
            var stems = 0
            let complete = packed.withUnsafeBufferPointer { bytes in
                Self.walk(bytes) { _, _, _, _, _ in stems += 1 }
            }
            guard complete else { throw ByteReader.Failure(description: "search analysis cut after \(stems) stems") }
            self.init(packed: packed, length: length, kind: kind)
        }

        private init(packed: [UInt8], length: Int, kind: Kind) {
            self.packed = packed
            self.length = length
            self.kind = kind
        }

        /// Calls `body` with each stem's bytes, frequency, bonus, question flag and packed ending, in slot order.
        func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt32, UInt8, Bool, UInt64) -> Void) {
            packed.withUnsafeBufferPointer { _ = Self.walk($0, body) }
        }

        /// Walks packed stems; false when they end in the middle of one (the stems before it were given).
        private static func walk(_ bytes: UnsafeBufferPointer<UInt8>,
                                 _ body: (UnsafeBufferPointer<UInt8>, UInt32, UInt8, Bool, UInt64) -> Void) -> Bool {
            var position = 0
            func varint() -> UInt32? {
                var value: UInt32 = 0
                for shift in stride(from: UInt32(0), to: 35, by: 7) {
                    guard position < bytes.count else { return nil }
                    let byte = bytes[position]
                    position += 1
                    value |= UInt32(byte & 0x7F) << shift
                    if byte < 0x80 { return value }
                }
                return nil
            }
            while position < bytes.count {
                guard let count = varint().map(Int.init), count <= bytes.count - position else { return false }
                let stem = UnsafeBufferPointer(rebasing: bytes[position..<(position + count)])
                position += count
                guard let frequency = varint(), bytes.count - position >= 2 else { return false }
                let bonus = bytes[position]
                let flags = bytes[position + 1]
                position += 2
                let top = flags & 0x7F
                let endingCount = max(0, Int(top) - 1)
                guard top <= 8, endingCount <= bytes.count - position else { return false }
                var ending = top == 0 ? 0 : UInt64(top) << 56
                for index in 0..<endingCount { ending |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
                position += endingCount
                body(stem, frequency, bonus, flags & 0x80 != 0, ending)
            }
            return true
        }

        // Each field as an array, for tests and for reading an analysis as a whole.
        var stems: [String] { fields { stem, _, _, _, _ in String(decoding: stem, as: UTF8.self) } }
        var frequencies: [UInt32] { fields { _, frequency, _, _, _ in frequency } }
        var bonus: [UInt8] { fields { _, _, bonus, _, _ in bonus } }
        var inQuestion: [Bool] { fields { _, _, _, question, _ in question } }
        var endings: [UInt64] { fields { _, _, _, _, ending in ending } }

        private func fields<Field>(_ field: (UnsafeBufferPointer<UInt8>, UInt32, UInt8, Bool, UInt64) -> Field) -> [Field] {
            var values: [Field] = []
            forEach { values.append(field($0, $1, $2, $3, $4)) }
            return values
        }
    }
}
