/// One change to a page, for `/andringar/` and the reports.
struct PageChange: Sendable, Codable, Equatable {
    /// ÅÅÅÅ-MM-DD.
    var date: String
    var file: String
    var url: String
    var title: String
    /// What changed, for readers: the commit's `Ändring:` trailer, else "Ny sida." for a page the commit added or
    /// "Sidan har uppdaterats."; nil without git history. Never the commit's subject, which is for developers.
    var summary: String?
    /// The commit's subject, for the editors' report; nil without git history, or when it holds an internal label ("Seed").
    var subject: String?
    var commit: String?
}

/// Each page's last change and the site's latest changes, from git (`ChangeHistory`) or, without it, from
/// `updated:` (else `date:`). The same dates go to the page ("Senast ändrad"), the sitemap, the feed,
/// `/andringar/` and the reports.
struct ChangeLog: Sendable {
    static let url = "/andringar/"
    static let limit = 30
    /// The line for a change whose commit has no `Ändring:` trailer.
    static let newPage = "Ny sida."
    static let updatedPage = "Sidan har uppdaterats."

    /// By position in `SiteIndex.pages`.
    let changed: [Day?]
    /// Newest first, at most `limit`: one entry per page a commit touched.
    let latest: [PageChange]

    init(index: SiteIndex, history: ChangeHistory?, limit: Int = ChangeLog.limit) {
        let pages = index.pages
        let changed = pages.map { page in
            history?.lastChanged[page.page.relativePath] ?? page.page.frontMatter.updated ?? page.page.frontMatter.date
        }
        self.changed = changed
        func entry(_ position: Int, day: Day, commit: ChangeHistory.Commit?) -> PageChange {
            let page = pages[position]
            func shown(_ text: String?) -> String? { text.flatMap { InternalLabels.contains($0) || $0.isEmpty ? nil : $0 } }
            let summary = commit.map { commit in
                shown(commit.note) ?? (commit.added.contains(page.page.relativePath) ? Self.newPage : Self.updatedPage)
            }
            return PageChange(date: day.description, file: page.page.displayPath, url: page.url, title: page.title,
                              summary: summary, subject: shown(commit?.subject), commit: commit?.hash)
        }
        var latest: [PageChange] = []
        if let history {
            var positions: [String: Int] = [:]
            for (position, page) in pages.enumerated() { positions[page.page.relativePath] = position }
            commits: for commit in history.commits {
                for file in commit.files {
                    guard let position = positions[file] else { continue }
                    guard latest.count < limit else { break commits }
                    latest.append(entry(position, day: commit.day, commit: commit))
                }
            }
        } else {
            let dated = pages.indices.compactMap { position in changed[position].map { (position, $0) } }
            latest = dated.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : pages[$0.0].url < pages[$1.0].url }
                .prefix(limit).map { entry($0.0, day: $0.1, commit: nil) }
        }
        self.latest = latest
    }

    /// `/andringar/`, generated like the glossary; its list comes from the layout context.
    static var page: GeneratedPage {
        GeneratedPage(url: url, title: "Senaste ändringar",
                      description: "De senaste ändringarna av sidorna: när, vilken sida och vad som ändrades.",
                      layouts: ["changes", "page"], content: .changes, outputPath: "andringar/index.html", isListed: true)
    }
}
