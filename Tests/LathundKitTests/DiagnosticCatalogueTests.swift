import Foundation
import Testing
@testable import LathundKit

/// The codes of diagnostics live in one catalogue (`DiagnosticCode`), and `docs/diagnostics.md` explains every
/// one of them with an example.
@Suite struct DiagnosticCatalogueTests {
    static let documentation = packageRoot.appendingPathComponent("docs/diagnostics.md")

    /// Each `### `code`` section of docs/diagnostics.md with its text up to the next heading.
    static func sections() throws -> [String: String] {
        let text = try String(contentsOf: documentation, encoding: .utf8)
        var sections: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") { current = nil }
            if line.hasPrefix("### `"), line.hasSuffix("`") {
                current = String(line.dropFirst(5).dropLast())
                sections[current!] = ""
            } else if let current {
                sections[current]! += line + "\n"
            }
        }
        return sections
    }

    @Test func everyCodeIsDocumentedWithAnExample() throws {
        let sections = try Self.sections()
        let codes = Set(DiagnosticCode.allCases.map(\.rawValue))
        #expect(Set(sections.keys) == codes, """
            documented but not in the catalogue: \(Set(sections.keys).subtracting(codes).sorted()); \
            in the catalogue but not documented: \(codes.subtracting(sections.keys).sorted())
            """)
        for (code, text) in sections {
            let example = text.split(separator: "\n").first { $0.hasSuffix("[\(code)]") }
            #expect(example != nil, "docs/diagnostics.md: `\(code)` has no example line ending in [\(code)]")
            #expect(example?.contains(": error: ") == true || example?.contains(": warning: ") == true,
                    "the example of `\(code)` is not a diagnostic line")
        }
    }

    /// The engine names codes only through the catalogue: no code is written as a string where a diagnostic is made.
    @Test func noCodeIsWrittenOutsideTheCatalogue() throws {
        let sources = packageRoot.appendingPathComponent("Sources")
        var found: [String] = []
        for case let file as String in FileManager.default.enumerator(atPath: sources.path)! where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("code: \"") {
                found.append("Sources/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "diagnostic codes written as strings:\n\(found.joined(separator: "\n"))")
    }
}
