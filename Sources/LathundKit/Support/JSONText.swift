import Foundation

/// Writes JSON text directly, for the large generated indexes where building `Encodable` values would cost
/// more than the writing. Keys are written in the order given, so callers sort them for deterministic output.
/// Small files where speed does not matter are `Encodable` values written by `encoded(_:)`.
enum JSONText {
    /// A JSON string literal. `<`, `>` and `&` are escaped too, so the text is inert even if pasted into HTML.
    static func string(_ text: String) -> String {
        if !needsEscaping(text) { return "\"" + text + "\"" }
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 8 + 2)
            output.append(UInt8(ascii: "\""))
            let hex = Array("0123456789abcdef".utf8)
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): output.append(0x5C); output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C); output.append(0x5C)
                case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
                case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
                case UInt8(ascii: "<"): output += Array("\\u003c".utf8)
                case UInt8(ascii: ">"): output += Array("\\u003e".utf8)
                case UInt8(ascii: "&"): output += Array("\\u0026".utf8)
                case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    output += Array((bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    index += 2
                case 0..<0x20:
                    output += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                default:
                    output.append(byte)
                }
                index += 1
            }
            output.append(UInt8(ascii: "\""))
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Checks the bytes once; most text needs no escaping at all.
    static func needsEscaping(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case 0..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                return true
            case 0xA8 where previous == 0x80, 0xA9 where previous == 0x80:  // U+2028, U+2029 are E2 80 A8/A9
                return true
            default:
                previous = byte
            }
        }
        return false
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
