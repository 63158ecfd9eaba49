// SwedishStemmer.swift — the Snowball 3 Swedish stemming algorithm.
//
// Written from the algorithm description (snowballstem.org, "Swedish stemming
// algorithm", as changed in Snowball 3.0.0). Checked against the official test
// vocabulary (Tests/data/snowball-swedish/voc.txt → output.txt, 30 738 words,
// 0 mismatches) by Tests/LathundKitTests/StemmerTests.swift.
//
// The JavaScript twin in layouts/assets/search.js must stay behaviourally
// identical: the site's search index is stemmed here and queries are stemmed
// in the browser. Change both together and run both test suites.

/// The Snowball 3 Swedish stemmer.
///
/// `stem(_:)` lowercases its input itself (full Unicode lowercasing, per
/// scalar, locale-independent), so callers may pass words in any case. The
/// result is always lowercase. The algorithm then works on Unicode scalars
/// (code points), like Snowball's UTF-8 C runtime; input is not normalised, so
/// callers should pass NFC text (Swedish å/ä/ö as single scalars).
///
/// Every step of the Swedish algorithm only ever removes scalars from the end
/// of the word (`öst` → `ös` and `fullt` → `full` both drop the final `t`), so
/// the stem is always a prefix of the lowercased word. The implementation
/// computes the stem's length on a stack buffer of scalars and allocates at
/// most one new `String` per call (none when the word is already lowercase
/// and nothing is removed).
enum SwedishStemmer {

    /// Returns the stem of `word`, lowercased.
    static func stem(_ word: String) -> String {
        if word.isEmpty { return word }
        // Fast path: most words are already lowercase.
        var lowered = word
        for scalar in word.unicodeScalars where changesWhenLowercased(scalar) {
            lowered = word.lowercased()
            break
        }
        let capacity = lowered.utf8.count  // ≥ the number of scalars
        let (count, keep) = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { buffer -> (Int, Int) in
            var n = 0
            for scalar in lowered.unicodeScalars {
                buffer[n] = scalar.value
                n += 1
            }
            return (n, stemLength(buffer, n))
        }
        if keep == count { return lowered }
        let scalars = lowered.unicodeScalars
        let cut = scalars.index(scalars.endIndex, offsetBy: keep - count)
        return String(scalars[..<cut])
    }

    // MARK: - Letters

    @inline(__always)
    private static func changesWhenLowercased(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v >= 0x41 && v <= 0x5A }          // A–Z
        if v < 0x100 { return v >= 0xC0 && v <= 0xDE && v != 0xD7 } // À–Þ except ×
        return scalar.properties.changesWhenLowercased
    }

    private static let ae: UInt32 = 0xE4  // ä
    private static let ao: UInt32 = 0xE5  // å
    private static let oe: UInt32 = 0xF6  // ö

    /// a e i o u y ä å ö
    @inline(__always)
    private static func isVowel(_ c: UInt32) -> Bool {
        switch c {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, ae, ao, oe: return true
        default: return false
        }
    }

    /// Valid s-ending: b c d f g h j k l m n o p r t v y
    @inline(__always)
    private static func isSEnding(_ c: UInt32) -> Bool {
        switch c {
        case 0x62, 0x63, 0x64, 0x66, 0x67, 0x68, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x72, 0x74, 0x76, 0x79:
            return true
        default: return false
        }
    }

    /// Valid öst-ending: i k l n p r t u v
    @inline(__always)
    private static func isOstEnding(_ c: UInt32) -> Bool {
        switch c {
        case 0x69, 0x6B, 0x6C, 0x6E, 0x70, 0x72, 0x74, 0x75, 0x76: return true
        default: return false
        }
    }

    /// Whether `s[0..<end]` ends with the ASCII `suffix`, and the suffix starts
    /// at or after `minStart`.
    @inline(__always)
    private static func endsWith(_ s: UnsafeMutableBufferPointer<UInt32>, _ end: Int, _ suffix: StaticString, from minStart: Int = 0) -> Bool {
        let n = suffix.utf8CodeUnitCount
        let start = end - n
        if start < minStart { return false }
        let p = suffix.utf8Start
        for i in 0..<n where s[start + i] != UInt32(p[i]) { return false }
        return true
    }

    // MARK: - Algorithm

    /// The region R1 (German definition): the start of the region after the
    /// first non-vowel following a vowel, but at least 3. Returns `count`
    /// (empty R1) when there is no such region or the word is shorter than 3.
    @inline(__always)
    private static func r1Start(_ s: UnsafeMutableBufferPointer<UInt32>, _ count: Int) -> Int {
        if count < 3 { return count }
        var i = 0
        while i < count && !isVowel(s[i]) { i += 1 }
        if i == count { return count }
        i += 1
        while i < count && isVowel(s[i]) { i += 1 }
        if i == count { return count }
        return max(i + 1, 3)
    }

    /// Valid et-ending for the stem `s[0..<end]` (the part before -et):
    /// at least one letter, a vowel, a non-vowel, and not one of the listed
    /// exceptions (frihet, societet, kontinuitet, alfabet, komet, raket, …).
    @inline(__always)
    private static func etCondition(_ s: UnsafeMutableBufferPointer<UInt32>, _ end: Int) -> Bool {
        if end < 3 || isVowel(s[end - 1]) || !isVowel(s[end - 2]) { return false }
        switch s[end - 1] {
        case 0x68: // h
            return false
        case 0x74: // t
            return !(endsWith(s, end, "iet") || endsWith(s, end, "uit") || endsWith(s, end, "cit")
                || endsWith(s, end, "dit") || endsWith(s, end, "alit") || endsWith(s, end, "ilit")
                || endsWith(s, end, "mit") || endsWith(s, end, "nit") || endsWith(s, end, "pit")
                || endsWith(s, end, "rit") || endsWith(s, end, "sit") || endsWith(s, end, "tit")
                || endsWith(s, end, "ivit") || endsWith(s, end, "kvit") || endsWith(s, end, "xit"))
        case 0x62: // b
            return !endsWith(s, end, "fab")
        case 0x6D: // m
            return !endsWith(s, end, "kom")
        case 0x6B: // k
            return !(endsWith(s, end, "rak") || endsWith(s, end, "pak") || endsWith(s, end, "stak"))
        default:
            return true
        }
    }

    /// Runs the three steps on the lowercase scalars `s[0..<count]` and
    /// returns the length of the stem.
    private static func stemLength(_ s: UnsafeMutableBufferPointer<UInt32>, _ count: Int) -> Int {
        let p1 = r1Start(s, count)
        var len = count
        if len <= p1 { return len }  // R1 is empty: nothing can be removed.

        // Step 1: the longest main suffix lying in R1.
        @inline(__always) func inR1(_ suffix: StaticString) -> Bool { endsWith(s, len, suffix, from: p1) }
        var remove = 0
        switch s[len - 1] {
        case 0x61: // a
            if inR1("heterna") { remove = 7 }
            else if inR1("arna") || inR1("erna") || inR1("orna") { remove = 4 }
            else { remove = 1 }
        case 0x64: // d
            if inR1("ad") { remove = 2 }
        case 0x65: // e
            if inR1("aste") || inR1("ande") || inR1("arne") { remove = 4 }
            else if inR1("ade") || inR1("are") { remove = 3 }
            else { remove = 1 }
        case 0x6E: // n
            if inR1("anden") || inR1("heten") { remove = 5 }
            else if inR1("aren") { remove = 4 }
            else if inR1("ern") { remove = 3 }
            else if inR1("en") { remove = 2 }
        case 0x72: // r
            if inR1("heter") { remove = 5 }
            else if inR1("ar") || inR1("er") || inR1("or") { remove = 2 }
        case 0x73: // s
            if inR1("hetens") { remove = 6 }
            else if inR1("arnas") || inR1("ernas") || inR1("ornas") || inR1("arens") || inR1("andes") { remove = 5 }
            else if inR1("ades") || inR1("erns") { remove = 4 }
            else if inR1("ens") { remove = 3 }
            else if inR1("as") || inR1("es") { remove = 2 }
            else {
                // Only the s must be in R1; what precedes it may lie outside.
                let j = len - 1
                if endsWith(s, j, "et") && etCondition(s, j - 2) { remove = 3 }
                else if j >= 1 && isSEnding(s[j - 1]) { remove = 1 }
            }
        case 0x74: // t
            if inR1("andet") { remove = 5 }
            else if inR1("het") || inR1("ast") { remove = 3 }
            else if inR1("at") { remove = 2 }
            else if inR1("et") { if etCondition(s, len - 2) { remove = 2 } }
        default:
            break
        }
        len -= remove

        // Step 2: a double consonant in R1 loses its last letter.
        if len - 2 >= p1 {
            let a = s[len - 2], b = s[len - 1]
            switch b {
            case 0x64: if a == 0x64 || a == 0x67 { len -= 1 }                            // dd gd
            case 0x6E: if a == 0x6E { len -= 1 }                                         // nn
            case 0x74: if a == 0x64 || a == 0x67 || a == 0x6B || a == 0x74 { len -= 1 }  // dt gt kt tt
            default: break
            }
        }

        // Step 3: the longest of lig, ig, els, öst, fullt in R1.
        if len - 2 >= p1 {
            switch s[len - 1] {
            case 0x67: // g
                if endsWith(s, len, "lig", from: p1) { len -= 3 }
                else if s[len - 2] == 0x69 { len -= 2 }                                     // ig
            case 0x73: // s
                if endsWith(s, len, "els", from: p1) { len -= 3 }
            case 0x74: // t
                if endsWith(s, len, "fullt", from: p1) { len -= 1 }                         // fullt → full
                else if len - 3 >= p1 && s[len - 2] == 0x73 && s[len - 3] == oe            // öst → ös
                    && len >= 4 && isOstEnding(s[len - 4]) { len -= 1 }
            default:
                break
            }
        }
        return len
    }
}
