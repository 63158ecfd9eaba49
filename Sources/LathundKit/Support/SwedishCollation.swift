/// Sorts text in Swedish alphabetical order: a–z, then å, ä, ö; accents do not count (é as e, ü as y, as
/// Swedish dictionaries do); case only breaks ties. Written out so the order does not depend on the system's
/// collation data.
enum SwedishCollation {
    static let alphabet: [Character: Int] = {
        var ranks: [Character: Int] = [:]
        for (rank, letter) in "abcdefghijklmnopqrstuvwxyzåäö".enumerated() { ranks[letter] = rank + 100 }
        for (letter, base) in [("é", "e"), ("è", "e"), ("ê", "e"), ("ë", "e"), ("á", "a"), ("à", "a"), ("â", "a"),
                               ("ü", "y"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ç", "c"), ("æ", "ä"), ("ø", "ö")] {
            ranks[Character(letter)] = ranks[Character(base)]
        }
        return ranks
    }()

    /// Ranks of each character: digits before letters, other characters (spaces, punctuation) first.
    static func key(_ text: String) -> [Int] {
        text.lowercased().map { character in
            if let rank = alphabet[character] { return rank }
            if let digit = character.wholeNumberValue, character.isASCII { return 50 + digit }
            if character.isLetter { return 200 + Int(character.unicodeScalars.first!.value % 10_000) }
            return 0
        }
    }

    static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        let keyA = key(a), keyB = key(b)
        if keyA != keyB { return keyA.lexicographicallyPrecedes(keyB) }
        return a < b
    }

    /// The index letter a text is listed under: its first letter in upper case, accents removed except å ä ö;
    /// `#` for text that starts with a digit or sign.
    static func indexLetter(_ text: String) -> String {
        guard let first = text.first(where: { $0.isLetter || $0.isNumber }), first.isLetter else { return "#" }
        let lower = Character(first.lowercased())
        if "åäö".contains(lower) { return String(lower).uppercased() }
        if let rank = alphabet[lower], rank >= 100, rank < 126 {
            return String(Character(Unicode.Scalar(UInt8(97 + rank - 100)))).uppercased()
        }
        return String(lower).uppercased()
    }
}
