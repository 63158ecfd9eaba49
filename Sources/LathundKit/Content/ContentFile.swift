import Foundation

/// A Markdown file read from `content/`: checked to be UTF-8, BOM removed, line endings normalised, the front
/// matter split from the body.
struct MarkdownSource: Sendable {
    /// Path relative to `content/`, with `/` separators (`regelverk/sgi.md`).
    let relativePath: String
    /// Path as printed in diagnostics (`content/regelverk/sgi.md`).
    let displayPath: String
    /// YAML between the `---` lines, or nil without front matter.
    let frontMatter: String?
    /// The Markdown after the front matter.
    let body: String
    /// Line number in the file of the body's first line, minus one (add a Markdown line number to get a file line).
    let bodyLineOffset: Int

    /// Splits a file's bytes; fails with a located diagnostic for invalid UTF-8 or unclosed front matter.
    static func parse(bytes: [UInt8], relativePath: String, displayPath: String) -> Staged<MarkdownSource?> {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Checked once, by the standard library's validator; our own scan only finds where an invalid file fails.
        var text: String
        if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else if let offset = firstInvalidUTF8Offset(bytes) {
            let (line, column) = lineAndColumn(of: offset, in: bytes)
            return Staged(nil, [.error(SourceLocation(file: displayPath, line: line, column: column), .utf8,
                                       "file is not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)))")])
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        // memchr: most files have no CR, and a byte-by-byte `contains` was a third of this function.
        if bytes.withUnsafeBufferPointer({ $0.count > 0 && memchr($0.baseAddress!, 0x0D, $0.count) != nil }) {
            bytes = normalizeLineEndings(bytes)
            text = String(decoding: bytes, as: UTF8.self)
        }
        /// The text of bytes[range] (a range starting and ending at line starts or the end): a copy, not checked again.
        func slice(_ range: Range<Int>) -> String {
            let utf8 = text.utf8
            return String(text[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
        }
        let dash = UInt8(ascii: "-"), dot = UInt8(ascii: "."), newline = UInt8(ascii: "\n")
        func isFence(_ line: ArraySlice<UInt8>, _ mark: UInt8) -> Bool {
            line.count == 3 && line.allSatisfy { $0 == mark }
        }
        let firstEnd = bytes.firstIndex(of: newline) ?? bytes.count
        guard isFence(bytes[0..<firstEnd], dash) else {
            return Staged(MarkdownSource(relativePath: relativePath, displayPath: displayPath, frontMatter: nil,
                                         body: text, bodyLineOffset: 0))
        }
        // Find the closing line: `---` (or `...`) alone on a line.
        let yamlStart = min(firstEnd + 1, bytes.count)
        var lineStart = yamlStart
        var lineNumber = 1
        while lineStart < bytes.count {
            lineNumber += 1
            let lineEnd = bytes[lineStart...].firstIndex(of: newline) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            if isFence(line, dash) || isFence(line, dot) {
                let bodyStart = min(lineEnd + 1, bytes.count)
                return Staged(MarkdownSource(relativePath: relativePath, displayPath: displayPath,
                                             frontMatter: slice(yamlStart..<lineStart),
                                             body: slice(bodyStart..<bytes.count),
                                             bodyLineOffset: lineNumber))
            }
            lineStart = lineEnd + 1
        }
        return Staged(nil, [.error(SourceLocation(file: displayPath, line: 1, column: 1), .frontMatterUnclosed,
                                   "front matter opened here is never closed with '---'")])
    }

    /// CRLF and lone CR become LF.
    static func normalizeLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                result.append(0x0A)
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }

    /// Offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: return index
            }
            guard index + length <= count else { return index }
            for next in 1..<length {
                let continuation = bytes[index + next]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }

    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
