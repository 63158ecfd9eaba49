/// What a Markdown file is in the site.
enum PageKind: String, Sendable {
    case home
    case section
    case page
}

/// A page after the Content stage: its typed front matter, its URL and its Markdown body.
/// The fields no stage changes are in one object (`Fixed`): every stage copies pages (lists, dictionaries, the
/// page memory), and a copy then retains that object, not each text of the front matter (`lathund serve`: the
/// copies were about a tenth of a rebuild's CPU).
struct Page: Sendable {
    private let fixed: Fixed
    /// Empty once the Markdown stage has kept the page's HTML and text in `MarkdownSpool` (`dropBodies`).
    var body: String
    /// Where the body is when the file was not read (`body` is empty then): a page taken from the page store for a
    /// file whose stamp says it is unchanged. Read only if a stage needs the body.
    var bodyInFile: BodyInFile?

    init(relativePath: String, displayPath: String, kind: PageKind, section: String, url: String,
         frontMatter: FrontMatter, body: String, bodyLineOffset: Int, sourceHash: UInt64, bodyInFile: BodyInFile? = nil) {
        fixed = Fixed(relativePath: relativePath, displayPath: displayPath, kind: kind, section: section, url: url,
                      frontMatter: frontMatter, bodyLineOffset: bodyLineOffset, sourceHash: sourceHash)
        self.body = body
        self.bodyInFile = bodyInFile
    }

    /// Path relative to `content/` (`regelverk/sgi.md`).
    var relativePath: String { fixed.relativePath }
    /// Path as printed in diagnostics (`content/regelverk/sgi.md`).
    var displayPath: String { fixed.displayPath }
    var kind: PageKind { fixed.kind }
    /// The slug of the page's top folder (`regelverk`), empty for pages at the top of `content/`.
    var section: String { fixed.section }
    /// Site-relative URL, starting and ending with `/` (`/regelverk/sgi/`).
    var url: String { fixed.url }
    var frontMatter: FrontMatter { fixed.frontMatter }
    var bodyLineOffset: Int { fixed.bodyLineOffset }
    /// XXH64 of the file's bytes as read, front matter included: the page is made from these bytes alone, so
    /// caches key it with this (`IncrementalRenderKey`, `IncrementalPageMemory`).
    var sourceHash: UInt64 { fixed.sourceHash }

    /// Path of the written file inside the output folder (`regelverk/sgi/index.html`).
    var outputPath: String { String(url.dropFirst()) + "index.html" }

    private final class Fixed: Sendable {
        let relativePath: String
        let displayPath: String
        let kind: PageKind
        let section: String
        let url: String
        let frontMatter: FrontMatter
        let bodyLineOffset: Int
        let sourceHash: UInt64

        init(relativePath: String, displayPath: String, kind: PageKind, section: String, url: String,
             frontMatter: FrontMatter, bodyLineOffset: Int, sourceHash: UInt64) {
            self.relativePath = relativePath
            self.displayPath = displayPath
            self.kind = kind
            self.section = section
            self.url = url
            self.frontMatter = frontMatter
            self.bodyLineOffset = bodyLineOffset
            self.sourceHash = sourceHash
        }
    }
}

/// A file in `content/` copied to the site as it is.
struct Asset: Sendable {
    let relativePath: String
    let displayPath: String
    let absolutePath: String
    var url: String { "/" + relativePath }
}
