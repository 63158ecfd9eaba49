/// A page the engine makes itself (the glossary, the 404 page).
struct GeneratedPage: Sendable {
    enum Content: Sendable {
        case glossary([GlossaryTerm])
        case search
        case notFound
        /// `/statistik/`: every dataset with a small chart.
        case statistics([DatasetPage])
        /// One dataset's page.
        case dataset(DatasetPage)
        /// `/andringar/`: the latest changes (`ChangeLog`).
        case changes
    }

    let url: String
    let title: String
    let description: String
    /// Layouts tried in order.
    let layouts: [String]
    let content: Content
    /// Written to this path instead of `url` + `index.html` (the 404 page is `404.html`).
    let outputPath: String
    /// Listed in the sitemap and menus.
    let isListed: Bool
    /// The page above this one in the breadcrumbs, below the home page.
    let parent: (title: String, url: String)?

    init(url: String, title: String, description: String, layouts: [String], content: Content,
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

extension GeneratedPage {
    /// The pages every site gets besides its content: the 404 page, the search page, the latest changes, the
    /// statistics pages (when there are datasets) and the glossary (when there is one).
    static func site(config: SiteConfig, datasets: DatasetCatalog, glossary: [GlossaryTerm]?) -> [GeneratedPage] {
        var pages = [
            GeneratedPage(url: "/404/", title: "Sidan finns inte", description: "", layouts: ["404"], content: .notFound,
                          outputPath: "404.html", isListed: false),
            GeneratedPage(url: "/sok/", title: "Sök", description: "Sök i \(config.title).", layouts: ["search", "page"],
                          content: .search, outputPath: "sok/index.html", isListed: false),
            ChangeLog.page,
        ]
        pages += StatisticsPages.pages(datasets)
        if let glossary {
            pages.append(GeneratedPage(url: "/ordlista/", title: "Ordlista",
                                       description: "Förkortningar och begrepp i sjukförsäkringen, förklarade.",
                                       layouts: ["glossary", "page"], content: .glossary(glossary),
                                       outputPath: "ordlista/index.html", isListed: true))
        }
        return pages
    }
}
