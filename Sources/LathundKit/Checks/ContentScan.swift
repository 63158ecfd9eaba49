/// The checks that read a content file's raw bytes (front matter and body): personnummer
/// (`PersonnummerGuard`) and internal labels (`InternalLabels`). The Content stage runs them on each Markdown file
/// while it has the bytes, so no stage reads a page's file again; the Checks stage runs them on the other text
/// files. `key` is what besides the bytes decides the result (the allowed numbers), for the page memory.
struct ContentScan: Sendable {
    let guardian: PersonnummerGuard
    let key: UInt64

    init(allowed: Set<String>) {
        guardian = PersonnummerGuard(allowed: allowed)
        var chain = HashChain()
        chain.add(1)  // bump when a scan finds more or other things
        for number in allowed.sorted() { chain.add(number) }
        key = chain.value
    }

    func diagnostics(in bytes: [UInt8], file: String) -> [Diagnostic] {
        guardian.diagnostics(in: bytes, file: file) + InternalLabels.diagnostics(in: bytes, file: file)
    }
}

/// Eight bytes at a time: which bytes of a little-endian word are in a range, as the high bit of each byte (SWAR,
/// "determine if a word has a byte between m and n" of Bit Twiddling Hacks, in its carry-free form, so each byte's
/// bit is its own). The content scans pass over the words in which nothing they look for starts.
enum ByteLanes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = ones &* 0x80

    /// The high bit of each byte greater than `low` and less than `high` (`low` < `high` ≤ 128); bytes from 0x80 never.
    @inline(__always) static func between(_ word: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        let seven = word & (ones &* 0x7F)
        return ((ones &* (127 + UInt64(high))) &- seven) & ~word & (seven &+ ones &* (127 - UInt64(low))) & highs
    }

    /// The high bit of each ASCII digit.
    @inline(__always) static func digits(_ word: UInt64) -> UInt64 { between(word, 0x2F, 0x3A) }

    /// The high bit of each byte that is not part of a word: ASCII but neither a digit nor a letter.
    @inline(__always) static func nonWord(_ word: UInt64) -> UInt64 {
        ~(word | digits(word) | between(word | ones &* 0x20, 0x60, 0x7B)) & highs
    }

    @inline(__always) static func load(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + at).loadUnaligned(as: UInt64.self))
    }

    /// The first index from `index` with a digit within the next eight bytes, or near the end: before it, none.
    @inline(__always) static func skipToDigits(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index + 8 <= bytes.count, digits(load(bytes, index)) == 0 { index += 8 }
        return index
    }
}
