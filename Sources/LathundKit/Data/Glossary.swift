import Foundation
import Yams

/// A glossary entry from `content/ordlista.yml`.
struct GlossaryTerm: Sendable, Equatable {
    var term: String
    /// What an abbreviation stands for ("sjukpenninggrundande inkomst" for SGI).
    var expansion: String?
    var definition: String
    /// Anchor on `/ordlista/`.
    var id: String
    /// The page that tells more (`page:`, a content path such as `regelverk/afu.md`), checked when loaded.
    var page: String? = nil
}

/// Loads the glossary: a YAML list of `{term, expansion, definition, page}`. `page` must name one of `pages`
/// (content paths of the site's pages) when they are given.
enum GlossaryLoader {
    static func load(path: String, displayPath: String, pages: Set<String>? = nil,
                     inputs: InputFiles = InputFiles()) -> Staged<[GlossaryTerm]> {
        parse(YAMLFields.readDocument(path: path, displayPath: displayPath, readCode: .glossaryRead, inputs: inputs),
              displayPath: displayPath, pages: pages)
    }

    static func parse(_ text: String, displayPath: String, pages: Set<String>? = nil) -> Staged<[GlossaryTerm]> {
        parse(YAMLFields.composeDocument(text, displayPath: displayPath), displayPath: displayPath, pages: pages)
    }

    private static func parse(_ document: Staged<Node?>, displayPath: String, pages: Set<String>?) -> Staged<[GlossaryTerm]> {
        guard let root = document.value else { return Staged([], document.diagnostics) }
        guard case .sequence(let sequence) = root else {
            return Staged([], [.error(SourceLocation(file: displayPath, line: 1, column: 1), .glossaryType,
                                "the glossary must be a list of {term, expansion, definition}")])
        }
        var terms: [GlossaryTerm] = []
        var diagnostics: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        var usedIds = MarkdownRenderer.UsedIds()
        for item in sequence {
            guard case .mapping(let mapping) = item else {
                let mark = item.mark
                diagnostics.append(.error(SourceLocation(file: displayPath, line: mark?.line ?? 0, column: mark?.column ?? 0),
                                          .glossaryType, "each glossary entry must be a mapping"))
                continue
            }
            var fields = YAMLFields(mapping: mapping, file: displayPath, lineOffset: 0)
            fields.warnAboutUnknownKeys(known: ["term", "expansion", "definition", "page"], what: "glossary")
            let entryLocation = fields.location(of: item)
            let term = fields.nonEmptyString("term")
            let definition = fields.nonEmptyString("definition")
            var page = fields.nonEmptyString("page")
            if let path = page, let pages, !pages.contains(path) {
                fields.diagnostics.append(.error(fields.location(ofValue: "page"), .glossaryPage,
                                                 "page '\(path)' names no page in content/\(DidYouMean.hint(for: path, among: pages))"))
                page = nil
            }
            for key in ["term", "definition"] where !fields.has(key) {
                fields.diagnostics.append(.error(entryLocation, .glossaryEntry, "glossary entry needs '\(key)'"))
            }
            diagnostics += fields.diagnostics
            guard let term, let definition else { continue }
            if let earlier = seen[term.lowercased()] {
                diagnostics.append(.warning(entryLocation, .glossaryDuplicate,
                                            "'\(term)' is already defined at line \(earlier.line)"))
            }
            seen[term.lowercased()] = entryLocation
            let id = MarkdownRenderer.uniqueId(Slug.make(term), used: &usedIds)
            terms.append(GlossaryTerm(term: term, expansion: fields.string("expansion"), definition: definition, id: id,
                                      page: page))
        }
        return Staged(terms, diagnostics)
    }
}
