import Foundation
import Testing
@testable import LathundKit

/// `BinaryCoding` gives back exactly what it was given, for the values the page store keeps, and throws (never
/// traps) on bytes it did not write.
@Suite struct BinaryCodingTests {
    /// A page with every kind of field: empty and full lists, optionals absent and present, each link target.
    static func entry() throws -> PageStore.Entry {
        let site = try TestSite(files: [
            "faq/_index.md": page("Frågor"),
            "faq/fraga.md": """
                ---
                title: "Fråga"
                question: "Hur gör jag?"
                category: "Intyg"
                related: [faq/_index.md]
                weight: 3
                tags: [a, b]
                reviewed: { date: 2026-11-23, by: "Redaktionen", against: "källorna nedan" }
                sources:
                  - { title: "Källa", publisher: "Försäkringskassan", date: 2025-03, url: "https://example.se/" }
                  - { title: "Odaterad", publisher: "Försäkringskassan", date: odaterad, read: 2026-11-23 }
                ---
                ## Rubrik {#egen}

                Text med [en länk](_index.md#topp), [bild](/saknas.png), [här](#egen), [ute](https://example.se/)
                och [borta](borta.md). Ett ord, ett ord till.

                ## Tom
                """,
        ], config: "title: Banken\nbase_url: https://test.example/\npublishers: [Försäkringskassan]\n")
        defer { site.cleanUp() }
        let built = try site.build()
        #expect(built.succeeded, "\(built.diagnostics)")
        // The entry `lathund build` stored for the page.
        let cache = site.root.appendingPathComponent(".lathund-cache")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasPrefix("pages-") })
        for name in try FileManager.default.contentsOfDirectory(atPath: cache.path + "/" + folder) {
            let data = try Data(contentsOf: cache.appendingPathComponent(folder + "/" + name))
            let entry = try data.withUnsafeBytes { try BinaryCoding.decode(PageStore.Entry.self, from: $0) }
            if entry.loaded.page?.relativePath == "faq/fraga.md" { return entry }
        }
        throw BinaryCoding.Failure(description: "no entry for faq/fraga.md")
    }

    @Test func aPageEntryComesBackAsItWas() throws {
        let entry = try Self.entry()
        let page = try #require(entry.loaded.page)
        #expect(page.frontMatter.sources.count == 2)
        #expect(page.frontMatter.faq?.related.count == 1)
        #expect(entry.analysed?.rendered.links.count ?? 0 >= 5)
        let bytes = try BinaryCoding.encode(entry)
        let back = try bytes.withUnsafeBytes { try BinaryCoding.decode(PageStore.Entry.self, from: $0) }
        // Encoded again, the same bytes; and the same as JSON, which names every field.
        #expect(try BinaryCoding.encode(back) == bytes)
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        #expect(try json.encode(back) == json.encode(entry))
        #expect(back.loaded.page?.body == page.body)
        #expect(back.analysed?.analysis.stems == entry.analysed?.analysis.stems)
    }

    /// Empty lists of any type, optionals, and values of each width.
    @Test func emptyListsAndOptionals() throws {
        struct Sample: Codable, Equatable {
            var headings: [Heading] = []
            var words: [String] = []
            var counts: [UInt32] = [0, 1, 300, .max]
            var flags: [Bool] = []
            var maybe: Int? = nil
            var number: Int? = -5
            var text: String? = nil
            var flag: Bool? = false
            var day: Day? = Day("2026-12-05")
            var nested: [[String]] = [[], ["a"]]
            var big: UInt64 = .max
            var small: Int = .min
        }
        let sample = Sample()
        let back = try BinaryCoding.encode(sample).withUnsafeBytes { try BinaryCoding.decode(Sample.self, from: $0) }
        #expect(back == sample)
    }

    @Test(arguments: [0, 1, 7, 100]) func bytesItDidNotWriteThrow(_ seed: Int) throws {
        let bytes = try BinaryCoding.encode(try Self.entry())
        var generator = SplitMix(seed: UInt64(seed))
        var damaged = bytes
        for _ in 0..<8 { damaged[Int(generator.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: generator.next()) }
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) {
                try Array(bytes.prefix(cut)).withUnsafeBytes { try BinaryCoding.decode(PageStore.Entry.self, from: $0) }
            }
        }
        // Damaged bytes either throw or decode to something; they never trap.
        _ = try? damaged.withUnsafeBytes { try BinaryCoding.decode(PageStore.Entry.self, from: $0) }
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
