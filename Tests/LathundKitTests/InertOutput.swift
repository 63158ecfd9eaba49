import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Looks through a built site for markup a browser would run: script elements other than the site's own module
/// and inert JSON data blocks (JSON-LD, the writing aid's rules), frames and plug-ins, `on…=` attributes, `javascript:`/`vbscript:`/`data:` URLs (except
/// `data:image/…` in `<img src>`), refreshes to such URLs; JSON that does not parse or holds a raw `<`;
/// XML that does not parse or has elements outside the feed and sitemap vocabularies.
enum InertOutput {
    static func problems(in folder: URL) -> [String] {
        var problems: [String] = []
        for (path, data) in TestSite.files(of: folder).sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: data, as: UTF8.self)
            if path.hasSuffix(".html") {
                problems += html(text).map { "\(path): \($0)" }
            } else if path.hasSuffix(".json") {
                if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
                    problems.append("\(path): not valid JSON")
                }
                if text.contains("<") { problems.append("\(path): raw '<' in JSON") }
            } else if path.hasSuffix(".xml") {
                problems += xml(data).map { "\(path): \($0)" }
            }
        }
        return problems
    }

    static let forbiddenElements: Set<String> = ["iframe", "frame", "frameset", "object", "embed", "applet", "base",
                                                 "svg", "math", "template", "style", "link"]
    static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "xlink:href", "poster", "srcset",
                                             "data", "background", "cite", "ping"]

    struct Tag {
        let name: String
        let attributes: [(name: String, value: String)]
        let end: Int
    }

    /// A small tokenizer for the HTML the engine writes: tags, attributes with quoted or bare values.
    static func html(_ text: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { index += 1; continue }
            let next = bytes[index + 1]
            let isLetter = (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z")
            guard isLetter else { index += 1; continue }
            let tag = parseTag(bytes, from: index + 1)
            let name = tag.name.lowercased()
            let attributes = Dictionary(tag.attributes.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            if name == "script" {
                let type = attributes["type"] ?? ""
                let close = range(of: "</script", in: bytes, from: tag.end) ?? bytes.count
                let body = String(decoding: bytes[tag.end..<close], as: UTF8.self)
                if type == "application/ld+json" || type == "application/json" {  // data blocks, never run
                    if body.contains("<") { problems.append("\(type) data block holds '<'") }
                    if (try? JSONSerialization.jsonObject(with: Data(body.utf8))) == nil { problems.append("\(type) data block does not parse") }
                } else if type == "module", let src = attributes["src"], src.hasPrefix("/"), src.hasSuffix(".js"),
                          src.contains("/assets/"), body.isEmpty {
                    // the site's own module
                } else {
                    problems.append("active <script \(tag.attributes.map { "\($0.name)=\($0.value)" })>")
                }
                index = close
                continue
            }
            if name == "link" {
                let rel = attributes["rel"] ?? ""
                if !["canonical", "stylesheet", "alternate", "icon"].contains(rel) { problems.append("<link rel=\(rel)>") }
            } else if forbiddenElements.contains(name) {
                problems.append("<\(name)> element")
            }
            for (attribute, value) in tag.attributes {
                let attribute = attribute.lowercased()
                if attribute.hasPrefix("on") { problems.append("event attribute \(attribute) on <\(name)>") }
                if urlAttributes.contains(attribute), isActiveURL(value, imageSource: name == "img" && attribute == "src") {
                    problems.append("\(attribute)=\(value) on <\(name)>")
                }
            }
            if name == "meta", attributes["http-equiv"]?.lowercased() == "refresh",
               let content = attributes["content"], let url = content.range(of: "url=") {
                let target = String(content[url.upperBound...])
                if isActiveURL(target, imageSource: false) || !target.hasPrefix("/") {
                    problems.append("refresh to \(target)")
                }
            }
            index = tag.end
        }
        return problems
    }

    static func range(of needle: String, in bytes: [UInt8], from start: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    static func parseTag(_ bytes: [UInt8], from start: Int) -> Tag {
        var index = start
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") { index += 1 }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        var attributes: [(String, String)] = []
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1 }
            guard index < bytes.count, bytes[index] != UInt8(ascii: ">") else { break }
            let nameStart = index
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ">") { index += 1 }
            let attribute = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            var value = ""
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    let valueStart = index + 1
                    index = valueStart
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<min(index, bytes.count)], as: UTF8.self)
                    index += 1
                } else {
                    let valueStart = index
                    while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            attributes.append((attribute, decodeEntities(value)))
        }
        return Tag(name: name, attributes: attributes, end: min(index + 1, bytes.count))
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&#x3A;", ":"), ("&#58;", ":"), ("&colon;", ":"), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character, options: .caseInsensitive)
        }
        return result
    }

    /// What a browser would treat as script or inline document: control characters and white space inside the
    /// scheme are ignored, as browsers do.
    static func isActiveURL(_ value: String, imageSource: Bool) -> Bool {
        let squeezed = String(value.unicodeScalars.filter { $0.value > 0x20 }).lowercased()
        if squeezed.hasPrefix("javascript:") || squeezed.hasPrefix("vbscript:") { return true }
        if squeezed.hasPrefix("data:") {
            return !(imageSource && ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains { squeezed.hasPrefix($0) })
        }
        return false
    }

    /// XML must parse and use only the sitemap's and Atom's elements.
    static func xml(_ data: Data) -> [String] {
        final class Delegate: NSObject, XMLParserDelegate {
            var elements = Set<String>()
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                elements.insert(name)
            }
        }
        let parser = XMLParser(data: data)
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse() else { return ["XML does not parse: \(parser.parserError.map { "\($0)" } ?? "?")"] }
        let allowed: Set<String> = ["urlset", "url", "loc", "lastmod", "feed", "title", "id", "link", "updated",
                                    "author", "name", "entry", "summary"]
        return delegate.elements.subtracting(allowed).sorted().map { "unexpected element <\($0)>" }
    }
}
