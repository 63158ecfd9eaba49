/// A page's HTML in two parts, so a layout can show the opening before the table of contents: `lead` is the
/// text before the first level-2 heading and, when the page starts with a level-2 heading (a summary such as
/// "Det viktigaste"), that first section too; `rest` is the content from the next level-2 heading on, which is
/// what the table of contents lists (`RenderedMarkdown.leadHeadingCount`).
struct ContentLead {
    let lead: String
    let rest: String

    /// Splits at the heading that ends the lead, `headings[leadHeadingCount]`, written by the Markdown stage as
    /// `<h2 id="ID">` (ids are unique on a page; abbreviations are never marked inside headings).
    init(html: String, headings: [Heading], leadHeadingCount: Int) {
        guard leadHeadingCount < headings.count,
              let start = html.range(of: "<h\(headings[leadHeadingCount].level) id=\"\(headings[leadHeadingCount].id)\">")
        else {
            lead = html
            rest = ""
            return
        }
        lead = String(html[..<start.lowerBound])
        rest = String(html[start.lowerBound...])
    }
}
