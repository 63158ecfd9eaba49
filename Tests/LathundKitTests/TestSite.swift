import Foundation
@testable import LathundKit

/// A throwaway project folder with `lathund.yml`, `content/` and `layouts/`, built with the real pipeline.
struct TestSite {
    let root: URL

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
        {{#page.reviewed}}<p>Kontrollerad mot {{against}} {{date}} av {{by}}</p>{{/page.reviewed}}{{#page.old_sources}}<p class="notice">Källorna är från {{page.old_sources}}.</p>{{/page.old_sources}}
        {{#page.has_sources}}<ul class="sources">{{#page.sources}}<li>{{title}}{{#section}}, {{section}}{{/section}}. {{publisher}}, {{date}}.</li>{{/page.sources}}</ul>{{/page.has_sources}}
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

    /// Every file under `folder` with its bytes, by relative path.
    func snapshot(_ folder: String = "site") -> [String: Data] {
        Self.snapshot(of: root.appendingPathComponent(folder))
    }

    static func snapshot(of folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [:] }
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                files[relative] = FileManager.default.contents(atPath: base + "/" + relative)
            }
        }
        return files
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// A page with front matter.
func page(_ title: String, _ body: String = "", extra: String = "") -> String {
    "---\ntitle: \"\(title)\"\n\(extra)---\n\(body)"
}

extension BuildResult {
    func messages(_ code: String) -> [Diagnostic] { diagnostics.filter { $0.code == code } }
}
