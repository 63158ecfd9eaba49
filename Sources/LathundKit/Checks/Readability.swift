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
public struct Readability: Sendable, Equatable, Codable {
    public let words: Int
    public let sentences: Int
    public let longWords: Int

    /// nil for a page without words.
    public var lix: Double? {
        guard words > 0 else { return nil }
        return Double(words) / Double(max(1, sentences)) + Double(longWords) * 100 / Double(words)
    }

    /// LIX rounded to a whole number, as shown.
    public var roundedLIX: Int? { lix.map { Int($0.rounded()) } }

    /// The usual band (lix.se) of a rounded LIX: below 30, 30–39, 40–49, 50–60, above 60.
    public static func band(_ lix: Int) -> String {
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

    public init(words: Int, sentences: Int, longWords: Int) {
        self.words = words
        self.sentences = sentences
        self.longWords = longWords
    }

    public init(text: String) {
        var words = 0, sentences = 0, longWords = 0
        var letters = 0
        var inWord = false
        var wordText = ""  // the word so far, for the abbreviation test; only kept while short
        var wordLength = 0
        var blockHasWords = false
        let scalars = Array(text.unicodeScalars)
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        func endWord() {
            guard inWord else { return }
            words += 1
            if letters > 6 { longWords += 1 }
            inWord = false
            letters = 0
            blockHasWords = true
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isWordScalar(scalar) {
                if !inWord { inWord = true; wordText = ""; wordLength = 0 }
                if scalar.properties.isAlphabetic { letters += 1 }
                if wordLength < 12 { wordText.unicodeScalars.append(scalar); wordLength += 1 }
                index += 1
                continue
            }
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            let nextIsWord = next.map(isWordScalar) ?? false
            if inWord, nextIsWord, scalar == "-" || scalar == "'" || scalar == "’" || scalar == "\u{2011}" {
                index += 1
                continue
            }
            let previousIsDigit = index > 0 && ("0"..."9").contains(scalars[index - 1])
            if inWord, previousIsDigit, scalar == ",", let next, ("0"..."9").contains(next) {  // a decimal comma: 11,1
                index += 1
                continue
            }
            if inWord, nextIsWord, scalar == "." {  // an inner period: t.ex, 1.5
                if wordLength < 12 { wordText.unicodeScalars.append(scalar); wordLength += 1 }
                index += 1
                continue
            }
            // Lower-cased only where it matters: before a period.
            let previousWord = inWord && scalar == "." ? wordText.lowercased() : ""
            endWord()
            switch scalar {
            case ".", "!", "?", ":":
                let atEnd = next == nil || next!.properties.isWhitespace
                let abbreviation = scalar == "." && (Self.abbreviations.contains(previousWord) || previousWord.contains("."))
                if atEnd, blockHasWords, !abbreviation {
                    sentences += 1
                    blockHasWords = false
                }
            case "\n":
                if blockHasWords {
                    sentences += 1
                    blockHasWords = false
                }
            default:
                break
            }
            index += 1
        }
        endWord()
        if blockHasWords { sentences += 1 }
        self.init(words: words, sentences: sentences, longWords: longWords)
    }
}
