import Foundation
import Yams

/// Reads a YAML mapping into typed values, reporting every problem as a diagnostic at the key's or value's
/// position. One mechanism for `lathund.yml`, front matter and data metadata: unknown keys are warnings with a
/// did-you-mean, wrong types are errors.
struct YAMLFields {
    /// `Yams.compose` with UTF-8 named: Yams' default encoding reads the process environment on every call,
    /// which was 1,7 % of a 10 000-page build.
    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .default, .default, .utf8)
    }

    /// `compose` for text read only through `YAMLFields` (front matter): the same nodes, without most of the cost.
    ///
    /// Yams' default resolver tries seven ICU regexes on every plain scalar whose tag it needs, and its composer
    /// needs the tag of every mapping key: it hashes the keys to refuse duplicates (3,4 % of a 10 000-page build).
    /// Nothing `YAMLFields` reads depends on the resolver: `string`, `bool`, `int` and `null` look at a scalar's
    /// text, style and written tag, never at a resolved one. The resolver only decides which keys Yams counts as
    /// the same, and two keys are the same for the default resolver only if their texts are equal. So Yams
    /// composes with no rules (every untagged plain scalar is text), and the text is composed again with the
    /// default resolver, whose answer (a tree or an error) is the one used, whenever that is not shown to be the
    /// same: when the fast compose throws, or when a mapping has a key that is not a scalar or two keys of the
    /// same text. `FrontMatterComposeTests` holds the two equal on every page of the site, the corpus and
    /// random YAML. Before Yams, `PlainFrontMatter` composes the plain shapes front matter is written in.
    static func composeReadByFields(_ text: String) throws -> Node? {
        if let root = PlainFrontMatter.compose(text) { return root }
        guard let root = try? Yams.compose(yaml: text, .basic, .default, .utf8), !mayHaveDuplicateKeys(root) else {
            return try compose(text)
        }
        return root
    }

    /// True when a mapping in `node` has a key that is not a scalar or two keys of the same text.
    private static func mayHaveDuplicateKeys(_ node: Node) -> Bool {
        switch node {
        case .scalar, .alias:
            return false
        case .sequence(let sequence):
            return sequence.contains(where: mayHaveDuplicateKeys)
        case .mapping(let mapping):
            var keys = Set<String>()
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key, keys.insert(scalar.string).inserted else { return true }
                if mayHaveDuplicateKeys(value) { return true }
            }
            return false
        }
    }

    let file: String
    /// Added to Yams' 1-based line numbers (front matter starts on line 2 of a page).
    let lineOffset: Int
    private(set) var values: [String: Node] = [:]
    private(set) var keyLocations: [String: SourceLocation] = [:]
    private(set) var orderedKeys: [String] = []
    var diagnostics: [Diagnostic] = []
    /// Where the mapping starts: the place for "this entry needs …".
    let start: SourceLocation

    init(mapping: Node.Mapping, file: String, lineOffset: Int) {
        self.file = file
        self.lineOffset = lineOffset
        start = mapping.mark.map { SourceLocation(file: file, line: $0.line + lineOffset, column: $0.column) }
            ?? SourceLocation(file: file, line: lineOffset + 1, column: 1)
        for (keyNode, value) in mapping {
            let location = self.location(of: keyNode)
            guard let key = keyNode.scalar?.string else {
                diagnostics.append(.error(location, .yamlKey, "keys must be plain names"))
                continue
            }
            if values[key] != nil {
                diagnostics.append(.error(location, .duplicateKey, "key '\(key)' appears twice"))
            }
            values[key] = value
            keyLocations[key] = location
            orderedKeys.append(key)
        }
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file, line: lineOffset + 1, column: 1) }
        return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column)
    }

    func location(ofKey key: String) -> SourceLocation {
        keyLocations[key] ?? SourceLocation(file: file, line: lineOffset + 1, column: 1)
    }

    /// Where the value of `key` is written (where the key is, when it has none).
    func location(ofValue key: String) -> SourceLocation {
        values[key].map(location(of:)) ?? location(ofKey: key)
    }

    /// Warns about every key not in `known` (plus `alsoAllowed`, keys that are valid elsewhere and get a
    /// tailored message).
    mutating func warnAboutUnknownKeys(known: Set<String>, misplaced: [String: String] = [:], what: String) {
        for key in orderedKeys where !known.contains(key) {
            if let place = misplaced[key] {
                diagnostics.append(.warning(location(ofKey: key), .misplacedKey,
                                            "key '\(key)' is only used \(place)"))
            } else {
                diagnostics.append(.warning(location(ofKey: key), .unknownKey,
                                            "unknown \(what) key '\(key)'\(DidYouMean.hint(for: key, among: known))"))
            }
        }
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    private mutating func typeError(_ key: String, _ node: Node, expected: String) {
        diagnostics.append(.error(location(of: node), .frontMatterType, "'\(key)' must be \(expected)"))
    }

    mutating func string(_ key: String) -> String? {
        guard let node = values[key] else { return nil }
        if node.null != nil { return nil }
        if case .scalar(let scalar) = node { return scalar.string }
        typeError(key, node, expected: "text")
        return nil
    }

    mutating func nonEmptyString(_ key: String) -> String? {
        guard let value = string(key) else { return nil }
        let trimmed = Self.trimmed(value)
        if trimmed.isEmpty {
            diagnostics.append(.error(location(of: values[key]!), .frontMatterEmpty, "'\(key)' must not be empty"))
            return nil
        }
        return trimmed
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, which bridges to `NSString` on Linux: a text that starts
    /// and ends with a visible ASCII character (0x21–0x7E, none of them white space) has nothing to trim.
    static func trimmed(_ value: String) -> String {
        let utf8 = value.utf8
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return value
        }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let node = values[key] else { return nil }
        if let value = node.bool { return value }
        typeError(key, node, expected: "true or false")
        return nil
    }

    mutating func int(_ key: String) -> Int? {
        guard let node = values[key] else { return nil }
        if let value = node.int { return value }
        typeError(key, node, expected: "a whole number")
        return nil
    }

    mutating func day(_ key: String) -> Day? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            typeError(key, node, expected: "a date ÅÅÅÅ-MM-DD")
            return nil
        }
        guard let day = Day(scalar.string) else {
            diagnostics.append(.error(location(of: node), .badDate,
                                      "'\(key)' is '\(scalar.string)', not a valid date ÅÅÅÅ-MM-DD"))
            return nil
        }
        return day
    }

    /// A list of texts; a single text is accepted as a list of one.
    mutating func stringList(_ key: String) -> [Located<String>]? {
        guard let node = values[key] else { return nil }
        switch node {
        case .scalar(let scalar):
            return scalar.string.isEmpty ? [] : [Located(value: scalar.string, location: location(of: node))]
        case .sequence(let sequence):
            var items: [Located<String>] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    typeError(key, item, expected: "a list of texts")
                    continue
                }
                items.append(Located(value: scalar.string, location: location(of: item)))
            }
            return items
        default:
            typeError(key, node, expected: "a list of texts")
            return nil
        }
    }

    /// A nested mapping, read with its own `YAMLFields`.
    mutating func mapping(_ key: String) -> YAMLFields? {
        guard let node = values[key] else { return nil }
        guard case .mapping(let mapping) = node else {
            typeError(key, node, expected: "a mapping")
            return nil
        }
        return YAMLFields(mapping: mapping, file: file, lineOffset: lineOffset)
    }

    /// A mapping of names to whole numbers (`review: { default: 12, regelverk: 12 }`), in the order written.
    mutating func intMapping(_ key: String, range: ClosedRange<Int>) -> [(name: String, value: Int)]? {
        guard let node = values[key] else { return nil }
        guard case .mapping(let mapping) = node else {
            typeError(key, node, expected: "a mapping of section names to whole numbers")
            return nil
        }
        var items: [(String, Int)] = []
        for (name, value) in mapping {
            guard let name = name.scalar?.string, let number = value.int, range.contains(number) else {
                diagnostics.append(.error(location(of: value), .frontMatterType,
                                          "'\(key)' values must be whole numbers from \(range.lowerBound) to \(range.upperBound)"))
                continue
            }
            items.append((name, number))
        }
        return items
    }

    /// A list of mappings, each read with its own `YAMLFields`.
    mutating func mappingList(_ key: String) -> [YAMLFields]? {
        guard let node = values[key] else { return nil }
        guard case .sequence(let sequence) = node else {
            typeError(key, node, expected: "a list")
            return nil
        }
        var items: [YAMLFields] = []
        for item in sequence {
            guard case .mapping(let mapping) = item else {
                typeError(key, item, expected: "a list of mappings")
                continue
            }
            items.append(YAMLFields(mapping: mapping, file: file, lineOffset: lineOffset))
        }
        return items
    }

    /// Converts a Yams error into a diagnostic at the right line and column.
    static func diagnostic(for error: Error, file: String, lineOffset: Int) -> Diagnostic {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let detail = context.map { "\(problem) \($0.text)" } ?? problem
                return .error(SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column),
                              .yamlSyntax, "YAML syntax error: \(detail)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                return .error(SourceLocation(file: file, line: context.mark.line + lineOffset, column: context.mark.column),
                              .duplicateKey, "key '\(duplicates.joined(separator: "', '"))' appears twice")
            default:
                break
            }
        }
        return .error(SourceLocation(file: file, line: lineOffset + 1, column: 1), .yamlSyntax,
                      "YAML error: \(error)")
    }
}

/// A value with the place it came from.
struct Located<Value: Sendable>: Sendable {
    var value: Value
    var location: SourceLocation
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
