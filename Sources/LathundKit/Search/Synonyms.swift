import Foundation
import Yams

/// One entry of the synonyms file (`content/synonymer.yml`): a word or phrase staff type, and the words the
/// pages use for it.
struct SynonymEntry: Sendable {
    let word: Located<String>
    let targets: [Located<String>]
}

/// Reads the synonyms file: a YAML mapping from what staff type to the site's word, or a list of them:
///
/// ```yaml
/// sjukintyg: läkarintyg
/// vab: [tillfällig föräldrapenning, vård av barn]
/// ```
enum SynonymsLoader {
    static func load(path: String, displayPath: String, inputs: InputFiles = InputFiles()) -> Staged<[SynonymEntry]> {
        parse(YAMLFields.readDocument(path: path, displayPath: displayPath, readCode: .synonymsRead, inputs: inputs),
              displayPath: displayPath)
    }

    static func parse(_ text: String, displayPath: String) -> Staged<[SynonymEntry]> {
        parse(YAMLFields.composeDocument(text, displayPath: displayPath), displayPath: displayPath)
    }

    private static func parse(_ document: Staged<Node?>, displayPath: String) -> Staged<[SynonymEntry]> {
        guard let root = document.value else { return Staged([], document.diagnostics) }
        guard case .mapping(let mapping) = root else {
            let mark = root.mark
            return Staged([], [.error(SourceLocation(file: displayPath, line: mark?.line ?? 1, column: mark?.column ?? 1),
                                      .synonymsForm,
                                      "the synonyms file must map words to the site's words, such as 'sjukintyg: läkarintyg'")])
        }
        var fields = YAMLFields(mapping: mapping, file: displayPath, lineOffset: 0)
        var entries: [SynonymEntry] = []
        for key in fields.orderedKeys {
            let location = fields.location(ofKey: key)
            let word = key.trimmingWhitespace()
            guard !Tokenizer.words(word).isEmpty else {
                fields.diagnostics.append(.error(location, .synonymWord, "'\(key)' has no letters or digits to search for"))
                continue
            }
            guard let list = fields.stringList(key) else { continue }
            var targets: [Located<String>] = []
            for target in list {
                let text = target.value.trimmingWhitespace()
                if Tokenizer.words(text).isEmpty {
                    fields.diagnostics.append(.error(target.location, .synonymWord,
                                                     "the synonym of '\(word)' has no letters or digits"))
                } else if Tokenizer.words(text).map(SwedishStemmer.stem) == Tokenizer.words(word).map(SwedishStemmer.stem) {
                    fields.diagnostics.append(.warning(target.location, .synonymSelf,
                                                       "'\(text)' is the same word as '\(word)'"))
                } else {
                    targets.append(Located(value: text, location: target.location))
                }
            }
            if list.isEmpty {
                fields.diagnostics.append(.error(location, .synonymWord, "'\(word)' has no synonym"))
            }
            if !targets.isEmpty { entries.append(SynonymEntry(word: Located(value: word, location: location), targets: targets)) }
        }
        return Staged(entries, fields.diagnostics)
    }
}

/// Words of a query (as stems) that also find the pages with other words: each of `to` is tried instead of
/// `from`, all of its words required; so is each of `via`, which the glossary adds to a target of the synonyms
/// file (`search.js` weighs `via` no higher than the others). Written into `search/index.json`.
struct Synonym: Sendable, Equatable {
    let from: [String]
    var to: [[String]]
    var via: [[String]] = []

    var json: String {
        var fields = [("from", JSONText.array(from.map(JSONText.string))),
                      ("to", JSONText.array(to.map { JSONText.array($0.map(JSONText.string)) }))]
        if !via.isEmpty { fields.append(("via", JSONText.array(via.map { JSONText.array($0.map(JSONText.string)) }))) }
        return JSONText.object(fields)
    }

    static func stems(_ text: String) -> [String] { Tokenizer.words(text).map(SwedishStemmer.stem) }

    /// The glossary's abbreviations and expansions, each for the other, and the synonyms file's words for their
    /// targets, merged by the words they replace. A target that is a glossary abbreviation or expansion brings
    /// the other along in `via` ("fmu" → "försäkringsmedicinsk utredning" also finds what the glossary calls it).
    static func all(glossary: [GlossaryTerm], entries: [SynonymEntry]) -> [Synonym] {
        var byWords: [[String]: Synonym] = [:]
        var order: [[String]] = []
        func add(_ from: [String], _ to: [String], via: Bool = false) {
            guard !from.isEmpty, !to.isEmpty, from != to else { return }
            if byWords[from] == nil {
                order.append(from)
                byWords[from] = Synonym(from: from, to: [])
            }
            guard !byWords[from]!.to.contains(to), !byWords[from]!.via.contains(to) else { return }
            if via { byWords[from]!.via.append(to) } else { byWords[from]!.to.append(to) }
        }
        for term in glossary {
            guard let expansion = term.expansion else { continue }
            let abbreviation = stems(term.term), expanded = stems(expansion)
            add(abbreviation, expanded)
            add(expanded, abbreviation)
        }
        let glossaryPairs = byWords
        for entry in entries {
            let word = stems(entry.word.value)
            for target in entry.targets { add(word, stems(target.value)) }
            for target in entry.targets {
                for other in glossaryPairs[stems(target.value)]?.to ?? [] { add(word, other, via: true) }
            }
        }
        return order.map { byWords[$0]! }
    }

    /// A warning, with a did-you-mean from the site's words, for every target word that no page has.
    static func check(_ entries: [SynonymEntry], vocabulary: [String: String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var words: [String]?
        for entry in entries {
            for target in entry.targets {
                let unknown = Tokenizer.words(target.value).filter { vocabulary[SwedishStemmer.stem($0)] == nil }
                for word in unknown {
                    if words == nil { words = vocabulary.values.sorted() }
                    diagnostics.append(.warning(target.location, .synonymUnknown,
                                                "'\(word)' (for '\(entry.word.value)') is on no page, so the synonym finds nothing\(DidYouMean.hint(for: word, among: words!))"))
                }
            }
        }
        return diagnostics
    }
}
