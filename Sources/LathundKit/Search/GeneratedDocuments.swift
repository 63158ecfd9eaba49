/// The search documents of the pages the engine makes itself, after the content pages' documents: the glossary
/// page and each of its terms at its anchor (a term with a page of its own ranks below that page), the
/// statistics overview and each dataset's page. Other generated pages (search, 404, the list of changes) are not searched.
enum GeneratedDocuments {
    static func make(_ generated: [GeneratedPage], links: SiteLinks) -> [SearchIndex.Document] {
        var documents: [SearchIndex.Document] = []
        for page in generated {
            let url = links.href(page.url)
            switch page.content {
            case .glossary(let terms):
                documents.append(SearchIndex.Document(url: url, title: page.title, section: "ordlista",
                                                      description: page.description, headings: [], question: nil,
                                                      body: "", kind: .list))
                for term in terms {
                    let title = term.expansion.map { "\(term.term) (\($0))" } ?? term.term
                    documents.append(SearchIndex.Document(url: url + "#" + term.id, title: title, section: "ordlista",
                                                          description: "", headings: [], question: nil,
                                                          body: term.definition, kind: .term,
                                                          titleBonus: term.page == nil))
                }
            case .statistics:
                documents.append(SearchIndex.Document(url: url, title: page.title, section: "statistik",
                                                      description: page.description, headings: [], question: nil,
                                                      body: "", kind: .list))
            case .dataset(let dataset):
                let data = dataset.dataset
                // Blocks end with a line break, as in a page's plain text.
                var body = ["Enhet: \(data.unit)", "Period: \(data.period)",
                            "Kolumner: " + data.columns.map(\.label).joined(separator: ", ")]
                if let note = data.note { body.append(note) }
                body += data.sources.map { "Källa: \($0.title), \($0.publishers.map(\.value).joined(separator: " och "))" }
                documents.append(SearchIndex.Document(url: url, title: page.title, section: "statistik",
                                                      description: page.description, headings: [], question: nil,
                                                      body: body.joined(separator: "\n") + "\n", kind: .data))
            case .search, .notFound, .changes:
                break
            }
        }
        return documents
    }
}
