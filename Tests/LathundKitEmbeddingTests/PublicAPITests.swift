import Foundation
import Testing

/// LathundKit's public API is the list in `Sources/LathundKit/LathundKit.swift`: every type declared `public` in
/// `Sources/LathundKit` is on it, with a documentation comment where it is declared, and every type on it is public.
@Suite struct PublicAPITests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LathundKit")

    /// `Name` for every ``Name`` or ``Outer.Name`` the list names.
    static func listed() throws -> Set<String> {
        let text = try String(contentsOf: sources.appendingPathComponent("LathundKit.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "``([A-Za-z.]+)``")
        let range = NSRange(text.startIndex..., in: text)
        return Set(pattern.matches(in: text, range: range).map { match in
            String(text[Range(match.range(at: 1), in: text)!].split(separator: ".").last!)
        })
    }

    /// The types declared `public` in the module's sources, with whether the line before is a `///` comment.
    static func declared() throws -> [String: Bool] {
        let pattern = try NSRegularExpression(
            pattern: "^\\s*public (?:final )?(?:struct|enum|class|actor|protocol|typealias) ([A-Za-z]+)")
        var found: [String: Bool] = [:]
        for case let file as String in FileManager.default.enumerator(atPath: sources.path)! where file.hasSuffix(".swift") {
            let lines = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (number, line) in lines.enumerated() {
                guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { continue }
                let name = String(line[Range(match.range(at: 1), in: line)!])
                found[name] = number > 0 && lines[number - 1].trimmingCharacters(in: .whitespaces).hasPrefix("///")
            }
        }
        return found
    }

    @Test func thePublicTypesAreTheListedOnes() throws {
        let listed = try Self.listed(), declared = try Self.declared()
        #expect(Set(declared.keys) == listed, """
            public but not in LathundKit.swift: \(Set(declared.keys).subtracting(listed).sorted()); \
            in LathundKit.swift but not public: \(listed.subtracting(declared.keys).sorted())
            """)
        #expect(listed.count <= 24, "the public API has grown to \(listed.count) types")
        for (name, documented) in declared.sorted(by: { $0.key < $1.key }) {
            #expect(documented, "public type \(name) has no /// comment where it is declared")
        }
    }
}
