import Foundation

/// Which files of `content/` may be copied into the site (docs/content-files.md). A file the browser would run as
/// a document with script (HTML, XML, XSLT, JavaScript) is refused unless `allow_file_types:` in `lathund.yml`
/// names its type; an SVG file is copied only when `SVGCheck` finds nothing that can run or load from elsewhere.
/// What is allowed still cannot run: the server sends files other than Lathund's pages with
/// `Content-Security-Policy: sandbox` (deploy/nginx/lathund.conf, `lathund serve`).
struct ContentFilePolicy: Sendable {
    /// Types refused unless allowed: what browsers open as an HTML or XML document, or run as script.
    static let activeTypes: Set<String> = [
        "html", "htm", "shtml", "xhtml", "xht", "xml", "xsl", "xslt", "rss", "atom", "js", "mjs", "cjs", "svgz",
    ]
    /// `allow_file_types:`, lower case without the dot. `svg` there copies SVG files without the check.
    let allowed: Set<String>

    static func fileType(of relativePath: String) -> String {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// The problems with copying `asset`; `read` gives its bytes (only SVG files are read).
    func diagnostics(for asset: Asset, read: () -> [UInt8]?) -> [Diagnostic] {
        let type = Self.fileType(of: asset.relativePath)
        let name = asset.relativePath.split(separator: "/").last.map(String.init) ?? asset.relativePath
        if name.lowercased() == "index.html" || asset.relativePath.lowercased() == "404.html" {
            return [.error(SourceLocation(file: asset.displayPath), .contentFileReserved,
                           "'\(name)' is the name of the pages Lathund writes, which the server lets run the site's scripts; rename the file")]
        }
        if Self.activeTypes.contains(type), !allowed.contains(type) {
            return [.error(SourceLocation(file: asset.displayPath), .contentFileType,
                           "a .\(type) file can run script in the reader's browser and is not copied; write the page in Markdown, or allow the type with 'allow_file_types: [\(type)]' in lathund.yml (docs/content-files.md)")]
        }
        if type == "svg", !allowed.contains("svg") {
            guard let bytes = read() else { return [] }
            if let problem = SVGCheck.firstProblem(in: bytes) {
                let (line, column) = MarkdownSource.lineAndColumn(of: min(problem.offset, bytes.count), in: bytes)
                return [.error(SourceLocation(file: asset.displayPath, line: line, column: column), .svgUnsafe,
                               "\(problem.message); the SVG file is not copied (docs/content-files.md)")]
            }
        }
        return []
    }
}

/// Reads an SVG file as the browser's XML parser would, closely enough to refuse anything that could run script
/// or load from another site: `script`, `foreignObject` and other elements that embed documents, event-handler
/// attributes (`on…`), references (`href`, `src`, CSS `url()`) other than `#fragment`, a relative path on this
/// site or an embedded raster image, `javascript:` in any spelling, entity declarations, style sheets by
/// processing instruction, the XHTML namespace, and CSS escapes and imports. What it cannot read it refuses.
enum SVGCheck {
    struct Problem: Equatable {
        /// Byte offset in the file.
        let offset: Int
        let message: String
    }

    static let refusedElements: Set<String> = [
        "script", "foreignobject", "iframe", "frame", "frameset", "embed", "object", "applet", "portal", "handler",
        "listener", "base", "meta", "link", "form",
    ]
    static let embeddedImages = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"]

    static func firstProblem(in bytes: [UInt8]) -> Problem? {
        if let offset = MarkdownSource.firstInvalidUTF8Offset(bytes) {
            return Problem(offset: offset, message: "the file is not UTF-8, so it cannot be checked")
        }
        if let offset = bytes.firstIndex(of: 0) {
            return Problem(offset: offset, message: "the file has a NUL byte, so it cannot be checked")
        }
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    /// A `#fragment`, a relative path on this site (no scheme, no `//`) or an embedded PNG, JPEG, GIF or WebP.
    static func referenceProblem(_ value: String) -> String? {
        if LinkSafety.hasUnsafeCharacters(value) { return "reference '\(LinkSafety.shown(value))' has a backslash or a control character" }
        let lower = value.lowercased()
        if value.hasPrefix("#") || embeddedImages.contains(where: { lower.hasPrefix($0 + ";") || lower.hasPrefix($0 + ",") }) {
            return nil
        }
        if value.contains(":") || value.hasPrefix("//") {
            return "reference '\(value)' points to another site or runs script; only #fragments, files of this site and embedded PNG, JPEG, GIF or WebP images are allowed"
        }
        return nil
    }

    /// CSS in a `style` element or attribute, or any attribute value (presentation attributes such as
    /// `fill="url(#g)"` are CSS too), after XML has decoded its references.
    static func cssProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        for word in ["@import", "image-set(", "expression(", "-moz-binding", "behavior:"] where lower.contains(word) {
            return "CSS '\(word)' can load from another site or run script"
        }
        if text.contains("\\") { return "a backslash: CSS escapes (\\75rl) can hide an address" }
        // Case does not matter for what a reference may be; the lower-case text is checked.
        var rest = Substring(lower)
        while let range = rest.range(of: "url(") {
            rest = rest[range.upperBound...]
            let argument = rest.prefix { $0 != ")" }
            let trimmed = argument.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\"'"))
            if let problem = referenceProblem(trimmed) { return problem }
        }
        return nil
    }

    /// Text or an attribute value as the XML parser gives it to the browser: character references (`&#58;`,
    /// `&#x3A;`) and the five predefined entities decoded. Nil for any other entity (the file is refused).
    static func decoded(_ text: String) -> String? {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { return nil }
            let name = rest[rest.index(after: amp)..<semicolon]
            switch name {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                guard name.hasPrefix("#") else { return nil }
                let digits = name.dropFirst()
                let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                guard let value, let scalar = Unicode.Scalar(value) else { return nil }
                result.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        /// Inside `<style>`: its text and CDATA are CSS.
        var inStyle = false

        init(bytes: [UInt8]) { self.bytes = bytes }

        func starts(with text: String, at offset: Int) -> Bool {
            let pattern = Array(text.utf8)
            guard offset + pattern.count <= bytes.count else { return false }
            return bytes[offset..<offset + pattern.count].elementsEqual(pattern)
        }

        func find(_ text: String, from offset: Int) -> Int? {
            var position = offset
            while position < bytes.count {
                if starts(with: text, at: position) { return position }
                position += 1
            }
            return nil
        }

        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        mutating func run() -> Problem? {
            while index < bytes.count {
                guard let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) else {
                    return checkText(index..<bytes.count)
                }
                if let problem = checkText(index..<open) { return problem }
                index = open
                if starts(with: "<!--", at: index) {
                    guard let end = find("-->", from: index + 4) else { return Problem(offset: index, message: "a comment never ends") }
                    index = end + 3
                } else if starts(with: "<![CDATA[", at: index) {
                    guard let end = find("]]>", from: index + 9) else { return Problem(offset: index, message: "a CDATA section never ends") }
                    if inStyle, let problem = SVGCheck.cssProblem(string(index + 9..<end)) {
                        return Problem(offset: index, message: problem)
                    }
                    index = end + 3
                } else if starts(with: "<!", at: index) {
                    guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                        return Problem(offset: index, message: "a declaration never ends")
                    }
                    let text = string(index..<end)
                    if text.contains("[") || text.uppercased().contains("ENTITY") {
                        return Problem(offset: index, message: "a DOCTYPE with declarations of its own (entities can hide markup)")
                    }
                    index = end + 1
                } else if starts(with: "<?", at: index) {
                    guard let end = find("?>", from: index + 2) else { return Problem(offset: index, message: "a processing instruction never ends") }
                    let text = string(index + 2..<end)
                    let target = text.prefix { !" \t\n\r".contains($0) }
                    if target.lowercased() == "xml-stylesheet" {
                        return Problem(offset: index, message: "a style sheet by processing instruction (xml-stylesheet) can load XSLT that runs script")
                    }
                    if target.lowercased() == "xml", let encoding = Self.declaredEncoding(text),
                       !["utf-8", "utf8", "us-ascii", "ascii"].contains(encoding.lowercased()) {
                        return Problem(offset: index, message: "the file declares the encoding '\(encoding)'; write it in UTF-8")
                    }
                    index = end + 2
                } else if starts(with: "</", at: index) {
                    guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { return Problem(offset: index, message: "an end tag never ends") }
                    let name = string(index + 2..<end).trimmingCharacters(in: .whitespacesAndNewlines)
                    if Self.localName(name) == "style" { inStyle = false }
                    index = end + 1
                } else if let problem = startTag() {
                    return problem
                }
            }
            return nil
        }

        func checkText(_ range: Range<Int>) -> Problem? {
            guard inStyle, !range.isEmpty else { return nil }
            guard let text = SVGCheck.decoded(string(range)) else {
                return Problem(offset: range.lowerBound, message: "an unknown entity; the file cannot be checked")
            }
            return SVGCheck.cssProblem(text).map { Problem(offset: range.lowerBound, message: $0) }
        }

        static func localName(_ name: String) -> String {
            (name.split(separator: ":").last.map(String.init) ?? name).lowercased()
        }

        static func declaredEncoding(_ declaration: String) -> String? {
            guard let range = declaration.range(of: "encoding") else { return nil }
            let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
            guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
            return String(rest.dropFirst().prefix { $0 != quote })
        }

        /// `<name attr="value" …>` or `/>`; every attribute is checked.
        mutating func startTag() -> Problem? {
            let start = index
            index += 1
            let nameStart = index
            while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"),
                  bytes[index] != UInt8(ascii: ">") {
                index += 1
            }
            let name = string(nameStart..<index)
            guard !name.isEmpty, !name.contains("<") else { return Problem(offset: start, message: "a tag without a name; the file is not well-formed XML") }
            let element = Self.localName(name)
            if SVGCheck.refusedElements.contains(element) {
                return Problem(offset: start, message: "element <\(name)> can run script or embed another document")
            }
            while true {
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { return Problem(offset: start, message: "tag <\(name)> never ends") }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    if element == "style" { inStyle = true }
                    return nil
                }
                if starts(with: "/>", at: index) {
                    index += 2
                    return nil
                }
                let attributeStart = index
                while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="),
                      bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") {
                    index += 1
                }
                let attribute = string(attributeStart..<index)
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                guard !attribute.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                    return Problem(offset: attributeStart, message: "attribute '\(attribute)' of <\(name)> has no quoted value; the file is not well-formed XML")
                }
                index += 1
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    return Problem(offset: attributeStart, message: "attribute '\(attribute)' of <\(name)> has no quoted value; the file is not well-formed XML")
                }
                let quote = bytes[index]
                guard let end = bytes[(index + 1)...].firstIndex(of: quote) else {
                    return Problem(offset: attributeStart, message: "the value of '\(attribute)' never ends")
                }
                guard let value = SVGCheck.decoded(string(index + 1..<end)) else {
                    return Problem(offset: attributeStart, message: "the value of '\(attribute)' has an unknown entity; the file cannot be checked")
                }
                index = end + 1
                if let message = Self.attributeProblem(attribute, value, element: name) {
                    return Problem(offset: attributeStart, message: message)
                }
            }
        }

        static func attributeProblem(_ attribute: String, _ value: String, element: String) -> String? {
            let lower = attribute.lowercased()
            let local = localName(attribute)
            if local.hasPrefix("on") { return "event handler '\(attribute)' on <\(element)> runs script" }
            if lower == "xml:base" || local == "base" { return "'\(attribute)' changes where every reference points" }
            if lower == "xmlns" || lower.hasPrefix("xmlns:") {
                return value.lowercased().contains("1999/xhtml") ? "the XHTML namespace puts HTML, which can run script, inside the SVG" : nil
            }
            if local == "attributename" {
                let target = localName(value.trimmingCharacters(in: .whitespacesAndNewlines))
                if target == "href" || target.hasPrefix("on") { return "animation of '\(value)' can turn a link or a handler into script" }
            }
            if local == "href" || local == "src" {
                if let problem = SVGCheck.referenceProblem(value) { return problem }
            }
            return SVGCheck.cssProblem(value)
        }
    }
}
