import Foundation

/// A page after the Markdown stage: what the whole-site views need. The HTML and plain text are not kept here
/// (they would make memory grow with the content); the Output stage reads them from `MarkdownSpool`.
/// A class: the whole-site views pass 10 000 pages from stage to stage, and copying a struct of this many
/// fields retained each of them (a tenth of a one-page rebuild in `lathund serve`).
final class ParsedPage: Sendable {
    let page: Page
    let headings: [Heading]
    /// How many of `headings` are in the page's opening, before its table of contents (`ContentLead`).
    let leadHeadingCount: Int
    let links: [LinkReference]
    /// Words of the plain text: runs between ASCII white space (counted with the readability, in one pass).
    let wordCount: Int
    /// The start of the plain text, for the FAQ's structured data; empty for pages that are not FAQ entries.
    let answer: String
    /// Words, sentences and long words of the plain text, for the readability check.
    let readability: Readability

    /// The description, or the start of the first paragraph (made once: lists show it on many pages).
    let summary: String

    var title: String { page.frontMatter.title }
    var url: String { page.url }

    init(page: Page, markdown: RenderedMarkdown) {
        self.page = page
        headings = markdown.headings
        leadHeadingCount = markdown.leadHeadingCount
        links = markdown.links
        if let description = page.frontMatter.description, !description.isEmpty {
            summary = description
        } else {
            summary = Summary.shorten(markdown.firstParagraph, limit: 200)
        }
        (readability, wordCount) = Readability.measure(bytes: markdown.plainBytes)
        answer = page.frontMatter.faq == nil ? "" : Summary.shorten(markdown.plainText, limit: 600)
    }

    /// Every field as given: a page read back from the page store.
    init(page: Page, headings: [Heading], leadHeadingCount: Int, links: [LinkReference], wordCount: Int,
         answer: String, readability: Readability, summary: String) {
        self.page = page
        self.headings = headings
        self.leadHeadingCount = leadHeadingCount
        self.links = links
        self.wordCount = wordCount
        self.answer = answer
        self.readability = readability
        self.summary = summary
    }

    /// The search index's document for this page, from the plain text of its rendered Markdown; `url` is the
    /// page's address as the site links it. The home page is found by its title and description only: its text
    /// points to other pages, which answer better.
    func searchDocument(plainText: String, url: String) -> SearchIndex.Document {
        searchDocument(plainTextIfWanted: page.kind == .home ? "" : plainText, url: url)
    }

    /// The search analysis of this page, from the plain text of its rendered Markdown as UTF-8 bytes (as
    /// `searchDocument` gives it to `SearchIndex.analyse`).
    func searchAnalysis(plainBytes: [UInt8], url: String) -> SearchIndex.Analysis {
        SearchIndex.analyse(searchDocument(plainTextIfWanted: "", url: url), body: page.kind == .home ? [] : plainBytes)
    }

    private func searchDocument(plainTextIfWanted plainText: String, url: String) -> SearchIndex.Document {
        let home = page.kind == .home
        return SearchIndex.Document(url: url, title: title, section: page.section, description: summary,
                                    headings: home ? [] : headings.map(\.text),
                                    question: page.frontMatter.faq?.question, body: plainText,
                                    kind: page.kind == .page ? .page : .list)
    }

}

enum Summary {
    static func shorten(_ text: String, limit: Int) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        let cut = collapsed.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return cut[..<end].trimmingCharacters(in: .punctuationCharacters) + " …"
    }
}
