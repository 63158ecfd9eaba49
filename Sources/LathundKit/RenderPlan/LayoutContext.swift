import Mustache

/// A value the layouts read. Its `Key` enum is the list of names a layout may look up in it, each with what it
/// holds: the layout check's vocabulary (`LayoutContext.vocabulary`), the key tables of `layouts/README.md`
/// (`LayoutContext.documentation`, kept in step by `LayoutContextTests`) and the render key
/// (`IncrementalRenderKey`) all come from these lists. swift-mustache looks names up through `MustacheParent`.
///
/// A key whose value is nil is left out, so the look-up goes on up the context stack as it would for a key a
/// dictionary lacks. Text without a value is left out (swift-mustache treats an empty string as true in a
/// section), so `{{#page.reviewed}}…{{/page.reviewed}}` shows only when there is a review; flags are booleans and
/// lists may be empty.
///
/// The values every page looks up many times (review, sources, table of contents, page links) are final classes
/// with constant fields: a look-up hands its value on as `Any`, which put a struct of more than three words into a
/// new heap box, retaining each of its texts, on every look-up and for every item of a list.
protocol LayoutValue: MustacheParent, SendableMetatype {
    associatedtype Key: RawRepresentable, CaseIterable, Sendable where Key.RawValue == String
    /// Where layouts find values of this type, for the README (`page.breadcrumbs`, …).
    static var heading: String { get }
    /// What a layout finds under `key`, or nil when it is left out.
    func lookup(_ key: Key) -> Any?
    /// What `key` holds, for the README.
    static func documentation(_ key: Key) -> String
    /// What `child(named: name)` finds in a value of this type, as a function of the value, or nil when it finds
    /// nothing in any value: `AppendingLayouts.KeyTable` asks once per build for each name its templates use.
    static func reader(_ name: String) -> LayoutKeyReader?
}

/// `child(named:)` of one name for values of one `LayoutValue` type (`LayoutValue.reader`).
typealias LayoutKeyReader = @Sendable (Any) -> Any?

extension LayoutValue {
    func child(named name: String) -> Any? { Key(rawValue: name).flatMap(lookup) }

    static func reader(_ name: String) -> LayoutKeyReader? {
        guard let key = Key(rawValue: name) else { return nil }
        return { ($0 as! Self).lookup(key) }
    }

    static var arrayType: ObjectIdentifier { ObjectIdentifier([Self].self) }

    /// Calls `body` with each element of `list`, a `[Self]`.
    static func forEachElement(_ list: Any, _ body: (Any) throws -> Void) rethrows {
        for element in list as! [Self] { try body(element) }
    }

    /// The keys that have a value, with it, in the order of `Key`.
    var presentValues: [(key: String, value: Any)] {
        Key.allCases.compactMap { key in lookup(key).map { (key.rawValue, $0) } }
    }

    /// Adds the keys that have a value and their values to a render key (`IncrementalRenderKey.add`), in the
    /// order of `Key`; false for a value of a type the key does not know.
    func addPresentValues(to chain: inout HashChain) -> Bool {
        chain.add(5)
        for key in Key.allCases {
            guard let value = lookup(key) else { continue }
            chain.add(key.rawValue)
            guard IncrementalRenderKey.add(value, to: &chain) else { return false }
        }
        chain.add(9)
        return true
    }

    static var keyNames: [String] { Key.allCases.map(\.rawValue) }
}

/// HTML the engine wrote, as its UTF-8 bytes (`page.content` and its parts): a page's content goes from the Markdown
/// stage's spool through the layout into its file without becoming a `String`, whose making checks the bytes as
/// UTF-8 once more (they came from `String`s). The appending renderer copies the bytes; swift-mustache renders the
/// `description`, the same text. No labelled children, as a `String` has none.
final class HTMLText: CustomStringConvertible, CustomReflectable, Sendable {
    let bytes: ArraySlice<UInt8>

    /// Nil when `bytes` is empty (left out, as empty text is).
    init?(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return nil }
        self.bytes = bytes
    }

    var description: String { String(decoding: bytes, as: UTF8.self) }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Text that is left out when it is empty.
private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

/// The top level of every layout's context: a page of `content/` or a generated page.
///
/// `LayoutContext`, `SiteContext` and `PageContext` are classes: swift-mustache looks every name up through `Any`
/// and casts, and a large struct in an `Any` is copied, every field retained and released, on each look-up.
final class LayoutContext: LayoutValue {
    /// Every type of value a layout can reach, in the order of `layouts/README.md`.
    static var types: [any LayoutValue.Type] {
        [LayoutContext.self, SiteContext.self, MenuItemContext.self, PageContext.self, ReviewContext.self,
         SourceContext.self, NameContext.self, TableOfContentsItem.self, PageLinkContext.self, FAQFieldsContext.self,
         ReportContext.self, PageGroupContext.self, FAQEntryContext.self, FAQGroupContext.self, GlossaryTermContext.self,
         GlossaryLetterContext.self, DatasetSummaryContext.self, DatasetContext.self, DatasetFigureContext.self,
         ChangeContext.self]
    }

    /// Every name a layout may look up (the parts of `page.title` are `page` and `title`).
    static let vocabulary = Set(types.flatMap { $0.keyNames })

    let site: SiteContext
    let page: PageContext
    let menu: [MenuItemContext]
    let mostAsked: [FAQEntryContext]
    let asset: MustacheLambda
    var faqCategories: [FAQGroupContext] = []
    var faqLetters: [FAQGroupContext] = []
    var generated = GeneratedContext()
    /// The site-wide partials rendered once for this page's menu (`LayoutFragments`), by number. Not a key: only
    /// the layouts `LayoutFragments` rewrites look them up.
    var fragments: [String] = []

    init(site: SiteContext, page: PageContext, menu: [MenuItemContext], mostAsked: [FAQEntryContext],
         asset: MustacheLambda, generated: GeneratedContext = GeneratedContext()) {
        self.site = site
        self.page = page
        self.menu = menu
        self.mostAsked = mostAsked
        self.asset = asset
        self.generated = generated
    }

    func child(named name: String) -> Any? {
        if let number = LayoutFragments.number(name) { return number < fragments.count ? fragments[number] : nil }
        return Key(rawValue: name).flatMap(lookup)
    }

    static func reader(_ name: String) -> LayoutKeyReader? {
        if let number = LayoutFragments.number(name) {
            return { context in
                let fragments = (context as! LayoutContext).fragments
                return number < fragments.count ? fragments[number] : nil
            }
        }
        guard let key = Key(rawValue: name) else { return nil }
        return { ($0 as! LayoutContext).lookup(key) }
    }

    enum Key: String, CaseIterable {
        case site, page, menu, most_asked, has_most_asked, asset, faq_categories, faq_letters
        case terms, glossary_letters, datasets, dataset, changes, has_changes
    }

    static let heading = "The top level"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .site: site
        case .page: page
        case .menu: menu
        case .most_asked: mostAsked
        case .has_most_asked: !mostAsked.isEmpty
        case .asset: asset
        case .faq_categories: faqCategories
        case .faq_letters: faqLetters
        case .terms: generated.terms
        case .glossary_letters: generated.glossaryLetters
        case .datasets: generated.datasets
        case .dataset: (generated.dataset as Any?) ?? false
        case .changes: generated.changes
        case .has_changes: !generated.changes.isEmpty
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .site: "the site (`site.…`)"
        case .page: "the page being rendered (`page.…`); generated pages have it too, with `kind` `generated`"
        case .menu: "the menu of `lathund.yml` (`menu` items)"
        case .most_asked: "the FAQ entries `most_asked:` in `faq/_index.md` names, in its order (every page has them; the home and FAQ layouts lead with them)"
        case .has_most_asked: "true when `most_asked` is not empty"
        case .asset: "a lambda: `{{#asset}}style.css{{/asset}}` is the href of `layouts/assets/style.css` as written, with its fingerprint (`/assets/style.3f2a9c1e.css`)"
        case .faq_categories: "on the FAQ's section page: its entries under their categories; on the search page `/sok/` the same categories (links after zero results); else empty"
        case .faq_letters: "on the FAQ's section page: its entries under their first letters; else empty"
        case .terms: "on `/ordlista/`: the glossary in Swedish order; else empty"
        case .glossary_letters: "on `/ordlista/`: the same terms under their letters; else empty"
        case .datasets: "on `/statistik/`: every dataset; else empty"
        case .dataset: "on `/statistik/NAME/`: the dataset; else `false`"
        case .changes: "on `/andringar/`: the latest 30 changes, newest first; else empty"
        case .has_changes: "true when `changes` is not empty"
        }
    }
}

/// What only generated pages show: the glossary, the statistics and the list of changes.
struct GeneratedContext {
    var terms: [GlossaryTermContext] = []
    var glossaryLetters: [GlossaryLetterContext] = []
    var datasets: [DatasetSummaryContext] = []
    var dataset: DatasetContext?
    var changes: [ChangeContext] = []
}

/// `site`: what every page shows the same.
final class SiteContext: LayoutValue, Sendable {
    let title: String?
    let description: String?
    let language: String?
    let baseURL: String?
    let homeURL: String?
    let feedURL: String?
    let assetsURL: String?
    let searchURL: String?
    let changesURL: String?
    let faqURL: String?
    let glossaryURL: String?

    init(title: String?, description: String?, language: String?, baseURL: String?, homeURL: String?,
         feedURL: String?, assetsURL: String?, searchURL: String?, changesURL: String?, faqURL: String?,
         glossaryURL: String?) {
        self.title = title
        self.description = description
        self.language = language
        self.baseURL = baseURL
        self.homeURL = homeURL
        self.feedURL = feedURL
        self.assetsURL = assetsURL
        self.searchURL = searchURL
        self.changesURL = changesURL
        self.faqURL = faqURL
        self.glossaryURL = glossaryURL
    }

    enum Key: String, CaseIterable {
        case title, description, language, base_url, home_url, feed_url, assets_url, search_url, changes_url
        case faq_url, glossary_url
    }

    static let heading = "`site`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .description: description
        case .language: language
        case .base_url: baseURL
        case .home_url: homeURL
        case .feed_url: feedURL
        case .assets_url: assetsURL
        case .search_url: searchURL
        case .changes_url: changesURL
        case .faq_url: faqURL
        case .glossary_url: glossaryURL
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title, .description, .language: "from `lathund.yml`"
        case .base_url: "absolute base URL ending in `/`"
        case .home_url: "href of `/` (all hrefs respect a base path)"
        case .feed_url: "href of `/feed.xml`"
        case .assets_url: "href of `/assets/`"
        case .search_url: "href of `/sok/`"
        case .changes_url: "href of `/andringar/`"
        case .faq_url: "href of `/faq/`, or left out when the site has no such page"
        case .glossary_url: "href of `/ordlista/`, or left out when the site has no glossary"
        }
    }
}

/// An item of `menu`.
struct MenuItemContext: LayoutValue {
    var title: String?
    var url: String?
    var current: Bool
    var description: String?

    enum Key: String, CaseIterable { case title, url, current, description }

    static let heading = "`menu` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .url: url
        case .current: current
        case .description: description
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "from `lathund.yml`"
        case .url: "from `lathund.yml`; an href when it starts with `/`"
        case .current: "true in that part of the site"
        case .description: "the linked page's summary (the home page lists the sections with it, so the menu's words are the section labels)"
        }
    }
}

/// `page`: the page being rendered.
final class PageContext: LayoutValue {
    var title: String?
    var description: String?
    var summary: String?
    var url: String?
    var permalink: String?
    var kind: String?
    var section: String?
    var isHome: Bool
    var isSection: Bool
    var isPage: Bool
    var date: String?
    var updated: String?
    var changed: String?
    var reviewed: ReviewContext?
    var sources: [SourceContext]
    var sourceNotice: Bool
    var oldSources: String?
    var undatedSources: Bool
    var tags: [NameContext]
    var content: HTMLText?
    var contentLead: HTMLText?
    var contentRest: HTMLText?
    var toc: [TableOfContentsItem]
    var breadcrumbs: [PageLinkContext]
    var prev: PageLinkContext?
    var next: PageLinkContext?
    var backlinks: [PageLinkContext]
    var children: [PageLinkContext]
    var faq: FAQFieldsContext?
    var report: ReportContext?
    var jsonld: String?

    init(title: String? = nil, description: String? = nil, summary: String? = nil, url: String? = nil,
         permalink: String? = nil, kind: String? = nil, section: String? = nil, isHome: Bool = false,
         isSection: Bool = false, isPage: Bool = false, date: String? = nil, updated: String? = nil,
         changed: String? = nil, reviewed: ReviewContext? = nil, sources: [SourceContext] = [],
         sourceNotice: Bool = false, oldSources: String? = nil, undatedSources: Bool = false,
         tags: [NameContext] = [], content: HTMLText? = nil, contentLead: HTMLText? = nil,
         contentRest: HTMLText? = nil, toc: [TableOfContentsItem] = [], breadcrumbs: [PageLinkContext] = [],
         prev: PageLinkContext? = nil, next: PageLinkContext? = nil, backlinks: [PageLinkContext] = [],
         children: [PageLinkContext] = [], faq: FAQFieldsContext? = nil, report: ReportContext? = nil,
         jsonld: String? = nil) {
        self.title = title
        self.description = description
        self.summary = summary
        self.url = url
        self.permalink = permalink
        self.kind = kind
        self.section = section
        self.isHome = isHome
        self.isSection = isSection
        self.isPage = isPage
        self.date = date
        self.updated = updated
        self.changed = changed
        self.reviewed = reviewed
        self.sources = sources
        self.sourceNotice = sourceNotice
        self.oldSources = oldSources
        self.undatedSources = undatedSources
        self.tags = tags
        self.content = content
        self.contentLead = contentLead
        self.contentRest = contentRest
        self.toc = toc
        self.breadcrumbs = breadcrumbs
        self.prev = prev
        self.next = next
        self.backlinks = backlinks
        self.children = children
        self.faq = faq
        self.report = report
        self.jsonld = jsonld
    }

    enum Key: String, CaseIterable {
        case title, description, summary, url, permalink, kind, section, is_home, is_section, is_page, date, updated
        case changed, reviewed, sources, has_sources, source_notice, old_sources, undated_sources, tags, has_tags
        case content, content_lead, content_rest
        case toc, has_toc, breadcrumbs, has_breadcrumbs, prev, next, backlinks, has_backlinks, children, has_children
        case child_groups, faq, report, jsonld
    }

    static let heading = "`page`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .description: description
        case .summary: summary
        case .url: url
        case .permalink: permalink
        case .kind: kind
        case .section: section
        case .is_home: isHome
        case .is_section: isSection
        case .is_page: isPage
        case .date: date
        case .updated: updated
        case .changed: changed
        case .reviewed: reviewed
        case .sources: sources
        case .has_sources: !sources.isEmpty
        case .source_notice: sourceNotice
        case .old_sources: oldSources
        case .undated_sources: undatedSources
        case .tags: tags
        case .has_tags: !tags.isEmpty
        case .content: content
        case .content_lead: contentLead
        case .content_rest: contentRest
        case .toc: toc
        case .has_toc: !toc.isEmpty
        case .breadcrumbs: breadcrumbs
        case .has_breadcrumbs: !breadcrumbs.isEmpty
        case .prev: (prev as Any?) ?? false
        case .next: (next as Any?) ?? false
        case .backlinks: backlinks
        case .has_backlinks: !backlinks.isEmpty
        case .children: children
        case .has_children: !children.isEmpty
        case .child_groups: PageGroupContext.groups(children)
        case .faq: (faq as Any?) ?? false
        case .report: (report as Any?) ?? false
        case .jsonld: jsonld
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "the title"
        case .description: "`description:` of the front matter"
        case .summary: "the description, else the start of the first paragraph"
        case .url: "href of the page"
        case .permalink: "absolute URL of the page"
        case .kind: "`home`, `section`, `page` or `generated`"
        case .section: "the slug of the page's top folder"
        case .is_home, .is_section, .is_page: "booleans"
        case .date, .updated: "`ÅÅÅÅ-MM-DD` as written, or left out"
        case .changed: "`ÅÅÅÅ-MM-DD`: the last commit that touched the page's file, else `updated`, else `date`; left out without any (\"Senast ändrad\", `partials/page-meta`)"
        case .reviewed: "the review mark as written in the front matter, or left out: show it as written (\"Kontrollerad mot {{against}} {{date}} av {{by}}\", `partials/page-meta`), never more"
        case .sources: "the page's sources (`partials/sources`)"
        case .source_notice: "true when the page should tell the reader to check the current rules: no dated source is within `source_max_age_years` (`partials/source-notice`, after the page's opening)"
        case .old_sources: "with the notice, the year of the newest dated source, else left out (no source is dated: their age is unknown)"
        case .undated_sources: "with the notice, true when some of the page's sources are undated"
        case .tags: "the page's tags"
        case .content: "the page's HTML (use `{{{page.content}}}`)"
        case .content_lead: "`page.content` up to the table of contents: the text before the first level-2 heading and, when the page starts with a level-2 heading (a summary such as \"Det viktigaste\"), that first section too"
        case .content_rest: "the rest of `page.content`, from the next level-2 heading (left out when there is none)"
        case .toc: "the level-2 headings of `page.content_rest` with their level-3 children, when it has at least `toc_min_headings`"
        case .breadcrumbs: "the page's ancestors, outermost first"
        case .prev, .next: "the neighbour in the section, or `false`"
        case .backlinks: "the pages that link here"
        case .children: "a section's pages, by `weight` then title"
        case .child_groups: "`children` under their `group:` headings, each group where its first page stands, and the pages without a group first; one group without a title when no page has one"
        case .faq: "on FAQ entries: the entry's fields; else `false`"
        case .report: "on reports: the report's fields; else `false`"
        case .jsonld: "in the FAQ section: the FAQPage JSON-LD of the page's entries (`{{{page.jsonld}}}`)"
        case .has_sources, .has_tags, .has_toc, .has_breadcrumbs, .has_backlinks, .has_children:
            "true when the list it names is not empty"
        }
    }
}

/// `page.reviewed`, as written in the front matter.
final class ReviewContext: LayoutValue, Sendable {
    let date: String
    let by: String
    let against: String

    init(date: String, by: String, against: String) {
        self.date = date
        self.by = by
        self.against = against
    }

    enum Key: String, CaseIterable { case date, by, against }

    static let heading = "`page.reviewed`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .date: date
        case .by: by
        case .against: against
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .date: "when the facts were checked (`ÅÅÅÅ-MM-DD`)"
        case .by: "the role that checked them"
        case .against: "what they were checked against"
        }
    }
}

/// An item of `page.sources` or `dataset.sources`.
final class SourceContext: LayoutValue, Sendable {
    let title: String?
    let url: String?
    let publisher: String?
    let date: String?
    let undated: Bool
    let read: String?
    let section: String?

    enum Key: String, CaseIterable { case title, url, publisher, date, undated, read, section }

    static let heading = "`page.sources` and `dataset.sources` items"

    init(_ source: SourceReference) {
        title = nonEmpty(source.title)
        url = source.url.flatMap(nonEmpty)
        publisher = nonEmpty(source.publisher)
        date = source.date.flatMap { nonEmpty($0.description) }
        undated = source.date == nil
        read = source.read.flatMap { nonEmpty($0.description) }
        section = source.section.flatMap(nonEmpty)
    }

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .url: url
        case .publisher: publisher
        case .date: date
        case .undated: undated
        case .read: read
        case .section: section
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "the document's title"
        case .url: "its address, or left out"
        case .publisher: "who published it; several are joined with \"och\""
        case .date: "the document's own date (ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD), left out when `undated` is true"
        case .undated: "true for `date: odaterad`: show \"odaterad\", never a year"
        case .read: "the day the text was read (ÅÅÅÅ-MM-DD), or left out"
        case .section: "the section or page within it, or left out (`partials/source`)"
        }
    }
}

/// An item of `page.tags` or `page.report.owners`.
struct NameContext: LayoutValue {
    var name: String

    enum Key: String, CaseIterable { case name }

    static let heading = "`page.tags` and `page.report.owners` items"

    func lookup(_ key: Key) -> Any? { name }

    static func documentation(_ key: Key) -> String { "the tag or the owner" }
}

/// An item of `page.toc`: a level-2 heading with its level-3 headings, or a level-3 heading.
final class TableOfContentsItem: LayoutValue, Sendable {
    let id: String
    let text: String
    let level: Int
    /// Left out on a level-3 heading under a level-2 one.
    let children: [TableOfContentsItem]?

    init(id: String, text: String, level: Int, children: [TableOfContentsItem]? = nil) {
        self.id = id
        self.text = text
        self.level = level
        self.children = children
    }

    enum Key: String, CaseIterable { case id, text, level, children, has_children }

    static let heading = "`page.toc` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .id: id
        case .text: text
        case .level: level
        case .children: children
        case .has_children: !(children ?? []).isEmpty
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .id: "the heading's id"
        case .text: "the heading's text"
        case .level: "2 or 3"
        case .children: "the level-3 headings under a level-2 heading (left out on those)"
        case .has_children: "true when `children` is not empty"
        }
    }
}

/// A link to a page: breadcrumbs, children, backlinks, neighbours, related FAQ entries.
final class PageLinkContext: LayoutValue, Sendable {
    let title: String?
    let url: String?
    let description: String?
    let summary: String?
    let date: String?
    /// `group:` of that page.
    let group: String?
    let report: ReportContext?

    init(title: String? = nil, url: String? = nil, description: String? = nil, summary: String? = nil,
         date: String? = nil, group: String? = nil, report: ReportContext? = nil) {
        self.title = title
        self.url = url
        self.description = description
        self.summary = summary
        self.date = date
        self.group = group
        self.report = report
    }

    enum Key: String, CaseIterable { case title, url, description, summary, date, group, report }

    static let heading = "`page.breadcrumbs`, `page.children`, `page.backlinks`, `page.prev`, `page.next` and `page.faq.related` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .url: url
        case .description: description
        case .summary: summary
        case .date: date
        case .group: group
        case .report: (report as Any?) ?? false
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "the page's title"
        case .url: "its href"
        case .description, .summary, .date: "as `page.description`, `page.summary` and `page.date` of that page"
        case .group: "the heading its section page lists it under (`group:`), or left out"
        case .report: "as `page.report` of that page (a section of reports can compare them in a table)"
        }
    }
}

/// An item of `page.child_groups`: a heading and the section's pages under it.
struct PageGroupContext: LayoutValue {
    var title: String?
    var children: [PageLinkContext]

    enum Key: String, CaseIterable { case title, children }

    static let heading = "`page.child_groups` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .children: children
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "the pages' `group:`, or left out for the pages without one"
        case .children: "the pages, in the order of `page.children`"
        }
    }

    /// `children` grouped by `group:`: the pages without one first, then each group in the order its first page
    /// comes; the pages keep their order within a group.
    static func groups(_ children: [PageLinkContext]) -> [PageGroupContext] {
        var groups: [PageGroupContext] = []
        var positions: [String: Int] = [:]
        let ungrouped = children.filter { $0.group == nil }
        if !ungrouped.isEmpty { groups.append(PageGroupContext(title: nil, children: ungrouped)) }
        for child in children {
            guard let group = child.group else { continue }
            if let position = positions[group] {
                groups[position].children.append(child)
            } else {
                positions[group] = groups.count
                groups.append(PageGroupContext(title: group, children: [child]))
            }
        }
        return groups
    }
}

/// `page.faq`: the fields of an FAQ entry.
struct FAQFieldsContext: LayoutValue {
    var question: String?
    var category: String?
    var related: [PageLinkContext]

    enum Key: String, CaseIterable { case question, category, related, has_related }

    static let heading = "`page.faq`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .question: question
        case .category: category
        case .related: related
        case .has_related: !related.isEmpty
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .question: "the question"
        case .category: "its category, or left out"
        case .related: "the pages `related:` names"
        case .has_related: "true when `related` is not empty"
        }
    }
}

/// `page.report`: the fields of a project report.
struct ReportContext: LayoutValue {
    var region: String?
    var period: String?
    var owners: [NameContext]
    var budget: String?
    var kind: String?
    var status: String?

    enum Key: String, CaseIterable { case region, period, owners, budget, kind, status }

    static let heading = "`page.report`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .region: region
        case .period: period
        case .owners: owners
        case .budget: budget
        case .kind: kind
        case .status: status
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .region, .period, .kind, .status: "from the front matter, or left out"
        case .owners: "the project's owners"
        case .budget: "`budget_sek` written the Swedish way (`4 800 000 kr`), or left out"
        }
    }
}

/// An FAQ entry in a list: `most_asked` and the entries of `faq_categories` and `faq_letters`.
struct FAQEntryContext: LayoutValue {
    var question: String
    var url: String
    var anchor: String
    var category: String

    enum Key: String, CaseIterable { case question, url, anchor, category }

    static let heading = "`most_asked` items and the `entries` of `faq_categories` and `faq_letters`"

    init(_ entry: FAQIndex.Entry, links: SiteLinks) {
        question = entry.question
        url = links.href(entry.url)
        anchor = entry.anchor
        category = entry.category
    }

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .question: question
        case .url: url
        case .anchor: anchor
        case .category: category
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .question: "the question"
        case .url: "href of the entry's page"
        case .anchor: "the entry's id in lists (`fraga-` and the file's slug)"
        case .category: "its category"
        }
    }
}

/// A group of FAQ entries: an item of `faq_categories` or `faq_letters`.
struct FAQGroupContext: LayoutValue {
    var name: String
    var anchor: String
    var entries: [FAQEntryContext]

    enum Key: String, CaseIterable { case name, anchor, entries }

    static let heading = "`faq_categories` and `faq_letters` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .name: name
        case .anchor: anchor
        case .entries: entries
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .name: "the category or the letter"
        case .anchor: "its id"
        case .entries: "its entries"
        }
    }
}

/// An item of `terms`.
struct GlossaryTermContext: LayoutValue {
    var term: String?
    var expansion: String?
    var definition: String?
    var id: String?
    var pageURL: String?
    var pageTitle: String?

    enum Key: String, CaseIterable { case term, expansion, definition, id, page_url, page_title }

    static let heading = "`terms` items and the `terms` of `glossary_letters`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .term: term
        case .expansion: expansion
        case .definition: definition
        case .id: id
        case .page_url: pageURL
        case .page_title: pageTitle
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .term, .expansion, .definition: "from `content/ordlista.yml`"
        case .id: "the term's anchor (`/ordlista/#afu`)"
        case .page_url, .page_title: "the page the glossary's `page:` points to, or left out"
        }
    }
}

/// An item of `glossary_letters`.
struct GlossaryLetterContext: LayoutValue {
    var name: String
    var anchor: String
    var terms: [GlossaryTermContext]

    enum Key: String, CaseIterable { case name, anchor, terms }

    static let heading = "`glossary_letters` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .name: name
        case .anchor: anchor
        case .terms: terms
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .name: "the letter"
        case .anchor: "`bokstav_a`, `bokstav_aa` for Å, `bokstav_ae` for Ä, `bokstav_oe` for Ö"
        case .terms: "the terms under it"
        }
    }
}

/// An item of `datasets`.
struct DatasetSummaryContext: LayoutValue {
    var title: String?
    var url: String?
    var description: String?
    var period: String?
    var chart: String?

    enum Key: String, CaseIterable { case title, url, description, period, chart }

    static let heading = "`datasets` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .url: url
        case .description: description
        case .period: period
        case .chart: chart
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title, .description, .period: "from the dataset's metadata"
        case .url: "href of its page"
        case .chart: "a small inline SVG (`{{{chart}}}`)"
        }
    }
}

/// `dataset`: the dataset of a page `/statistik/NAME/`.
struct DatasetContext: LayoutValue {
    var title: String?
    var description: String?
    var unit: String?
    var sources: [SourceContext]
    var period: String?
    var note: String?
    var chart: String?
    var table: String?
    var figures: [DatasetFigureContext]
    var csvURL: String?
    var jsonURL: String?

    enum Key: String, CaseIterable {
        case title, description, unit, sources, period, note, chart, table, figures, has_figures, csv_url, json_url
    }

    static let heading = "`dataset`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .description: description
        case .unit: unit
        case .sources: sources
        case .period: period
        case .note: note
        case .chart: chart
        case .table: table
        case .figures: figures
        case .has_figures: !figures.isEmpty
        case .csv_url: csvURL
        case .json_url: jsonURL
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title, .description, .unit, .period: "from the dataset's metadata"
        case .note: "from the metadata, or left out"
        case .sources: "as `page.sources`"
        case .chart: "the chart as SVG, made by the engine with everything escaped (`{{{chart}}}`)"
        case .table: "the data as an HTML table, made by the engine with everything escaped (`{{{table}}}`)"
        case .figures: "the key figures"
        case .has_figures: "true when `figures` is not empty"
        case .csv_url, .json_url: "hrefs of the data as CSV and JSON"
        }
    }
}

/// An item of `dataset.figures`.
struct DatasetFigureContext: LayoutValue {
    var label: String
    var figure: String

    enum Key: String, CaseIterable { case label, value }

    static let heading = "`dataset.figures` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .label: label
        case .value: figure
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .label: "what the figure is"
        case .value: "the figure, written the Swedish way"
        }
    }
}

/// An item of `changes`: one change to a page.
struct ChangeContext: LayoutValue {
    var date: String?
    var title: String?
    var url: String?
    var summary: String?

    enum Key: String, CaseIterable { case date, title, url, summary }

    static let heading = "`changes` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .date: date
        case .title: title
        case .url: url
        case .summary: summary
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .date: "`ÅÅÅÅ-MM-DD` of the change"
        case .title: "the page's title"
        case .url: "its href"
        case .summary: "what changed, for readers: the commit's `Ändring:` trailer, else \"Ny sida.\" or \"Sidan har uppdaterats.\"; left out without git (never the commit's subject)"
        }
    }
}

extension LayoutContext {
    /// The key tables of `layouts/README.md`, one per type of value.
    static var documentation: String {
        types.map { type in type.documentationTable }.joined(separator: "\n")
    }
}

extension LayoutValue {
    static var documentationTable: String { "### \(heading)\n\n" + keyTable }

    /// The table of `Key` with what each holds.
    static var keyTable: String {
        var table = "| key | what |\n|---|---|\n"
        for key in Key.allCases { table += "| `\(key.rawValue)` | \(documentation(key).replacingOccurrences(of: "|", with: "\\|")) |\n" }
        return table
    }
}
