/// The checks on what pages and datasets say about their sources: every publisher is one from `publishers:` in
/// `lathund.yml`, no internal label ("Seed 004") reaches a reader, and a page whose newest source is older than
/// `source_max_age_years`, or whose sources' age is unknown, is noted (the page shows a notice, the reports list it).
struct SourceChecks {
    /// The names `publisher` may have; nil: not checked.
    let publishers: [String]?
    let maxAgeYears: Int
    let today: Day

    /// Unknown publishers, each at the name, with a did-you-mean.
    func publisherDiagnostics(_ sources: [SourceReference]) -> [Diagnostic] {
        guard let publishers else { return [] }
        let known = Set(publishers)
        return sources.flatMap(\.publishers).filter { !known.contains($0.value) }.map { name in
            .error(name.location, .unknownPublisher,
                   "publisher '\(name.value)' is not in publishers: in lathund.yml (add it there if it is right)\(DidYouMean.hint(for: name.value, among: publishers))")
        }
    }

    /// What is known about how old the sources are, unless a dated source is within the limit: the newest dated
    /// source when its period (a year, month or day) ended more than `maxAgeYears` years before today, and how
    /// many sources are undated (`date: odaterad`), whose age nobody knows. Nil for a page without sources.
    func age(_ sources: [SourceReference]) -> SourceAge? {
        let undated = sources.filter { $0.date == nil }.count
        guard let newest = sources.compactMap(\.date).max() else {
            return undated > 0 ? SourceAge(newest: nil, undated: undated) : nil
        }
        let month = newest.month ?? 12
        let end = Day(year: newest.year, month: month, day: newest.day ?? Day.daysIn(month: month, year: newest.year))
        guard let end, today > end.adding(months: 12 * maxAgeYears) else { return nil }
        return SourceAge(newest: newest, undated: undated)
    }
}

/// Why a page tells the reader to check the current rules: its newest dated source is too old, or none of its
/// sources is dated (`newest` nil), and `undated` of them show no date.
struct SourceAge: Sendable, Equatable {
    var newest: DatasetDate?
    var undated: Int
}

/// A page whose newest source is older than `source_max_age_years`, or whose sources are undated.
struct OldSources: Sendable, Codable, Equatable {
    var file: String
    var url: String
    /// The newest dated source's date as written (`2018`, `2018-05`); nil when no source is dated.
    var newest: String?
    /// How many of the page's sources show no date (`date: odaterad`).
    var undated: Int
    var limitYears: Int
}

/// Finds internal labels in the raw text of a content file: the word "Seed" (any case, at the start of a word)
/// names the project's source documents only inside the team, so a reader cannot know what it is.
enum InternalLabels {
    static let words = ["seed"]
    /// Whether a byte, in lower case, is a letter the words start with: most bytes are passed over with one look-up.
    private static let starts: [Bool] = (0...255).map { byte in words.contains { $0.utf8.first! == UInt8(byte) | 0x20 } }
    private static let wordBytes = words.map { Array($0.utf8) }

    static func diagnostics(in bytes: [UInt8], file: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let (starts, wordBytes) = (Self.starts, Self.wordBytes)
        func isWordByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
        // Lines are counted only up to a label found (most files have none).
        var line = 1
        var lineStart = 0
        var counted = 0
        bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                var index = 0
                while index < bytes.count {
                    index = skipToLabelStarts(bytes, from: index)
                    guard index < bytes.count else { break }
                    guard starts[Int(bytes[index])], index == 0 || !isWordByte(bytes[index - 1]) else {
                        index += 1
                        continue
                    }
                    for word in wordBytes where matches(word, in: bytes, at: index) {
                        for position in counted..<index where bytes[position] == 0x0A {
                            line += 1
                            lineStart = position + 1
                        }
                        counted = index
                        var end = index
                        while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
                        // The label with its number, if one follows ("Seed 004").
                        var labelEnd = end
                        if labelEnd + 1 < bytes.count, bytes[labelEnd] == 0x20, bytes[labelEnd + 1] >= 0x30, bytes[labelEnd + 1] <= 0x39 {
                            labelEnd += 1
                            while labelEnd < bytes.count, bytes[labelEnd] >= 0x30, bytes[labelEnd] <= 0x39 { labelEnd += 1 }
                        }
                        var column = 1
                        for byte in bytes[lineStart..<index] where byte & 0xC0 != 0x80 { column += 1 }
                        let label = String(decoding: bytes[index..<labelEnd], as: UTF8.self)
                        result.append(.error(SourceLocation(file: file, line: line, column: column), .internalLabel,
                                             "'\(label)' is an internal label that readers cannot know; name the document itself (its title, publisher and date in sources:)"))
                        index = end - 1
                    }
                    index += 1
                }
            }
        }
        return result
    }

    static func contains(_ text: String) -> Bool {
        !diagnostics(in: Array(text.utf8), file: "").isEmpty
    }

    /// The words' first two letters, lower case; none when one is not ASCII or a word is shorter (`ByteLanes`
    /// reads ASCII only): then every byte is looked at.
    private static let firstLetters: [(UInt8, UInt8)] = {
        let pairs = Set(words.map { Array($0.utf8.prefix(2)) })
        guard pairs.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0 > 0 && $0 < 0x7F } }) else { return [] }
        return pairs.map { ($0[0], $0[1]) }
    }()

    /// Eight bytes at a time (`ByteLanes`), past words in which no byte starts a word's first two letters (in
    /// either case) after a byte that is not part of a word: the first index from `index` where one may be within
    /// eight bytes, or near the end.
    static func skipToLabelStarts(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        let letters = firstLetters
        guard index > 0, !letters.isEmpty else { return index }
        let lower = ByteLanes.ones &* 0x20
        while index + 9 <= bytes.count {
            let word = ByteLanes.load(bytes, index) | lower, next = ByteLanes.load(bytes, index + 1) | lower
            var starts: UInt64 = 0
            for (first, second) in letters {
                starts |= ByteLanes.between(word, first &- 1, first &+ 1) & ByteLanes.between(next, second &- 1, second &+ 1)
            }
            if starts & ByteLanes.nonWord(ByteLanes.load(bytes, index - 1)) != 0 { break }
            index += 8
        }
        return index
    }

    private static func matches(_ word: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard bytes.count - index >= word.count else { return false }
        for (offset, letter) in word.enumerated() where bytes[index + offset] | 0x20 != letter { return false }
        return true
    }
}
