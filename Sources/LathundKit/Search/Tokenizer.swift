/// Splits text into lower-case words: runs of letters and digits; everything else separates.
/// `search.js` splits the same way (`/[\p{L}\p{N}]+/gu` on the lower-cased text).
enum Tokenizer {
    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Calls `visit` with every word of `text`, lower-cased. Works on the UTF-8 bytes: ASCII and the Latin-1
    /// letters (å, ä, ö, é, …) without decoding, other scalars through their Unicode properties.
    static func forEachWord(in text: String, _ visit: (String) -> Void) {
        forEachWordBytes(in: text) { visit(String(decoding: $0, as: UTF8.self)) }
    }

    /// `forEachWord` without making a `String` of each word: `visit` gets the word's lower-cased UTF-8 bytes,
    /// valid only during the call.
    static func forEachWordBytes(in text: String, _ visit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { forEachWordBytes(in: $0, visit) }
    }

    /// `forEachWordBytes` of a text given as its UTF-8 bytes (valid UTF-8).
    static func forEachWordBytes(in bytes: UnsafeBufferPointer<UInt8>, _ visit: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 3 + 4) { word in
            var length = 0
            @inline(__always) func flush() {
                if length > 0 {
                    visit(UnsafeBufferPointer(rebasing: word[0..<length]))
                    length = 0
                }
            }
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                        word[length] = byte; length += 1
                    } else if byte >= 0x41 && byte <= 0x5A {
                        word[length] = byte + 0x20; length += 1
                    } else {
                        flush()
                    }
                    index += 1
                    continue
                }
                if byte == 0xC3, index + 1 < count {
                    let next = bytes[index + 1]
                    if next >= 0xA0 && next != 0xB7 {  // à…ÿ except ÷: lower-case letters
                        word[length] = 0xC3; word[length + 1] = next; length += 2
                        index += 2
                        continue
                    }
                    if next <= 0x9E && next != 0x97 {  // À…Þ except ×: upper-case letters, + 0x20
                        word[length] = 0xC3; word[length + 1] = next + 0x20; length += 2
                        index += 2
                        continue
                    }
                }
                let (value, size) = UTF8Text(bytes: bytes).scalar(at: index)
                if let scalar = Unicode.Scalar(value), isWordScalar(scalar) {
                    if scalar.properties.changesWhenLowercased {
                        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                            for unit in UTF8.encode(lower)! { word[length] = unit; length += 1 }
                        }
                    } else {
                        for offset in 0..<size {
                            word[length] = bytes[index + offset]; length += 1
                        }
                    }
                } else {
                    flush()
                }
                index += size
            }
            flush()
        }
    }

    static func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append($0) }
        return words
    }
}
