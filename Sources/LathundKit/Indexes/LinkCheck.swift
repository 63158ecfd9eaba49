import Foundation

/// Checks every internal link and `#anchor` of every page against the whole site (`broken-link`,
/// `broken-anchor`) and collects each page's backlinks, in list order.
struct LinkCheck {
    let index: SiteIndex
    /// The content's other files, which links may point to.
    let assets: [Asset]

    /// Files the engine writes that content may link to.
    static let siteFiles: Set<String> = ["/sitemap.xml", "/feed.xml", "/robots.txt", "/404.html"]

    /// The backlinks of each page, by its position in `index.pages`.
    func run() -> Staged<[Int: [Int]]> {
        let pages = index.pages
        let indexByURL = index.indexByURL
        var diagnostics: [Diagnostic] = []
        var idsByURL: [String: Set<String>] = [:]
        for page in pages { idsByURL[page.url] = Set(page.headings.map(\.id)) }
        var knownURLs = Set(indexByURL.keys)
        for page in index.generated { knownURLs.insert(page.url) }
        let assetURLs = Set(assets.map(\.url))
        var backlinkSets: [Int: Set<Int>] = [:]
        for (position, page) in pages.enumerated() {
            for link in page.links {
                let what = link.isImage ? "image" : "link"
                func checkAnchor(_ fragment: String?, on url: String) {
                    guard let fragment, !fragment.isEmpty, let ids = idsByURL[url] else { return }
                    let decoded = fragment.removingPercentEncoding ?? fragment
                    if !ids.contains(decoded), !decoded.hasPrefix("fn") {
                        diagnostics.append(.warning(link.location, .brokenAnchor,
                                                    "\(what) '\(link.destination)': no heading with id '#\(decoded)' on \(url)\(DidYouMean.hint(for: decoded, among: ids))"))
                    }
                }
                switch link.target {
                case .page(let url, let fragment):
                    checkAnchor(fragment, on: url)
                    if let target = indexByURL[url], target != position { backlinkSets[target, default: []].insert(position) }
                case .samePage(let fragment):
                    checkAnchor(fragment, on: page.url)
                case .siteURL(let path, let fragment):
                    let asPage = path.hasSuffix("/") ? path : (path.hasSuffix("index.html") ? String(path.dropLast(10)) : path + "/")
                    if knownURLs.contains(asPage) {
                        checkAnchor(fragment, on: asPage)
                        if let target = indexByURL[asPage], target != position { backlinkSets[target, default: []].insert(position) }
                    } else if !assetURLs.contains(path) && !Self.siteFiles.contains(path) {
                        diagnostics.append(.warning(link.location, .brokenLink,
                                                    "\(what) '\(link.destination)' points to no page or file of this site"))
                    }
                case .missing(let path):
                    let suggestion = DidYouMean.hint(for: path, among: pages.map { $0.page.relativePath })
                    diagnostics.append(.warning(link.location, .brokenLink,
                                                "\(what) '\(link.destination)' names no page or file in content/\(suggestion)"))
                case .unsafe:
                    diagnostics.append(.error(link.location, .unsafeLink,
                                              "\(what) '\(LinkSafety.shown(link.destination))' has a backslash or a control character; browsers read '/\\host' as another site"))
                case .asset, .external:
                    break
                }
            }
        }
        let order = index.listOrder
        var backlinks: [Int: [Int]] = [:]
        for (target, sources) in backlinkSets { backlinks[target] = sources.sorted(by: order.areInIncreasingOrder) }
        return Staged(backlinks, diagnostics)
    }
}
