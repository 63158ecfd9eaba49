/// What a Markdown file is in the site.
enum PageKind: String, Sendable {
    case home
    case section
    case page
}

/// A page after the Content stage: its typed front matter, its URL and its Markdown body.
struct Page: Sendable {
    /// Path relative to `content/` (`regelverk/sgi.md`).
    let relativePath: String
    /// Path as printed in diagnostics (`content/regelverk/sgi.md`).
    let displayPath: String
    let kind: PageKind
    /// The slug of the page's top folder (`regelverk`), empty for pages at the top of `content/`.
    let section: String
    /// Site-relative URL, starting and ending with `/` (`/regelverk/sgi/`).
    let url: String
    let frontMatter: FrontMatter
    /// Empty once the Markdown stage has kept the page's HTML and text in `MarkdownSpool` (`dropBodies`).
    var body: String
    let bodyLineOffset: Int
    /// XXH64 of the file's bytes as read, front matter included: the page is made from these bytes alone, so
    /// caches key it with this (`IncrementalRenderKey`, `IncrementalPageMemory`).
    let sourceHash: UInt64
    /// Where the body is when the file was not read (`body` is empty then): a page taken from the page store for a
    /// file whose stamp says it is unchanged. Read only if a stage needs the body.
    var bodyInFile: BodyInFile? = nil

    /// Path of the written file inside the output folder (`regelverk/sgi/index.html`).
    var outputPath: String { String(url.dropFirst()) + "index.html" }
}

/// A file in `content/` copied to the site as it is.
struct Asset: Sendable {
    let relativePath: String
    let displayPath: String
    let absolutePath: String
    var url: String { "/" + relativePath }
}
