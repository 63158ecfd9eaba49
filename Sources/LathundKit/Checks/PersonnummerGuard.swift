/// Finds what looks like a real personnummer or samordningsnummer in the raw bytes of a content file
/// (domain-facts.md §7.3), so that no such number reaches the site.
///
/// A match is 6 or 8 digits (ÅÅMMDD, ÅÅÅÅMMDD), then `-`, `+`, a space, a no-break space or nothing, then 4
/// digits, with no digit directly before or after. It is reported only when the date part is a valid date
/// (for a samordningsnummer: the day minus 60 is) and the last digit is the Luhn check digit of the 10-digit
/// form. Phone numbers (grouped 3-3-2-2 or with an area code), ÅÅÅÅ-MM-DD dates and amounts grouped in
/// threes do not have this shape; a 10-digit number that happens to pass both checks is reported.
struct PersonnummerGuard: Sendable {
    /// 10-digit forms (ÅÅMMDDNNNK) that may appear: Skatteverket's published test numbers.
    let allowed: Set<String>

    init(allowed: Set<String> = []) {
        self.allowed = allowed
    }

    enum Kind: String, Sendable {
        case personnummer, samordningsnummer
    }

    struct Match: Sendable, Equatable {
        let line: Int
        let column: Int
        let kind: Kind
        /// The number as written with its last four digits masked (`640823-****`), safe to print in logs.
        let masked: String
    }

    /// The 10-digit form of a number written in any accepted way, or nil when it has another shape.
    static func tenDigitForm(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let found = scan(bytes).first, found.range == 0..<bytes.count else { return nil }
        return found.digits
    }

    /// Every match in `bytes` that is a plausible number and not allowed.
    func matches(in bytes: [UInt8]) -> [Match] {
        var result: [Match] = []
        var line = 1
        var lineStart = 0
        var counted = 0
        for candidate in Self.scan(bytes) where !allowed.contains(candidate.digits) {
            guard let kind = Self.kind(of: candidate.digits, century: candidate.century) else { continue }
            for index in counted..<candidate.range.lowerBound where bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            counted = candidate.range.lowerBound
            var column = 1
            for byte in bytes[lineStart..<candidate.range.lowerBound] where byte & 0xC0 != 0x80 { column += 1 }
            let written = String(decoding: bytes[candidate.range], as: UTF8.self)
            result.append(Match(line: line, column: column, kind: kind,
                                masked: String(written.dropLast(4)) + "****"))
        }
        return result
    }

    /// Diagnostics for a file, located at the number.
    func diagnostics(in bytes: [UInt8], file: String) -> [Diagnostic] {
        matches(in: bytes).map { match in
            .error(SourceLocation(file: file, line: match.line, column: match.column), .personnummer,
                   "'\(match.masked)' looks like a real \(match.kind.rawValue); remove it (Skatteverket's test numbers can be listed under personnummer_allow in lathund.yml)")
        }
    }

    struct Candidate {
        let range: Range<Int>
        /// ÅÅMMDDNNNK (century dropped).
        let digits: String
        /// The century digits of a 12-digit form.
        let century: Int?
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Shapes only (no date or Luhn check): runs of 6 or 8 digits, a separator, 4 digits; or runs of 10 or 12.
    static func scan(_ bytes: [UInt8]) -> [Candidate] {
        var result: [Candidate] = []
        let count = bytes.count
        var index = 0
        while index < count {
            // Most text has no digit: eight bytes at a time to the next one.
            index = bytes.withUnsafeBufferPointer { ByteLanes.skipToDigits($0, from: index) }
            guard index < count else { break }
            guard isDigit(bytes[index]) else { index += 1; continue }
            let start = index
            while index < count, isDigit(bytes[index]) { index += 1 }
            let length = index - start
            if length == 10 || length == 12 {
                result.append(candidate(bytes, digits: start..<index, range: start..<index))
                continue
            }
            guard length == 6 || length == 8, index < count else { continue }
            // Separator: - + space, or U+00A0 (C2 A0).
            var after = index
            switch bytes[index] {
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: " "): after += 1
            case 0xC2 where index + 1 < count && bytes[index + 1] == 0xA0: after += 2
            default: continue
            }
            var end = after
            while end < count, end - after < 5, isDigit(bytes[end]) { end += 1 }
            guard end - after == 4 else { continue }
            let digits = String(decoding: bytes[start..<index], as: UTF8.self) + String(decoding: bytes[after..<end], as: UTF8.self)
            result.append(Candidate(range: start..<end, digits: String(digits.suffix(10)),
                                    century: length == 8 ? Int(digits.prefix(2)) : nil))
            index = end
        }
        return result
    }

    private static func candidate(_ bytes: [UInt8], digits range: Range<Int>, range whole: Range<Int>) -> Candidate {
        let text = String(decoding: bytes[range], as: UTF8.self)
        return Candidate(range: whole, digits: String(text.suffix(10)),
                         century: text.count == 12 ? Int(text.prefix(2)) : nil)
    }

    /// Whether ÅÅMMDDNNNK has a valid date (or date + 60) and check digit; which kind it is.
    static func kind(of digits: String, century: Int? = nil) -> Kind? {
        let values = digits.utf8.map { Int($0) - 48 }
        guard values.count == 10 else { return nil }
        let year = values[0] * 10 + values[1]
        let month = values[2] * 10 + values[3]
        let day = values[4] * 10 + values[5]
        guard (1...12).contains(month) else { return nil }
        // Without the century, 29 February is valid in any year divisible by four (1900 aside, 2000 is leap).
        let fullYear = (century ?? 20) * 100 + year
        let days = Day.daysIn(month: month, year: century == nil && year % 4 == 0 ? 2000 : fullYear)
        let kind: Kind
        if (1...days).contains(day) {
            kind = .personnummer
        } else if (61...(60 + days)).contains(day) {
            kind = .samordningsnummer
        } else {
            return nil
        }
        return luhnCheckDigit(values.prefix(9)) == values[9] ? kind : nil
    }

    /// The check digit of the first nine digits: weights 2, 1, 2, …; digit sums of the products.
    static func luhnCheckDigit(_ digits: ArraySlice<Int>) -> Int {
        var sum = 0
        for (position, digit) in digits.enumerated() {
            let product = digit * (position % 2 == 0 ? 2 : 1)
            sum += product / 10 + product % 10
        }
        return (10 - sum % 10) % 10
    }
}
