/// Slugs for URLs and heading ids: lower case; å ä → a, ö → o, other accented letters lose their accent
/// (é → e); every other run of characters becomes one `-`; no `-` at either end.
enum Slug {
    /// The slug is ASCII: it is made as bytes. Text with only ASCII is lower-cased byte by byte, other text by
    /// `lowercased()`.
    static func make(_ text: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func append(_ byte: UInt8) {
            if pendingDash, !result.isEmpty { result.append(UInt8(ascii: "-")) }
            pendingDash = false
            result.append(byte)
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): append(byte | 0x20)
                default: pendingDash = true
                }
            }
            return String(decoding: result, as: UTF8.self)
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
}
