import CLathundSystem
import CCMarkGFM
import Foundation

/// A heading of a page with its id.
struct Heading: Sendable, Equatable {
    let level: Int
    let text: String
    let id: String
    let location: SourceLocation
}

/// A link or image written in a page, with what it resolved to.
struct LinkReference: Sendable {
    let destination: String
    let target: SiteLinks.Target
    let isImage: Bool
    let location: SourceLocation
}

/// The Markdown stage's result for one page.
struct RenderedMarkdown: Sendable {
    /// The HTML as cmark-gfm wrote it (then `localize`d): UTF-8 bytes, kept as bytes into the spool and the page's
    /// file (making a `String` of it validated and copied it: 1,8 % of a build's instructions).
    var htmlBytes: [UInt8]
    var html: String { String(decoding: htmlBytes, as: UTF8.self) }
    var headings: [Heading]
    var links: [LinkReference]
    /// The page's text without markup: for summaries, search and readability. UTF-8 bytes, as cmark-gfm's
    /// literals are (valid: see `localize`), read as bytes by the readability, the search analysis and the spool.
    var plainBytes: [UInt8]
    var plainText: String { String(decoding: plainBytes, as: UTF8.self) }
    /// Text of the first paragraph.
    var firstParagraph: String
    /// How many of `headings` are in the page's opening (`ContentLead`): the text before the first level-2
    /// heading and, when the page starts with a level-2 heading (a summary such as "Det viktigaste"), that
    /// first section too.
    var leadHeadingCount = 0
}

/// Parses Markdown with cmark-gfm (table, strikethrough, autolink, tagfilter, tasklist, footnotes), walks the
/// tree once and renders HTML.
struct MarkdownRenderer: Sendable {
    let unsafeHTML: Bool
    let directives: DirectiveRegistry
    let allocator: Allocator

    /// Where cmark-gfm allocates a page's parser, tree and HTML (it calls the allocator once per node, per
    /// literal and per buffer growth: `malloc` was 8 % of a build's CPU there).
    enum Allocator: Sendable {
        /// The thread's arena (`lathund_arena_*`): each page's blocks are given back at once when it is done.
        case arena
        /// The C library's calloc/realloc/free, cmark-gfm's default.
        case system

        var memory: UnsafeMutablePointer<cmark_mem> {
            switch self {
            case .arena: return lathund_arena_allocator().assumingMemoryBound(to: cmark_mem.self)
            case .system: return cmark_get_default_mem_allocator()
            }
        }
    }

    init(unsafeHTML: Bool = false, directives: DirectiveRegistry = DirectiveRegistry(), allocator: Allocator = .arena) {
        self.unsafeHTML = unsafeHTML
        self.directives = directives
        self.allocator = allocator
    }

    /// Registered once per process: the library's guard is a plain flag.
    private static let registerExtensions: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    /// cmark-gfm 0.29 keeps the extensions' special characters in one process-wide table that every parser
    /// changes during inline parsing (`cmark_parser_finish`), so that step runs one page at a time.
    private static let inlineParsingLock = NSLock()
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    var options: Int32 {
        var options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
            | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
        if unsafeHTML { options |= CMARK_OPT_UNSAFE }
        return options
    }

    /// `html: false` leaves out the HTML (empty) for a caller that needs only the rest: the Markdown stage of a
    /// build that writes nothing (`lathund check`).
    func render(_ page: Page, context: DirectiveContext, html: Bool = true) -> Staged<RenderedMarkdown> {
        render(markdown: page.body, relativePath: page.relativePath, displayPath: page.displayPath,
               lineOffset: page.bodyLineOffset, context: context, html: html)
    }

    func render(markdown: String, relativePath: String, displayPath: String, lineOffset: Int,
                context: DirectiveContext, html wantsHTML: Bool = true) -> Staged<RenderedMarkdown> {
        _ = Self.registerExtensions
        let options = self.options
        let memory = allocator.memory
        // Every node of the tree, ours too, comes from `memory` (cmark-gfm frees a tree with its root's allocator).
        // Declared first, so it runs last: after the tree, the detached nodes and the parser are freed.
        let arenaMark = allocator == .arena ? lathund_arena_position() : nil
        defer { if let arenaMark { lathund_arena_release(arenaMark) } }
        guard let parser = cmark_parser_new_with_mem(options, memory) else { fatalError("cmark_parser_new failed") }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var markdown = markdown
        markdown.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let document = Self.inlineParsingLock.withLock({ cmark_parser_finish(parser) }) else {
            fatalError("cmark_parser_finish failed")
        }
        defer { cmark_node_free(document) }

        var walk = TreeWalk(displayPath: displayPath, lineOffset: lineOffset, markdown: markdown)
        walk.run(document)
        let leadHeadingCount = Self.leadHeadingCount(walk.headings.map(\.level),
                                                     startsWithHeading: walk.firstBlockIsLevel2Heading)

        var detached: [OpaquePointer] = []
        defer { detached.forEach { cmark_node_free($0) } }
        let headings = Self.replaceHeadings(walk.headings, memory: memory, detached: &detached)
        var links: [LinkReference] = []
        for found in walk.links {
            let (target, href) = context.links.resolve(found.destination, from: relativePath)
            if let href { cmark_node_set_url(found.node, href) }
            links.append(LinkReference(destination: found.destination, target: target, isImage: found.isImage,
                                       location: found.location))
        }
        let directiveDiagnostics = replaceDirectives(walk.fences, context: context, memory: memory, links: &links,
                                                     detached: &detached)
        Self.wrapTables(walk.tables, memory: memory)

        var html: [UInt8] = []
        if wantsHTML {
            guard let rendered = cmark_render_html_with_mem(document, options, cmark_parser_get_syntax_extensions(parser),
                                                            memory) else {
                fatalError("cmark_render_html failed")
            }
            html = Self.localize(UnsafeBufferPointer(start: UnsafeRawPointer(rendered).assumingMemoryBound(to: UInt8.self),
                                                     count: strlen(rendered)))
            memory.pointee.free(rendered)
        }
        return Staged(RenderedMarkdown(htmlBytes: html, headings: headings, links: links, plainBytes: walk.plainBytes,
                                       firstParagraph: walk.firstParagraph ?? "", leadHeadingCount: leadHeadingCount),
                      directiveDiagnostics)
    }

    /// Each heading becomes a block with its id (unique in the page); the headings' nodes are moved to `detached`.
    private static func replaceHeadings(_ foundHeadings: [TreeWalk.FoundHeading], memory: UnsafeMutablePointer<cmark_mem>,
                                        detached: inout [OpaquePointer]) -> [Heading] {
        var headings: [Heading] = []
        headings.reserveCapacity(foundHeadings.count)
        var usedIds = UsedIds()
        var openingTag: [UInt8] = []
        for found in foundHeadings {
            let id = uniqueId(Slug.make(found.text), used: &usedIds)
            headings.append(Heading(level: found.level, text: found.text, id: id, location: found.location))
            guard let block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, memory) else { continue }
            // `<hN id="ID">` and `</hN>` made as C strings (cmark copies them); cmark's levels are 1–6.
            let level = UInt8(min(max(found.level, 1), 6))
            openingTag.removeAll(keepingCapacity: true)
            openingTag.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: "h"), UInt8(ascii: "0") + level])
            openingTag.append(contentsOf: " id=\"".utf8)
            openingTag.append(contentsOf: id.utf8)
            openingTag.append(contentsOf: "\">\0".utf8)
            _ = openingTag.withUnsafeBufferPointer { tag in
                tag.withMemoryRebound(to: CChar.self) { cmark_node_set_on_enter(block, $0.baseAddress) }
            }
            _ = closingTag(level).withUTF8Buffer { tag in
                tag.withMemoryRebound(to: CChar.self) { cmark_node_set_on_exit(block, $0.baseAddress) }
            }
            while let child = cmark_node_first_child(found.node) { cmark_node_append_child(block, child) }
            cmark_node_insert_before(found.node, block)
            cmark_node_unlink(found.node)
            detached.append(found.node)
        }
        return headings
    }

    /// `</hN>`, with a terminating zero written out (a `String` passed as a C string is first copied into a new
    /// array).
    private static func closingTag(_ level: UInt8) -> StaticString {
        switch level {
        case 1: return "</h1>\0"
        case 2: return "</h2>\0"
        case 3: return "</h3>\0"
        case 4: return "</h4>\0"
        case 5: return "</h5>\0"
        default: return "</h6>\0"
        }
    }

    /// Each fenced block a directive is registered for becomes the directive's HTML; its links are added to
    /// `links`, and its diagnostics returned. The blocks' nodes are moved to `detached`.
    private func replaceDirectives(_ fences: [TreeWalk.FoundFence], context: DirectiveContext,
                                   memory: UnsafeMutablePointer<cmark_mem>, links: inout [LinkReference],
                                   detached: inout [OpaquePointer]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for found in fences {
            guard let directive = directives.directive(named: found.name) else { continue }
            let block = DirectiveBlock(name: found.name, arguments: found.arguments, body: found.body,
                                       location: found.location)
            let output = directive.render(block, context: context)
            diagnostics += output.diagnostics
            links += output.links
            guard let replacement = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, memory) else { continue }
            cmark_node_set_on_enter(replacement, output.html)
            cmark_node_set_on_exit(replacement, "")
            cmark_node_insert_before(found.node, replacement)
            cmark_node_unlink(found.node)
            detached.append(found.node)
        }
        return diagnostics
    }

    /// Tables scroll sideways in a focusable region of their own, so a wide one never widens the page.
    private static func wrapTables(_ tables: [OpaquePointer], memory: UnsafeMutablePointer<cmark_mem>) {
        for table in tables {
            guard let region = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, memory) else { continue }
            cmark_node_set_on_enter(region, tableRegionStart)
            cmark_node_set_on_exit(region, "</div>")
            cmark_node_insert_before(table, region)
            cmark_node_append_child(region, table)
        }
    }

    /// The wrapper of every Markdown table (the stylesheet keeps its first column in view while it scrolls).
    static let tableRegionStart = "<div class=\"table-scroll\" role=\"region\" aria-label=\"Tabell\" tabindex=\"0\">"

    /// The number of headings (levels in document order) before the level-2 heading that ends the opening.
    static func leadHeadingCount(_ levels: [Int], startsWithHeading: Bool) -> Int {
        let level2 = levels.indices.filter { levels[$0] == 2 }
        let end = startsWithHeading ? level2.dropFirst().first : level2.first
        return end ?? levels.count
    }

    /// `base` (or `rubrik` for an empty one), else the first of `base-2`, `base-3`, … not in `used`; added to `used`.
    static func uniqueId(_ base: String, used: inout UsedIds) -> String {
        let stem = base.isEmpty ? "rubrik" : base
        var candidate = stem
        var counter = 2
        while used.contains(candidate) {
            candidate = "\(stem)-\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// The ids given so far in a page (or the glossary). A page has a few headings: they are compared one by one,
    /// which is cheaper than hashing each id twice; past `listLimit` ids they go into a set.
    struct UsedIds {
        private var list: [String] = []
        private var set: Set<String> = []
        static let listLimit = 16

        func contains(_ id: String) -> Bool {
            list.count < Self.listLimit ? list.contains(id) : set.contains(id)
        }

        mutating func insert(_ id: String) {
            if list.count < Self.listLimit {
                list.append(id)
                if list.count == Self.listLimit { set = Set(list) }
            } else {
                set.insert(id)
            }
        }
    }

    /// cmark-gfm writes English labels and alignment as style attributes (blocked by a strict CSP); swap both.
    /// Each pattern is found with memmem; the bytes between are copied as they are.
    static let replacements: [(from: String, to: [UInt8])] = [
        ("aria-label=\"Back to content\"", "aria-label=\"Tillbaka till texten\""),
        (" style=\"text-align: left\"", " class=\"align-left\""),
        (" style=\"text-align: center\"", " class=\"align-center\""),
        (" style=\"text-align: right\"", " class=\"align-right\""),
    ].map { ($0.0, Array($0.1.utf8)) }

    /// cmark-gfm's HTML is valid UTF-8 (its input is a Swift string, and it is run with `CMARK_OPT_VALIDATE_UTF8`;
    /// every string put into its tree is a Swift string too), so the bytes are kept as they are.
    static func localize(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        let count = bytes.count
        /// The next position of each pattern at or after `from` (count when there is none).
        func find(_ pattern: String, from: Int) -> Int {
            let offset = lathund_find_bytes(base + from, count - from, pattern, pattern.utf8.count)
            return offset < 0 ? count : from + offset
        }
        var next = replacements.map { find($0.from, from: 0) }
        guard next.contains(where: { $0 < count }) else { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(count + 256)
        var position = 0
        while let first = next.indices.min(by: { next[$0] < next[$1] }), next[first] < count {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<next[first]]))
            output.append(contentsOf: replacements[first].to)
            position = next[first] + replacements[first].from.utf8.count
            for pattern in next.indices where next[pattern] < position {
                next[pattern] = find(replacements[pattern].from, from: position)
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position...]))
        return output
    }
}

/// One pass over the cmark tree that collects headings, links, directive candidates and plain text.
/// The tree is changed only after the walk.
private struct TreeWalk {
    struct FoundHeading { let node: OpaquePointer; let level: Int; let text: String; let location: SourceLocation }
    struct FoundLink { let node: OpaquePointer; let destination: String; let isImage: Bool; let location: SourceLocation }
    struct FoundFence { let node: OpaquePointer; let name: String; let arguments: String; let body: String; let location: SourceLocation }

    let displayPath: String
    let lineOffset: Int
    /// The Markdown, to turn cmark's byte columns into character columns (read through `withUTF8`: no copy).
    var markdown: String
    var lineStarts: [Int] = []
    var lastColumn: (line: Int, byteOffset: Int, characters: Int)?
    var headings: [FoundHeading] = []
    var links: [FoundLink] = []
    var fences: [FoundFence] = []
    /// The plain text as UTF-8 bytes: each text node's literal is appended as cmark holds it (no `String` per
    /// node, and none of the whole).
    var plainBytes: [UInt8] = []
    var firstParagraph: String?
    /// GFM table nodes, to wrap in a scroll region.
    var tables: [OpaquePointer] = []
    /// Whether the document's first block is a level-2 heading.
    var firstBlockIsLevel2Heading = false

    init(displayPath: String, lineOffset: Int, markdown: String) {
        self.displayPath = displayPath
        self.lineOffset = lineOffset
        self.markdown = markdown
        plainBytes.reserveCapacity(markdown.utf8.count)
    }

    /// A node's literal (text, code) as cmark holds it, NUL-terminated; empty for none.
    static func literal(_ node: OpaquePointer) -> UnsafeBufferPointer<UInt8> {
        guard let literal = cmark_node_get_literal(node) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: UnsafeRawPointer(literal).assumingMemoryBound(to: UInt8.self), count: strlen(literal))
    }

    mutating func run(_ document: OpaquePointer) {
        if let first = cmark_node_first_child(document) {
            firstBlockIsLevel2Heading = cmark_node_get_type(first) == CMARK_NODE_HEADING && cmark_node_get_heading_level(first) == 2
        }
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        var headingText: [UInt8]?
        var paragraphText: [UInt8]?
        var blockLine = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_EXIT {
                switch type {
                case CMARK_NODE_HEADING:
                    let text = String(decoding: headingText ?? [], as: UTF8.self).trimmingWhitespace()
                    headings.append(FoundHeading(node: node, level: Int(cmark_node_get_heading_level(node)), text: text,
                                                 location: location(node)))
                    headingText = nil
                    plainBytes.append(0x0A)
                case CMARK_NODE_PARAGRAPH:
                    if firstParagraph == nil, let paragraphText { firstParagraph = String(decoding: paragraphText, as: UTF8.self) }
                    paragraphText = nil
                    plainBytes.append(0x0A)
                case CMARK_NODE_ITEM, CMARK_NODE_BLOCK_QUOTE:
                    plainBytes.append(0x0A)
                default:
                    // Extension node types are numbered at registration and not in the headers: compare names.
                    if let name = cmark_node_get_type_string(node) {
                        if strcmp(name, "table_cell") == 0 { plainBytes.append(0x20) } else if strcmp(name, "table") == 0 { tables.append(node) }
                    }
                }
                continue
            }
            let line = Int(cmark_node_get_start_line(node))
            if line > 0, type.rawValue & 0xC000 == 0x8000 {  // a block node
                blockLine = line
            }
            switch type {
            case CMARK_NODE_HEADING:
                headingText = []
            case CMARK_NODE_PARAGRAPH:
                if firstParagraph == nil { paragraphText = [] }
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                let literal = Self.literal(node)
                plainBytes.append(contentsOf: literal)
                headingText?.append(contentsOf: literal)
                paragraphText?.append(contentsOf: literal)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                plainBytes.append(0x20)
                headingText?.append(0x20)
                paragraphText?.append(0x20)
            case CMARK_NODE_CODE_BLOCK:
                let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                let words = info.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                if let name = words.first {
                    fences.append(FoundFence(node: node, name: String(name),
                                             arguments: words.count > 1 ? String(words[1]) : "", body: literal,
                                             location: location(node)))
                }
                plainBytes.append(contentsOf: literal.utf8)
                plainBytes.append(0x0A)
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                var nodeLocation = location(node)
                if nodeLocation.line == lineOffset {  // autolinks have no position: use the enclosing block's
                    nodeLocation = SourceLocation(file: displayPath, line: blockLine + lineOffset, column: 0)
                }
                links.append(FoundLink(node: node, destination: url, isImage: type == CMARK_NODE_IMAGE,
                                       location: nodeLocation))
            default:
                break
            }
        }
    }

    mutating func location(_ node: OpaquePointer) -> SourceLocation {
        let line = Int(cmark_node_get_start_line(node))
        let byteColumn = Int(cmark_node_get_start_column(node))
        return SourceLocation(file: displayPath, line: line + lineOffset,
                              column: line > 0 ? characterColumn(line: line, byteColumn: byteColumn) : 0)
    }

    /// cmark counts columns in bytes; diagnostics count characters, as the YAML ones do.
    mutating func characterColumn(line: Int, byteColumn: Int) -> Int {
        var markdown = markdown
        return markdown.withUTF8 { characterColumn(line: line, byteColumn: byteColumn, markdown: $0) }
    }

    private mutating func characterColumn(line: Int, byteColumn: Int, markdown: UnsafeBufferPointer<UInt8>) -> Int {
        if lineStarts.isEmpty {
            lineStarts.append(0)
            // Each line break found by memchr, not byte by byte in Swift (0,9 % of a build: every page with a link or
            // heading has a location).
            if let base = markdown.baseAddress {
                var offset = 0
                while offset < markdown.count, let found = memchr(base + offset, 0x0A, markdown.count - offset) {
                    offset = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
                    lineStarts.append(offset)
                }
            }
        }
        guard byteColumn > 1, line - 1 < lineStarts.count else { return byteColumn }
        // Nodes come in document order: count on from the last position on the same line, so a line with many
        // links is not counted again for each (that was quadratic: 20 000 links on one line took minutes).
        let start = lineStarts[line - 1]
        let end = min(start + byteColumn - 1, markdown.count)
        var from = start
        var characters = 0
        if let last = lastColumn, last.line == line, last.byteOffset <= end {
            from = last.byteOffset
            characters = last.characters
        }
        for index in from..<end where markdown[index] & 0xC0 != 0x80 { characters += 1 }
        lastColumn = (line, end, characters)
        return characters + 1
    }
}
