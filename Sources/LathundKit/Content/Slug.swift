/// Slugs for URLs and heading ids: lower case; å ä → a, ö → o, other accented letters lose their accent
/// (é → e); every other run of characters becomes one `-`; no `-` at either end.
enum Slug {
    /// The slug is ASCII: it is made as bytes. Text with only ASCII and Latin-1 scalars (Swedish headings) is
    /// lower-cased and folded byte by byte, other text by `lowercased()`.
    static func make(_ text: String) -> String {
        var text = text
        if let slug = text.withUTF8({ latin1Slug($0) }) { return slug }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func append(_ byte: UInt8) {
            if pendingDash, !result.isEmpty { result.append(UInt8(ascii: "-")) }
            pendingDash = false
            result.append(byte)
        }
        func append(_ character: Character) { append(character.asciiValue!) }
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                append(UInt8(scalar.value))
            case "å", "ä", "à", "á", "â", "ã", "æ":
                append("a")
            case "ö", "ø", "ò", "ó", "ô", "õ":
                append("o")
            case "é", "è", "ê", "ë":
                append("e")
            case "ü", "ù", "ú", "û":
                append("u")
            case "ï", "ì", "í", "î":
                append("i")
            case "ç":
                append("c")
            case "ñ":
                append("n")
            case "ß":
                append("s"); append("s")
            default:
                // Combining marks (decomposed input such as "e\u{301}") vanish; anything else separates words.
                if (0x300...0x36F).contains(scalar.value) { continue }
                pendingDash = true
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `make` for text whose scalars are all below U+0100, nil for any other. Upper-case Latin-1 letters
    /// (U+00C0–U+00DE but ×) lower-case by +0x20, as `lowercased()` does; `latin1Folds` then gives each lower-case
    /// letter's ASCII letters. `SlugAndURLTests` keeps it equal to the scalar-by-scalar version.
    private static func latin1Slug(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // Written into a buffer on the stack, not an array: each byte of the slug stands for at least one byte of the
        // text (a `-` for the separators before it, `ss` for the two of ß), so twice the text's length is room enough.
        // (`String(unsafeUninitializedCapacity:)` would put a short slug on the heap that `String(decoding:)` keeps
        // in the string itself.)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { result -> String? in
            var count = 0
            var pendingDash = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                var folded: UInt16 = 0  // up to two ASCII bytes, the first in the low byte; 0 for a separator
                if byte < 0x80 {
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): folded = UInt16(byte)
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): folded = UInt16(byte | 0x20)
                    default: break
                    }
                    index += 1
                } else {
                    guard byte == 0xC2 || byte == 0xC3, index + 1 < bytes.count else { return nil }
                    var scalar = Int(byte & 0x1F) << 6 | Int(bytes[index + 1] & 0x3F)
                    if scalar >= 0xC0, scalar <= 0xDE, scalar != 0xD7 { scalar += 0x20 }
                    if scalar >= 0xDF { folded = latin1Folds[scalar - 0xDF] }
                    index += 2
                }
                if folded == 0 {
                    pendingDash = true
                    continue
                }
                if pendingDash, count > 0 {
                    result[count] = UInt8(ascii: "-")
                    count += 1
                }
                pendingDash = false
                result[count] = UInt8(truncatingIfNeeded: folded)
                count += 1
                if folded > 0xFF {
                    result[count] = UInt8(folded >> 8)
                    count += 1
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: result[..<count]), as: UTF8.self)
        }
    }

    /// The ASCII of each lower-case scalar U+00DF–U+00FF (ß … ÿ), as in `make`'s switch; 0 for a separator.
    private static let latin1Folds: [UInt16] = {
        let a = UInt16(UInt8(ascii: "a")), c = UInt16(UInt8(ascii: "c")), e = UInt16(UInt8(ascii: "e"))
        let i = UInt16(UInt8(ascii: "i")), n = UInt16(UInt8(ascii: "n")), o = UInt16(UInt8(ascii: "o"))
        let u = UInt16(UInt8(ascii: "u")), s = UInt16(UInt8(ascii: "s"))
        return [s | s << 8,               // ß
                a, a, a, a, a, a, a,      // à á â ã ä å æ
                c, e, e, e, e, i, i, i, i, // ç è é ê ë ì í î ï
                0, n, o, o, o, o, o, 0, o, // ð ñ ò ó ô õ ö ÷ ø
                u, u, u, u, 0, 0, 0]      // ù ú û ü ý þ ÿ
    }()
}
