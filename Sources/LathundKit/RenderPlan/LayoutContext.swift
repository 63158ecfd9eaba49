import Mustache

/// Builds the dictionaries the layouts render. Text without a value is left out (swift-mustache treats an empty
/// string as true in a section), so `{{#page.reviewed}}…{{/page.reviewed}}` shows only when there is a review;
/// flags are booleans and lists may be empty. `layouts/README.md` documents the keys; `vocabulary` lists them
/// for the layout check.
struct LayoutContext {
    let index: SiteIndex
    let faq: FAQIndex
    let config: SiteConfig
    let links: SiteLinks
    /// Site-wide values, built once.
    let site: [String: Any]
    /// `{{#asset}}style.css{{/asset}}` → the href of the fingerprinted file (`/assets/style.3f2a9c1e.css`).
    let asset: MustacheLambda

    static let vocabulary: Set<String> = [
        // top level
        "site", "page", "menu", "terms", "faq_categories", "faq_letters", "asset", "most_asked", "has_most_asked",
        "glossary_letters",
        // site
        "title", "description", "language", "base_url", "home_url", "feed_url", "assets_url", "search_url", "changes_url",
        "faq_url", "glossary_url",
        // page
        "url", "permalink", "kind", "section", "is_home", "is_section", "is_page", "date", "updated", "changed", "reviewed",
        "by", "against", "sources", "has_sources", "publisher", "read", "undated", "old_sources", "undated_sources",
        "source_notice", "tags", "has_tags", "content", "content_lead",
        "content_rest", "summary", "toc", "has_toc", "breadcrumbs",
        "has_breadcrumbs", "prev", "next", "backlinks", "has_backlinks", "children", "has_children", "faq", "report",
        // items
        "name", "id", "text", "level", "current", "question", "category", "related", "has_related", "region",
        "period", "owners", "budget", "status", "expansion", "definition", "term", "entries", "anchor", "jsonld",
        "page_url", "page_title",
        // statistics
        "datasets", "dataset", "unit", "note", "chart", "table", "figures", "has_figures", "label", "value",
        "csv_url", "json_url",
        // changes
        "changes", "has_changes", "subject",
    ]

    /// Marks the glossary's abbreviations in `page.content`.
    let abbreviations: AbbreviationMarker
    /// What is known about the sources' age of pages whose sources are older than the limit or undated
    /// (`SourceChecks`), by the page's path relative to `content/`.
    let sourceAges: [String: SourceAge]
    /// What every page shows the same: the menu's descriptions by URL and the most-asked FAQ entries.
    private let menuDescriptions: [String: String]
    private let mostAsked: [[String: Any]]
    /// Each page's last change and the latest changes, for `page.changed` and `/andringar/`.
    let changeLog: ChangeLog

    init(index: SiteIndex, faq: FAQIndex, config: SiteConfig, links: SiteLinks, assets: FingerprintedAssets = .empty,
         abbreviations: AbbreviationMarker = .none, sourceAges: [String: SourceAge] = [:], changeLog: ChangeLog? = nil) {
        self.index = index
        self.sourceAges = sourceAges
        self.changeLog = changeLog ?? ChangeLog(index: index, history: nil)
        self.abbreviations = abbreviations
        self.faq = faq
        self.config = config
        self.links = links
        site = Self.compact([
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": config.baseURL,
            "home_url": links.href("/"),
            "feed_url": links.href("/feed.xml"),
            "assets_url": links.href("/assets/"),
            "search_url": links.href("/sok/"),
            "faq_url": index.indexByURL["/\(FrontMatter.faqSection)/"] == nil ? "" : links.href("/\(FrontMatter.faqSection)/"),
            "glossary_url": index.generated.contains { if case .glossary = $0.content { true } else { false } }
                ? links.href("/ordlista/") : "",
            "changes_url": links.href(ChangeLog.url),
        ])
        var descriptions: [String: String] = [:]
        for page in index.generated { descriptions[page.url] = page.description }
        for page in index.pages { descriptions[page.url] = page.summary }
        menuDescriptions = descriptions
        mostAsked = faq.mostAsked.map { entry in
            ["question": entry.question, "url": links.href(entry.url), "anchor": entry.anchor, "category": entry.category]
        }
        // The layout check makes sure every name is a layout asset; an unknown one keeps its name.
        asset = MustacheLambda { [outputNames = assets.outputNames, links] name in
            let name = name.trimmingWhitespace()
            return HTML.escape(links.href("/assets/" + (outputNames[name] ?? name)))
        }
    }

    /// Drops text values that are empty.
    static func compact(_ values: [String: Any]) -> [String: Any] {
        values.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }

    func menu(currentURL: String) -> [[String: Any]] {
        config.menu.map { item in
            let isCurrent = currentURL == item.url || (item.url != "/" && currentURL.hasPrefix(item.url))
            return Self.compact(["title": item.title, "url": item.url.hasPrefix("/") ? links.href(item.url) : item.url,
                                 "current": isCurrent, "description": menuDescriptions[item.url] ?? ""])
        }
    }

    private func link(_ index: Int) -> [String: Any] {
        let page = self.index.pages[index]
        return Self.compact(["title": page.title, "url": links.href(page.url),
                             "description": page.page.frontMatter.description ?? "", "summary": page.summary,
                             "date": page.page.frontMatter.date?.description ?? ""])
    }

    private static func day(_ day: Day?) -> String { day?.description ?? "" }

    /// `{title, url, publisher, date, section}`, url and section left out when not given.
    static func sources(_ sources: [SourceReference]) -> [[String: Any]] {
        sources.map {
            compact(["title": $0.title, "url": $0.url ?? "", "publisher": $0.publisher, "date": $0.date?.description ?? "",
                     "undated": $0.date == nil, "read": $0.read?.description ?? "", "section": $0.section ?? ""])
        }
    }

    /// The context of `index.pages[position]`, whose Markdown rendered to `html` (made again when the page is
    /// written, not kept from the Markdown stage).
    func pageContext(_ position: Int, html: String) -> [String: Any] {
        let rendered = index.pages[position]
        let page = rendered.page
        let matter = page.frontMatter
        // The table of contents lists what follows the page's opening (`ContentLead`), which layouts show first.
        let toc = Self.tableOfContents(Array(rendered.headings.dropFirst(rendered.leadHeadingCount)),
                                       minimum: config.tocMinHeadings)
        let content = abbreviations.mark(html)
        let parts = ContentLead(html: content, headings: rendered.headings, leadHeadingCount: rendered.leadHeadingCount)
        let breadcrumbs = index.ancestors(of: position).map(link)
        let children = (index.children[position] ?? []).map(link)
        let backlinks = (index.backlinks[position] ?? []).map(link)
        let sources = Self.sources(matter.sources)
        let sourceAge = sourceAges[page.relativePath]
        var faq: Any = false
        if let fields = matter.faq {
            let related: [[String: Any]] = fields.related.compactMap { item in
                guard let url = links.pageURLs[item.value], let target = index.indexByURL[url] else { return nil }
                return link(target)
            }
            faq = Self.compact(["question": fields.question, "category": fields.category ?? "", "related": related,
                                "has_related": !related.isEmpty])
        }
        var report: Any = false
        if let fields = matter.report {
            report = Self.compact(["region": fields.region ?? "", "period": fields.period ?? "",
                      "owners": fields.owners.map { ["name": $0] },
                      "budget": fields.budgetSEK.map { SwedishFormat.integer($0) + SwedishFormat.noBreakSpace + "kr" } ?? "",
                      "kind": fields.kind ?? "", "status": fields.status ?? ""])
        }
        let values: [String: Any] = [
            "title": matter.title,
            "description": matter.description ?? "",
            "summary": rendered.summary,
            "url": links.href(page.url),
            "permalink": links.absolute(page.url),
            "kind": page.kind.rawValue,
            "section": page.section,
            "is_home": page.kind == .home,
            "is_section": page.kind == .section,
            "is_page": page.kind == .page,
            "date": Self.day(matter.date),
            "updated": Self.day(matter.updated),
            "changed": Self.day(changeLog.changed[position]),
            "reviewed": matter.reviewed.map { ["date": $0.date.description, "by": $0.by, "against": $0.against] } ?? "",
            "sources": sources,
            "has_sources": !sources.isEmpty,
            "source_notice": sourceAge != nil,
            "old_sources": sourceAge?.newest.map { String($0.year) } ?? "",
            "undated_sources": (sourceAge?.undated ?? 0) > 0,
            "tags": matter.tags.map { ["name": $0] },
            "has_tags": !matter.tags.isEmpty,
            "content": content,
            "content_lead": parts.lead,
            "content_rest": parts.rest,
            "toc": toc,
            "has_toc": !toc.isEmpty,
            "breadcrumbs": breadcrumbs,
            "has_breadcrumbs": !breadcrumbs.isEmpty,
            "prev": index.previous[position].map(link) ?? false,
            "next": index.next[position].map(link) ?? false,
            "backlinks": backlinks,
            "has_backlinks": !backlinks.isEmpty,
            "children": children,
            "has_children": !children.isEmpty,
            "faq": faq,
            "report": report,
        ]
        var context: [String: Any] = ["site": site, "menu": menu(currentURL: page.url), "terms": [[String: Any]](),
                                      "glossary_letters": [[String: Any]](), "datasets": [[String: Any]](),
                                      "dataset": false, "asset": asset, "most_asked": mostAsked,
                                      "has_most_asked": !mostAsked.isEmpty, "changes": [[String: Any]](),
                                      "has_changes": false]
        var pageValues = values
        if page.section == FrontMatter.faqSection {
            let isList = page.kind == .section
            context["faq_categories"] = isList ? self.faq.categories.map(groupContext) : []
            context["faq_letters"] = isList ? self.faq.letters.map(groupContext) : []
            let entries = isList ? self.faq.entries : self.faq.entries.filter { $0.url == page.url }
            pageValues["jsonld"] = entries.isEmpty ? "" : FAQIndex.jsonLD(entries.map { entry in
                (entry.question, index.indexByURL[entry.url].map { index.pages[$0].answer } ?? "")
            })
        } else {
            context["faq_categories"] = [[String: Any]]()
            context["faq_letters"] = [[String: Any]]()
        }
        context["page"] = Self.compact(pageValues)
        return context
    }

    private func groupContext(_ group: FAQIndex.Group) -> [String: Any] {
        ["name": group.name, "anchor": group.anchor, "entries": group.entries.map { entry in
            ["question": entry.question, "url": links.href(entry.url), "anchor": entry.anchor, "category": entry.category]
        }]
    }

    func generatedContext(_ page: GeneratedPage) -> [String: Any] {
        var terms: [[String: Any]] = []
        var letters: [[String: Any]] = []
        var datasets: [[String: Any]] = []
        var dataset: Any = false
        var changes: [[String: Any]] = []
        switch page.content {
        case .glossary(let list):
            (terms, letters) = glossaryContext(list)
        case .statistics(let pages):
            datasets = pages.map { Self.compact(["title": $0.dataset.title, "url": links.href($0.dataset.url),
                                                 "description": $0.dataset.description, "period": $0.dataset.period,
                                                 "chart": $0.compactChart]) }
        case .dataset(let page):
            dataset = datasetContext(page)
        case .changes:
            changes = changeLog.latest.map { change in
                Self.compact(["date": change.date, "title": change.title, "url": links.href(change.url),
                              "subject": change.subject.map { Summary.shorten($0, limit: 160) } ?? ""])
            }
        case .search, .notFound:
            break
        }
        var breadcrumbs = index.indexByURL["/"].map { [link($0)] } ?? []
        if let parent = page.parent { breadcrumbs.append(["title": parent.title, "url": links.href(parent.url)]) }
        if !page.isListed { breadcrumbs = [] }
        let values: [String: Any] = [
            "title": page.title, "description": page.description, "summary": page.description,
            "url": links.href(page.url), "permalink": links.absolute(page.url), "kind": "generated",
            "section": page.url.split(separator: "/").first.map(String.init) ?? "",
            "is_home": false, "is_section": false, "is_page": true, "date": "", "updated": "", "changed": "", "reviewed": "",
            "sources": [[String: Any]](), "has_sources": false, "tags": [[String: Any]](), "has_tags": false,
            "content": "", "toc": [[String: Any]](), "has_toc": false,
            "breadcrumbs": breadcrumbs, "has_breadcrumbs": !breadcrumbs.isEmpty,
            "prev": false, "next": false, "backlinks": [[String: Any]](), "has_backlinks": false,
            "children": [[String: Any]](), "has_children": false, "faq": false, "report": false,
        ]
        // The search page offers the FAQ's categories when a query finds nothing.
        var categories: [[String: Any]] = []
        if case .search = page.content { categories = faq.categories.map(groupContext) }
        return ["site": site, "page": Self.compact(values), "menu": menu(currentURL: page.url), "terms": terms, "asset": asset,
                "glossary_letters": letters, "faq_categories": categories, "faq_letters": [[String: Any]](),
                "datasets": datasets, "dataset": dataset, "most_asked": mostAsked, "has_most_asked": !mostAsked.isEmpty,
                "changes": changes, "has_changes": !changes.isEmpty]
    }

    /// The glossary in Swedish order, and the same terms under their letters A–Ö (anchors `bokstav_a`, with `_`
    /// so they never clash with a term's id). A term with `page:` links to that page (`page_url`, `page_title`).
    private func glossaryContext(_ glossary: [GlossaryTerm]) -> (terms: [[String: Any]], letters: [[String: Any]]) {
        let sorted = glossary.sorted { SwedishCollation.areInIncreasingOrder($0.term, $1.term) }
        var letters: [(name: String, terms: [[String: Any]])] = []
        var terms: [[String: Any]] = []
        for term in sorted {
            var values: [String: Any] = ["term": term.term, "expansion": term.expansion ?? "", "definition": term.definition,
                                         "id": term.id]
            if let path = term.page, let url = links.pageURLs[path] {
                values["page_url"] = links.href(url)
                values["page_title"] = index.indexByURL[url].map { index.pages[$0].title } ?? ""
            }
            let item = Self.compact(values)
            terms.append(item)
            let letter = SwedishCollation.indexLetter(term.term)
            if letters.last?.name == letter { letters[letters.count - 1].terms.append(item) } else { letters.append((letter, [item])) }
        }
        return (terms, letters.map { letter in
            ["name": letter.name, "anchor": "bokstav_" + (FAQIndex.letterAnchors[letter.name] ?? Slug.make(letter.name)),
             "terms": letter.terms]
        })
    }

    private func datasetContext(_ page: DatasetPage) -> [String: Any] {
        let dataset = page.dataset
        return Self.compact([
            "title": dataset.title, "description": dataset.description, "unit": dataset.unit,
            "sources": Self.sources(dataset.sources),
            "period": dataset.period, "note": dataset.note ?? "", "chart": page.chart, "table": page.table,
            "figures": page.figures.map { ["label": $0.label, "value": $0.value] }, "has_figures": !page.figures.isEmpty,
            "csv_url": links.href(dataset.csvURL), "json_url": links.href(dataset.jsonURL),
        ])
    }

    /// Level-2 headings with their level-3 headings as children, when a page has enough headings.
    static func tableOfContents(_ headings: [Heading], minimum: Int) -> [[String: Any]] {
        let relevant = headings.filter { $0.level == 2 || $0.level == 3 }
        guard relevant.count >= minimum else { return [] }
        var items: [[String: Any]] = []
        var children: [[String: Any]] = []
        var current: Heading?
        func flush() {
            if let current {
                items.append(["id": current.id, "text": current.text, "level": current.level, "children": children,
                              "has_children": !children.isEmpty])
            } else {
                items += children.map { var item = $0; item["children"] = [[String: Any]](); item["has_children"] = false; return item }
            }
            children = []
        }
        for heading in relevant {
            if heading.level == 2 {
                flush()
                current = heading
            } else {
                children.append(["id": heading.id, "text": heading.text, "level": heading.level, "has_children": false])
            }
        }
        flush()
        return items
    }
}
