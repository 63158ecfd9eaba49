import Foundation
@testable import LathundKit

/// A throwaway project folder with `lathund.yml`, `content/` and `layouts/`, built with the real pipeline.
struct TestSite {
    let root: URL

    /// The day every test build is measured against (review intervals, source ages): the day the content was
    /// last reviewed. No test reads the real clock, so none starts failing on a later day.
    static let today = Day("2026-11-23")!

    /// Minimal layouts that show every part of the context the tests look at.
    static let layouts: [String: String] = [
        "base.mustache": """
        <!DOCTYPE html><html lang="{{site.language}}"><head><title>{{page.title}}</title></head>
        <body>{{>partials/menu}}{{$main}}{{/main}}</body></html>

        """,
        "partials/menu.mustache": "<nav>{{#menu}}<a href=\"{{url}}\"{{#current}} aria-current=\"page\"{{/current}}>{{title}}</a>{{/menu}}</nav>\n",
        "page.mustache": """
        {{<base}}{{$main}}<main><h1>{{page.title}}</h1>
        {{#page.has_breadcrumbs}}<ol class="crumbs">{{#page.breadcrumbs}}<li><a href="{{url}}">{{title}}</a></li>{{/page.breadcrumbs}}</ol>{{/page.has_breadcrumbs}}
        {{#page.reviewed}}<p>Kontrollerad mot {{against}} {{date}} av {{by}}</p>{{/page.reviewed}}{{#page.source_notice}}<p class="notice">{{#page.old_sources}}Källorna är från {{page.old_sources}}.{{/page.old_sources}}{{#page.undated_sources}} Odaterade källor.{{/page.undated_sources}}</p>{{/page.source_notice}}
        {{#page.has_sources}}<ul class="sources">{{#page.sources}}<li>{{title}}{{#section}}, {{section}}{{/section}}. {{publisher}}, {{#undated}}odaterad{{/undated}}{{^undated}}{{date}}{{/undated}}{{#read}}, läst {{read}}{{/read}}.</li>{{/page.sources}}</ul>{{/page.has_sources}}
        {{#page.has_toc}}<ol class="toc">{{#page.toc}}<li><a href="#{{id}}">{{text}}</a>{{#has_children}}<ol>{{#children}}<li><a href="#{{id}}">{{text}}</a></li>{{/children}}</ol>{{/has_children}}</li>{{/page.toc}}</ol>{{/page.has_toc}}
        {{{page.content}}}
        {{#page.has_backlinks}}<ul class="backlinks">{{#page.backlinks}}<li><a href="{{url}}">{{title}}</a></li>{{/page.backlinks}}</ul>{{/page.has_backlinks}}
        {{#page.prev}}<a rel="prev" href="{{url}}">{{title}}</a>{{/page.prev}}{{#page.next}}<a rel="next" href="{{url}}">{{title}}</a>{{/page.next}}
        </main>{{/main}}{{/base}}

        """,
        "section.mustache": """
        {{<base}}{{$main}}<main><h1>{{page.title}}</h1>{{{page.content}}}
        <ul class="children">{{#page.children}}<li><a href="{{url}}">{{title}}</a> {{summary}}</li>{{/page.children}}</ul>
        </main>{{/main}}{{/base}}

        """,
        "home.mustache": "{{<base}}{{$main}}<main><h1>{{site.title}}</h1>{{{page.content}}}</main>{{/main}}{{/base}}\n",
        "404.mustache": "{{<base}}{{$main}}<main><h1>Sidan finns inte</h1></main>{{/main}}{{/base}}\n",
        "glossary.mustache": "{{<base}}{{$main}}<dl>{{#terms}}<dt id=\"{{id}}\">{{term}}</dt><dd>{{expansion}}: {{definition}}</dd>{{/terms}}</dl>{{/main}}{{/base}}\n",
        "assets/site.css": "body { margin: 0; }\n",
    ]

    static let config = """
    title: "Testbanken"
    base_url: "https://test.example/"
    menu:
      - { title: "Regelverk", url: "/regelverk/" }

    """

    init(files: [String: String] = [:], config: String = TestSite.config, layouts: [String: String] = TestSite.layouts) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("lathund-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try write("lathund.yml", config)
        for (path, text) in layouts { try write("layouts/" + path, text) }
        for (path, text) in files { try write("content/" + path, text) }
    }

    /// A new folder holding `Benchmarks/generate_corpus.py`'s corpus of `pages` pages (its `lathund.yml`,
    /// `content/` and `layouts/`); the caller removes it.
    static func generatedCorpus(pages: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-corpus-\(UUID().uuidString)")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", packageRoot.appendingPathComponent("Benchmarks/generate_corpus.py").path,
                            folder.path, "--pages", String(pages)]
        python.standardOutput = FileHandle.nullDevice
        try python.run()
        python.waitUntilExit()
        guard python.terminationStatus == 0 else { throw CorpusFailure(status: python.terminationStatus) }
        return folder
    }

    struct CorpusFailure: Error { let status: Int32 }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    func options(_ configure: (inout BuildOptions) -> Void = { _ in }) -> BuildOptions {
        var options = BuildOptions(projectRoot: root)
        options.jobs = 2
        options.today = Self.today
        configure(&options)
        return options
    }

    @discardableResult
    func build(_ configure: (inout BuildOptions) -> Void = { _ in }) throws -> BuildResult {
        try Builder(options: options(configure)).build()
    }

    func read(_ path: String) -> String? {
        (try? Data(contentsOf: root.appendingPathComponent(path))).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    /// Everything under `folder` in the output (`site` by default), by relative path: see `Entry`.
    func snapshot(_ folder: String = "site") -> [String: Entry] {
        Self.snapshot(of: root.appendingPathComponent(folder))
    }

    /// One thing in a folder as a byte-identical comparison sees it: a regular file's bytes and permission bits,
    /// a folder's permission bits (so an empty folder counts), a symbolic link's target (never followed), or
    /// another kind of file by its type.
    enum Entry: Hashable, CustomStringConvertible {
        case file(Data, mode: mode_t)
        case folder(mode: mode_t)
        case link(String)
        case other(type: mode_t)

        /// The bytes of a regular file.
        var data: Data? {
            if case .file(let data, _) = self { return data }
            return nil
        }

        var description: String {
            switch self {
            case .file(let data, let mode): return "file (\(data.count) bytes, mode \(String(mode, radix: 8)))"
            case .folder(let mode): return "folder (mode \(String(mode, radix: 8)))"
            case .link(let target): return "link to \(target)"
            case .other(let type): return "file of type \(String(type, radix: 8))"
            }
        }
    }

    /// Everything under `folder` (the folder itself as "."), links not followed; empty when it does not exist.
    static func snapshot(of folder: URL) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        func walk(_ path: String, _ relative: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let mode = info.st_mode & 0o7777
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                entries[relative] = .file(FileManager.default.contents(atPath: path) ?? Data(), mode: mode)
            case S_IFLNK:
                entries[relative] = .link((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "")
            case S_IFDIR:
                entries[relative] = .folder(mode: mode)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    walk(path + "/" + name, relative == "." ? name : relative + "/" + name)
                }
            default:
                entries[relative] = .other(type: info.st_mode & S_IFMT)
            }
        }
        walk(folder.resolvingSymlinksInPath().path, ".")
        return entries
    }

    /// The paths whose entries differ between two snapshots (added, removed or changed), sorted.
    static func differences(_ one: [String: Entry], _ other: [String: Entry]) -> [String] {
        Set(one.keys).union(other.keys).filter { one[$0] != other[$0] }.sorted()
    }

    /// The regular files under `folder` with their bytes, by relative path: what a layout or fixture folder
    /// holds, or the pages of a site whose folders and modes do not matter.
    static func files(of folder: URL) -> [String: Data] {
        snapshot(of: folder).compactMapValues(\.data)
    }

    func files(_ folder: String = "site") -> [String: Data] {
        Self.files(of: root.appendingPathComponent(folder))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// A site's pages as the stages up to Markdown make them, for tests that make layout contexts by hand.
struct ParsedSite {
    let config: SiteConfig
    let catalog: ContentCatalog
    let links: SiteLinks
    let pages: [ParsedPage]
}

extension TestSite {
    /// Loads `lathund.yml`, reads `content/` and renders each page's Markdown, as a build does before its indexes.
    func parsed() throws -> ParsedSite {
        let config = try SiteConfig.load(file: root.appendingPathComponent("lathund.yml"), displayPath: "lathund.yml").value
        let catalog = ContentStage(contentDirectory: root.appendingPathComponent("content"), displayRoot: "content",
                                   config: config, includeDrafts: false, jobs: 1).run().value
        var urls: [String: String] = [:]
        for page in catalog.pages { urls[page.relativePath] = page.url }
        let links = SiteLinks(pageURLs: urls, assetPaths: [], basePath: "/", baseURL: config.baseURL)
        let pages = catalog.pages.map { page in
            ParsedPage(page: page, markdown: MarkdownRenderer().render(page, context: DirectiveContext(page: page, pages: catalog.pages, links: links)).value)
        }
        return ParsedSite(config: config, catalog: catalog, links: links, pages: pages)
    }
}

/// A page with front matter.
func page(_ title: String, _ body: String = "", extra: String = "") -> String {
    "---\ntitle: \"\(title)\"\n\(extra)---\n\(body)"
}

extension BuildResult {
    func messages(_ code: String) -> [Diagnostic] { diagnostics.filter { $0.code == code } }
}

/// An error a test helper throws, with what went wrong.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
