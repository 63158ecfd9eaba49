/// The Indexes stage's memory in a process that builds again and again (`lathund serve`, through
/// `IncrementalPageMemory`): the last build's site structure (`SiteIndex`), taken again when its `Shape` is the
/// same, and the link check's results, page by page (`LinkCheck`). Results are the same as without it:
/// `IndexMemoryTests` compare the index, backlinks and diagnostics with ones made anew after each kind of change.
final class IndexMemory: Sendable {
    struct Site: Sendable {
        let shape: SiteIndex.Shape
        let index: SiteIndex
        /// Positions in the build's pages of the index's pages, and of its generated pages.
        let pages: [Int]
        let generated: [Int]
        let diagnostics: [Diagnostic]
    }

    private struct State: Sendable {
        var site: Site?
        var siteWasTaken = false
        var links: LinkCheck.Kept?
    }

    private let state = Locked(State())

    /// The last build's structure if its shape is `shape`; whether it was is `siteWasTaken` until the next call.
    func site(_ shape: SiteIndex.Shape) -> Site? {
        state.withLock { state in
            let site = state.site.flatMap { $0.shape == shape ? $0 : nil }
            state.siteWasTaken = site != nil
            return site
        }
    }

    func keep(site: Site) { state.withLock { $0.site = site } }

    /// This build took the last build's structure: the pages are where they were.
    var siteWasTaken: Bool { state.withLock { $0.siteWasTaken } }

    func links() -> LinkCheck.Kept? { state.withLock { $0.links } }

    func keep(links: LinkCheck.Kept) { state.withLock { $0.links = links } }
}
