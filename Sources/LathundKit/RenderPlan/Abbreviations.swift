/// Marks the glossary's abbreviations in a page's HTML: the first use of each term that has an `expansion`
/// becomes `<abbr title="expansion">SGI</abbr>`. Works on the bytes of the HTML cmark-gfm and the directives
/// wrote, in text only (never in a tag or an attribute), and leaves alone text inside links, headings (the
/// abbreviation is explained where it is first used in running text; headings also feed the table of
/// contents), code, existing `<abbr>`/`<dfn>`, form controls, SVG, MathML and raw-text elements.
/// Matching is case-sensitive and by whole words: `SGI` in "SGI:n" or "SGI-skydd", not in "SGIX" or "ESGI";
/// at one place the longest term wins (`FK 7804` before `FK`).
struct AbbreviationMarker: Sendable {
    struct Entry: Sendable {
        /// The term as it appears in HTML text (escaped).
        let bytes: [UInt8]
        /// `<abbr title="…">`, escaped.
        let open: [UInt8]
        /// Position of the term in `terms` (which ones are used is tracked per page).
        let number: Int
    }

    /// Entries by their first byte, longest first.
    private let entries: [UInt8: [Entry]]
    private let count: Int

    static let none = AbbreviationMarker(glossary: [])

    init(glossary: [GlossaryTerm]) {
        var entries: [UInt8: [Entry]] = [:]
        var number = 0
        var seen = Set<String>()
        for term in glossary {
            guard let expansion = term.expansion?.trimmingWhitespace(), !expansion.isEmpty,
                  !term.term.isEmpty, seen.insert(term.term).inserted else { continue }
            let bytes = Array(HTML.escape(term.term).utf8)
            let entry = Entry(bytes: bytes, open: Array("<abbr title=\"\(HTML.escape(expansion))\">".utf8), number: number)
            entries[bytes[0], default: []].append(entry)
            number += 1
        }
        for key in entries.keys { entries[key]!.sort { $0.bytes.count > $1.bytes.count } }
        self.entries = entries
        count = number
    }

    /// Elements whose text is never marked.
    static let skipped: Set<String> = ["a", "abbr", "acronym", "dfn", "code", "kbd", "samp", "pre", "var",
                                       "h1", "h2", "h3", "h4", "h5", "h6", "button", "select", "option",
                                       "label", "svg", "math", "noscript", "template",
                                       "script", "style", "textarea", "title"]
    static let close = Array("</abbr>".utf8)
    /// Elements whose content is not HTML: skipped to their end tag without looking for tags inside.
    static let rawText: Set<String> = ["script", "style", "textarea", "title"]

    func mark(_ html: String) -> String {
        count > 0 ? String(decoding: mark(Array(html.utf8)), as: UTF8.self) : html
    }

    /// `mark` of the HTML's UTF-8 bytes (a page's content goes to its file as bytes, never checked as UTF-8 again).
    func mark(_ input: [UInt8]) -> [UInt8] {
        guard count > 0 else { return input }
        var marking = Marking(entries: entries, count: count, capacity: input.count + 256)
        var skipDepth = 0
        var index = 0
        var textStart = 0

        func flushText(upTo end: Int) {
            guard textStart < end else { return }
            if skipDepth > 0 || marking.remaining == 0 {
                marking.output.append(contentsOf: input[textStart..<end])
            } else {
                marking.markText(input, textStart..<end)
            }
        }

        while index < input.count {
            guard input[index] == UInt8(ascii: "<") else { index += 1; continue }
            flushText(upTo: index)
            // A comment is copied as it is.
            if input[index...].starts(with: Array("<!--".utf8)) {
                let end = Self.find(Array("-->".utf8), in: input, from: index + 4).map { $0 + 3 } ?? input.count
                marking.output.append(contentsOf: input[index..<end])
                index = end
                textStart = end
                continue
            }
            let tag = Self.tag(in: input, at: index)
            marking.output.append(contentsOf: input[index..<tag.end])
            index = tag.end
            textStart = index
            guard let name = tag.name, Self.skipped.contains(name) else { continue }
            if tag.isClosing {
                skipDepth = max(0, skipDepth - 1)
            } else if !tag.isSelfClosing {
                if Self.rawText.contains(name) {
                    // Copy up to (not including) the end tag; the loop then reads the end tag itself.
                    let end = Self.findEndTag(name, in: input, from: index) ?? input.count
                    marking.output.append(contentsOf: input[index..<end])
                    index = end
                    textStart = end
                } else {
                    skipDepth += 1
                }
            }
        }
        flushText(upTo: input.count)
        return marking.changed ? marking.output : input
    }

    /// One page's marking: the HTML written so far and which terms it has marked.
    private struct Marking {
        let entries: [UInt8: [Entry]]
        var output: [UInt8] = []
        var used: [Bool]
        var remaining: Int
        var changed = false

        init(entries: [UInt8: [Entry]], count: Int, capacity: Int) {
            self.entries = entries
            used = [Bool](repeating: false, count: count)
            remaining = count
            output.reserveCapacity(capacity)
        }

        /// At each word start, the longest term that matches; it is marked if it is not used yet (a used
        /// `FK 7804` is skipped whole, so its `FK` is not marked instead).
        mutating func markText(_ bytes: [UInt8], _ range: Range<Int>) {
            var position = range.lowerBound
            var copied = range.lowerBound
            scan: while position < range.upperBound {
                if remaining > 0, let candidates = entries[bytes[position]],
                   !AbbreviationMarker.isWordScalar(before: position, in: bytes, from: range.lowerBound) {
                    for entry in candidates {
                        let end = position + entry.bytes.count
                        guard end <= range.upperBound, bytes[position..<end].elementsEqual(entry.bytes) else { continue }
                        if AbbreviationMarker.isWordByte(entry.bytes[entry.bytes.count - 1])
                            && AbbreviationMarker.isWordScalar(at: end, in: bytes, until: range.upperBound) { continue }
                        if !used[entry.number] {
                            output.append(contentsOf: bytes[copied..<position])
                            output.append(contentsOf: entry.open)
                            output.append(contentsOf: entry.bytes)
                            output.append(contentsOf: AbbreviationMarker.close)
                            used[entry.number] = true
                            remaining -= 1
                            changed = true
                            copied = end
                        }
                        position = end
                        continue scan
                    }
                }
                position += 1
            }
            output.append(contentsOf: bytes[copied..<range.upperBound])
        }
    }

    /// The tag starting at `start` (a `<`): its lowercased name (nil for `<!DOCTYPE`, `<?`, a stray `<`),
    /// whether it closes or closes itself, and the index after its `>`, skipping quoted attribute values.
    static func tag(in bytes: [UInt8], at start: Int) -> (name: String?, isClosing: Bool, isSelfClosing: Bool, end: Int) {
        var index = start + 1
        let isClosing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
        if isClosing { index += 1 }
        let nameStart = index
        while index < bytes.count, isASCIIAlphanumeric(bytes[index]) || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index > nameStart, isASCIILetter(bytes[nameStart]) else {
            return (nil, false, false, start + 1)  // a '<' that starts no tag is text (cmark escapes it anyway)
        }
        let name = String(decoding: bytes[nameStart..<index].map { $0 | 0x20 }, as: UTF8.self)
        var quote: UInt8? = nil
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                let selfClosing = index > start && bytes[index - 1] == UInt8(ascii: "/")
                return (name, isClosing, selfClosing, index + 1)
            }
            index += 1
        }
        return (name, isClosing, false, bytes.count)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// Index of `</name` (any case) from `start`.
    static func findEndTag(_ name: String, in bytes: [UInt8], from start: Int) -> Int? {
        let target = Array(name.utf8)
        var index = start
        while let found = find([UInt8(ascii: "<"), UInt8(ascii: "/")], in: bytes, from: index) {
            let nameStart = found + 2
            if nameStart + target.count <= bytes.count,
               zip(bytes[nameStart..<nameStart + target.count], target).allSatisfy({ ($0 | 0x20) == $1 }) {
                return found
            }
            index = found + 2
        }
        return nil
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool { isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) }
    /// A letter or digit byte, or the start of a multi-byte scalar (checked properly by the callers).
    static func isWordByte(_ byte: UInt8) -> Bool { isASCIIAlphanumeric(byte) || byte >= 0x80 }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Whether the scalar that ends just before `position` (not before `lower`) is a letter or digit.
    static func isWordScalar(before position: Int, in bytes: [UInt8], from lower: Int) -> Bool {
        guard position > lower else { return false }
        var start = position - 1
        while start > lower && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(in: bytes, at: start, until: position).map(isWord) ?? false
    }

    /// Whether the scalar that starts at `position` (before `upper`) is a letter or digit.
    static func isWordScalar(at position: Int, in bytes: [UInt8], until upper: Int) -> Bool {
        guard position < upper else { return false }
        var end = position + 1
        while end < upper && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return scalar(in: bytes, at: position, until: end).map(isWord) ?? false
    }

    static func scalar(in bytes: [UInt8], at start: Int, until end: Int) -> Unicode.Scalar? {
        String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.first
    }
}
