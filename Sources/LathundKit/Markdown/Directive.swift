/// A fenced block whose info string names a registered directive (```` ```faq ````, ```` ```chart ````): the
/// Markdown stage replaces it with the directive's HTML. The statistics and FAQ features plug in here.
public protocol Directive: Sendable {
    /// The info-string word that selects this directive.
    var name: String { get }
    func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput
}

/// One use of a directive in a page.
public struct DirectiveBlock: Sendable {
    public let name: String
    /// The rest of the info string after the name.
    public let arguments: String
    /// The block's text.
    public let body: String
    /// Where the fence starts; the body starts on the next line.
    public let location: SourceLocation
}

/// What a directive may look at: the page it is in, every page of the site, the FAQ built from them once, the
/// datasets and the writing aid's rules.
public struct DirectiveContext: Sendable {
    let page: Page
    let pages: [Page]
    let links: SiteLinks
    let faq: FAQIndex
    let datasets: DatasetCatalog
    let writingAid: WritingAid?

    /// The page's file as diagnostics name it (`content/faq/sgi.md`).
    public var file: String { page.displayPath }
    /// The page's URL path (`/faq/sgi/`), without the base path.
    public var url: String { page.url }
    /// The page's title.
    public var title: String { page.frontMatter.title }

    /// The href of a URL path of the site (`/statistik/`), with the site's base path.
    public func href(_ path: String) -> String { links.href(path) }

    init(page: Page, pages: [Page], links: SiteLinks, faq: FAQIndex? = nil, datasets: DatasetCatalog = DatasetCatalog([]),
         writingAid: WritingAid? = nil) {
        self.page = page
        self.pages = pages
        self.links = links
        self.faq = faq ?? FAQIndex(pages: pages)
        self.datasets = datasets
        self.writingAid = writingAid
    }
}

/// What a directive gives back: the HTML that replaces its block, and the problems it found.
public struct DirectiveOutput: Sendable {
    /// Trusted HTML: the directive must escape what it takes from content (see `HTML.escape`).
    public var html: String
    public var diagnostics: [Diagnostic]
    /// Links the HTML holds that are written in a content file (with their place there): they become links of the
    /// page, checked by the Indexes stage like links in its Markdown.
    var links: [LinkReference] = []

    public init(html: String, diagnostics: [Diagnostic] = []) {
        self.html = html
        self.diagnostics = diagnostics
    }
}

/// The directives a build knows, by name.
public struct DirectiveRegistry: Sendable {
    private var directives: [String: any Directive] = [:]

    public init(_ directives: [any Directive] = []) {
        for directive in directives { register(directive) }
    }

    public mutating func register(_ directive: any Directive) {
        directives[directive.name] = directive
    }

    public func directive(named name: String) -> (any Directive)? { directives[name] }

    /// Names and types of the registered directives, for the build cache's fingerprint.
    var signature: String {
        directives.keys.sorted().map { "\($0)=\(String(reflecting: type(of: directives[$0]!)))" }.joined(separator: ",")
    }
}
