import Foundation
import Mustache
import PropertyBased
import Testing
@testable import LathundKit

/// `AppendingLayouts` renders the layouts from swift-mustache's own parse; the library is the authority. Every
/// page and generated page of the site and of a generated corpus, with the layouts as written and as
/// `LayoutFragments` rewrites them, must give the library's bytes, and so must random layouts.
@Suite struct AppendingLayoutsTests {
    /// Every page and generated page of the project at `root` with its top-level context and layout, and the
    /// layouts with and without fragments.
    static func renders(_ root: URL) throws -> (pages: [(LayoutContext, String, String)], layouts: Layouts, fragments: Layouts) {
        var stages = try LayoutStages(root: root)
        let (setup, markdown, index, layouts) = (stages.setup, stages.markdown, stages.index, stages.layouts)
        let fragments = LayoutFragments(layouts: layouts, assetHref: stages.contexts.assetHref)
        stages.contexts.render(fragments, original: layouts, urls: index.pages.map(\.url) + index.generated.map(\.url))
        let contexts = stages.contexts
        var pages: [(LayoutContext, String, String)] = []
        for position in index.pages.indices {
            let page = index.pages[position].page
            guard let layout = LayoutChoice.layout(for: page, in: layouts, displayRoot: setup.layoutsDisplay).value ?? nil else { continue }
            pages.append((contexts.pageContext(position, html: try markdown.markdown.output(page).html), layout, page.relativePath))
        }
        for page in index.generated {
            guard let layout = layouts.resolve(page.layouts) else { continue }
            pages.append((contexts.generatedContext(page), layout, page.url))
        }
        return (pages, layouts, fragments.layouts)
    }

    /// Both renderers on every page; returns how many pages the appending renderer rendered itself.
    @discardableResult
    static func expectSameBytes(_ root: URL) throws -> (compiled: Int, pages: Int) {
        let (pages, layouts, fragments) = try renders(root)
        var compiled = 0
        for (context, layout, name) in pages {
            for set in [layouts, fragments] {
                let expected = set.renderByLibrary(context, layout: layout)
                #expect(set.render(context, layout: layout) == expected, "\(name) (\(layout))")
            }
            // The layouts as written keep `{{#asset}}` lambdas, which the library renders; the pages are rendered
            // with the fragments, where they are hrefs.
            if fragments.appending.render(context, layout: layout) != nil { compiled += 1 }
        }
        return (compiled, pages.count)
    }

    @Test func everyPageOfTheSiteRendersTheLibrarysBytes() throws {
        let (compiled, pages) = try Self.expectSameBytes(packageRoot)
        #expect(pages > 100)
        #expect(compiled * 10 >= pages * 9, "the appending renderer rendered \(compiled) of \(pages) pages itself")
    }

    @Test func everyPageOfAGeneratedCorpusRendersTheLibrarysBytes() throws {
        let folder = try TestSite.generatedCorpus(pages: 300)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (compiled, pages) = try Self.expectSameBytes(folder)
        #expect(pages >= 300)
        #expect(compiled * 10 >= pages * 9, "the appending renderer rendered \(compiled) of \(pages) pages itself")
    }

    /// The key table (`AppendingLayouts.KeyTable`) finds in every context value of every page of the site what
    /// `child(named:)` finds, for every name a layout may use, names no context has, and fragment numbers; and it
    /// knows each context type, and the arrays of each, by identity.
    @Test func theKeyTableFindsWhatChildNamedFinds() throws {
        let (pages, _, _) = try Self.renders(packageRoot)
        let names = LayoutContext.vocabulary.sorted() + ["nothing", "Title", "_fragment0", "_fragment1", "_fragment99", "_fragmentx"]
        let keys = AppendingLayouts.KeyTable(names: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }))
        var seen = Set<ObjectIdentifier>()
        var compared = 0
        func visit(_ value: Any) {
            if let list = value as? [Any] {
                if let first = list.first, let type = keys.type(of: first) {
                    #expect(keys.arrayType(of: value) == type, "\(Swift.type(of: value))")
                    var count = 0
                    try? keys.elements[type](value) { _ in count += 1 }
                    #expect(count == list.count)
                }
                list.forEach(visit)
                return
            }
            guard let parent = value as? any LayoutValue else { return }
            guard let type = keys.type(of: value) else {
                Issue.record("\(Swift.type(of: value)) is not in LayoutContext.types")
                return
            }
            #expect(ObjectIdentifier(LayoutContext.types[type]) == ObjectIdentifier(Swift.type(of: value)))
            for (id, name) in names.enumerated() {
                let expected = parent.child(named: name)
                let found = keys.child(AppendingLayouts.Name(text: name, id: id), of: value, type: type)
                #expect(Self.same(found, expected), "\(Swift.type(of: value)).\(name)")
                compared += 1
                if let expected, !(expected is LayoutContext) { visit(expected) }
            }
            seen.insert(ObjectIdentifier(Swift.type(of: value)))
        }
        for (context, _, _) in pages {
            context.fragments = ["<header>", "<footer>"]
            visit(context)
        }
        #expect(seen.count >= 12, "context types seen: \(seen.count)")
        #expect(compared > 10_000)
    }

    /// Two looked-up values are the same: both missing, or of one type and equal by the render key's hash (a lambda by
    /// its type).
    static func same(_ first: Any?, _ second: Any?) -> Bool {
        guard let first, let second else { return first == nil && second == nil }
        guard type(of: first) == type(of: second) else { return false }
        var (one, other) = (HashChain(), HashChain())
        let known = IncrementalRenderKey.add(first, to: &one)
        return known == IncrementalRenderKey.add(second, to: &other) && one.value == other.value
    }

    /// `HTMLBytes.appendEscaped` gives `HTML.escape`'s bytes, appended, for random texts of the five escaped
    /// characters, ASCII, Swedish letters, combining marks, emoji and controls.
    @Test func escapingBytesIsHTMLEscape() {
        let scalars: [Unicode.Scalar] = ["&", "<", ">", "\"", "'", "a", " ", "å", "Ö", "\u{301}", "😀", "\u{0}", "\n", "€", "\u{FEFF}", "#"]
        PropertyRun.forAll("escapingBytesIsHTMLEscape", count: PropertyRun.count) { generator, note in
            var text = ""
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                text.unicodeScalars.append(scalars[Int.random(in: 0..<scalars.count, using: &generator)])
            }
            var output: [UInt8] = [1, 2]
            HTMLBytes.appendEscaped(Array(text.utf8), to: &output)
            #expect(output == [1, 2] + Array(HTML.escape(text).utf8), "\(text.debugDescription); \(note)")
        }
    }

    /// Values the stack can hold besides contexts have no labelled children, as the look-up assumes.
    @Test func plainValuesHaveNoLabelledChildren() {
        for value in ["text", "", true, 7] as [Any] {
            #expect(Mirror(reflecting: value).children.allSatisfy { $0.label == nil }, "\(value)")
        }
    }

    /// The appending renderer takes a context type (`LayoutValue`) as a parent without asking the library's other
    /// questions: none may be a custom representation, custom renderable or sequence. Every type that conforms in
    /// the sources is in the lists checked here.
    @Test func contextTypesAreOnlyParents() throws {
        let types: [any LayoutValue.Type] = LayoutContext.types + FormatTemplate.allCases.flatMap(\.types)
        let names = Set(types.map { String(describing: $0) })
        var declared = Set<String>()
        for file in FileTree.visibleFiles(under: packageRoot.appendingPathComponent("Sources")) where file.relative.hasSuffix(".swift") {
            let text = try String(contentsOf: URL(fileURLWithPath: file.absolute), encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"(?:struct|class|enum)\s+(\w+)\s*:[^{]*\b(?:LayoutValue|FormatContext)\b"#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                declared.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(declared.count >= 20)
        #expect(declared.isSubset(of: names), "not in LayoutContext.types or a format's types: \(declared.subtracting(names))")
        for type in types {
            #expect(!(type is MustacheCustomRepresentation.Type), "\(type)")
            #expect(!(type is MustacheCustomRenderable.Type), "\(type)")
            #expect(!(type is any MustacheSequence.Type), "\(type)")
        }
        #expect(AppendingLayouts.plainValuesArePlain)
        let html: Any = HTMLText([0x61])!
        #expect(!(html is MustacheParent || html is MustacheCustomRepresentation || html is MustacheCustomRenderable
                  || html is any MustacheSequence || html is MustacheLambda))
        #expect(Mirror(reflecting: html).children.isEmpty)
    }

    /// Random layouts from the tags and text that matter to rendering (standalone lines, sections over lists,
    /// flags, texts and contexts, inverted sections, partials, parents with blocks, unknown names, dotted names,
    /// `.`), rendered for pages of the site: the library's bytes, or nothing rendered (the library renders it).
    static let pieces: [String] = [
        "{{page.title}}", "{{{page.title}}}", "{{page.summary}}", "{{{page.content_lead}}}", "{{site.title}}", "{{id}}",
        "{{text}}", "{{url}}", "{{title}}", "{{.}}", "{{{.}}}", "{{date}}", "{{by}}", "{{current}}", "{{category}}",
        "{{nothing}}", "{{page.nothing}}", "{{page.title.nothing}}", "{{page.weight}}", "{{page.sources}}",
        "{{>partials/footer}}", "{{>partials/breadcrumbs}}", "{{>partials/toc}}", "{{>missing}}", "{{! a comment }}",
        "{{$other}}x{{/other}}", "{{#asset}}style.css{{/asset}}", "\n", "\n", "\n", "  ", " ", "\t", "<p>", "</p>", "x", "å",
        "&", "\"", "\r\n",
    ]

    /// A random layout: pieces, and sections and inverted sections around random layouts, up to `depth` deep.
    static func randomLayout(_ generator: inout Xoshiro, depth: Int = 3) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...8, using: &generator) {
            if depth > 0, Int.random(in: 0..<4, using: &generator) == 0 {
                let name = sectionNames[Int.random(in: 0..<sectionNames.count, using: &generator)]
                let mark = Bool.random(using: &generator) ? "#" : "^"
                let newline = Bool.random(using: &generator) ? "\n" : ""
                text += "{{\(mark)\(name)}}" + newline + randomLayout(&generator, depth: depth - 1) + "{{/\(name)}}" + newline
            } else {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
        }
        return text
    }

    static let sectionNames = ["page.breadcrumbs", "page.toc", "children", "page.description", "page.reviewed",
                               "page.has_toc", "page", "menu", "site", "page.faq", "page.sources", "nothing", "page.title"]

    @Test func randomLayoutsRenderTheLibrarysBytes() throws {
        let (pages, layouts, _) = try Self.renders(packageRoot)
        let sample = stride(from: 0, to: pages.count, by: max(1, pages.count / 12)).map { pages[$0] }
        var compiled = 0
        var parsed = 0
        PropertyRun.forAll("randomLayoutsRenderTheLibrarysBytes", count: PropertyRun.count) { generator, note in
            let body = Self.randomLayout(&generator)
            let text = Bool.random(using: &generator) ? "{{<base}}{{$main}}" + body + "{{/main}}{{/base}}" : body
            var texts = layouts.sources
            texts["random"] = text
            guard let set = layouts.reparsed(texts) else { return }
            parsed += 1
            for (context, _, name) in sample {
                let expected = set.renderByLibrary(context, layout: "random")
                #expect(set.render(context, layout: "random") == expected, "\(name); \(text.debugDescription); \(note)")
                if set.appending.render(context, layout: "random") != nil { compiled += 1 }
            }
        }
        #expect(parsed * 2 >= PropertyRun.count, "most random layouts parse (\(parsed))")
        #expect(compiled * 3 >= parsed * sample.count, "the appending renderer rendered \(compiled) itself")
    }
}
