/// LIX (läsbarhetsindex, Björnsson 1968): words per sentence plus the percentage of long words,
/// `LIX = O / M + 100 × L / O` (domain-facts.md §7.2). Computed on a page's plain text (no markup).
///
/// The tokenizer (documented in README.md):
/// - A **word** is a run of letters and digits; a hyphen or apostrophe between two such characters joins
///   (`SGI-skydd`), and so does a comma between digits (`11,1`); `FK:s` is two words. Numbers count as words.
/// - A word is **long** when it has more than six letters (digits do not count as letters).
/// - A **sentence** ends at `.`, `!`, `?` or `:` followed by white space or the end of the text, and at the end of
///   a block (paragraph, heading, list item, quote, code block), since headings and list items rarely end with a full
///   stop. A period after a common abbreviation (`t.ex.`, `bl.a.`, `m.m.`, `dvs.`, `ca.`, `kap.`, `nr.`, …) or
///   after a word with an inner period does not end a sentence.
struct Readability: Sendable, Equatable {
    let words: Int
    let sentences: Int
    let longWords: Int

    /// nil for a page without words.
    var lix: Double? {
        guard words > 0 else { return nil }
        return Double(words) / Double(max(1, sentences)) + Double(longWords) * 100 / Double(words)
    }

    /// LIX rounded to a whole number, as shown.
    var roundedLIX: Int? { lix.map { Int($0.rounded()) } }

    /// The usual band (lix.se) of a rounded LIX: below 30, 30–39, 40–49, 50–60, above 60.
    static func band(_ lix: Int) -> String {
        switch lix {
        case ..<30: return "mycket lättläst"
        case 30..<40: return "lättläst"
        case 40..<50: return "medelsvår"
        case 50...60: return "svår"
        default: return "mycket svår"
        }
    }

    static let abbreviations: Set<String> = [
        "t.ex", "bl.a", "m.m", "s.k", "d.v.s", "o.s.v", "dvs", "osv", "ca", "jfr", "resp", "enl", "kap", "nr", "st",
        "f.d", "fr.o.m", "t.o.m", "p.g.a", "m.fl", "e.d", "a.a", "obs", "kl", "tel", "prop", "ff",
    ]

    init(words: Int, sentences: Int, longWords: Int) {
        self.words = words
        self.sentences = sentences
        self.longWords = longWords
    }

    init(text: String) {
        self = Self.measure(text).readability
    }

    /// The readability of `text` and, from the same pass, its runs of characters between ASCII white space
    /// (space, tab, line feed, carriage return): the page's word count as it is shown (`ParsedPage.wordCount`).
    static func measure(_ text: String) -> (readability: Readability, spaceSeparatedWords: Int) {
        var text = text
        return text.withUTF8 { Self.count(UTF8Text(bytes: $0)) }
    }

    /// `measure` of a text given as its UTF-8 bytes (valid UTF-8).
    static func measure(bytes: [UInt8]) -> (readability: Readability, spaceSeparatedWords: Int) {
        bytes.withUnsafeBufferPointer { Self.count(UTF8Text(bytes: $0)) }
    }

    /// The tokenizer above over UTF-8 bytes: ASCII and Latin-1 letters are looked up in a table, only other
    /// scalars ask Unicode's properties. `ReadabilityTests` keeps it equal to a plain scalar-by-scalar version.
    private static func count(_ text: UTF8Text) -> (readability: Readability, spaceSeparatedWords: Int) {
        var words = 0, sentences = 0, longWords = 0
        var letters = 0, wordStart = 0  // where the current word starts, for the abbreviation test
        var inWord = false, blockHasWords = false
        var runs = 0, inRun = false  // runs between ASCII white space
        @inline(__always) func endWord() {
            guard inWord else { return }
            words += 1
            if letters > 6 { longWords += 1 }
            inWord = false
            letters = 0
            blockHasWords = true
        }
        var index = 0
        let end = text.bytes.count
        while index < end {
            // Most characters are ASCII letters and digits and Latin-1 letters (å ä ö é …) inside a word: counted
            // without decoding them.
            let byte = text.bytes[index]
            if Self.isASCIILetterOrDigit(byte) || Self.isC3Letter(text, at: index) {
                if !inWord { inWord = true; wordStart = index }
                if !inRun { runs += 1; inRun = true }
                index = Self.endOfWordRun(text, from: index, letters: &letters)
                // A word's usual end, a space: taken as the white space below is, without another turn of the loop.
                if index < end, text.bytes[index] == 0x20 { inRun = false; endWord(); index += 1 }
                continue
            }
            // ASCII white space (the next most common) ends a word and a run, and a line feed a block's sentence:
            // what the general steps below do for it, without decoding it and the character after it.
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                inRun = false
                endWord()
                if byte == 0x0A, blockHasWords { sentences += 1; blockHasWords = false }
                index += 1
                continue
            }
            let (scalar, width) = text.scalar(at: index)
            let nextIndex = index + width
            if !inRun { runs += 1 }  // not ASCII white space (taken above)
            inRun = true
            if let isLetter = Self.wordKind(scalar) {
                if !inWord { inWord = true; wordStart = index }
                if isLetter { letters += 1 }
                index = nextIndex
                continue
            }
            let (next, _) = text.scalar(at: nextIndex)  // 0 at the end
            let nextIsWord = nextIndex < end && Self.wordKind(next) != nil
            if inWord, nextIsWord, scalar == 0x2D || scalar == 0x27 || scalar == 0x2019 || scalar == 0x2011 {  // - ' ’ ‑
                index = nextIndex
                continue
            }
            let previousIsDigit = index > 0 && Self.isDigit(UInt32(text.bytes[index - 1]))
            if inWord, previousIsDigit, scalar == 0x2C, nextIndex < end, Self.isDigit(next) {  // a decimal comma: 11,1
                index = nextIndex
                continue
            }
            if inWord, nextIsWord, scalar == 0x2E {  // an inner period: t.ex, 1.5
                index = nextIndex
                continue
            }
            // Made only where it matters: before a period.
            let afterAbbreviation = inWord && scalar == 0x2E && Self.isAbbreviation(text, from: wordStart, to: index)
            endWord()
            switch scalar {
            case 0x2E, 0x21, 0x3F, 0x3A:  // . ! ? :
                let atEnd = nextIndex >= end || Self.isWhitespace(next)
                if atEnd, blockHasWords, !afterAbbreviation {
                    sentences += 1
                    blockHasWords = false
                }
            default:
                break
            }
            index = nextIndex
        }
        endWord()
        if blockHasWords { sentences += 1 }
        return (Readability(words: words, sentences: sentences, longWords: longWords), runs)
    }

    /// The end of the run of ASCII letters and digits and two-byte Latin-1 letters (`C3 xx`: U+00C0–U+00FF but ×
    /// and ÷) at `index`, its letters added to `letters`: in a loop of its own, as it changes nothing else (a loop
    /// over every state for each byte was 5 % of a build's instructions). ASCII is taken eight bytes at a time
    /// (`asciiWordBytes`); a `C3 xx` letter and the last bytes of the text one at a time.
    @inline(__always) private static func endOfWordRun(_ text: UTF8Text, from index: Int, letters: inout Int) -> Int {
        var index = index, runLetters = 0
        let end = text.bytes.count
        let base = UnsafeRawPointer(text.bytes.baseAddress!)
        repeat {
            if index &+ 8 <= end {
                let (count, chunkLetters) = asciiWordBytes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index,
                                                                                                  as: UInt64.self)))
                runLetters &+= chunkLetters
                index &+= count
                if count == 8 { continue }  // else `index` is at a byte that is no ASCII letter or digit
            } else if isASCIILetterOrDigit(text.bytes[index]) {
                runLetters &+= text.bytes[index] > 0x39 ? 1 : 0
                index &+= 1
                continue
            }
            guard isC3Letter(text, at: index) else { break }
            runLetters &+= 1
            index &+= 2
        } while index < end
        letters += runLetters
        return index
    }

    /// How many of the eight bytes of `chunk` (the first in the low byte) before the first one that is not an
    /// ASCII letter or digit, and how many of those are letters. Each byte is compared in its own 8 bits: for a byte
    /// `b` below 0x80, `b + (0x80 - low)` has its top bit set exactly when `b >= low`, with no carry into the next.
    @inline(__always) static func asciiWordBytes(_ chunk: UInt64) -> (count: Int, letters: Int) {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let low7 = chunk & ~high
        let folded = low7 | 0x20 * ones  // A–Z to a–z
        let digit = (low7 &+ 0x50 * ones) & ~(low7 &+ 0x46 * ones)  // 0x30 ≤ b ≤ 0x39
        let letter = (folded &+ 0x1F * ones) & ~(folded &+ 0x05 * ones)  // 0x61 ≤ b | 0x20 ≤ 0x7A
        let ascii = ~chunk & high
        let wordByte = (digit | letter) & ascii
        let stop = ~wordByte & high
        let count = stop == 0 ? 8 : stop.trailingZeroBitCount >> 3
        let prefix: UInt64 = count == 8 ? ~0 : (1 << (8 * UInt64(count))) &- 1
        // The letters' top bits as 0 or 1 in each byte, summed into the top byte (`nonzeroBitCount` is about 20
        // shifts, masks and a multiply without POPCNT, which the x86-64 baseline lacks).
        return (count, Int((((letter & ascii & prefix) >> 7) &* ones) >> 56))
    }

    /// Whether the bytes at `index` are a Latin-1 letter written `C3 xx` (U+00C0–U+00FF, which are all letters but
    /// × `C3 97` and ÷ `C3 B7`). The text is valid UTF-8, so a `C3` has its continuation byte.
    @inline(__always) private static func isC3Letter(_ text: UTF8Text, at index: Int) -> Bool {
        guard text.bytes[index] == 0xC3 else { return false }
        let second = text.bytes[index &+ 1]
        return second != 0x97 && second != 0xB7
    }

    /// Whether a period after the word from `start` to `end` does not end a sentence: its abbreviation key (below)
    /// has an inner period or is one of `abbreviations`.
    private static func isAbbreviation(_ text: UTF8Text, from start: Int, to end: Int) -> Bool {
        // A word of ASCII and Latin-1 letters (most words) is read byte by byte. A key with a Latin-1 letter that
        // is not ASCII is no abbreviation (they are ASCII, and lower-casing À–Þ, ª, µ, º, ß, à–ÿ gives no ASCII):
        // only its period counts. Other words make the key as a `String`.
        var key: (UInt64, UInt64) = (0, 0)  // up to 12 ASCII bytes, little-endian
        var count = 0
        var hasPeriod = false, hasLatin1 = false
        var index = start
        while index < end, count < 12 {
            var byte = text.bytes[index]
            if byte >= 0x80 {
                guard byte == 0xC2 || byte == 0xC3 else {
                    let slowKey = abbreviationKey(text, from: start, to: end)
                    return slowKey.utf8.contains(0x2E) || abbreviations.contains(slowKey)
                }
                let (scalar, width) = text.scalar(at: index)
                index += width
                if isLatinAlphabetic(scalar) {
                    hasLatin1 = true
                    count += 1
                }
                continue
            }
            index += 1
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte |= 0x20
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "."): hasPeriod = true
            default: continue
            }
            if count < 8 { key.0 |= UInt64(byte) << (8 * count) } else { key.1 |= UInt64(byte) << (8 * (count - 8)) }
            count += 1
        }
        if hasPeriod { return true }
        if hasLatin1 || count > longestAbbreviation { return false }
        return withUnsafeBytes(of: &key) { abbreviations.contains(String(decoding: $0.prefix(count), as: UTF8.self)) }
    }

    /// The length in bytes of the longest of `abbreviations`.
    private static let longestAbbreviation = abbreviations.map(\.utf8.count).max() ?? 0

    /// A word as the abbreviation test sees it: its first 12 letters, digits and inner periods (joining hyphens,
    /// apostrophes and decimal commas left out), lower-cased.
    private static func abbreviationKey(_ text: UTF8Text, from start: Int, to end: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var index = start
        while index < end, scalars.count < 12 {
            let (scalar, width) = text.scalar(at: index)
            if scalar == 0x2E || wordKind(scalar) != nil, let value = Unicode.Scalar(scalar) { scalars.append(value) }
            index += width
        }
        return String(scalars).lowercased()
    }

    private static func isDigit(_ scalar: UInt32) -> Bool { scalar >= 0x30 && scalar <= 0x39 }

    @inline(__always) private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        let lowered = byte | 0x20
        return (lowered >= 0x61 && lowered <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    /// nil for a scalar that is not part of a word; true for a letter, false for a digit.
    @inline(__always) static func wordKind(_ scalar: UInt32) -> Bool? {
        if isDigit(scalar) { return false }
        if scalar < 0x100 { return isLatinAlphabetic(scalar) ? true : nil }
        return Unicode.Scalar(scalar).map { $0.properties.isAlphabetic ? true : nil } ?? nil
    }

    @inline(__always) static func isWhitespace(_ scalar: UInt32) -> Bool {
        if scalar < 0x100 { return scalar == 0x20 || (scalar >= 0x09 && scalar <= 0x0D) || scalar == 0x85 || scalar == 0xA0 }
        return Unicode.Scalar(scalar)?.properties.isWhitespace ?? false
    }

    /// Unicode's `isAlphabetic` for U+0000–U+00FF as bits (a table in a global was read through its lazy
    /// initialiser on every character): A–Z, a–z, ª µ º, and U+00C0–U+00FF but × and ÷. `ReadabilityTests` checks
    /// every one against Unicode's properties.
    @inline(__always) static func isLatinAlphabetic(_ scalar: UInt32) -> Bool {
        let mask: UInt64
        switch scalar >> 6 {
        case 0: return false
        case 1: mask = 0x07FF_FFFE_07FF_FFFE
        case 2: mask = 1 << 42 | 1 << 53 | 1 << 58
        default: mask = ~(1 << 23 | 1 << 55)
        }
        return mask >> UInt64(scalar & 63) & 1 == 1
    }
}
