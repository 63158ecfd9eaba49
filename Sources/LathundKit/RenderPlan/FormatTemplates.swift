/// The files besides pages that are made from templates: the sitemap, the Atom feed and the redirect page of each
/// alias. Each has a built-in template (below); a project overrides one with a file of the same name in `layouts/`
/// (`layouts/sitemap.xml.mustache`), as Zola's built-in `sitemap.xml` and `atom.xml` are overridden. An override is
/// loaded and checked like any layout, against the keys of its own context types; it is not a page layout, so
/// `layout: feed.xml` is not a choice. `layouts/README.md` lists the keys (`FormatTemplate.documentation`).
enum FormatTemplate: String, CaseIterable, Sendable {
    case sitemap = "sitemap.xml"
    case feed = "feed.xml"
    case redirect = "redirect.html"

    /// The types of value the template can reach, its top level first; `site` is the pages' `site`.
    var types: [any LayoutValue.Type] {
        switch self {
        case .sitemap: [SitemapContext.self, SitemapEntryContext.self, SiteContext.self]
        case .feed: [FeedContext.self, FeedEntryContext.self, SiteContext.self]
        case .redirect: [RedirectContext.self, SiteContext.self]
        }
    }

    /// Every name the template may look up.
    var vocabulary: Set<String> { Set(types.flatMap { $0.keyNames }) }

    /// What the template makes, for the README.
    var purpose: String {
        switch self {
        case .sitemap: "`site/sitemap.xml`"
        case .feed: "`site/feed.xml`, an Atom feed of the newest `feed_limit` pages by their last change (pages without a date are left out)"
        case .redirect: "`site/OLD/index.html` for each of a page's `aliases:`, a page that sends the reader on without script"
        }
    }

    /// The template Lathund uses when `layouts/` has no file of this name. Escaping is the layouts' (`HTML.escape`),
    /// which is also right for XML text and attribute values.
    var builtIn: String {
        switch self {
        case .sitemap:
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            {{#entries}}
              <url><loc>{{url}}</loc>{{#lastmod}}<lastmod>{{lastmod}}</lastmod>{{/lastmod}}</url>
            {{/entries}}
            </urlset>

            """
        case .feed:
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{site.language}}">
              <title>{{site.title}}</title>
              <id>{{site_url}}</id>
              <link href="{{site_url}}"/>
              <link rel="self" href="{{self_url}}"/>
              <updated>{{updated}}</updated>
              <author><name>{{site.title}}</name></author>
            {{#entries}}
              <entry>
                <title>{{title}}</title>
                <id>{{url}}</id>
                <link href="{{url}}"/>
                <updated>{{updated}}</updated>
                <summary>{{summary}}</summary>
              </entry>
            {{/entries}}
            </feed>

            """
        case .redirect:
            """
            <!DOCTYPE html>
            <html lang="{{site.language}}">
            <head>
            <meta charset="utf-8">
            <title>{{title}}</title>
            <link rel="canonical" href="{{canonical_url}}">
            <meta name="robots" content="noindex">
            <meta http-equiv="refresh" content="0; url={{url}}">
            </head>
            <body>
            <p>Sidan har flyttat till <a href="{{url}}">{{title}}</a>.</p>
            </body>
            </html>

            """
        }
    }

    /// The README's section on these templates: per template what it makes, the built-in template and the key
    /// tables of its own types (`site` is the pages' `site`, whose table is above).
    static var documentation: String {
        allCases.flatMap { format -> [String] in
            let own = format.types.filter { ObjectIdentifier($0) != ObjectIdentifier(SiteContext.self) }
            return ["### \(own[0].heading)\n\nMakes \(format.purpose). The built-in template:\n\n```mustache\n"
                    + format.builtIn + "```\n\n" + own[0].keyTable]
                + own.dropFirst().map { $0.documentationTable }
        }.joined(separator: "\n")
    }
}

/// The top level of a format template's context.
protocol FormatContext: LayoutValue {
    static var format: FormatTemplate { get }
}

/// `sitemap.xml`'s context.
struct SitemapContext: FormatContext {
    static let format = FormatTemplate.sitemap
    var site: SiteContext
    var entries: [SitemapEntryContext]

    enum Key: String, CaseIterable { case site, entries }

    static let heading = "`sitemap.xml`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .site: site
        case .entries: entries
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .site: "the site, as on pages (`site.…`)"
        case .entries: "every page and listed generated page, sorted by URL"
        }
    }

    /// `changed`: each page's last change (`ChangeLog`), by position in `index.pages`.
    init(index: SiteIndex, changed: [Day?], links: SiteLinks, site: SiteContext) {
        var entries: [(url: String, lastmod: Day?)] = zip(index.pages, changed).map { ($0.url, $1) }
        entries += index.generated.filter(\.isListed).map { ($0.url, nil) }
        entries.sort { $0.url < $1.url }
        self.site = site
        self.entries = entries.map { SitemapEntryContext(url: links.absolute($0.url), lastmod: $0.lastmod.map { "\($0)" }) }
    }
}

/// An item of `sitemap.xml`'s `entries`.
struct SitemapEntryContext: LayoutValue {
    var url: String
    var lastmod: String?

    enum Key: String, CaseIterable { case url, lastmod }

    static let heading = "`sitemap.xml`: `entries` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .url: url
        case .lastmod: lastmod
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .url: "the page's absolute URL"
        case .lastmod: "`ÅÅÅÅ-MM-DD` of its last change (`page.changed`); left out for generated pages"
        }
    }
}

/// `feed.xml`'s context.
struct FeedContext: FormatContext {
    static let format = FormatTemplate.feed
    var site: SiteContext
    var siteURL: String
    var selfURL: String
    var updated: String
    var entries: [FeedEntryContext]

    enum Key: String, CaseIterable { case site, site_url, self_url, updated, entries }

    static let heading = "`feed.xml`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .site: site
        case .site_url: siteURL
        case .self_url: selfURL
        case .updated: updated
        case .entries: entries
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .site: "the site, as on pages (`site.…`)"
        case .site_url: "the home page's absolute URL (the feed's `id`)"
        case .self_url: "the feed's own absolute URL"
        case .updated: "the newest entry's `updated`, or `1970-01-01T00:00:00Z` when there is none"
        case .entries: "the newest pages, newest first (by URL within a day)"
        }
    }

    /// The newest `config.feedLimit` pages by their last change (`ChangeLog`: git, else `updated`, else `date`);
    /// pages without a date are not in the feed.
    init(index: SiteIndex, changed: [Day?], config: SiteConfig, links: SiteLinks, site: SiteContext) {
        let dated = zip(index.pages, changed).compactMap { page, day in day.map { (page, $0) } }
        let newest = dated.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.url < $1.0.url }.prefix(config.feedLimit)
        self.site = site
        siteURL = links.absolute("/")
        selfURL = links.absolute("/feed.xml")
        updated = newest.first.map { "\($0.1)T00:00:00Z" } ?? "1970-01-01T00:00:00Z"
        entries = newest.map { page, day in
            FeedEntryContext(title: page.title, url: links.absolute(page.url), updated: "\(day)T00:00:00Z",
                             summary: page.summary)
        }
    }
}

/// An item of `feed.xml`'s `entries`. Every key has a value (text may be empty), so a look-up never falls through
/// to the feed's own keys.
struct FeedEntryContext: LayoutValue {
    var title: String
    var url: String
    var updated: String
    var summary: String

    enum Key: String, CaseIterable { case title, url, updated, summary }

    static let heading = "`feed.xml`: `entries` items"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .title: title
        case .url: url
        case .updated: updated
        case .summary: summary
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .title: "the page's title"
        case .url: "its absolute URL"
        case .updated: "its last change, `ÅÅÅÅ-MM-DDT00:00:00Z`"
        case .summary: "its summary (`page.summary`)"
        }
    }
}

/// The context of the redirect page an alias makes.
struct RedirectContext: FormatContext {
    static let format = FormatTemplate.redirect
    var site: SiteContext
    var title: String
    var url: String
    var canonicalURL: String

    enum Key: String, CaseIterable { case site, title, url, canonical_url }

    static let heading = "`redirect.html`"

    func lookup(_ key: Key) -> Any? {
        switch key {
        case .site: site
        case .title: title
        case .url: url
        case .canonical_url: canonicalURL
        }
    }

    static func documentation(_ key: Key) -> String {
        switch key {
        case .site: "the site, as on pages (`site.…`)"
        case .title: "the title of the page the alias leads to"
        case .url: "its href"
        case .canonical_url: "its absolute URL"
        }
    }

    init(to page: ParsedPage, links: SiteLinks, site: SiteContext) {
        self.site = site
        title = page.title
        url = links.href(page.url)
        canonicalURL = links.absolute(page.url)
    }
}
