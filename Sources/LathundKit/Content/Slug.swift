/// Slugs for URLs and heading ids: lower case; å ä → a, ö → o, other accented letters lose their accent
/// (é → e); every other run of characters becomes one `-`; no `-` at either end.
enum Slug {
    static func make(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func append(_ character: Character) {
            if pendingDash, !result.isEmpty { result.append("-") }
            pendingDash = false
            result.append(character)
        }
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                append(Character(scalar))
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
        return result
    }
}
