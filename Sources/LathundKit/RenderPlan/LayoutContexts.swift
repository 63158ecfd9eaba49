import Mustache

/// Makes the layout context (`LayoutContext`) of every page of the site: what is the same on every page is made
/// once, here.
struct LayoutContexts: Sendable {
    private(set) var index: SiteIndex
    let faq: FAQIndex
    let config: SiteConfig
    let links: SiteLinks
    /// Site-wide values, built once.
    let site: SiteContext
    /// The fingerprinted name of each layout asset (`style.css` → `style.3f2a9c1e.css`).
    let assetNames: [String: String]
    /// Marks the glossary's abbreviations in `page.content`.
    let abbreviations: AbbreviationMarker
    /// What is known about the sources' age of pages whose sources are older than the limit or undated
    /// (`SourceChecks`), by the page's path relative to `content/`.
    let sourceAges: [String: SourceAge]
    /// What every page shows the same: the menu's descriptions by URL and the most-asked FAQ entries.
    private let menuDescriptions: [String: String]
    private let mostAsked: [FAQEntryContext]
    /// Each page's last change and the latest changes, for `page.changed` and `/andringar/`.
    let changeLog: ChangeLog
    /// The site-wide partials rendered once (`LayoutFragments`), for each menu (by `menuKey`).
    private(set) var fragments: [UInt64: [String]] = [:]
    /// The link to each page, made once: pages appear in many other pages' contexts.
    private var pageLinks: [PageLinkContext]
    /// The render key hash of each page's link (`pageLinks`), and of what every page's context holds besides
    /// its own values and links: the site, the menu's descriptions and the most-asked FAQ entries.
    private var linkKeys: [UInt64]
    private let sharedKey: UInt64

    /// The pages' links are made on `jobs` threads: the Render plan stage runs alone (100 000 pages: 0,7 s of one
    /// thread before, most of it here).
    init(index: SiteIndex, faq: FAQIndex, config: SiteConfig, links: SiteLinks, assets: FingerprintedAssets = .empty,
         abbreviations: AbbreviationMarker = .none, sourceAges: [String: SourceAge] = [:], changeLog: ChangeLog? = nil,
         jobs: Int = 1) {
        self.index = index
        self.sourceAges = sourceAges
        self.changeLog = changeLog ?? ChangeLog(index: index, history: nil)
        self.abbreviations = abbreviations
        self.faq = faq
        self.config = config
        self.links = links
        site = SiteContext(title: Self.text(config.title), description: Self.text(config.description),
                           language: Self.text(config.language), baseURL: Self.text(config.baseURL),
                           homeURL: Self.text(links.href("/")), feedURL: Self.text(links.href("/feed.xml")),
                           assetsURL: Self.text(links.href("/assets/")), searchURL: Self.text(links.href("/sok/")),
                           changesURL: Self.text(links.href(ChangeLog.url)),
                           faqURL: index.indexByURL["/\(FrontMatter.faqSection)/"] == nil
                               ? nil : Self.text(links.href("/\(FrontMatter.faqSection)/")),
                           glossaryURL: index.generated.contains { if case .glossary = $0.content { true } else { false } }
                               ? Self.text(links.href("/ordlista/")) : nil)
        // Only the menu's URLs are looked up: a page's summary, else a generated page's description (the last of
        // each with that URL, as `indexByURL` keeps the last page).
        var descriptions: [String: String] = [:]
        for item in config.menu {
            if let position = index.indexByURL[item.url] {
                descriptions[item.url] = index.pages[position].summary
            } else if let generated = index.generated.last(where: { $0.url == item.url }) {
                descriptions[item.url] = generated.description
            }
        }
        menuDescriptions = descriptions
        mostAsked = faq.mostAsked.map { FAQEntryContext($0, links: links) }
        assetNames = assets.outputNames
        let made = Parallel.map(Array(index.pages.indices), jobs: jobs) { position -> (PageLinkContext, UInt64) in
            let link = Self.pageLink(index.pages[position], links: links)
            return (link, link.ownRenderKeyHash)
        }
        pageLinks = made.map(\.0)
        linkKeys = made.map(\.1)
        var shared = HashChain()
        shared.add(site.ownRenderKeyHash)
        for item in config.menu {
            shared.add(item.url)
            shared.add(descriptions[item.url] ?? "\u{0}")
        }
        if !IncrementalRenderKey.add(mostAsked, to: &shared) { shared.add(UInt64.random(in: 0...UInt64.max)) }
        sharedKey = shared.value
    }

    private static func pageLink(_ page: ParsedPage, links: SiteLinks) -> PageLinkContext {
        PageLinkContext(title: text(page.title), url: text(links.href(page.url)),
                        description: text(page.page.frontMatter.description),
                        summary: text(page.summary), date: text(page.page.frontMatter.date?.description),
                        group: text(page.page.frontMatter.group), report: page.page.frontMatter.report.map(reportContext))
    }

    /// The contexts of `index`, which is this one's with the page at `position` made again from the same front
    /// matter (`DirectRebuild`): only that page's link is made again. The menu's descriptions are not: the caller
    /// makes sure the page is in no menu, or its summary is the same.
    func replacing(_ position: Int, in index: SiteIndex) -> LayoutContexts {
        var contexts = self
        contexts.index = index
        contexts.pageLinks[position] = Self.pageLink(index.pages[position], links: links)
        contexts.linkKeys[position] = contexts.pageLinks[position].ownRenderKeyHash
        return contexts
    }

    /// The render key hash of the link to `index.pages[position]` (what other pages' contexts show of it).
    func linkKey(_ position: Int) -> UInt64 { linkKeys[position] }

    /// `{{#asset}}style.css{{/asset}}` → the href of the fingerprinted file (`/assets/style.3f2a9c1e.css`). The layout
    /// check makes sure every name is a layout asset; an unknown one keeps its name.
    var asset: MustacheLambda {
        MustacheLambda { [assetNames, links] name in
            Self.assetHref(name.trimmingWhitespace(), names: assetNames, links: links)
        }
    }

    func assetHref(_ name: String) -> String { Self.assetHref(name, names: assetNames, links: links) }

    private static func assetHref(_ name: String, names: [String: String], links: SiteLinks) -> String {
        HTML.escape(links.href("/assets/" + (names[name] ?? name)))
    }

    /// Renders `fragments`' site-wide partials once for each menu the pages at `urls` show.
    mutating func render(_ fragments: LayoutFragments, original: Layouts, urls: [String]) {
        guard !fragments.partials.isEmpty, config.menu.count <= 64 else { return }
        var rendered: [UInt64: [String]] = [:]
        for url in urls where rendered[menuKey(currentURL: url)] == nil {
            let context = LayoutContext(site: site, page: PageContext(), menu: menu(currentURL: url), mostAsked: mostAsked,
                                        asset: asset)
            rendered[menuKey(currentURL: url)] = fragments.render(context, original: original)
        }
        self.fragments = rendered
    }

    /// Which menu items are current at `currentURL`, one bit each (the first 64).
    func menuKey(currentURL: String) -> UInt64 {
        var key: UInt64 = 0
        for (position, item) in config.menu.prefix(64).enumerated() where Self.isCurrent(item.url, at: currentURL) {
            key |= 1 << UInt64(position)
        }
        return key
    }

    private static func isCurrent(_ itemURL: String, at currentURL: String) -> Bool {
        currentURL == itemURL || (itemURL != "/" && currentURL.hasPrefix(itemURL))
    }

    /// Text that is left out when it is empty.
    private static func text(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    func menu(currentURL: String) -> [MenuItemContext] {
        config.menu.map { item in
            MenuItemContext(title: Self.text(item.title),
                            url: Self.text(item.url.hasPrefix("/") ? links.href(item.url) : item.url),
                            current: Self.isCurrent(item.url, at: currentURL),
                            description: Self.text(menuDescriptions[item.url]))
        }
    }

    private func link(_ index: Int) -> PageLinkContext { pageLinks[index] }

    /// What of other pages the context of `index.pages[position]` shows (`pageContext` reads them from here):
    /// the pages it links to in lists, by position in `index.pages`, and the FAQ entries whose answers its
    /// structured data holds. Its render key (`renderKey`) is made from these and the page's own inputs.
    struct PageReads {
        var breadcrumbs: [Int] = []
        var previous: Int?
        var next: Int?
        var backlinks: [Int] = []
        var children: [Int] = []
        /// `faq.related` of its front matter, the pages that exist.
        var related: [Int] = []
        /// On the FAQ's section page: the FAQ's categories and letters.
        var faqLists = false
        /// FAQ entries in the page's structured data, with the position of the page that answers each.
        var faqEntries: [(entry: FAQIndex.Entry, answer: Int?)] = []
    }

    func reads(_ position: Int) -> PageReads {
        let page = index.pages[position].page
        var reads = PageReads(breadcrumbs: index.ancestors(of: position), previous: index.previous[position],
                              next: index.next[position], backlinks: index.backlinks[position] ?? [],
                              children: index.children[position] ?? [])
        if let fields = page.frontMatter.faq {
            reads.related = fields.related.compactMap { item in links.pageURLs[item.value].flatMap { index.indexByURL[$0] } }
        }
        if page.section == FrontMatter.faqSection {
            reads.faqLists = page.kind == .section
            let entries = reads.faqLists ? faq.entries : faq.entries.filter { $0.url == page.url }
            reads.faqEntries = entries.map { ($0, index.indexByURL[$0.url]) }
        }
        return reads
    }

    /// The render key (`IncrementalRenderKey`) of `index.pages[position]` with `layout`, made without its
    /// context: from `site` (what every page shares), the page's own inputs (path, URL, the bytes of its file,
    /// which decide its own values and HTML), the values every context holds (`sharedKey`), its change date and
    /// sources' age, and what it reads of other pages (`reads`): each linked page's link, the FAQ answers. A
    /// page is rendered again only when one of these changed.
    func renderKey(_ position: Int, site siteKey: UInt64, layout: String) -> UInt64 {
        let page = index.pages[position].page
        var chain = HashChain()
        chain.add(siteKey)
        chain.add(sharedKey)
        chain.add(page.relativePath)
        chain.add(page.url)
        chain.add(UInt64(position))  // its search document's place in its bundle
        chain.add(page.sourceHash)
        chain.add(layout)
        chain.add(changeLog.changed[position]?.description ?? "\u{0}")
        let age = sourceAges[page.relativePath]
        chain.add(age == nil ? 0 : 1 + UInt64(age!.undated))
        chain.add(age?.newest?.description ?? "\u{0}")
        let reads = reads(position)
        for list in [reads.breadcrumbs, reads.previous.map { [$0] } ?? [], reads.next.map { [$0] } ?? [],
                     reads.backlinks, reads.children, reads.related] {
            chain.add(UInt64(list.count))
            for index in list { chain.add(linkKeys[index]) }
        }
        chain.add(reads.faqLists ? 1 : 0)
        chain.add(UInt64(reads.faqEntries.count))
        for (entry, answer) in reads.faqEntries {
            chain.add(entry.question)
            chain.add(answer.map { index.pages[$0].answer } ?? "\u{0}")
        }
        return chain.value
    }

    private static func reportContext(_ fields: ReportFields) -> ReportContext {
        ReportContext(region: text(fields.region), period: text(fields.period), owners: fields.owners.map(NameContext.init),
                      budget: fields.budgetSEK.map { SwedishFormat.integer($0) + SwedishFormat.noBreakSpace + "kr" },
                      kind: text(fields.kind), status: text(fields.status))
    }

    /// The context of `index.pages[position]`, whose Markdown rendered to `html` (made again when the page is
    /// written, not kept from the Markdown stage).
    func pageContext(_ position: Int, html: String) -> LayoutContext { pageContext(position, html: Array(html.utf8)) }

    /// `pageContext` of the HTML's UTF-8 bytes.
    func pageContext(_ position: Int, html: [UInt8]) -> LayoutContext {
        let rendered = index.pages[position]
        let page = rendered.page
        let matter = page.frontMatter
        // The table of contents lists what follows the page's opening (`ContentLead`), which layouts show first.
        let content = abbreviations.mark(html)
        let parts = ContentLead(html: content, headings: rendered.headings, leadHeadingCount: rendered.leadHeadingCount)
        let sourceAge = sourceAges[page.relativePath]
        let reads = reads(position)
        let values = PageContext(
            title: Self.text(matter.title), description: Self.text(matter.description),
            summary: Self.text(rendered.summary), url: Self.text(links.href(page.url)),
            permalink: Self.text(links.absolute(page.url)), kind: Self.text(page.kind.rawValue),
            section: Self.text(page.section), isHome: page.kind == .home, isSection: page.kind == .section,
            isPage: page.kind == .page, date: Self.text(matter.date?.description),
            updated: Self.text(matter.updated?.description), changed: Self.text(changeLog.changed[position]?.description),
            reviewed: matter.reviewed.map { ReviewContext(date: $0.date.description, by: $0.by, against: $0.against) },
            sources: matter.sources.map(SourceContext.init), sourceNotice: sourceAge != nil,
            oldSources: Self.text(sourceAge?.newest.map { String($0.year) }),
            undatedSources: (sourceAge?.undated ?? 0) > 0,
            tags: matter.tags.map(NameContext.init), content: HTMLText(content[...]),
            contentLead: HTMLText(parts.lead), contentRest: HTMLText(parts.rest),
            toc: Self.tableOfContents(Array(rendered.headings.dropFirst(rendered.leadHeadingCount)),
                                      minimum: config.tocMinHeadings),
            breadcrumbs: reads.breadcrumbs.map(link), prev: reads.previous.map(link), next: reads.next.map(link),
            backlinks: reads.backlinks.map(link), children: reads.children.map(link))
        if let fields = matter.faq {
            values.faq = FAQFieldsContext(question: Self.text(fields.question), category: Self.text(fields.category),
                                          related: reads.related.map(link))
        }
        values.report = matter.report.map(Self.reportContext)
        let context = LayoutContext(site: site, page: values, menu: menu(currentURL: page.url), mostAsked: mostAsked,
                                    asset: asset)
        context.fragments = fragments[menuKey(currentURL: page.url)] ?? []
        if reads.faqLists {
            context.faqCategories = faq.categories.map(groupContext)
            context.faqLetters = faq.letters.map(groupContext)
        }
        if !reads.faqEntries.isEmpty {
            context.page.jsonld = Self.text(FAQIndex.jsonLD(reads.faqEntries.map { entry, answer in
                (entry.question, answer.map { index.pages[$0].answer } ?? "")
            }))
        }
        return context
    }

    private func groupContext(_ group: FAQIndex.Group) -> FAQGroupContext {
        FAQGroupContext(name: group.name, anchor: group.anchor,
                        entries: group.entries.map { FAQEntryContext($0, links: links) })
    }

    func generatedContext(_ page: GeneratedPage) -> LayoutContext {
        var generated = GeneratedContext()
        switch page.content {
        case .glossary(let list):
            (generated.terms, generated.glossaryLetters) = glossaryContext(list)
        case .statistics(let pages):
            generated.datasets = pages.map {
                DatasetSummaryContext(title: Self.text($0.dataset.title), url: Self.text(links.href($0.dataset.url)),
                                      description: Self.text($0.dataset.description),
                                      period: Self.text($0.dataset.period), chart: Self.text($0.compactChart))
            }
        case .dataset(let page):
            generated.dataset = datasetContext(page)
        case .changes:
            generated.changes = changeLog.latest.map { change in
                ChangeContext(date: Self.text(change.date), title: Self.text(change.title),
                              url: Self.text(links.href(change.url)),
                              summary: Self.text(change.summary.map { Summary.shorten($0, limit: 160) }))
            }
        case .search, .notFound:
            break
        }
        var breadcrumbs = index.indexByURL["/"].map { [link($0)] } ?? []
        if let parent = page.parent { breadcrumbs.append(PageLinkContext(title: parent.title, url: links.href(parent.url))) }
        if !page.isListed { breadcrumbs = [] }
        let values = PageContext(
            title: Self.text(page.title), description: Self.text(page.description), summary: Self.text(page.description),
            url: Self.text(links.href(page.url)), permalink: Self.text(links.absolute(page.url)), kind: "generated",
            section: Self.text(page.url.split(separator: "/").first.map(String.init)), isPage: true,
            breadcrumbs: breadcrumbs)
        let context = LayoutContext(site: site, page: values, menu: menu(currentURL: page.url), mostAsked: mostAsked,
                                    asset: asset, generated: generated)
        context.fragments = fragments[menuKey(currentURL: page.url)] ?? []
        // The search page offers the FAQ's categories when a query finds nothing.
        if case .search = page.content { context.faqCategories = faq.categories.map(groupContext) }
        return context
    }

    /// The glossary in Swedish order, and the same terms under their letters A–Ö (anchors `bokstav_a`, with `_`
    /// so they never clash with a term's id). A term with `page:` links to that page (`page_url`, `page_title`).
    private func glossaryContext(_ glossary: [GlossaryTerm]) -> ([GlossaryTermContext], [GlossaryLetterContext]) {
        let sorted = glossary.sorted { SwedishCollation.areInIncreasingOrder($0.term, $1.term) }
        var letters: [(name: String, terms: [GlossaryTermContext])] = []
        var terms: [GlossaryTermContext] = []
        for term in sorted {
            var item = GlossaryTermContext(term: Self.text(term.term), expansion: Self.text(term.expansion),
                                           definition: Self.text(term.definition), id: Self.text(term.id))
            if let path = term.page, let url = links.pageURLs[path] {
                item.pageURL = Self.text(links.href(url))
                item.pageTitle = Self.text(index.indexByURL[url].map { index.pages[$0].title })
            }
            terms.append(item)
            let letter = SwedishCollation.indexLetter(term.term)
            if letters.last?.name == letter { letters[letters.count - 1].terms.append(item) } else { letters.append((letter, [item])) }
        }
        return (terms, letters.map { letter in
            GlossaryLetterContext(name: letter.name,
                                  anchor: "bokstav_" + (FAQIndex.letterAnchors[letter.name] ?? Slug.make(letter.name)),
                                  terms: letter.terms)
        })
    }

    private func datasetContext(_ page: DatasetPage) -> DatasetContext {
        let dataset = page.dataset
        return DatasetContext(
            title: Self.text(dataset.title), description: Self.text(dataset.description), unit: Self.text(dataset.unit),
            sources: dataset.sources.map(SourceContext.init), period: Self.text(dataset.period),
            note: Self.text(dataset.note), chart: Self.text(page.chart), table: Self.text(page.table),
            figures: page.figures.map { DatasetFigureContext(label: $0.label, figure: $0.value) },
            csvURL: Self.text(links.href(dataset.csvURL)), jsonURL: Self.text(links.href(dataset.jsonURL)))
    }

    /// Level-2 headings with their level-3 headings as children, when a page has enough headings.
    static func tableOfContents(_ headings: [Heading], minimum: Int) -> [TableOfContentsItem] {
        let relevant = headings.filter { $0.level == 2 || $0.level == 3 }
        guard relevant.count >= minimum else { return [] }
        var items: [TableOfContentsItem] = []
        var children: [TableOfContentsItem] = []
        var current: Heading?
        func flush() {
            if let current {
                items.append(TableOfContentsItem(id: current.id, text: current.text, level: current.level,
                                                 children: children))
            } else {
                items += children.map { TableOfContentsItem(id: $0.id, text: $0.text, level: $0.level, children: []) }
            }
            children = []
        }
        for heading in relevant {
            if heading.level == 2 {
                flush()
                current = heading
            } else {
                children.append(TableOfContentsItem(id: heading.id, text: heading.text, level: heading.level))
            }
        }
        flush()
        return items
    }
}
