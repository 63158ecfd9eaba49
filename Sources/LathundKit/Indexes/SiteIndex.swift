import Foundation

/// A page after the Markdown stage: what the whole-site views need. The HTML and plain text are not kept
/// (they would make memory grow with the content); the Output stage renders the Markdown again when it writes
/// the page.
public struct RenderedPage: Sendable {
    public let page: Page
    public let headings: [Heading]
    /// How many of `headings` are in the page's opening, before its table of contents (`ContentLead`).
    public let leadHeadingCount: Int
    public let links: [LinkReference]
    /// Words of the plain text.
    public let wordCount: Int
    /// The start of the plain text, for the FAQ's structured data; empty for pages that are not FAQ entries.
    public let answer: String
    /// Words, sentences and long words of the plain text, for the readability check.
    public let readability: Readability

    /// The description, or the start of the first paragraph (made once: lists show it on many pages).
    public let summary: String

    public var title: String { page.frontMatter.title }
    public var url: String { page.url }

    public init(page: Page, markdown: RenderedMarkdown) {
        self.page = page
        headings = markdown.headings
        leadHeadingCount = markdown.leadHeadingCount
        links = markdown.links
        if let description = page.frontMatter.description, !description.isEmpty {
            summary = description
        } else {
            summary = Summary.shorten(markdown.firstParagraph, limit: 200)
        }
        wordCount = Self.wordCount(markdown.plainText)
        answer = page.frontMatter.faq == nil ? "" : Summary.shorten(markdown.plainText, limit: 600)
        readability = Readability(text: markdown.plainText)
    }

    /// The search index's document for this page, from its rendered Markdown; `url` is the page's address as
    /// the site links it.
    func searchDocument(markdown: RenderedMarkdown, url: String) -> SearchIndex.Document {
        SearchIndex.Document(url: url, title: title, section: page.section, description: summary,
                             headings: markdown.headings.map(\.text), question: page.frontMatter.faq?.question,
                             body: markdown.plainText)
    }

    /// Words separated by ASCII white space, counted on bytes.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}

/// A page the engine makes itself (the glossary, the 404 page).
public struct GeneratedPage: Sendable {
    public enum Content: Sendable {
        case glossary([GlossaryTerm])
        case search
        case notFound
        /// `/statistik/`: every dataset with a small chart.
        case statistics([DatasetPage])
        /// One dataset's page.
        case dataset(DatasetPage)
    }

    public let url: String
    public let title: String
    public let description: String
    /// Layouts tried in order.
    public let layouts: [String]
    public let content: Content
    /// Written to this path instead of `url` + `index.html` (the 404 page is `404.html`).
    public let outputPath: String
    /// Listed in the sitemap and menus.
    public let isListed: Bool
    /// The page above this one in the breadcrumbs, below the home page.
    public let parent: (title: String, url: String)?

    public init(url: String, title: String, description: String, layouts: [String], content: Content,
                outputPath: String, isListed: Bool, parent: (title: String, url: String)? = nil) {
        self.url = url
        self.title = title
        self.description = description
        self.layouts = layouts
        self.content = content
        self.outputPath = outputPath
        self.isListed = isListed
        self.parent = parent
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

/// The Indexes stage: whole-site views built from every page. Sections and their children, breadcrumbs,
/// previous/next, backlinks; duplicate URLs and broken links and anchors are found here.
public struct SiteIndex: Sendable {
    public let pages: [RenderedPage]
    public let generated: [GeneratedPage]
    public let indexByURL: [String: Int]
    /// Indexes into `pages` of each page's children, ordered by weight, then title.
    public let children: [Int: [Int]]
    public let parent: [Int: Int]
    public let previous: [Int: Int]
    public let next: [Int: Int]
    public let backlinks: [Int: [Int]]
    public let diagnostics: [Diagnostic]

    static func parentURL(of url: String) -> String? {
        guard url != "/" else { return nil }
        let trimmed = url.dropLast()
        guard let slash = trimmed.lastIndex(of: "/") else { return "/" }
        return String(trimmed[...slash])
    }

    /// Pages in a list: by weight, then by title in Swedish alphabetical order (`SwedishCollation`, as the FAQ
    /// lists), then by URL. The titles' collation keys are made once per page, not once per comparison.
    struct ListOrder {
        let weights: [Int]
        let keys: [[Int]]
        let pages: [RenderedPage]

        init(_ pages: [RenderedPage]) {
            self.pages = pages
            weights = pages.map { $0.page.frontMatter.weight ?? Int.max }
            keys = pages.map { SwedishCollation.key($0.title) }
        }

        func areInIncreasingOrder(_ a: Int, _ b: Int) -> Bool {
            if weights[a] != weights[b] { return weights[a] < weights[b] }
            if keys[a] != keys[b] { return keys[a].lexicographicallyPrecedes(keys[b]) }
            if pages[a].title != pages[b].title { return pages[a].title < pages[b].title }
            return pages[a].url < pages[b].url
        }
    }

    init(pages inputPages: [RenderedPage], generated: [GeneratedPage], assets: [Asset]) {
        var diagnostics: [Diagnostic] = []
        // Claimed output paths, to find two files that would write the same file.
        var claimed: [String: String] = [:]
        func claim(_ outputPath: String, by owner: String, at location: SourceLocation) -> Bool {
            if let other = claimed[outputPath] {
                diagnostics.append(.error(location, code: "duplicate-url",
                                          "\(owner) and \(other) both produce /\(outputPath)"))
                return false
            }
            claimed[outputPath] = owner
            return true
        }
        var pages: [RenderedPage] = []
        for page in inputPages.sorted(by: { $0.page.relativePath < $1.page.relativePath })
        where claim(page.page.outputPath, by: page.page.displayPath, at: SourceLocation(file: page.page.displayPath)) {
            pages.append(page)
        }
        var kept: [GeneratedPage] = []
        for page in generated where claim(page.outputPath, by: "the generated page \(page.url)",
                                          at: SourceLocation(file: page.url)) {
            kept.append(page)
        }
        for asset in assets {
            _ = claim(asset.relativePath, by: asset.displayPath, at: SourceLocation(file: asset.displayPath))
        }
        pages.sort { $0.url < $1.url }
        var indexByURL: [String: Int] = [:]
        for (index, page) in pages.enumerated() { indexByURL[page.url] = index }

        var children: [Int: [Int]] = [:]
        var parent: [Int: Int] = [:]
        for (index, page) in pages.enumerated() {
            var candidate = Self.parentURL(of: page.url)
            while let url = candidate, indexByURL[url] == nil { candidate = Self.parentURL(of: url) }
            if let url = candidate, let parentIndex = indexByURL[url] {
                parent[index] = parentIndex
                children[parentIndex, default: []].append(index)
            }
        }
        var previous: [Int: Int] = [:]
        var next: [Int: Int] = [:]
        let order = ListOrder(pages)
        for (key, list) in children {
            let sorted = list.sorted(by: order.areInIncreasingOrder)
            children[key] = sorted
            let leaves = sorted.filter { pages[$0].page.kind == .page }
            for (position, index) in leaves.enumerated() {
                if position > 0 { previous[index] = leaves[position - 1] }
                if position + 1 < leaves.count { next[index] = leaves[position + 1] }
            }
        }

        // Links: check targets and anchors, collect backlinks.
        var idsByURL: [String: Set<String>] = [:]
        for page in pages { idsByURL[page.url] = Set(page.headings.map(\.id)) }
        var knownURLs = Set(indexByURL.keys)
        for page in kept { knownURLs.insert(page.url) }
        let assetURLs = Set(assets.map(\.url))
        var backlinkSets: [Int: Set<Int>] = [:]
        for (index, page) in pages.enumerated() {
            for link in page.links {
                let what = link.isImage ? "image" : "link"
                func checkAnchor(_ fragment: String?, on url: String) {
                    guard let fragment, !fragment.isEmpty, let ids = idsByURL[url] else { return }
                    let decoded = fragment.removingPercentEncoding ?? fragment
                    if !ids.contains(decoded), !decoded.hasPrefix("fn") {
                        diagnostics.append(.warning(link.location, code: "broken-anchor",
                                                    "\(what) '\(link.destination)': no heading with id '#\(decoded)' on \(url)\(DidYouMean.hint(for: decoded, among: ids))"))
                    }
                }
                switch link.target {
                case .page(let url, let fragment):
                    checkAnchor(fragment, on: url)
                    if let target = indexByURL[url], target != index { backlinkSets[target, default: []].insert(index) }
                case .samePage(let fragment):
                    checkAnchor(fragment, on: page.url)
                case .siteURL(let path, let fragment):
                    let asPage = path.hasSuffix("/") ? path : (path.hasSuffix("index.html") ? String(path.dropLast(10)) : path + "/")
                    if knownURLs.contains(asPage) {
                        checkAnchor(fragment, on: asPage)
                        if let target = indexByURL[asPage], target != index { backlinkSets[target, default: []].insert(index) }
                    } else if !assetURLs.contains(path) && !Self.siteFiles.contains(path) {
                        diagnostics.append(.warning(link.location, code: "broken-link",
                                                    "\(what) '\(link.destination)' points to no page or file of this site"))
                    }
                case .missing(let path):
                    let suggestion = DidYouMean.hint(for: path, among: pages.map { $0.page.relativePath })
                    diagnostics.append(.warning(link.location, code: "broken-link",
                                                "\(what) '\(link.destination)' names no page or file in content/\(suggestion)"))
                case .asset, .external:
                    break
                }
            }
        }
        var backlinks: [Int: [Int]] = [:]
        for (target, sources) in backlinkSets { backlinks[target] = sources.sorted(by: order.areInIncreasingOrder) }

        self.pages = pages
        self.generated = kept
        self.indexByURL = indexByURL
        self.children = children
        self.parent = parent
        self.previous = previous
        self.next = next
        self.backlinks = backlinks
        self.diagnostics = diagnostics
    }

    /// Files the engine writes that content may link to.
    static let siteFiles: Set<String> = ["/sitemap.xml", "/feed.xml", "/robots.txt", "/404.html"]

    /// The chain of ancestors of a page, outermost first.
    func ancestors(of index: Int) -> [Int] {
        var chain: [Int] = []
        var current = parent[index]
        while let value = current {
            chain.insert(value, at: 0)
            current = parent[value]
        }
        return chain
    }
}
