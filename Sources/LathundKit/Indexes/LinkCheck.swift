import Foundation

/// Checks every internal link and `#anchor` of every page against the whole site (`broken-link`,
/// `broken-anchor`) and collects each page's backlinks, in list order.
struct LinkCheck {
    let index: SiteIndex
    /// The content's other files, which links may point to.
    let assets: [Asset]
    /// The last build's results, in a process that builds again (`lathund serve`): when the site's structure is
    /// the last build's (`IndexMemory.site`) and so is every page's headings, a page whose links are the same
    /// finds the same, and only the backlinks of what the other pages link to are made again.
    var memory: IndexMemory? = nil

    /// Files the engine writes that content may link to.
    static let siteFiles: Set<String> = ["/sitemap.xml", "/feed.xml", "/robots.txt", "/404.html"]

    /// What one page's links found: its diagnostics and the pages it links to (by position, itself left out).
    struct Found: Sendable {
        let links: [LinkReference]
        let diagnostics: [Diagnostic]
        let targets: Set<Int>
    }

    /// The last build's results, with what they were found against.
    struct Kept: Sendable {
        var headings: [[Heading]]
        var found: [Found]
        let backlinks: [Int: Set<Int>]
        let sorted: [Int: [Int]]
    }

    /// The backlinks of each page, by its position in `index.pages`.
    func run() -> Staged<[Int: [Int]]> {
        let pages = index.pages
        let headings = memory == nil ? [] : pages.map(\.headings)
        // The last build's, if it was made against the same pages: the same positions (the structure was
        // taken) and the same headings (anchors).
        let kept = memory?.links().flatMap { kept in
            memory?.siteWasTaken == true && kept.headings == headings ? kept : nil
        }
        let generatedURLs = Set(index.generated.map(\.url))
        let assetURLs = Set(assets.map(\.url))
        var found: [Found] = []
        found.reserveCapacity(pages.count)
        var changed: [Int] = []
        for (position, page) in pages.enumerated() {
            if let kept, Self.same(kept.found[position].links, page.links) {
                found.append(kept.found[position])
            } else {
                found.append(check(position, generatedURLs: generatedURLs, assetURLs: assetURLs))
                changed.append(position)
            }
        }
        let order = index.listOrder
        var backlinkSets: [Int: Set<Int>]
        var backlinks: [Int: [Int]]
        if let kept {
            backlinkSets = kept.backlinks
            backlinks = kept.sorted
            var touched = Set<Int>()
            for position in changed {
                for target in kept.found[position].targets {
                    backlinkSets[target]?.remove(position)
                    touched.insert(target)
                }
                for target in found[position].targets {
                    backlinkSets[target, default: []].insert(position)
                    touched.insert(target)
                }
            }
            for target in touched {
                if let sources = backlinkSets[target], !sources.isEmpty {
                    backlinks[target] = sources.sorted(by: order.areInIncreasingOrder)
                } else {
                    backlinkSets[target] = nil
                    backlinks[target] = nil
                }
            }
        } else {
            backlinkSets = [:]
            for (position, page) in found.enumerated() {
                for target in page.targets { backlinkSets[target, default: []].insert(position) }
            }
            backlinks = [:]
            for (target, sources) in backlinkSets { backlinks[target] = sources.sorted(by: order.areInIncreasingOrder) }
        }
        if memory != nil {
            memory?.keep(links: Kept(headings: headings, found: found, backlinks: backlinkSets, sorted: backlinks))
        }
        return Staged(backlinks, found.flatMap(\.diagnostics))
    }

    /// The same links: the same array (a page the Markdown stage did not do again), or equal ones.
    static func same(_ a: [LinkReference], _ b: [LinkReference]) -> Bool {
        let identical = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count }
        }
        return identical || (a.count == b.count && zip(a, b).allSatisfy {
            $0.destination == $1.destination && $0.target == $1.target && $0.isImage == $1.isImage && $0.location == $1.location
        })
    }

    /// Checks the links of the page at `position`.
    func check(_ position: Int, generatedURLs: Set<String>, assetURLs: Set<String>) -> Found {
        let page = index.pages[position]
        var diagnostics: [Diagnostic] = []
        var targets = Set<Int>()
        for link in page.links {
            let what = link.isImage ? "image" : "link"
            func checkAnchor(_ fragment: String?, on url: String) {
                guard let fragment, !fragment.isEmpty, let target = index.indexByURL[url] else { return }
                let headings = index.pages[target].headings
                let decoded = fragment.removingPercentEncoding ?? fragment
                if !headings.contains(where: { $0.id == decoded }), !decoded.hasPrefix("fn") {
                    diagnostics.append(.warning(link.location, .brokenAnchor,
                                                "\(what) '\(link.destination)': no heading with id '#\(decoded)' on \(url)\(DidYouMean.hint(for: decoded, among: Set(headings.map(\.id))))"))
                }
            }
            switch link.target {
            case .page(let url, let fragment):
                checkAnchor(fragment, on: url)
                if let target = index.indexByURL[url], target != position { targets.insert(target) }
            case .samePage(let fragment):
                checkAnchor(fragment, on: page.url)
            case .siteURL(let path, let fragment):
                let asPage = path.hasSuffix("/") ? path : (path.hasSuffix("index.html") ? String(path.dropLast(10)) : path + "/")
                if index.indexByURL[asPage] != nil || generatedURLs.contains(asPage) {
                    checkAnchor(fragment, on: asPage)
                    if let target = index.indexByURL[asPage], target != position { targets.insert(target) }
                } else if !assetURLs.contains(path) && !Self.siteFiles.contains(path) {
                    diagnostics.append(.warning(link.location, .brokenLink,
                                                "\(what) '\(link.destination)' points to no page or file of this site"))
                }
            case .missing(let path):
                let suggestion = DidYouMean.hint(for: path, among: index.pages.map { $0.page.relativePath })
                diagnostics.append(.warning(link.location, .brokenLink,
                                            "\(what) '\(link.destination)' names no page or file in content/\(suggestion)"))
            case .unsafe:
                diagnostics.append(.error(link.location, .unsafeLink,
                                          "\(what) '\(LinkSafety.shown(link.destination))' has a backslash or a control character; browsers read '/\\host' as another site"))
            case .asset, .external:
                break
            }
        }
        return Found(links: page.links, diagnostics: diagnostics, targets: targets)
    }
}
