/// Lists the tags of a Mustache template with their positions, so layouts can be checked for names that
/// swift-mustache would silently render as nothing (a missing partial or parent, a misspelt variable).
/// Parsing and rendering stay with swift-mustache; this only finds `{{…}}` spans.
struct TemplateTag: Equatable {
    enum Kind: Equatable {
        case variable, unescaped, section, inverted, close, partial, parent, block, comment, setDelimiter
    }
    let kind: Kind
    let name: String
    let line: Int
    let column: Int
    /// Byte offsets of the tag in the template, `{{` to `}}` inclusive.
    var bytes: Range<Int> = 0..<0

    /// Tags are equal by kind, name and position; `bytes` follows from those.
    static func == (a: TemplateTag, b: TemplateTag) -> Bool {
        a.kind == b.kind && a.name == b.name && a.line == b.line && a.column == b.column
    }

    static func scan(_ template: String) -> [TemplateTag] {
        let bytes = Array(template.utf8)
        var tags: [TemplateTag] = []
        var index = 0
        var line = 1
        var lineStart = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1
            let triple = index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "{")
            let start = index + (triple ? 3 : 2)
            let closing: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            var end = start
            while end + closing.count <= bytes.count, Array(bytes[end..<end + closing.count]) != closing { end += 1 }
            guard end + closing.count <= bytes.count else { break }
            var body = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
            var kind = Kind.variable
            if triple {
                kind = .unescaped
            } else if let first = body.first {
                let kinds: [Character: Kind] = ["#": .section, "^": .inverted, "/": .close, ">": .partial,
                                                "<": .parent, "$": .block, "!": .comment, "=": .setDelimiter,
                                                "&": .unescaped]
                if let found = kinds[first] {
                    kind = found
                    body = String(body.dropFirst()).trimmingWhitespace()
                }
            }
            tags.append(TemplateTag(kind: kind, name: body, line: line, column: column, bytes: index..<end + closing.count))
            for byte in bytes[index..<end] where byte == 0x0A { line += 1 }
            if let lastNewline = bytes[index..<end].lastIndex(of: 0x0A) { lineStart = lastNewline + 1 }
            index = end + closing.count
        }
        return tags
    }

    /// The context names a variable or section tag looks up: `page.title` → [page, title];
    /// `uppercased(page.title)` → [page, title].
    var lookedUpNames: [String] {
        var name = Substring(self.name)
        while let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            name = name[name.index(after: open)..<name.index(before: name.endIndex)]
        }
        if name == "." { return [] }
        return name.split(separator: ".").map(String.init)
    }
}
