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
        latinKey(text) ?? characterKey(text)
    }

    /// `key`, one character at a time: lower-cased, then looked up in `alphabet`.
    static func characterKey(_ text: String) -> [Int] {
        text.lowercased().map { character in
            if let rank = alphabet[character] { return rank }
            if let digit = character.wholeNumberValue, character.isASCII { return 50 + digit }
            if character.isLetter { return 200 + Int(character.unicodeScalars.first!.value % 10_000) }
            return 0
        }
    }

    /// The rank `characterKey` gives each of U+0020–U+007E and the letters U+00C0–U+00FF (not × and ÷), by
    /// scalar value; -1 for the others. Each of these is a character on its own next to any other of them and
    /// lower-cases to one character, so a text made of them only has one rank per scalar (`latinKey`).
    static let latinRanks: [Int] = (0..<256).map { value in
        guard (0x20..<0x7F).contains(value) || ((0xC0...0xFF).contains(value) && value != 0xD7 && value != 0xF7),
              let scalar = Unicode.Scalar(value) else { return -1 }
        let key = characterKey(String(Character(scalar)))
        return key.count == 1 ? key[0] : -1
    }

    /// `key` of a text of the characters `latinRanks` ranks only (every title of the site and of the benchmark
    /// corpus), from its UTF-8 bytes, without lower-casing it or a dictionary look-up per character (ListOrder
    /// makes the key of every page's title in every build); nil for any other text. Equal to `characterKey`
    /// (SwedishCollationTests).
    static func latinKey(_ text: String) -> [Int]? {
        var text = text
        return text.withUTF8 { bytes -> [Int]? in
            var key: [Int] = []
            key.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                var value = Int(bytes[index])
                if value >= 0x80 {
                    // U+00C0–U+00FF are C3 80–C3 BF.
                    guard value == 0xC3, index + 1 < bytes.count else { return nil }
                    index += 1
                    value = 0x40 + Int(bytes[index])
                }
                let rank = latinRanks[value]
                guard rank >= 0 else { return nil }
                key.append(rank)
                index += 1
            }
            return key
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
