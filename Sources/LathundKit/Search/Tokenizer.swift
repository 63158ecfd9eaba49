/// Splits text into lower-case words: runs of letters and digits; everything else separates.
/// `search.js` splits the same way (`/[\p{L}\p{N}]+/gu` on the lower-cased text).
public enum Tokenizer {
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

    @inline(__always)
    static func appendLowercased(_ scalar: Unicode.Scalar, to word: inout String.UnicodeScalarView) {
        let value = scalar.value
        if value >= 0x41 && value <= 0x5A {
            word.append(Unicode.Scalar(value + 0x20)!)
        } else if value < 0x80 {
            word.append(scalar)
        } else if scalar.properties.changesWhenLowercased {
            word.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        } else {
            word.append(scalar)
        }
    }

    /// Calls `visit` with every word of `text`, lower-cased.
    public static func forEachWord(in text: String, _ visit: (String) -> Void) {
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                appendLowercased(scalar, to: &word)
            } else if !word.isEmpty {
                visit(String(word))
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { visit(String(word)) }
    }

    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append($0) }
        return words
    }
}
