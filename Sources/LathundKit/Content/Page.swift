/// What a Markdown file is in the site.
public enum PageKind: String, Sendable, Codable {
    case home
    case section
    case page
}

/// A page after the Content stage: its typed front matter, its URL and its Markdown body.
public struct Page: Sendable {
    /// Path relative to `content/` (`regelverk/sgi.md`).
    public let relativePath: String
    /// Path as printed in diagnostics (`content/regelverk/sgi.md`).
    public let displayPath: String
    public let kind: PageKind
    /// The slug of the page's top folder (`regelverk`), empty for pages at the top of `content/`.
    public let section: String
    /// Site-relative URL, starting and ending with `/` (`/regelverk/sgi/`).
    public let url: String
    public let frontMatter: FrontMatter
    public let body: String
    public let bodyLineOffset: Int
    /// XXH64 of the file's bytes as read, front matter included: the page is made from these bytes alone, so
    /// caches key it with this (`IncrementalRenderKey`, `IncrementalPageMemory`).
    public let sourceHash: UInt64

    /// Path of the written file inside the output folder (`regelverk/sgi/index.html`).
    public var outputPath: String { String(url.dropFirst()) + "index.html" }
}

/// A file in `content/` copied to the site as it is.
public struct Asset: Sendable {
    public let relativePath: String
    public let displayPath: String
    public let absolutePath: String
    public var url: String { "/" + relativePath }
}
