import Foundation

/// Writes JSON text directly, for the large generated indexes where building `Encodable` values would cost
/// more than the writing. Keys are written in the order given, so callers sort them for deterministic output.
/// Small files where speed does not matter are `Encodable` values written by `encoded(_:)`.
enum JSONText {
    /// A JSON string literal. `<`, `>` and `&` are escaped too, so the text is inert even if pasted into HTML.
    /// The bytes are checked eight at a time; runs that need no escape are copied into a string of the exact
    /// length (`escapedCount`).
    static func string(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { bytes in
            let length = escapedCount(bytes)
            if length == bytes.count { return "\"" + text + "\"" }
            return String(unsafeUninitializedCapacity: length + 2) { escape(bytes, into: $0) }
        }
    }

    /// Writes `bytes` as a JSON string literal, quotes included, into `output` (`escapedCount` + 2 bytes); returns
    /// the length written.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        var written = 0
        func put(_ byte: UInt8) { output[written] = byte; written += 1 }
        func putEscape(_ code: Int) {  // \u00XX or \u202X
            for byte in [0x5C, UInt8(ascii: "u"), hexDigit(code >> 12), hexDigit(code >> 8), hexDigit(code >> 4), hexDigit(code)] {
                put(byte)
            }
        }
        put(UInt8(ascii: "\""))
        var run = 0  // where the bytes not yet copied start
        var index = 0
        while true {
            index = nextCandidate(bytes, from: index)
            guard index < count else { break }
            if extraBytes(bytes, at: index) == 0 {  // an E2 that does not start U+2028 or U+2029
                index += 1
                continue
            }
            if run < index {
                _ = UnsafeMutableBufferPointer(rebasing: output[written..<written + index - run]).initialize(from: bytes[run..<index])
                written += index - run
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): put(0x5C); put(0x22)
            case UInt8(ascii: "\\"): put(0x5C); put(0x5C)
            case 0x0A: put(0x5C); put(UInt8(ascii: "n"))
            case 0x0D: put(0x5C); put(UInt8(ascii: "r"))
            case 0x09: put(0x5C); put(UInt8(ascii: "t"))
            case 0xE2:  // U+2028, U+2029: E2 80 A8/A9
                putEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                index += 2
            default:  // < > & and the other control characters
                putEscape(Int(byte))
            }
            index += 1
            run = index
        }
        if run < count {
            _ = UnsafeMutableBufferPointer(rebasing: output[written..<written + count - run]).initialize(from: bytes[run..<count])
            written += count - run
        }
        put(UInt8(ascii: "\""))
        return written
    }

    @inline(__always) private static func hexDigit(_ value: Int) -> UInt8 {
        let digit = UInt8(truncatingIfNeeded: value & 0xF)
        return digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
    }

    /// The index of the first byte from `start` on that may need an escape (below 0x20, `"`, `\\`, `<`, `>`, `&`,
    /// or 0xE2, which starts U+2028 and U+2029), or the end. Eight bytes at a time: a word has a byte equal to `b`
    /// when `word ^ b…b` has a zero byte, and a byte below `n` when `(word - n…n) & ~word & 80…80` is not zero.
    @inline(__always) private static func nextCandidate(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        var index = start
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ ones &* 0x22) || hasZero(word ^ ones &* 0x5C)
                    || hasZero(word ^ ones &* 0x3C) || hasZero(word ^ ones &* 0x3E) || hasZero(word ^ ones &* 0x26)
                    || hasZero(word ^ ones &* 0xE2) { break }
                index += 8
            }
        }
        while index < bytes.count, !mayNeedEscape(bytes[index]) { index += 1 }
        return index
    }

    /// False for a byte `string(_:)` always writes as it is.
    @inline(__always) private static func mayNeedEscape(_ byte: UInt8) -> Bool {
        switch byte >> 6 {
        case 0: return (0xFFFF_FFFF | 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E) as UInt64 >> UInt64(byte) & 1 == 1
        case 1: return byte == UInt8(ascii: "\\")
        default: return byte == 0xE2
        }
    }

    /// How many bytes more than the one at `index` `string(_:)` writes for it: 0 for a byte written as it is.
    @inline(__always) private static func extraBytes(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: return 1
        case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): return 5
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
            return 3  // three bytes become six
        default: return 0
        }
    }

    /// The length of the escaped text without its quotes; the text's own length when nothing needs escaping.
    static func escapedCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var length = bytes.count
        var index = nextCandidate(bytes, from: 0)
        while index < bytes.count {
            length += extraBytes(bytes, at: index)
            index = nextCandidate(bytes, from: index + 1)
        }
        return length
    }

    /// Appends an integer in decimal, as `String(value)` writes it: the digits are made backwards in a buffer on
    /// the stack and appended at once (one division per digit; a term shard writes millions of integers).
    @inline(__always)
    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 0 && value < 10 { return bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var position = 20
            repeat {
                position -= 1
                digits[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                digits[position] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[position..<20]))
        }
    }

    /// `value` as JSON for a file of its own (the dataset downloads, the asset manifest), where speed does not
    /// matter: `JSONEncoder`'s pretty-printed form with sorted keys (so the output is deterministic), `/` as is,
    /// `<`, `>`, `&`, U+2028 and U+2029 escaped as in `string(_:)` so the text stays inert even if pasted into
    /// HTML, and a final newline. Those characters can only occur inside strings, so escaping them afterwards
    /// changes no structure.
    static func encoded<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding only fails for non-finite numbers and values that encode nothing; the callers' types have neither.
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(data.count + 1)
        var index = data.startIndex
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "<"): output += Array("\\u003c".utf8)
            case UInt8(ascii: ">"): output += Array("\\u003e".utf8)
            case UInt8(ascii: "&"): output += Array("\\u0026".utf8)
            case 0xE2 where index + 2 < data.endIndex && data[index + 1] == 0x80 && (data[index + 2] == 0xA8 || data[index + 2] == 0xA9):
                output += Array((data[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            default:
                output.append(byte)
            }
            index += 1
        }
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
