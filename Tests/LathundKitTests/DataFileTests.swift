import Foundation
import Testing
@testable import LathundKit

/// The data files — `lathund.yml`, the glossary, the synonyms file, the writing aid's rules — are read one way
/// (`YAMLFields.readDocument`): the same wording when a file cannot be read, invalid UTF-8 at its first bad byte
/// as for pages, and a byte-order mark dropped.
@Suite struct DataFileTests {
    /// Each loader as a function of a file: its diagnostics (a configuration error is thrown, so it is caught).
    static let loaders: [(name: String, readCode: String, utf8Code: String, load: @Sendable (URL) -> [Diagnostic])] = [
        ("lathund.yml", "config-missing", "config-utf8", { url in
            do { return try SiteConfig.load(file: url, displayPath: "lathund.yml").diagnostics } catch let error as ConfigurationError {
                return [error.diagnostic]
            } catch { return [] }
        }),
        ("content/ordlista.yml", "glossary-read", "utf8", { GlossaryLoader.load(path: $0.path, displayPath: "content/ordlista.yml").diagnostics }),
        ("content/synonymer.yml", "synonyms-read", "utf8", { SynonymsLoader.load(path: $0.path, displayPath: "content/synonymer.yml").diagnostics }),
        ("content/regler.yml", "writing-aid-read", "utf8", {
            WritingAidLoader.load(path: $0.path, relativePath: "regler.yml", displayPath: "content/regler.yml").diagnostics
        }),
    ]

    func withFile(_ bytes: [UInt8]?, _ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("data.yml")
        if let bytes { try Data(bytes).write(to: file) }
        try body(file)
    }

    @Test func aFileThatCannotBeReadIsSaidOneWay() throws {
        for loader in Self.loaders {
            try withFile(nil) { url in
                let found = loader.load(url)
                #expect(found.map(\.code) == [loader.readCode], "\(loader.name)")
                #expect(found.first?.description.hasPrefix("\(loader.name): error: cannot read the file: ") == true,
                        "\(loader.name): \(found.map(\.description))")
            }
        }
    }

    @Test func invalidUTF8IsFoundAtItsByte() throws {
        for loader in Self.loaders {
            try withFile(Array("a: b\nc: d".utf8) + [0xFF] + Array("e\n".utf8)) { url in
                let found = loader.load(url)
                #expect(found.map(\.description) == ["\(loader.name):2:5: error: file is not valid UTF-8 (byte 0xFF) [\(loader.utf8Code)]"],
                        "\(loader.name)")
            }
        }
    }

    /// A dataset's CSV is read the same way (it named only the line, at column 1).
    @Test func aDatasetsInvalidUTF8IsFoundAtItsByte() throws {
        try withFile(Array("år,antal\n2024,1".utf8) + [0xE4] + Array("\n".utf8)) { url in
            let csv = Asset(relativePath: "data/tabell.csv", displayPath: "content/data/tabell.csv", absolutePath: url.path)
            let metadata = Asset(relativePath: "data/tabell.yml", displayPath: "content/data/tabell.yml", absolutePath: url.path + ".yml")
            try Data("title: T\nunit: st\n".utf8).write(to: URL(fileURLWithPath: metadata.absolutePath))
            let found = DatasetLoader.load(assets: [csv, metadata]).diagnostics.map(\.description)
            #expect(found.contains("content/data/tabell.csv:2:7: error: file is not valid UTF-8 (byte 0xE4) [utf8]"), "\(found)")
        }
    }

    @Test func aByteOrderMarkIsDropped() throws {
        let files: [(name: String, text: String)] = [
            ("lathund.yml", "title: Test\n"),
            ("content/ordlista.yml", "- term: SGI\n  definition: D\n"),
            ("content/synonymer.yml", "sjukintyg: läkarintyg\n"),
        ]
        for (loader, file) in zip(Self.loaders, files) {
            try withFile([0xEF, 0xBB, 0xBF] + Array(file.text.utf8)) { url in
                #expect(loader.load(url).filter { $0.code != "synonym-unknown" }.isEmpty, "\(loader.name)")
            }
        }
        let aid = WritingAidLoader.parse("\u{FEFF}- not a mapping\n", relativePath: "regler.yml", displayPath: "content/regler.yml")
        #expect(aid.diagnostics.map(\.description) == [
            "content/regler.yml:1:1: error: the rules file must be a mapping with fields, lists, rules and examples [writing-aid]",
        ])
    }
}
