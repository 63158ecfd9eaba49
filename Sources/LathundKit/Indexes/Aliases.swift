/// `aliases:` in front matter: old addresses of a page, each written as a redirect page. An alias must be a path
/// on the site that no page and no other alias has.
struct Alias {
    /// The redirect page's path in the output folder (`gammal/adress/index.html`).
    let path: String
    let target: ParsedPage

    static func collect(from index: SiteIndex) -> Staged<[Alias]> {
        var aliases: [Alias] = []
        var diagnostics: [Diagnostic] = []
        var owners: [String: String] = [:]
        for page in index.pages {
            for alias in page.page.frontMatter.aliases {
                guard let url = Self.url(alias.value) else {
                    diagnostics.append(.error(alias.location, .badAlias,
                                              "alias '\(alias.value)' must be a path such as /gammal/adress/ without '..'"))
                    continue
                }
                let path = String(url.dropFirst()) + "index.html"
                if index.indexByURL[url] != nil || index.generated.contains(where: { $0.url == url }) {
                    diagnostics.append(.error(alias.location, .duplicateUrl,
                                              "alias '\(alias.value)' is the URL of an existing page"))
                } else if let owner = owners[path] {
                    diagnostics.append(.error(alias.location, .duplicateUrl,
                                              "alias '\(alias.value)' is also an alias of \(owner)"))
                } else {
                    owners[path] = page.page.displayPath
                    aliases.append(Alias(path: path, target: page))
                }
            }
        }
        return Staged(aliases, diagnostics)
    }

    /// Normalises an alias to a site URL (`/gammal/adress/`), or nil when it would leave the site. Split by
    /// Unicode scalars, as the file system splits the path: split by `Character`, a `/` followed by a combining
    /// mark is one character, and `/../\u{301}x/` passed as one harmless name.
    static func url(_ alias: String) -> String? {
        guard alias.hasPrefix("/"), !LinkSafety.hasUnsafeCharacters(alias), !alias.contains("?"),
              !alias.contains("#") else { return nil }
        let parts = alias.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != "." && $0 != ".." }) else { return nil }
        return "/" + parts.joined(separator: "/") + "/"
    }
}
