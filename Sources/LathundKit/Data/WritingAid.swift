import Foundation
import Yams

/// The rules of the writing aid that checks a draft text in the reader's browser (`/dfa/granska/`): the form's
/// fields, named word lists, the rules and the examples to try them on, from the YAML file that `writing_aid:` in
/// `lathund.yml` names (`content/dfa/granskningsregler.yml`). Writers edit it; the build checks it here, every
/// problem at `file:line:column`, and the ```` ```granskning ```` directive turns it into the form and the data
/// the browser module `granska.js` runs (content/README.md describes the file for writers).
struct WritingAid: Sendable {
    /// One text field of the form, with the certificate section it belongs to and, for sysselsättning, choices.
    struct Field: Sendable, Equatable {
        var id: String
        /// The section of the certificate ("4. Sjukdomens konsekvenser"); fields of one section share a fieldset.
        var section: String
        var label: String
        var hint: String?
        var optional: Bool
        /// The question above the choices, and the choices (check boxes: a certificate may name several).
        var choicesLabel: String?
        var choices: [Choice]
    }

    struct Choice: Sendable, Equatable {
        var id: String
        var label: String
    }

    /// What a rule looks for in a field, all conditions together; every pattern list may name a list (`$fynd`).
    struct Rule: Sendable {
        var id: String
        var location: SourceLocation
        var fields: [String]
        /// 1 (most important) to 3: the order of findings within a field.
        var importance: Int
        /// Some pattern occurs; the finding quotes what it matched.
        var words: [String]?
        /// Some pattern occurs (not quoted).
        var has: [String]?
        /// No pattern occurs.
        var missing: [String]?
        var minWords: Int?
        var maxWords: Int?
        /// Every content word of the field is one of the named field's.
        var repeats: String?
        /// The field shares no content word with the named field (which has text).
        var unrelatedTo: String?
        /// Words that are not content words for `repeats` and `unrelatedTo`.
        var ignore: [String]?
        /// The named field is empty (for a field with choices: nothing is chosen).
        var needs: String?
        var lixAbove: Int?
        /// Applies only when one of these choices is made, by field.
        var choice: [(field: String, choices: [String])]
        var message: String
        /// A content path (`funktionsnedsattning.md#grad`), relative to the rules file; resolved and checked like a
        /// link in a page by the directive.
        var link: Located<String>
        var sources: [SourceReference]
    }

    /// A filled-in form to try the rules on; its texts are quoted from the page `from` names.
    struct Example: Sendable {
        var label: String
        var location: SourceLocation
        var from: Located<String>
        var choices: [(field: String, choices: [String])]
        var values: [(field: String, text: Located<String>)]
    }

    var fields: [Field]
    /// Named pattern lists, in the order written.
    var lists: [(name: String, patterns: [String])]
    var rules: [Rule]
    var examples: [Example]
    /// The file's path relative to `content/` (links in it are relative to its folder) and as printed.
    var relativePath: String
    var displayPath: String

    /// Conditions, besides `choice`, one of which a rule must have: what it looks for.
    static let conditionKeys = ["words", "has", "missing", "min_words", "max_words", "repeats", "unrelated_to", "needs",
                                "lix_above"]
    static let ruleKeys: Set<String> = Set(conditionKeys + ["id", "fields", "importance", "ignore", "choice", "message",
                                                            "link", "sources"])
    /// A message longer than this many words gets a warning: findings should say briefly what to add.
    static let messageWordLimit = 40
}

/// Reads and checks the writing aid's rules file.
enum WritingAidLoader {
    static func load(path: String, relativePath: String, displayPath: String,
                     inputs: InputFiles = InputFiles()) -> Staged<WritingAid?> {
        parse(YAMLFields.readDocument(path: path, displayPath: displayPath, readCode: .writingAidRead, inputs: inputs),
              relativePath: relativePath, displayPath: displayPath)
    }

    static func parse(_ text: String, relativePath: String, displayPath: String) -> Staged<WritingAid?> {
        parse(YAMLFields.composeDocument(text, displayPath: displayPath), relativePath: relativePath, displayPath: displayPath)
    }

    private static func parse(_ document: Staged<Node?>, relativePath: String, displayPath: String) -> Staged<WritingAid?> {
        if !document.diagnostics.isEmpty { return Staged(nil, document.diagnostics) }
        guard case .mapping(let mapping)? = document.value else {
            return Staged(nil, [.error(SourceLocation(file: displayPath, line: 1, column: 1), .writingAid,
                                       "the rules file must be a mapping with fields, lists, rules and examples")])
        }
        var reader = Reader(file: YAMLFields(mapping: mapping, file: displayPath, lineOffset: 0))
        let aid = reader.read(relativePath: relativePath, displayPath: displayPath)
        return Staged(aid, reader.file.diagnostics)
    }

    /// Reads the parts in order (fields before the rules that name them); problems collect in `file`.
    struct Reader {
        var file: YAMLFields
        private var fieldIDs: [String: WritingAid.Field] = [:]
        private var listNames = Set<String>()

        init(file: YAMLFields) { self.file = file }

        /// What the file holds without errors: a rule, field or example with an error is left out (the error
        /// fails the build anyway), so the directive still renders and its links are still checked.
        mutating func read(relativePath: String, displayPath: String) -> WritingAid {
            file.warnAboutUnknownKeys(known: ["fields", "lists", "rules", "examples"], what: "writing aid")
            for key in ["fields", "rules"] where !file.has(key) {
                file.diagnostics.append(.error(file.start, .writingAid, "the rules file needs '\(key)'"))
            }
            let fields = readFields()
            let lists = readLists()
            let rules = readRules()
            let examples = readExamples()
            return WritingAid(fields: fields, lists: lists, rules: rules, examples: examples,
                              relativePath: relativePath, displayPath: displayPath)
        }

        // MARK: fields

        private mutating func readFields() -> [WritingAid.Field] {
            var fields: [WritingAid.Field] = []
            for var entry in file.mappingList("fields") ?? [] {
                entry.warnAboutUnknownKeys(known: ["id", "section", "label", "hint", "optional", "choices_label", "choices"],
                                           what: "field")
                for key in ["id", "section", "label"] where !entry.has(key) {
                    entry.diagnostics.append(.error(entry.start, .writingAidField, "every field needs '\(key)'"))
                }
                let id = identifier(&entry, "id", what: "field")
                if let id, fieldIDs[id] != nil {
                    entry.diagnostics.append(.error(entry.location(ofValue: "id"), .writingAidField,
                                                    "field '\(id)' is defined twice"))
                }
                var choices: [WritingAid.Choice] = []
                for var choice in entry.mappingList("choices") ?? [] {
                    choice.warnAboutUnknownKeys(known: ["id", "label"], what: "choice")
                    if !choice.has("id") || !choice.has("label") {
                        choice.diagnostics.append(.error(choice.start, .writingAidField, "every choice needs 'id' and 'label'"))
                    }
                    if let choiceID = identifier(&choice, "id", what: "choice"), let label = choice.nonEmptyString("label") {
                        if choices.contains(where: { $0.id == choiceID }) {
                            choice.diagnostics.append(.error(choice.location(ofValue: "id"), .writingAidField,
                                                             "choice '\(choiceID)' is listed twice"))
                        }
                        choices.append(WritingAid.Choice(id: choiceID, label: label))
                    }
                    entry.diagnostics += choice.diagnostics
                }
                let choicesLabel = entry.nonEmptyString("choices_label")
                if entry.has("choices"), choicesLabel == nil, !entry.has("choices_label") {
                    entry.diagnostics.append(.error(entry.location(ofKey: "choices"), .writingAidField,
                                                    "a field with choices needs 'choices_label', the question above them"))
                }
                let section = entry.nonEmptyString("section")
                let label = entry.nonEmptyString("label")
                let hint = entry.nonEmptyString("hint")
                let optional = entry.bool("optional") ?? false
                file.diagnostics += entry.diagnostics
                guard let id, let section, let label else { continue }
                let field = WritingAid.Field(id: id, section: section, label: label, hint: hint, optional: optional,
                                             choicesLabel: choicesLabel, choices: choices)
                fieldIDs[id] = field
                fields.append(field)
            }
            if file.has("fields"), fields.isEmpty, !file.diagnostics.contains(where: { $0.severity == .error }) {
                file.diagnostics.append(.error(file.location(ofKey: "fields"), .writingAidField,
                                               "'fields' must list at least one field"))
            }
            return fields
        }

        // MARK: lists

        private mutating func readLists() -> [(name: String, patterns: [String])] {
            guard var lists = file.mapping("lists") else { return [] }
            var result: [(String, [String])] = []
            for name in lists.orderedKeys {
                let location = lists.location(ofKey: name)
                guard Self.isIdentifier(name) else {
                    lists.diagnostics.append(.error(location, .writingAidList,
                                                    "list name '\(name)' must be lower case letters a–z, digits and '_'"))
                    continue
                }
                listNames.insert(name)
                guard let items = lists.stringList(name) else { continue }
                var patterns: [String] = []
                for item in items {
                    if item.value.hasPrefix("$") {
                        lists.diagnostics.append(.error(item.location, .writingAidList,
                                                        "a list cannot name another list ('\(item.value)'); write its words here"))
                    } else if let pattern = pattern(item, diagnostics: &lists.diagnostics) {
                        patterns.append(pattern)
                    }
                }
                if patterns.isEmpty, items.isEmpty {
                    lists.diagnostics.append(.error(location, .writingAidList, "list '\(name)' is empty"))
                }
                result.append((name, patterns))
            }
            file.diagnostics += lists.diagnostics
            return result
        }

        // MARK: rules

        private mutating func readRules() -> [WritingAid.Rule] {
            var rules: [WritingAid.Rule] = []
            var ids = Set<String>()
            for var entry in file.mappingList("rules") ?? [] {
                let rule = readRule(&entry, ids: &ids)
                file.diagnostics += entry.diagnostics
                if let rule { rules.append(rule) }
            }
            return rules
        }

        /// One rule of `rules:`, or nil when it has an error (its diagnostics are the entry's).
        private func readRule(_ entry: inout YAMLFields, ids: inout Set<String>) -> WritingAid.Rule? {
            entry.warnAboutUnknownKeys(known: WritingAid.ruleKeys, what: "rule")
            for (key, what) in [("id", "a name for the rule"), ("fields", "the fields it checks"),
                                ("message", "what the writer should add or change"),
                                ("link", "the page that explains why"), ("sources", "where the advice comes from")]
            where !entry.has(key) {
                entry.diagnostics.append(.error(entry.start, .writingAidRule, "every rule needs '\(key)': \(what)"))
            }
            let id = identifier(&entry, "id", what: "rule")
            if let id, !ids.insert(id).inserted {
                entry.diagnostics.append(.error(entry.location(ofValue: "id"), .writingAidRule, "rule '\(id)' is defined twice"))
            }
            if !WritingAid.conditionKeys.contains(where: entry.has) {
                entry.diagnostics.append(.error(entry.start, .writingAidRule,
                                                "rule\(id.map { " '\($0)'" } ?? "") looks for nothing: give one of \(WritingAid.conditionKeys.joined(separator: ", "))"))
            }
            let fields = (entry.stringList("fields") ?? []).compactMap { field(named: $0, diagnostics: &entry.diagnostics) }
            if entry.has("fields"), fields.isEmpty, !entry.diagnostics.contains(where: { $0.severity == .error }) {
                entry.diagnostics.append(.error(entry.location(ofKey: "fields"), .writingAidRule, "'fields' must name at least one field"))
            }
            var importance = 2
            if let value = entry.int("importance") {
                if (1...3).contains(value) { importance = value } else {
                    entry.diagnostics.append(.error(entry.location(ofValue: "importance"), .writingAidRule,
                                                    "'importance' must be 1 (most important), 2 or 3"))
                }
            }
            let words = patterns(&entry, "words")
            let has = patterns(&entry, "has")
            let missing = patterns(&entry, "missing")
            let ignore = patterns(&entry, "ignore")
            let minWords = count(&entry, "min_words")
            let maxWords = count(&entry, "max_words")
            if let minWords, let maxWords, minWords > maxWords {
                entry.diagnostics.append(.error(entry.location(ofValue: "max_words"), .writingAidRule,
                                                "'max_words' (\(maxWords)) is below 'min_words' (\(minWords)): no text can match"))
            }
            let repeats = otherField(&entry, "repeats", fields: fields)
            let unrelatedTo = otherField(&entry, "unrelated_to", fields: fields)
            let needs = otherField(&entry, "needs", fields: fields)
            if ignore != nil, repeats == nil, unrelatedTo == nil {
                entry.diagnostics.append(.warning(entry.location(ofKey: "ignore"), .writingAidRule,
                                                  "'ignore' only matters with 'repeats' or 'unrelated_to'"))
            }
            var lixAbove: Int?
            if let value = entry.int("lix_above") {
                if (20...100).contains(value) { lixAbove = value } else {
                    entry.diagnostics.append(.error(entry.location(ofValue: "lix_above"), .writingAidRule,
                                                    "'lix_above' must be a LIX from 20 to 100"))
                }
            }
            let choice = choices(&entry, "choice")
            let message = entry.nonEmptyString("message")
            if let message, message.split(whereSeparator: \.isWhitespace).count > WritingAid.messageWordLimit {
                entry.diagnostics.append(.warning(entry.location(ofValue: "message"), .writingAidMessage,
                                                  "the message has more than \(WritingAid.messageWordLimit) words; say briefly what to add or change and let the linked page explain"))
            }
            let link = entry.nonEmptyString("link").map { Located(value: $0, location: entry.location(ofValue: "link")) }
            if let link, SiteLinks.hasScheme(link.value) || link.value.hasPrefix("//") {
                entry.diagnostics.append(.error(link.location, .writingAidLink,
                                                "'link' must name a page of this site (such as funktionsnedsattning.md#grad), not '\(link.value)'"))
            }
            let sources = SourceReference.readList(&entry)
            if entry.has("sources"), sources.isEmpty, !entry.diagnostics.contains(where: { $0.severity == .error }) {
                entry.diagnostics.append(.error(entry.location(ofKey: "sources"), .writingAidRule,
                                                "'sources' must list at least one source: {title, publisher, date}"))
            }
            guard !entry.diagnostics.contains(where: { $0.severity == .error }), let id, let message, let link else { return nil }
            return WritingAid.Rule(id: id, location: entry.start, fields: fields, importance: importance,
                                   words: words, has: has, missing: missing, minWords: minWords,
                                   maxWords: maxWords, repeats: repeats, unrelatedTo: unrelatedTo,
                                   ignore: ignore, needs: needs, lixAbove: lixAbove, choice: choice,
                                   message: message, link: link, sources: sources)
        }

        // MARK: examples

        private mutating func readExamples() -> [WritingAid.Example] {
            var examples: [WritingAid.Example] = []
            for var entry in file.mappingList("examples") ?? [] {
                entry.warnAboutUnknownKeys(known: ["label", "from", "choice", "values"], what: "example")
                for key in ["label", "from", "values"] where !entry.has(key) {
                    entry.diagnostics.append(.error(entry.start, .writingAidExample, "every example needs '\(key)'"))
                }
                let label = entry.nonEmptyString("label")
                let from = entry.nonEmptyString("from").map { Located(value: $0, location: entry.location(ofValue: "from")) }
                let choice = choices(&entry, "choice")
                var values: [(String, Located<String>)] = []
                if var mapping = entry.mapping("values") {
                    for name in mapping.orderedKeys {
                        guard let field = field(named: Located(value: name, location: mapping.location(ofKey: name)),
                                                diagnostics: &mapping.diagnostics),
                              let text = mapping.nonEmptyString(name) else { continue }
                        values.append((field, Located(value: text, location: mapping.location(ofValue: name))))
                    }
                    entry.diagnostics += mapping.diagnostics
                }
                let failed = entry.diagnostics.contains { $0.severity == .error }
                file.diagnostics += entry.diagnostics
                guard !failed, let label, let from else { continue }
                examples.append(WritingAid.Example(label: label, location: entry.start, from: from, choices: choice,
                                                   values: values))
            }
            return examples
        }

        // MARK: values

        /// `[a-z0-9-_]`, starting with a letter: ids become parts of HTML ids and JSON keys.
        static func isIdentifier(_ text: String) -> Bool {
            guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        }

        private func identifier(_ entry: inout YAMLFields, _ key: String, what: String) -> String? {
            guard let value = entry.nonEmptyString(key) else { return nil }
            guard Self.isIdentifier(value) else {
                entry.diagnostics.append(.error(entry.location(ofValue: key), what == "rule" ? .writingAidRule : .writingAidField,
                                                "\(what) id '\(value)' must be lower case letters a–z, digits, '-' and '_', starting with a letter"))
                return nil
            }
            return value
        }

        private func field(named name: Located<String>, diagnostics: inout [Diagnostic]) -> String? {
            guard fieldIDs[name.value] != nil else {
                diagnostics.append(.error(name.location, .writingAidField,
                                          "no field named '\(name.value)' under fields\(DidYouMean.hint(for: name.value, among: fieldIDs.keys))"))
                return nil
            }
            return name.value
        }

        /// A field a relation names: defined, and not one the rule itself checks.
        private func otherField(_ entry: inout YAMLFields, _ key: String, fields: [String]) -> String? {
            guard let name = entry.nonEmptyString(key) else { return nil }
            guard let found = field(named: Located(value: name, location: entry.location(ofValue: key)), diagnostics: &entry.diagnostics)
            else { return nil }
            if fields.contains(found) {
                entry.diagnostics.append(.error(entry.location(ofValue: key), .writingAidRule,
                                                "'\(key)' names '\(found)', a field the rule checks itself; name another field"))
                return nil
            }
            return found
        }

        private func count(_ entry: inout YAMLFields, _ key: String) -> Int? {
            guard let value = entry.int(key) else { return nil }
            guard (1...1000).contains(value) else {
                entry.diagnostics.append(.error(entry.location(ofValue: key), .writingAidRule,
                                                "'\(key)' must be a whole number from 1 to 1000"))
                return nil
            }
            return value
        }

        /// `choice: { sysselsattning: [arbete, studier] }`: fields with choices, and their choice ids.
        private func choices(_ entry: inout YAMLFields, _ key: String) -> [(field: String, choices: [String])] {
            guard var mapping = entry.mapping(key) else { return [] }
            var result: [(String, [String])] = []
            for name in mapping.orderedKeys {
                let location = mapping.location(ofKey: name)
                guard let id = field(named: Located(value: name, location: location), diagnostics: &mapping.diagnostics),
                      let field = fieldIDs[id] else { continue }
                guard !field.choices.isEmpty else {
                    mapping.diagnostics.append(.error(location, .writingAidRule, "field '\(id)' has no choices"))
                    continue
                }
                var chosen: [String] = []
                for item in mapping.stringList(name) ?? [] {
                    if field.choices.contains(where: { $0.id == item.value }) {
                        chosen.append(item.value)
                    } else {
                        mapping.diagnostics.append(.error(item.location, .writingAidRule,
                                                          "field '\(id)' has no choice '\(item.value)'\(DidYouMean.hint(for: item.value, among: field.choices.map(\.id)))"))
                    }
                }
                if !chosen.isEmpty { result.append((id, chosen)) }
            }
            entry.diagnostics += mapping.diagnostics
            return result
        }

        /// A pattern list: patterns, and named lists as `$name`.
        private func patterns(_ entry: inout YAMLFields, _ key: String) -> [String]? {
            guard let items = entry.stringList(key) else { return nil }
            var result: [String] = []
            for item in items {
                if item.value.hasPrefix("$") {
                    let name = String(item.value.dropFirst())
                    if listNames.contains(name) {
                        result.append(item.value)
                    } else {
                        entry.diagnostics.append(.error(item.location, .writingAidList,
                                                        "no list named '\(name)' under lists\(DidYouMean.hint(for: name, among: listNames))"))
                    }
                } else if let pattern = pattern(item, diagnostics: &entry.diagnostics) {
                    result.append(pattern)
                }
            }
            if items.isEmpty {
                entry.diagnostics.append(.error(entry.location(ofKey: key), .writingAidPattern, "'\(key)' is empty"))
            }
            return result
        }

        /// One pattern, lower-cased: words of letters and digits, where `*` is any letters or digits, `?` one letter
        /// and `#` one digit; anything else (space, hyphen, punctuation) separates words, as in the text.
        func pattern(_ item: Located<String>, diagnostics: inout [Diagnostic]) -> String? {
            let words = Self.patternWords(item.value)
            guard !words.isEmpty else {
                diagnostics.append(.error(item.location, .writingAidPattern,
                                          "'\(item.value)' has no word to look for"))
                return nil
            }
            if words.contains(where: { $0.allSatisfy { $0 == "*" } }) {
                diagnostics.append(.error(item.location, .writingAidPattern,
                                          "'\(item.value)' has a word that is only '*', which matches every word"))
                return nil
            }
            return words.joined(separator: " ")
        }

        /// The words of a pattern: runs of letters, digits, `*`, `?` and `#`, lower-cased.
        static func patternWords(_ text: String) -> [String] {
            var words: [String] = []
            var current = String.UnicodeScalarView()
            for scalar in text.lowercased().unicodeScalars {
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "*" || scalar == "?" || scalar == "#" {
                    current.append(scalar)
                } else if !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
            }
            if !current.isEmpty { words.append(String(current)) }
            return words
        }
    }
}
