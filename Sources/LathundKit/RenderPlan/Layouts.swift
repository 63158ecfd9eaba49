import Foundation
import Mustache

/// The Mustache layouts of `layouts/`, loaded and checked: a template that does not parse, names a partial
/// or parent that does not exist or a variable no context has is an error at `layouts/…:line:col`. The library
/// also holds the format templates (`FormatTemplate`): the project's file of that name, else the built-in one.
struct Layouts: Sendable {
    let library: MustacheLibrary
    /// The page layouts: every layout but the format templates.
    let names: Set<String>
    /// A hash of every layout's name and text, for `IncrementalRenderKey`.
    let signature: UInt64
    /// Each layout's text as written (`LayoutFragments` rewrites them).
    let sources: [String: String]
    /// The same templates rendered by appending (`AppendingLayouts`); the library renders what they cannot.
    let appending: AppendingLayouts

    init(library: MustacheLibrary, names: Set<String>, signature: UInt64, sources: [String: String]) {
        self.library = library
        self.names = names
        self.signature = signature
        self.sources = sources
        appending = AppendingLayouts(library: library, names: Set(sources.keys).union(FormatTemplate.allCases.map(\.rawValue)))
    }

    /// Layouts every site needs.
    static let required = ["page", "section", "home", "404"]

    /// `{{name}}` is escaped with the engine's `HTML.escape`, which works scalar by scalar. swift-mustache's own
    /// escaper compares whole Swift characters, so a quote followed by a combining mark (`"\u{301}`, one
    /// character) was written raw and ended the attribute it stood in: `description: "x\"\u0301 onmouseover=…"`
    /// became an event handler on `<meta>` (HostileContentTests). Its character-by-character dictionary look-up
    /// was also 6 % of a build. The library takes an escaper only through a content-type pragma, so every layout
    /// is parsed with `pragma` on a line of its own before its first line (a standalone tag, which writes
    /// nothing); error lines are counted without it.
    struct Escaper: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }

    static let pragma = "{{% CONTENT_TYPE: LATHUND_HTML }}\n"
    private static let registerEscaper: Void = { MustacheContentTypes.register(Escaper(), named: "LATHUND_HTML") }()

    /// A layout's text parsed with the engine's escaper.
    static func parse(_ text: String) throws -> MustacheTemplate {
        _ = Self.registerEscaper
        return try MustacheTemplate(string: Self.pragma + text)
    }

    /// Loads every `*.mustache` under `directory` (names keep subfolders: `partials/header`). `assets` are the
    /// names `{{#asset}}…{{/asset}}` may use (the files of `layouts/assets/`).
    static func load(directory: URL, displayRoot: String, assets: Set<String> = []) -> Staged<Layouts?> {
        load(LayoutFiles(directory), displayRoot: displayRoot, assets: assets)
    }

    static func load(_ files: LayoutFiles, displayRoot: String, assets: Set<String> = [],
                     inputs: InputFiles = InputFiles()) -> Staged<Layouts?> {
        var diagnostics: [Diagnostic] = []
        var templates: [String: MustacheTemplate] = [:]
        var sources: [String: String] = [:]
        for file in files.templates {
            let name = String(file.relative.dropLast(".mustache".count))
            let display = displayRoot + "/" + file.relative
            guard let path = file.absolute, let data = try? inputs.data(path),
                  let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error(SourceLocation(file: display), .layoutRead,
                                          "cannot read layout as UTF-8 text"))
                continue
            }
            do {
                templates[name] = try parse(text)
                sources[name] = text
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(.error(SourceLocation(file: display, line: max(1, error.context.lineNumber - 1),
                                                         column: error.context.columnNumber),
                                          .layoutSyntax, "Mustache syntax error: \(error.error)"))
            } catch {
                diagnostics.append(.error(SourceLocation(file: display), .layoutSyntax, "\(error)"))
            }
        }
        for name in required where templates[name] == nil && sources[name] == nil
            && !diagnostics.contains(where: { $0.location.file == displayRoot + "/" + name + ".mustache" }) {
            diagnostics.append(.error(SourceLocation(file: displayRoot + "/" + name + ".mustache"),
                                      .layoutMissing, "required layout '\(name)' does not exist"))
        }
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            diagnostics += check(text, file: displayRoot + "/" + name + ".mustache", known: Set(sources.keys), assets: assets,
                                 vocabulary: FormatTemplate(rawValue: name)?.vocabulary ?? LayoutContext.vocabulary)
        }
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return Staged(nil, diagnostics) }
        let formats = FormatTemplate.allCases.map(\.rawValue)
        for format in FormatTemplate.allCases where templates[format.rawValue] == nil {
            // The built-in templates parse and pass the check (FormatTemplateTests.builtInTemplatesParseAndPassTheCheck).
            templates[format.rawValue] = try? parse(format.builtIn)
        }
        var signature = HashChain()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            signature.add(name)
            signature.add(text)
        }
        return Staged(Layouts(library: MustacheLibrary(templates: templates), names: Set(templates.keys).subtracting(formats),
                              signature: signature.value, sources: sources), diagnostics)
    }

    /// The same layouts with other texts (`LayoutFragments`), parsed as `load` parses them; nil if one does not parse.
    func reparsed(_ texts: [String: String]) -> Layouts? {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in texts {
            guard let template = try? MustacheTemplate(string: Self.pragma + text) else { return nil }
            templates[name] = template
        }
        return Layouts(library: MustacheLibrary(templates: templates), names: names, signature: signature, sources: texts)
    }

    /// Checks one layout's tags; `vocabulary` is every name its context types have.
    static func check(_ text: String, file: String, known: Set<String>, assets: Set<String> = [],
                      vocabulary: Set<String> = LayoutContext.vocabulary) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let tags = TemplateTag.scan(text)
        for (position, tag) in tags.enumerated() {
            let location = SourceLocation(file: file, line: tag.line, column: tag.column)
            if tag.kind == .section && tag.name == "asset" {
                diagnostics += checkAsset(tag, next: position + 1 < tags.count ? tags[position + 1] : nil, text: text,
                                          location: location, assets: assets)
                continue
            }
            if tag.name == "asset" && [.variable, .unescaped, .inverted].contains(tag.kind) {
                diagnostics.append(.error(location, .layoutAsset,
                                          "write an asset as {{#asset}}style.css{{/asset}}, with only the file name inside"))
                continue
            }
            switch tag.kind {
            case .partial, .parent:
                if tag.name.hasPrefix("*") { continue }
                if !known.contains(tag.name) {
                    let what = tag.kind == .partial ? "partial" : "parent layout"
                    diagnostics.append(.error(location, .layoutMissingPartial,
                                              "\(what) '\(tag.name)' does not exist\(DidYouMean.hint(for: tag.name, among: known))"))
                }
            case .variable, .unescaped, .section, .inverted:
                for name in tag.lookedUpNames where !vocabulary.contains(name) {
                    diagnostics.append(.error(location, .layoutUnknownVariable,
                                              "no layout context has '\(name)'\(DidYouMean.hint(for: name, among: vocabulary))"))
                    break
                }
            case .setDelimiter:
                diagnostics.append(.error(location, .layoutDelimiters,
                                          "changing delimiters is not supported in layouts"))
            case .close, .block, .comment:
                break
            }
        }
        return diagnostics
    }

    /// `{{#asset}}NAME{{/asset}}` must hold exactly the name of a file in `layouts/assets/`.
    static func checkAsset(_ tag: TemplateTag, next: TemplateTag?, text: String, location: SourceLocation,
                           assets: Set<String>) -> [Diagnostic] {
        guard let next, next.kind == .close, next.name == "asset" else {
            return [.error(location, .layoutAsset, "write an asset as {{#asset}}style.css{{/asset}}, with only the file name inside")]
        }
        let bytes = Array(text.utf8)[tag.bytes.upperBound..<next.bytes.lowerBound]
        let name = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard assets.contains(name) else {
            return [.error(location, .layoutAsset,
                           "no file '\(name)' in layouts/assets/\(DidYouMean.hint(for: name, among: assets))")]
        }
        return []
    }

    /// The first of `candidates` that exists.
    func resolve(_ candidates: [String]) -> String? { candidates.first(where: names.contains) }

    func render(_ context: LayoutContext, layout: String) -> String {
        appending.render(context, layout: layout) ?? library.render(context, withTemplate: layout) ?? ""
    }

    /// `render` as UTF-8 bytes, for a page's file.
    func renderBytes(_ context: LayoutContext, layout: String) -> [UInt8] {
        appending.renderBytes(context, layout: layout) ?? Array((library.render(context, withTemplate: layout) ?? "").utf8)
    }

    /// `render` by swift-mustache alone (`AppendingLayoutsTests` compares the two).
    func renderByLibrary(_ context: LayoutContext, layout: String) -> String {
        library.render(context, withTemplate: layout) ?? ""
    }

    /// The sitemap, the feed or a redirect page, through the project's template of that name or the built-in one.
    func render<Context: FormatContext>(_ context: Context) -> String {
        library.render(context, withTemplate: Context.format.rawValue) ?? ""
    }
}

/// `layouts/` as the Render plan stage and the build cache's fingerprint see it: every `*.mustache` file at any
/// depth, and the files of `assets/` whose path has no part starting with a dot. Links to files are followed
/// wherever they lead; links to folders are not walked, but `assets/` itself may be one.
struct LayoutFiles: Sendable {
    /// By path relative to `layouts/`, sorted; a link to nothing has no absolute path (it cannot be read).
    var templates: [(relative: String, absolute: String?)]
    /// By path relative to `layouts/assets/`, sorted.
    var assets: [(relative: String, absolute: String)]

    init(_ folder: URL) {
        let tree = FileTree.walk(root: folder.resolvingSymlinksInPath().path, links: .filesOnly)
        templates = (tree.files.map { ($0.relative, $0.absolute) }
            + tree.problems.filter { $0.kind == .brokenLink }.map { ($0.relative, nil) })
            .filter { $0.0.hasSuffix(".mustache") }.sorted { $0.0 < $1.0 }
        assets = FileTree.visibleFiles(under: folder.appendingPathComponent("assets"))
    }

    /// Every file a build reads from `layouts/`, absolute, for the fingerprint: the templates (a link to nothing
    /// by its path relative to `layouts/`) and the assets.
    var inputs: [String] { templates.map { $0.absolute ?? "\u{0}missing " + $0.relative } + assets.map(\.absolute) }
}
