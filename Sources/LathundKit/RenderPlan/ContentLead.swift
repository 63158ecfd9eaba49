import CLathundSystem

/// A page's HTML in two parts, so a layout can show the opening before the table of contents: `lead` is the
/// text before the first level-2 heading and, when the page starts with a level-2 heading (a summary such as
/// "Det viktigaste"), that first section too; `rest` is the content from the next level-2 heading on, which is
/// what the table of contents lists (`RenderedMarkdown.leadHeadingCount`).
struct ContentLead {
    let lead: ArraySlice<UInt8>
    let rest: ArraySlice<UInt8>

    /// Splits the HTML's UTF-8 bytes at the heading that ends the lead, `headings[leadHeadingCount]`, written by
    /// the Markdown stage as `<h2 id="ID">` (ids are unique on a page; abbreviations are never marked inside
    /// headings). The tag is found byte for byte (`lathund_find_bytes`; Foundation's `range(of:)` compared Unicode
    /// characters, 3,6 % of a 10 000-page build).
    init(html: [UInt8], headings: [Heading], leadHeadingCount: Int) {
        guard leadHeadingCount < headings.count,
              let start = Self.offset(of: "<h\(headings[leadHeadingCount].level) id=\"\(headings[leadHeadingCount].id)\">",
                                      in: html)
        else {
            lead = html[...]
            rest = []
            return
        }
        lead = html[..<start]
        rest = html[start...]
    }

    /// The byte offset of the first `needle` in `bytes`.
    static func offset(of needle: String, in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { haystack in
            guard let base = haystack.baseAddress else { return nil }
            let offset = lathund_find_bytes(base, haystack.count, needle, needle.utf8.count)
            return offset < 0 ? nil : offset
        }
    }
}
