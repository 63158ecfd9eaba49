import Foundation
import LathundKit
import Testing

/// A program that embeds LathundKit, as a reader of `LathundKit.swift` would write it: a plain `import`, so only
/// the public API is at hand. It adds a directive of its own to the standard ones and builds a small site.
@Suite struct EmbeddingTests {
    /// ```` ```varning ```` → an aside; an empty block is a warning with a code of the directive's own.
    struct WarningDirective: Directive {
        let name = "varning"

        func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
            let text = block.body.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                return DirectiveOutput(html: "", diagnostics: [
                    .warning(block.location, code: "varning-empty", "the warning on \(context.url) says nothing"),
                ])
            }
            let link = "<a href=\"\(HTML.escape(context.href("/ordlista/")))\">Ordlistan</a>"
            return DirectiveOutput(html: "<aside class=\"varning\"><p>\(HTML.escape(text))</p>\(link)</aside>\n")
        }
    }

    static let layouts = [
        "page": "<main>{{{page.content}}}</main>\n",
        "section": "<main>{{{page.content}}}</main>\n",
        "home": "<main>{{{page.content}}}</main>\n",
        "404": "<main>404</main>\n",
    ]

    func project(_ pages: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-embed-\(UUID().uuidString)")
        var files = pages.mapKeys { "content/" + $0 }
        for (name, text) in Self.layouts { files["layouts/\(name).mustache"] = text }
        files["lathund.yml"] = "title: Inbäddad\nbase_url: https://exempel.se/bas/\n"
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func aCustomDirectiveRendersAndReports() throws {
        let root = try project([
            "_index.md": "---\ntitle: Start\n---\nHej.\n",
            "sida.md": "---\ntitle: Sida\n---\n```varning\nKarensavdrag <görs> alltid.\n```\n\n```varning\n```\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        var options = BuildOptions(projectRoot: root)
        options.today = Day("2026-11-23")
        options.useCache = false
        var directives = StandardDirectives.registry
        directives.register(WarningDirective())
        options.directives = directives

        let result = try Builder(options: options).build()

        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try String(contentsOf: root.appendingPathComponent("site/sida/index.html"), encoding: .utf8)
        #expect(html.contains("<aside class=\"varning\"><p>Karensavdrag &lt;görs&gt; alltid.</p><a href=\"/bas/ordlista/\">Ordlistan</a></aside>"))
        let warning = try #require(result.diagnostics.first { $0.code == "varning-empty" })
        #expect(warning.severity == .warning)
        #expect(warning.description == "content/sida.md:8:1: warning: the warning on /sida/ says nothing [varning-empty]")
        #expect(result.diagnostics.warningCount == 1)
        #expect(result.pages.map(\.url).sorted() == ["/", "/sida/"])
        #expect(try BuildReport(result).json().count > 0)
    }
}

extension Dictionary where Key == String {
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
