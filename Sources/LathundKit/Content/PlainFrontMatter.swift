import Yams

/// Composes the plain shapes this project's front matter is written in without Yams, and gives the tree Yams
/// gives for them (`YAMLFields.composeReadByFields`: the basic resolver): the same nodes in the same order, with
/// the same texts, tags, styles and marks. Yams is the authority: for anything else this returns nil and Yams
/// composes the text. Yams' compose was about 5 % of a 10 000-page build (its libyaml events, `Event` objects,
/// tags and the keys' hashing), this about a tenth of that.
///
/// The shapes: a mapping at the top whose keys are names (`[A-Za-z_][A-Za-z0-9_-]*`) at the start of a line, each
/// followed by `: ` and a value on the same line, or by `:` and, on the lines below, indented one level, either a
/// mapping of such keys to one-line values or a list (`- `) of one-line values or of such mappings. A one-line
/// value is a plain text, a text in double quotes without `\`, a flow list `[a, "b"]` or a flow mapping
/// `{ k: v, … }` of such texts. No comments, blank lines, tabs, single quotes, anchors, tags, multi-line texts,
/// repeated keys, special characters (every character must be one YAML prints as itself, and none a line break
/// other than LF), and none of what would end or change a plain text (`: `, ` #`, an indicator first, a space
/// last): whatever is not certain is Yams' to compose. `FrontMatterComposeTests` holds the two equal, node by
/// node, on every page of the site and of a corpus, on hostile and on random near-miss YAML.
enum PlainFrontMatter {
    static func compose(_ text: String) -> Node? {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.last == newline, onlyPlainCharacters(bytes) else { return nil }
            var reader = Reader(bytes: bytes, constructor: .default)
            return reader.document()
        }
    }

    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")

    /// Bytes that may not start a plain text: YAML's indicators (`-?:,[]{}#&*!|>'"%@` and the backquote).
    static let indicators: [Bool] = (0...255).map { Array("-?:,[]{}#&*!|>'\"%@`".utf8).contains(UInt8($0)) }
    /// Bytes a plain text inside `[…]` or `{…}` may not have anywhere here (flow indicators, comment, quotes, colon).
    static let flowStops: [Bool] = (0...255).map { Array(",[]{}#:'\"\\".utf8).contains(UInt8($0)) }

    /// True when every character is LF or one YAML prints as itself: ASCII 0x20–0x7E, U+00A0–U+D7FF but for the
    /// line and paragraph separators, U+E000–U+FFFD but for the byte order mark, and beyond U+FFFF. The text is
    /// valid UTF-8 (a Swift string), so a lead byte tells the length.
    static func onlyPlainCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                guard byte >= 0x20 && byte < 0x7F || byte == newline else { return false }
                index += 1
            } else if byte < 0xE0 {
                // U+0080–U+07FF: C2 80–C2 9F are C1 controls (NEL among them).
                guard byte > 0xC2 || bytes[index + 1] >= 0xA0 else { return false }
                index += 2
            } else if byte < 0xF0 {
                let scalar = UInt32(byte & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                guard scalar != 0x2028, scalar != 0x2029, scalar != 0xFEFF, scalar < 0xFFFE else { return false }
                index += 3
            } else {
                index += 4
            }
        }
        return true
    }

    /// Yams' `Mark` has no public initialiser: its two stored integers are written as one pair, and the result is
    /// read back through its public fields, so a Yams whose `Mark` is laid out otherwise gives nil (and Yams
    /// composes the text) instead of a wrong place.
    static func mark(line: Int, column: Int) -> Mark? {
        guard MemoryLayout<Mark>.size == MemoryLayout<(Int, Int)>.size else { return nil }
        let mark = unsafeBitCast((line, column), to: Mark.self)
        return mark.line == line && mark.column == column ? mark : nil
    }

}

extension PlainFrontMatter {
    /// Reads the text line by line; each method returns nil as soon as the text leaves the plain shapes.
    fileprivate struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// One per text, as Yams' composer has (`Constructor.default` makes a new one, tables and all).
        let constructor: Constructor
        var position = 0
        /// The current line (1-based) and where it starts.
        var line = 1
        var lineStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>, constructor: Constructor) {
            self.bytes = bytes
            self.constructor = constructor
        }

        /// A node's tag as Yams' composer leaves it for an untagged node with the basic resolver: one object each
        /// (a tag is resolved in place), `str` for a quoted text and for a mapping's key (the composer resolved it
        /// when it looked for repeated keys), else not yet resolved.
        func tag(_ name: Tag.Name = .implicit) -> Tag { Tag(name, .basic, constructor) }

        /// Where `offset` (on the current line) is, as Yams says it: columns count characters, from 1.
        func mark(_ offset: Int) -> Mark? {
            var column = 1
            for index in lineStart..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
            return PlainFrontMatter.mark(line: line, column: column)
        }

        /// Past the LF at `position`, to the next line.
        mutating func nextLine() {
            position += 1
            line += 1
            lineStart = position
        }

        /// The number of spaces the current line starts with (`position` at its start).
        func indent() -> Int {
            var index = position
            while index < bytes.count, bytes[index] == PlainFrontMatter.space { index += 1 }
            return index - position
        }

        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        func scalar(_ range: Range<Int>, at start: Int, style: Node.Scalar.Style, key: Bool = false) -> Node? {
            guard let mark = mark(start) else { return nil }
            return .scalar(Node.Scalar(text(range), tag(key || style == .doubleQuoted ? .str : .implicit), style, mark))
        }

        func mapping(_ pairs: [(Node, Node)], mark: Mark?) -> Node? {
            guard let mark, !pairs.isEmpty, Self.distinctKeys(pairs) else { return nil }
            return .mapping(Node.Mapping(pairs, tag(), .any, mark))
        }

        /// Keys of different texts (every key here is a plain name): the basic and the default resolver then agree
        /// that no key is repeated.
        static func distinctKeys(_ pairs: [(Node, Node)]) -> Bool {
            for index in pairs.indices.dropFirst() {
                let key = pairs[index].0.scalar?.string
                for earlier in 0..<index where pairs[earlier].0.scalar?.string == key { return false }
            }
            return true
        }

        /// The whole text: a mapping of names at the start of each line.
        mutating func document() -> Node? {
            let start = mark(0)
            var pairs: [(Node, Node)] = []
            while position < bytes.count {
                guard let key = key(), let value = valueAfterKey() else { return nil }
                pairs.append((key, value))
            }
            return mapping(pairs, mark: start)
        }

        /// A name and the `:` after it, which must be followed by a space or the end of the line.
        mutating func key() -> Node? {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte == UInt8(ascii: "_")
                let digit = byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "-")
                guard letter || (digit && position > start) else { break }
                position += 1
            }
            guard position > start, position + 1 < bytes.count, bytes[position] == UInt8(ascii: ":"),
                  bytes[position + 1] == PlainFrontMatter.space || bytes[position + 1] == PlainFrontMatter.newline else {
                return nil
            }
            defer { position += 1 }
            return scalar(start..<position, at: start, style: .plain, key: true)
        }

        /// After a top-level key's `:`: a value on the same line, or a list or mapping on the lines below.
        mutating func valueAfterKey() -> Node? {
            if bytes[position] == PlainFrontMatter.newline {
                nextLine()
                return block()
            }
            return lineValue()
        }

        /// After `: ` or `- `: spaces, one value, the end of its line; `position` then at the next line's start.
        mutating func lineValue() -> Node? {
            while bytes[position] == PlainFrontMatter.space { position += 1 }
            let value: Node?
            switch bytes[position] {
            case PlainFrontMatter.quote: value = quoted()
            case UInt8(ascii: "["): value = flowList()
            case UInt8(ascii: "{"): value = flowMapping()
            default: value = plainLine()
            }
            guard let value, bytes[position] == PlainFrontMatter.newline else { return nil }
            nextLine()
            return value
        }

        /// A plain text to the end of the line (block context: `,[]{}` may follow its first character).
        mutating func plainLine() -> Node? {
            let start = position
            guard !PlainFrontMatter.indicators[Int(bytes[start])], bytes[start] != PlainFrontMatter.newline else { return nil }
            var previous = bytes[start]
            position += 1
            while bytes[position] != PlainFrontMatter.newline {
                let byte = bytes[position]
                if byte == PlainFrontMatter.space && previous == UInt8(ascii: ":") { return nil }
                if byte == UInt8(ascii: "#") && previous == PlainFrontMatter.space { return nil }
                previous = byte
                position += 1
            }
            guard previous != PlainFrontMatter.space, previous != UInt8(ascii: ":") else { return nil }
            return scalar(start..<position, at: start, style: .plain)
        }

        /// `"…"` on one line, without escapes.
        mutating func quoted() -> Node? {
            let start = position
            position += 1
            while bytes[position] != PlainFrontMatter.quote {
                guard bytes[position] != PlainFrontMatter.newline, bytes[position] != UInt8(ascii: "\\") else { return nil }
                position += 1
            }
            position += 1
            return scalar(start + 1..<position - 1, at: start, style: .doubleQuoted)
        }
    }
}

extension PlainFrontMatter.Reader {
    /// A text inside `[…]` or `{…}`: quoted, or plain up to `,` or the closing bracket, trailing spaces left out.
    mutating func flowText(closing: UInt8) -> Node? {
        while bytes[position] == PlainFrontMatter.space { position += 1 }
        if bytes[position] == PlainFrontMatter.quote {
            guard let node = quoted() else { return nil }
            while bytes[position] == PlainFrontMatter.space { position += 1 }
            return node
        }
        let start = position
        guard !PlainFrontMatter.indicators[Int(bytes[start])], bytes[start] != PlainFrontMatter.newline else { return nil }
        var end = position
        while bytes[position] != UInt8(ascii: ","), bytes[position] != closing {
            let byte = bytes[position]
            guard byte != PlainFrontMatter.newline, !PlainFrontMatter.flowStops[Int(byte)] else { return nil }
            position += 1
            if byte != PlainFrontMatter.space { end = position }
        }
        return scalar(start..<end, at: start, style: .plain)
    }

    /// Past `,` and the spaces after it, true; at the closing bracket, past it, false.
    mutating func flowNext(closing: UInt8) -> Bool? {
        if bytes[position] == closing {
            position += 1
            return false
        }
        guard bytes[position] == UInt8(ascii: ",") else { return nil }
        position += 1
        return true
    }

    /// `[a, "b"]`: at least one text.
    mutating func flowList() -> Node? {
        guard let start = mark(position) else { return nil }
        let closing = UInt8(ascii: "]")
        position += 1
        var nodes: [Node] = []
        while true {
            guard let item = flowText(closing: closing), let more = flowNext(closing: closing) else { return nil }
            nodes.append(item)
            if !more { return .sequence(Node.Sequence(nodes, tag(), .any, start)) }
        }
    }

    /// `{ k: v, k: v }`: at least one pair, keys as at the top.
    mutating func flowMapping() -> Node? {
        let start = mark(position)
        let closing = UInt8(ascii: "}")
        position += 1
        var pairs: [(Node, Node)] = []
        while true {
            while bytes[position] == PlainFrontMatter.space { position += 1 }
            guard let key = key(), bytes[position] == PlainFrontMatter.space, let value = flowText(closing: closing),
                  let more = flowNext(closing: closing) else {
                return nil
            }
            pairs.append((key, value))
            if !more { return mapping(pairs, mark: start) }
        }
    }
}

extension PlainFrontMatter.Reader {
    /// At the start of a line: how many spaces the next line of a block starts with, 0 at the end of the text;
    /// nil for a blank line.
    func nextIndent() -> Int? {
        guard position < bytes.count else { return 0 }
        let spaces = indent()
        return bytes[position + spaces] == PlainFrontMatter.newline ? nil : spaces
    }

    /// Below a top-level `key:`: a list (`- `) or a mapping, every line of it indented by the same spaces.
    mutating func block() -> Node? {
        guard let indent = nextIndent(), indent > 0 else { return nil }
        position += indent
        return bytes[position] == UInt8(ascii: "-") ? blockList(indent) : blockMapping(indent)
    }

    /// `key: value` lines at `indent` (`position` past the first line's spaces).
    mutating func blockMapping(_ indent: Int) -> Node? {
        let start = mark(position)
        var pairs: [(Node, Node)] = []
        while true {
            guard let key = key(), bytes[position] == PlainFrontMatter.space, let value = lineValue(),
                  let next = nextIndent() else {
                return nil
            }
            pairs.append((key, value))
            if next == 0 { return mapping(pairs, mark: start) }
            guard next == indent else { return nil }
            position += next
        }
    }

    /// `- item` lines at `indent` (`position` past the first line's spaces).
    mutating func blockList(_ indent: Int) -> Node? {
        guard let start = mark(position) else { return nil }
        var nodes: [Node] = []
        while true {
            guard bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == PlainFrontMatter.space,
                  let item = listItem(indent), let next = nextIndent() else {
                return nil
            }
            nodes.append(item)
            if next == 0 { return .sequence(Node.Sequence(nodes, tag(), .any, start)) }
            guard next == indent else { return nil }
            position += next
        }
    }

    /// After `- `: a one-line value, or `key: value` lines, the first on this line and the others below it at
    /// the first key's column (a list item's mapping ends at a line indented as the list).
    mutating func listItem(_ listIndent: Int) -> Node? {
        position += 2
        while bytes[position] == PlainFrontMatter.space { position += 1 }
        let keyIndent = position - lineStart
        let itemStart = position
        guard let first = key(), bytes[position] == PlainFrontMatter.space else {
            position = itemStart
            return lineValue()
        }
        let start = first.mark
        var pairs: [(Node, Node)] = []
        var key = first
        while true {
            guard let value = lineValue(), let next = nextIndent() else { return nil }
            pairs.append((key, value))
            if next == 0 || next == listIndent { return mapping(pairs, mark: start) }
            guard next == keyIndent else { return nil }
            position += next
            guard let following = self.key(), bytes[position] == PlainFrontMatter.space else { return nil }
            key = following
        }
    }
}
