import Mustache

/// The parts of the layouts that are the same on many pages, rendered once per build instead of once per page
/// (a 10 000-page site rendered its header, menu and footer 10 000 times).
///
/// - A partial whose tags read only what every page shares (`site`, `menu`, `most_asked`, `has_most_asked`,
///   `asset`, and the keys of their items), and whose partials do the same, is *site-wide*: its output depends
///   only on which menu item is current. It is rendered once for each such menu (`render`), and where a layout
///   includes it on a line of its own, outside any section, that line is replaced by the fragment
///   (`{{{_fragmentN}}}`, which only `LayoutContext` answers; the layout check refuses the name in `layouts/`).
/// - `{{#asset}}style.css{{/asset}}` on one line is replaced by the href the lambda would give.
///
/// The rewritten layouts render the same bytes: a fragment is rendered from the same partial with the same
/// context stack (the top level only). Where that cannot be shown from the templates (a layout included inside
/// a section or with indentation, a block expanded inside a section, a dynamic partial), nothing is replaced.
struct LayoutFragments: Sendable {
    static let prefix = "_fragment"
    /// The top-level keys that are the same on every page (`menu` but for its `current` flags).
    static let siteWideKeys: Set<String> = ["site", "menu", "most_asked", "has_most_asked", "asset"]

    /// The site-wide partials the rewritten layouts look up, by number.
    let partials: [String]
    /// `layouts/` rewritten; the original when nothing could be replaced.
    let layouts: Layouts

    static func number(_ name: String) -> Int? {
        guard name.utf8.first == UInt8(ascii: "_"), name.hasPrefix(prefix) else { return nil }
        return Int(name.dropFirst(prefix.count))
    }

    /// `assetHref`: the escaped href `{{#asset}}NAME{{/asset}}` gives.
    init(layouts: Layouts, assetHref: (String) -> String) {
        let tags = layouts.sources.mapValues { TemplateTag.scan($0) }
        guard let safe = Self.rootOnlyTemplates(layouts.sources, tags: tags) else {
            (partials, self.layouts) = ([], layouts)
            return
        }
        let siteWide = Self.siteWidePartials(tags)
        // An item type with a key `asset` would shadow the lambda inside its sections.
        let assetsFixed = !LayoutContext.types.dropFirst().contains { $0.keyNames.contains("asset") }
        var partials: [String] = []
        var texts: [String: String] = [:]
        for (name, text) in layouts.sources {
            let bytes = Array(text.utf8)
            var replacements: [(range: Range<Int>, text: String)] = []
            var open: [TemplateTag.Kind] = []
            let list = tags[name] ?? []
            for (position, tag) in list.enumerated() {
                let depth = open.count { $0 == .section || $0 == .inverted }
                switch tag.kind {
                case .section where tag.name == "asset" && assetsFixed:
                    if position + 1 < list.count, list[position + 1].kind == .close,
                       !bytes[tag.bytes.lowerBound..<list[position + 1].bytes.upperBound].contains(0x0A) {
                        let asset = String(decoding: bytes[tag.bytes.upperBound..<list[position + 1].bytes.lowerBound],
                                           as: UTF8.self).trimmingWhitespace()
                        let href = assetHref(asset)
                        if !href.contains("{{") {
                            replacements.append((tag.bytes.lowerBound..<list[position + 1].bytes.upperBound, href))
                        }
                    }
                    open.append(tag.kind)
                case .section, .inverted, .parent, .block:
                    open.append(tag.kind)
                case .close:
                    _ = open.popLast()
                case .partial where depth == 0 && safe.contains(name) && siteWide.contains(tag.name):
                    guard let line = Self.ownLine(tag.bytes, in: bytes) else { continue }
                    let number = partials.firstIndex(of: tag.name) ?? partials.count
                    if number == partials.count { partials.append(tag.name) }
                    replacements.append((line, "{{{\(Self.prefix)\(number)}}}"))
                default:
                    break
                }
            }
            texts[name] = Self.replacing(replacements, in: bytes)
        }
        guard texts != layouts.sources, let rewritten = layouts.reparsed(texts) else {
            (self.partials, self.layouts) = ([], layouts)
            return
        }
        (self.partials, self.layouts) = (partials, rewritten)
    }

    /// Renders each site-wide partial with `context` (a page's top level; only its shared keys are read).
    func render(_ context: LayoutContext, original: Layouts) -> [String] {
        partials.map { original.render(context, layout: $0) }
    }

    /// The tag's line with its line break, when the tag is all the line holds (a standalone tag without
    /// indentation, which Mustache replaces by the partial's output as it is).
    private static func ownLine(_ tag: Range<Int>, in bytes: [UInt8]) -> Range<Int>? {
        guard tag.lowerBound == 0 || bytes[tag.lowerBound - 1] == 0x0A,
              tag.upperBound < bytes.count, bytes[tag.upperBound] == 0x0A else { return nil }
        return tag.lowerBound..<tag.upperBound + 1
    }

    private static func replacing(_ replacements: [(range: Range<Int>, text: String)], in bytes: [UInt8]) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var position = 0
        for (range, text) in replacements.sorted(by: { $0.range.lowerBound < $1.range.lowerBound })
            where range.lowerBound >= position {
            result += bytes[position..<range.lowerBound]
            result += text.utf8
            position = range.upperBound
        }
        result += bytes[position...]
        return String(decoding: result, as: UTF8.self)
    }

    /// The layouts that are always rendered with the top level alone on the context stack: every layout but
    /// those included (as partial or parent) inside a section, with indentation, or by one that is not. Nil when
    /// a block is expanded inside a section or indented, or a partial's name is dynamic: then nothing is.
    private static func rootOnlyTemplates(_ sources: [String: String], tags: [String: [TemplateTag]]) -> Set<String>? {
        var unsafe = Set<String>()
        var includes: [(from: String, to: String)] = []
        for (name, list) in tags {
            let bytes = Array((sources[name] ?? "").utf8)
            var open: [TemplateTag.Kind] = []
            for tag in list {
                let depth = open.count { $0 == .section || $0 == .inverted }
                let lineStart = bytes[..<tag.bytes.lowerBound].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                let indented = lineStart < tag.bytes.lowerBound
                    && bytes[lineStart..<tag.bytes.lowerBound].allSatisfy { $0 == 0x20 || $0 == 0x09 }
                switch tag.kind {
                case .section, .inverted:
                    open.append(tag.kind)
                case .close:
                    _ = open.popLast()
                case .block:
                    if depth > 0 || indented { return nil }
                    open.append(tag.kind)
                case .partial, .parent:
                    if tag.name.hasPrefix("*") || (tag.kind == .parent && depth > 0) { return nil }
                    if tag.kind == .parent { open.append(tag.kind) }
                    if depth > 0 || indented { unsafe.insert(tag.name) }
                    includes.append((name, tag.name))
                default:
                    break
                }
            }
        }
        var changed = true
        while changed {
            changed = false
            for (from, to) in includes where unsafe.contains(from) && !unsafe.contains(to) {
                unsafe.insert(to)
                changed = true
            }
        }
        return Set(sources.keys).subtracting(unsafe)
    }

    /// The partials whose tags read only the site-wide keys (or keys of the items of their sections, which never
    /// reach a page's keys) and include only site-wide partials.
    private static func siteWidePartials(_ tags: [String: [TemplateTag]]) -> Set<String> {
        let pageKeys = Set(LayoutContext.Key.allCases.map(\.rawValue)).subtracting(siteWideKeys)
        var candidates = Set<String>()
        var needs: [String: [String]] = [:]
        for (name, list) in tags {
            let own = list.allSatisfy { tag in
                switch tag.kind {
                case .variable, .unescaped, .section, .inverted:
                    guard let first = tag.lookedUpNames.first else { return false }
                    return !pageKeys.contains(first) && !first.hasPrefix(Self.prefix)
                case .partial:
                    return !tag.name.hasPrefix("*")
                case .close, .comment:
                    return true
                case .parent, .block, .setDelimiter:
                    return false
                }
            }
            if own { candidates.insert(name) }
            needs[name] = list.filter { $0.kind == .partial }.map(\.name)
        }
        var changed = true
        while changed {
            changed = false
            for name in candidates where !(needs[name] ?? []).allSatisfy(candidates.contains) {
                candidates.remove(name)
                changed = true
            }
        }
        return candidates
    }
}
