/// `robots.txt`. The sitemap, the feed and the redirect pages are made from templates (`FormatTemplate`).
enum SiteFiles {
    static func robots(links: SiteLinks) -> String {
        "User-agent: *\nAllow: /\nSitemap: \(links.absolute("/sitemap.xml"))\n"
    }
}
