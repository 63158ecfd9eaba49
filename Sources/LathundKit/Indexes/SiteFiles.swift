/// `sitemap.xml`, `robots.txt`, the Atom feed and redirect pages for `aliases`.
enum SiteFiles {
    /// `changed`: each page's last change (`ChangeLog`), by position in `index.pages`.
    static func sitemap(index: SiteIndex, changed: [Day?], links: SiteLinks) -> String {
        var entries: [(url: String, lastmod: Day?)] = zip(index.pages, changed).map { ($0.url, $1) }
        entries += index.generated.filter(\.isListed).map { ($0.url, nil) }
        entries.sort { $0.url < $1.url }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for entry in entries {
            xml += "  <url><loc>\(HTML.escape(links.absolute(entry.url)))</loc>"
            if let lastmod = entry.lastmod { xml += "<lastmod>\(lastmod)</lastmod>" }
            xml += "</url>\n"
        }
        xml += "</urlset>\n"
        return xml
    }

    static func robots(links: SiteLinks) -> String {
        "User-agent: *\nAllow: /\nSitemap: \(links.absolute("/sitemap.xml"))\n"
    }

    /// The newest `limit` pages by their last change (`ChangeLog`: git, else `updated`, else `date`); pages
    /// without a date are not in the feed.
    static func feed(index: SiteIndex, changed: [Day?], config: SiteConfig, links: SiteLinks) -> String {
        let dated = zip(index.pages, changed).compactMap { page, day in day.map { (page, $0) } }
        let newest = dated.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.url < $1.0.url }.prefix(config.feedLimit)
        let updated = newest.first.map { "\($0.1)T00:00:00Z" } ?? "1970-01-01T00:00:00Z"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(HTML.escape(config.language))\">\n"
        xml += "  <title>\(HTML.escape(config.title))</title>\n"
        xml += "  <id>\(HTML.escape(links.absolute("/")))</id>\n"
        xml += "  <link href=\"\(HTML.escape(links.absolute("/")))\"/>\n"
        xml += "  <link rel=\"self\" href=\"\(HTML.escape(links.absolute("/feed.xml")))\"/>\n"
        xml += "  <updated>\(updated)</updated>\n"
        xml += "  <author><name>\(HTML.escape(config.title))</name></author>\n"
        for (page, day) in newest {
            let url = HTML.escape(links.absolute(page.url))
            xml += "  <entry>\n"
            xml += "    <title>\(HTML.escape(page.title))</title>\n"
            xml += "    <id>\(url)</id>\n"
            xml += "    <link href=\"\(url)\"/>\n"
            xml += "    <updated>\(day)T00:00:00Z</updated>\n"
            xml += "    <summary>\(HTML.escape(page.summary))</summary>\n"
            xml += "  </entry>\n"
        }
        xml += "</feed>\n"
        return xml
    }

    /// A page at an old address that sends the reader on to the page's URL, without script.
    static func redirect(to url: String, title: String, links: SiteLinks, language: String) -> String {
        let href = HTML.escape(links.href(url))
        let absolute = HTML.escape(links.absolute(url))
        return """
        <!DOCTYPE html>
        <html lang="\(HTML.escape(language))">
        <head>
        <meta charset="utf-8">
        <title>\(HTML.escape(title))</title>
        <link rel="canonical" href="\(absolute)">
        <meta name="robots" content="noindex">
        <meta http-equiv="refresh" content="0; url=\(href)">
        </head>
        <body>
        <p>Sidan har flyttat till <a href="\(href)">\(HTML.escape(title))</a>.</p>
        </body>
        </html>

        """
    }
}
