import Foundation

/// The site's structure, built from every page: sections and their children, breadcrumbs, previous/next and
/// backlinks. Two files that would write the same output file are found here (`duplicate-url`).
struct SiteIndex: Sendable {
    private(set) var pages: [ParsedPage]
    private(set) var generated: [GeneratedPage]
    let indexByURL: [String: Int]
    /// Indexes into `pages` of each page's children, ordered by weight, then title.
    let children: [Int: [Int]]
    let parent: [Int: Int]
    let previous: [Int: Int]
    let next: [Int: Int]
    /// Pages that link to each page, in list order (`LinkCheck`, in the Indexes stage).
    var backlinks: [Int: [Int]]
    /// The order of pages in lists (children, backlinks).
    private(set) var listOrder: ListOrder

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
        fileprivate(set) var pages: [ParsedPage]

        init(_ pages: [ParsedPage]) {
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

    /// The index of `pages` and `generated` with every page that claims an output path another file of the site
    /// (page, generated page or content file) already has left out, with a `duplicate-url` error.
    /// `memory`: the last build's index, in a process that builds again (`lathund serve`): when every page's
    /// path, URL, kind, weight and title, the generated pages' and the files' paths are the last build's
    /// (`Shape`), its structure is taken and only the pages are put in.
    /// `members`: `members(pages:generated:assets:)` of the same values, when the caller has made it already.
    static func build(pages inputPages: [ParsedPage], generated: [GeneratedPage], assets: [Asset],
                      memory: IndexMemory? = nil, members: Members? = nil) -> Staged<SiteIndex> {
        let shape = memory.map { _ in Shape(pages: inputPages, generated: generated, assets: assets) }
        if let shape, let kept = memory?.site(shape) {
            var index = kept.index
            index.pages = kept.pages.map { inputPages[$0] }
            index.listOrder.pages = index.pages
            index.generated = kept.generated.map { generated[$0] }
            return Staged(index, kept.diagnostics)
        }
        let members = members ?? Self.members(pages: inputPages, generated: generated, assets: assets)
        let index = SiteIndex(pages: members.pages.map { inputPages[$0] }, generated: members.generated.map { generated[$0] })
        if let shape {
            memory?.keep(site: IndexMemory.Site(shape: shape, index: index, pages: members.pages, generated: members.generated,
                                                diagnostics: members.diagnostics))
        }
        return Staged(index, members.diagnostics)
    }

    /// Which pages and generated pages the index has (`build`): positions in `pages`, in URL order, and in
    /// `generated`, in order, with a `duplicate-url` error for each file that claims an output path another file
    /// of the site already has. The Indexes stage makes it first, so that it knows the search index's documents
    /// before the index is made.
    struct Members: Sendable {
        let pages: [Int]
        let generated: [Int]
        let diagnostics: [Diagnostic]
    }

    static func members(pages inputPages: [ParsedPage], generated: [GeneratedPage], assets: [Asset]) -> Members {
        var diagnostics: [Diagnostic] = []
        // Claimed output paths, to find two files that would write the same file.
        var claimed: [String: String] = [:]
        claimed.reserveCapacity(inputPages.count + generated.count + assets.count)
        func claim(_ outputPath: String, by owner: String, at location: SourceLocation) -> Bool {
            if let other = claimed[outputPath] {
                diagnostics.append(.error(location, .duplicateUrl,
                                          "\(owner) and \(other) both produce /\(outputPath)"))
                return false
            }
            claimed[outputPath] = owner
            return true
        }
        // Positions in `inputPages`: in path order for the claims, then in URL order (URLs are unique once
        // output paths are).
        var positions: [Int] = []
        for position in inputPages.indices.sorted(by: { inputPages[$0].page.relativePath < inputPages[$1].page.relativePath })
        where claim(inputPages[position].page.outputPath, by: inputPages[position].page.displayPath,
                    at: SourceLocation(file: inputPages[position].page.displayPath)) {
            positions.append(position)
        }
        positions.sort { inputPages[$0].url < inputPages[$1].url }
        var kept: [Int] = []
        for (position, page) in generated.enumerated() where claim(page.outputPath, by: "the generated page \(page.url)",
                                                                   at: SourceLocation(file: page.url)) {
            kept.append(position)
        }
        for asset in assets {
            _ = claim(asset.relativePath, by: asset.displayPath, at: SourceLocation(file: asset.displayPath))
        }
        return Members(pages: positions, generated: kept, diagnostics: diagnostics)
    }

    /// What the structure is made of, for `IndexMemory`: each page's path, URL, kind, weight and title in the
    /// order given, and the output paths and URLs of the generated pages and the content's files.
    struct Shape: Equatable, Sendable {
        struct Page: Equatable, Sendable {
            let relativePath: String
            let displayPath: String
            let url: String
            let kind: PageKind
            let weight: Int?
            let title: String
        }
        let pages: [Page]
        let generated: [String]
        let assets: [String]

        init(pages: [ParsedPage], generated: [GeneratedPage], assets: [Asset]) {
            self.pages = pages.map {
                Page(relativePath: $0.page.relativePath, displayPath: $0.page.displayPath, url: $0.url, kind: $0.page.kind,
                     weight: $0.page.frontMatter.weight, title: $0.title)
            }
            self.generated = generated.flatMap { [$0.outputPath, $0.url] }
            self.assets = assets.flatMap { [$0.relativePath, $0.displayPath] }
        }
    }

    /// The structure of pages that each have an output path of their own.
    /// `pages` are in URL order.
    private init(pages: [ParsedPage], generated kept: [GeneratedPage]) {
        var indexByURL: [String: Int] = [:]
        indexByURL.reserveCapacity(pages.count)
        for (index, page) in pages.enumerated() { indexByURL[page.url] = index }

        var children: [Int: [Int]] = [:]
        var parent: [Int: Int] = [:]
        parent.reserveCapacity(pages.count)
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
        previous.reserveCapacity(pages.count)
        next.reserveCapacity(pages.count)
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

        self.pages = pages
        self.generated = kept
        self.indexByURL = indexByURL
        self.children = children
        self.parent = parent
        self.previous = previous
        self.next = next
        backlinks = [:]
        listOrder = order
    }

    /// The same structure with the page at `position` made again from the same front matter (`DirectRebuild`): its
    /// title, URL, kind and weight, and so the structure, are the same.
    mutating func replacePage(_ position: Int, with page: ParsedPage) {
        pages[position] = page
        listOrder.pages[position] = page
    }

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
