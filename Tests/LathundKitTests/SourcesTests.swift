import Foundation
import PropertyBased
import Testing
@testable import LathundKit

/// Typed sources, honest review marks and the old-source notice (issue 17): what a page says about how its facts
/// were checked is exactly what its front matter says, and every mistake in it is an error at its place.
@Suite struct SourcesTests {
    static let config = TestSite.config + "publishers: [\"Försäkringskassan\", \"Socialstyrelsen\", \"Region Sörmland\"]\n"
    static let review = "reviewed: { date: 2026-11-23, by: Redaktionen, against: källorna nedan }\n"

    /// The project's own layouts, for the tests of what a reader sees.
    static var realLayouts: [String: String] {
        TestSite.files(of: packageRoot.appendingPathComponent("layouts")).mapValues { String(decoding: $0, as: UTF8.self) }
    }

    static func source(_ title: String, _ publisher: String = "Försäkringskassan", _ date: String, more: String = "") -> String {
        "  - { title: \"\(title)\", publisher: \(publisher), date: \(date)\(more) }\n"
    }

    @Test func sourcesAreListedWithPublisherAndDate() throws {
        let site = try TestSite(files: [
            "a.md": page("A", "Text.", extra: Self.review + "sources:\n"
                         + Self.source("Sjukpenning", "Försäkringskassan", "2025-03", more: ", url: \"https://fk.example/\"")
                         + Self.source("Ansökan Långa sjukfall", "[Försäkringskassan, Region Sörmland]", "2020", more: ", section: \"tabell 2\"")),
        ], config: Self.config)
        defer { site.cleanUp() }
        let result = try site.build { $0.today = Day("2026-11-23")! }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let html = try #require(site.read("site/a/index.html"))
        #expect(html.contains("<li>Sjukpenning. Försäkringskassan, 2025-03.</li>"))
        #expect(html.contains("<li>Ansökan Långa sjukfall, tabell 2. Försäkringskassan och Region Sörmland, 2020.</li>"))
    }

    /// Each problem is an error at the line and column to fix; the page is not built.
    @Test func typedSourceErrorsAreAtTheirLine() throws {
        let site = try TestSite(files: [
            "a.md": """
            ---
            title: A
            sources:
              - title: "Utan förlag"
                date: 2024
              - title: "Fel datum"
                publisher: Socialstyrelsen
                date: 03/2025
              - publisher: Socialstyrelsen
                date: 2025-13
            ---
            Text.
            """,
            "b.md": page("B", "Text.", extra: "sources:\n" + Self.source("Sjukpenning", "Forsakringskassan", "2025")),
        ], config: Self.config)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.map(\.description) == [
            "content/a.md:4:5: error: every source needs 'publisher': who published it (a name from publishers: in lathund.yml) [source-publisher]",
            "content/a.md:8:11: error: source date '03/2025' is not a date: write ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD (the date of the document itself), or 'odaterad' with 'read:' when it shows none [source-date]",
            "content/a.md:9:5: error: every source needs 'title': its title [source-title]",
            "content/a.md:10:11: error: source date '2025-13' is not a date: write ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD (the date of the document itself), or 'odaterad' with 'read:' when it shows none [source-date]",
            "content/b.md:4:40: error: publisher 'Forsakringskassan' is not in publishers: in lathund.yml (add it there if it is right); did you mean 'Försäkringskassan'? [unknown-publisher]",
        ])
        #expect(!site.exists("site"))
    }

    @Test func datasetSourcesAreTypedAndChecked() throws {
        let csv = "ar,antal\n2019,3\n"
        let meta = { (sources: String) in
            "title: T\ndescription: D\nunit: antal\n\(sources)period: \"2019\"\ncolumns: { ar: date, antal: number }\nchart: { type: bar, x: ar, y: antal }\n"
        }
        let site = try TestSite(files: [
            "data/bra.csv": csv, "data/bra.yml": meta("sources:\n" + Self.source("Ansökan", "Region Sörmland", "2020", more: ", section: tabell 2")),
            "data/fel.csv": csv, "data/fel.yml": meta("sources:\n" + Self.source("Ansökan", "Region Sörmand", "2020")),
            "data/gammal.csv": csv, "data/gammal.yml": meta("source: \"Seed 002\"\n"),
        ], config: Self.config)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.map(\.description) == [
            "content/data/fel.yml:5:36: error: publisher 'Region Sörmand' is not in publishers: in lathund.yml (add it there if it is right); did you mean 'Region Sörmland'? [unknown-publisher]",
            "content/data/gammal.yml:1:1: error: the metadata needs 'sources' [dataset-metadata]",
            "content/data/gammal.yml:4:1: warning: unknown dataset key 'source'; did you mean 'sources'? [unknown-key]",
            "content/data/gammal.yml:4:10: error: 'Seed 002' is an internal label that readers cannot know; name the document itself (its title, publisher and date in sources:) [internal-label]",
        ])
        let fixed = try TestSite(files: ["data/bra.csv": csv, "data/bra.yml": meta("sources:\n" + Self.source("Ansökan", "Region Sörmland", "2020", more: ", section: tabell 2"))],
                                 config: Self.config)
        defer { fixed.cleanUp() }
        #expect(try fixed.build().diagnostics.isEmpty)
        let json = try #require(fixed.read("site/data/bra.json"))
        #expect(json.contains("""
              "sources" : [
                {
                  "date" : "2020",
                  "publisher" : "Region Sörmland",
                  "section" : "tabell 2",
                  "title" : "Ansökan"
                }
              ],
            """))
    }

    /// "Seed" is refused in page text, front matter, dataset metadata and data, at the word; other words are not.
    @Test func internalLabelIsRefusedWherever() throws {
        let site = try TestSite(files: [
            "a.md": page("A", "Siffrorna kommer från SEED 000 och (seed 001).\nOrd som kroseed räknas inte.\n",
                         extra: "sources:\n" + Self.source("Seed 004: Samlad redovisning", "Försäkringskassan", "2019")),
            "data/t.csv": "ar,antal,kalla\n2019,3,seed 002\n",
            "data/t.yml": "title: T\ndescription: D\nunit: antal\nsources: [{ title: Ansökan, publisher: Försäkringskassan, date: 2020 }]\nperiod: \"2019\"\ncolumns: { ar: date, antal: number, kalla: text }\nchart: { type: bar, x: ar, y: antal }\nnote: \"Ur seeds.\"\n",
        ], config: Self.config)
        defer { site.cleanUp() }
        let result = try site.build()
        let labels = result.messages("internal-label").map { "\($0.location.file):\($0.location.line):\($0.location.column) \($0.message.prefix(while: { $0 != " " }))" }
        #expect(labels == [
            "content/a.md:4:15 'Seed", "content/a.md:6:23 'SEED", "content/a.md:6:37 'seed",
            "content/data/t.csv:2:8 'seed", "content/data/t.yml:8:11 'seeds'",
        ].map { $0 })
        #expect(result.messages("internal-label").first?.message
                == "'Seed 004' is an internal label that readers cannot know; name the document itself (its title, publisher and date in sources:)")
        #expect(!result.succeeded)
    }

    /// The label scan, which counts lines and columns only at a label, finds the labels at the places the plain
    /// scan (below: every byte, lines counted as it goes) finds them, on random text of labels, words that only
    /// contain one, digits, line feeds and multi-byte letters.
    @Test func labelScanEqualsThePlainScan() async {
        let pieces = ["seed", "Seed", "SEED", "sEeD", " ", "\n", "\n\n", "004", "1", "kroseed", "seeds", "see", "s", "S",
                      "å", "Ö", "é", "中", "😀", ".", ",", "(", "-", "_", "`", "{", "[", "@", "\r\n", "\t"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...40)) { parts in
            let bytes = Array(parts.map { $0 ?? "" }.joined().utf8)
            let found = InternalLabels.diagnostics(in: bytes, file: "f").map { "\($0.location.line):\($0.location.column) \($0.message)" }
            #expect(found == Self.plainLabelScan(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    /// The eight-byte skips of the content scans (`ByteLanes`) against a byte-by-byte look, on random bytes of
    /// digits, label letters, word and non-word ASCII and bytes from 0x80, from every start: a skip passes over no
    /// digit (no label start: the first two letters of a label, `se`, after a byte that is not part of a word) and
    /// stops only with one within eight bytes or near the end. Then the personnummer scan's candidates against the scan without
    /// the skip.
    @Test func byteLaneSkipsEqualAByteByByteLook() {
        let pieces: [[UInt8]] = [[0x30], [0x39], [0x2F], [0x3A], [0x73], [0x53], [0x72], [0x74], [0x65], [0x45], [0x64], [0x20], [0x0A], [0x2E], [0x5F],
                                 [0x60], [0x7B], [0x40], [0x5B], [0x7A], [0x41], [0x00], [0x7F], [0x80], [0xC3, 0xA5], [0xF3], [0xD3], [0xFF],
                                 Array("seed 004".utf8), Array("kroseed".utf8), Array("640823-3234".utf8), Array(" vanlig text ".utf8)]
        func isWordByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
        PropertyRun.forAll("byteLaneSkipsEqualAByteByByteLook", count: PropertyRun.count * 5) { generator, note in
            var bytes: [UInt8] = []
            for _ in 0..<(generator.next() % 40) { bytes += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let digit = bytes.map { $0 >= 0x30 && $0 <= 0x39 }
            let start = bytes.indices.map {
                $0 > 0 && $0 + 1 < bytes.count && bytes[$0] | 0x20 == 0x73 && bytes[$0 + 1] | 0x20 == 0x65 && !isWordByte(bytes[$0 - 1])
            }
            bytes.withUnsafeBufferPointer { buffer in
                for from in 0...bytes.count {
                    let toDigit = ByteLanes.skipToDigits(buffer, from: from)
                    #expect(!digit[from..<toDigit].contains(true) && (toDigit + 8 > bytes.count || digit[toDigit..<toDigit + 8].contains(true)),
                            "\(note): digits from \(from) in \(bytes)")
                    let toStart = InternalLabels.skipToLabelStarts(buffer, from: from)
                    #expect(!start[from..<toStart].contains(true)
                            && (from == 0 || toStart + 9 > bytes.count || start[toStart..<toStart + 8].contains(true)),
                            "\(note): label starts from \(from) in \(bytes)")
                }
            }
            let candidates = PersonnummerGuard.scan(bytes).map { "\($0.range) \($0.digits) \($0.century ?? -1)" }
            #expect(candidates == Self.plainCandidates(bytes), "\(note): \(bytes)")
        }
    }

    /// `PersonnummerGuard.scan` without the eight-byte skip, as "range digits century".
    static func plainCandidates(_ bytes: [UInt8]) -> [String] {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var result: [String] = []
        var index = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else { index += 1; continue }
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            let length = index - start
            if length == 10 || length == 12 {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                result.append("\(start..<index) \(text.suffix(10)) \(length == 12 ? Int(text.prefix(2))! : -1)")
                continue
            }
            guard length == 6 || length == 8, index < bytes.count else { continue }
            var after = index
            switch bytes[index] {
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: " "): after += 1
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: after += 2
            default: continue
            }
            var end = after
            while end < bytes.count, end - after < 5, isDigit(bytes[end]) { end += 1 }
            guard end - after == 4 else { continue }
            let digits = String(decoding: bytes[start..<index] + bytes[after..<end], as: UTF8.self)
            result.append("\(start..<end) \(digits.suffix(10)) \(length == 8 ? Int(digits.prefix(2))! : -1)")
            index = end
        }
        return result
    }

    /// `InternalLabels.diagnostics` as it was first written, as "line:column message".
    static func plainLabelScan(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var line = 1, lineStart = 0, index = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            } else if index == 0 || !isWordByte(bytes[index - 1]) {
                for word in InternalLabels.words
                where index + word.utf8.count <= bytes.count && zip(word.utf8, bytes[index...]).allSatisfy({ $0 == $1 | 0x20 }) {
                    var end = index
                    while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
                    var labelEnd = end
                    if labelEnd + 1 < bytes.count, bytes[labelEnd] == 0x20, bytes[labelEnd + 1] >= 0x30, bytes[labelEnd + 1] <= 0x39 {
                        labelEnd += 1
                        while labelEnd < bytes.count, bytes[labelEnd] >= 0x30, bytes[labelEnd] <= 0x39 { labelEnd += 1 }
                    }
                    let column = 1 + bytes[lineStart..<index].filter { $0 & 0xC0 != 0x80 }.count
                    let label = String(decoding: bytes[index..<labelEnd], as: UTF8.self)
                    result.append("\(line):\(column) '\(label)' is an internal label that readers cannot know; name the document itself (its title, publisher and date in sources:)")
                    index = end - 1
                }
            }
            index += 1
        }
        return result
    }

    /// A page whose newest source's period ended more than `source_max_age_years` before today shows the notice
    /// and is listed in the report; the limit is configurable.
    @Test func oldSourcesGetANoticeAndAreReported() throws {
        let files = [
            "gammal.md": page("Gammal", "Text.", extra: "sources:\n" + Self.source("Vägledning", "Försäkringskassan", "2015")
                              + Self.source("Beslutsstöd", "Socialstyrelsen", "2018-05")),
            "gransen.md": page("Gränsen", "Text.", extra: "sources:\n" + Self.source("Sida", "Försäkringskassan", "2023")),
            "ny.md": page("Ny", "Text.", extra: "sources:\n" + Self.source("Vägledning", "Försäkringskassan", "2015")
                          + Self.source("Sida", "Försäkringskassan", "2025-03-01")),
            "utan.md": page("Utan", "Text."),
        ]
        let site = try TestSite(files: files, config: Self.config)
        defer { site.cleanUp() }
        let result = try site.build { $0.today = Day("2026-12-05")! }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.oldSources == [OldSources(file: "content/gammal.md", url: "/gammal/", newest: "2018-05", undated: 0, limitYears: 3)])
        #expect(site.read("site/gammal/index.html")?.contains("<p class=\"notice\">Källorna är från 2018.</p>") == true)
        for name in ["gransen", "ny", "utan"] {
            #expect(site.read("site/\(name)/index.html")?.contains("Källorna är från") == false, "\(name)")
        }
        // 2023 ends 2023-12-31: three years later is 2026-12-31, so the notice starts the day after.
        let later = try site.build { $0.today = Day("2027-01-01")! }
        #expect(later.oldSources.map(\.file) == ["content/gammal.md", "content/gransen.md"])
        #expect(site.read("site/gransen/index.html")?.contains("Källorna är från 2023.") == true)

        let patient = try TestSite(files: files, config: Self.config + "source_max_age_years: 10\n")
        defer { patient.cleanUp() }
        #expect(try patient.build { $0.today = Day("2026-12-05")! }.oldSources.isEmpty)
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("source_max_age_years: 0\n", displayPath: "lathund.yml") }
    }

    /// The project's own layouts show the review exactly as written, and the notice in the header.
    /// `date: odaterad` says that the document shows no date: the page says so and when its text was read, never a
    /// year nobody knows. Its age is unknown, so a page with no dated source within the limit says that in its
    /// notice and is reported; an undated source without `read:` is an error at its date.
    @Test func undatedSourcesSayWhenTheyWereRead() throws {
        let undated = ", read: 2026-11-23, url: \"https://fk.example/nojd\""
        let files = [
            "odaterad.md": page("Odaterad", "Text.", extra: "sources:\n" + Self.source("Om du inte är nöjd", "Försäkringskassan", "odaterad", more: undated)),
            "blandad.md": page("Blandad", "Text.", extra: "sources:\n" + Self.source("Vägledning", "Försäkringskassan", "2018")
                               + Self.source("Om du inte är nöjd", "Försäkringskassan", "odaterad", more: undated)),
            "aktuell.md": page("Aktuell", "Text.", extra: "sources:\n" + Self.source("Sida", "Försäkringskassan", "2025-03")
                               + Self.source("Om du inte är nöjd", "Försäkringskassan", "odaterad", more: undated)),
        ]
        let site = try TestSite(files: files, config: Self.config, layouts: Self.realLayouts)
        defer { site.cleanUp() }
        let result = try site.build { $0.today = Day("2026-12-05")! }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        func text(_ name: String) throws -> String {
            try #require(site.read("site/\(name)/index.html")).replacing(/<[^>]+>/, with: "")
        }
        let alone = try text("odaterad")
        #expect(alone.contains("Om du inte är nöjd. Försäkringskassan, odaterad, läst 2026-11-23."))
        #expect(alone.contains("Källorna saknar datum, så deras ålder är okänd. Kontrollera aktuella regler hos Försäkringskassan.\n"))
        #expect(!alone.contains("Källorna är från"))
        let mixed = try text("blandad")
        #expect(mixed.contains("Källorna är från 2018 eller saknar datum. Kontrollera aktuella regler hos Försäkringskassan.\n"))
        #expect(mixed.contains("Vägledning. Försäkringskassan, 2018."))
        #expect(try !text("aktuell").contains("Kontrollera aktuella regler"), "a dated source within the limit is enough")
        #expect(result.oldSources == [
            OldSources(file: "content/blandad.md", url: "/blandad/", newest: "2018", undated: 1, limitYears: 3),
            OldSources(file: "content/odaterad.md", url: "/odaterad/", newest: nil, undated: 1, limitYears: 3),
        ])

        let broken = try TestSite(files: [
            "a.md": page("A", "Text.", extra: "sources:\n" + Self.source("Sida", "Försäkringskassan", "odaterad")
                         + Self.source("Sida", "Försäkringskassan", "odaterad", more: ", read: 2026-13-01")),
        ], config: Self.config)
        defer { broken.cleanUp() }
        let failed = try broken.build()
        #expect(!failed.succeeded)
        #expect(failed.diagnostics.map(\.description) == [
            "content/a.md:4:58: error: an undated source needs 'read': the day the text you cite was read (ÅÅÅÅ-MM-DD) [source-read]",
            "content/a.md:5:74: error: 'read' is '2026-13-01', not a valid date ÅÅÅÅ-MM-DD [bad-date]",
        ])
    }

    @Test func reviewLabelIsShownAsWritten() throws {
        let site = try TestSite(files: [
            "a.md": page("A", "Text.", extra: "reviewed:\n  date: 2026-11-23\n  by: \"Försäkringsmedicinskt sakkunnig\"\n  against: \"forsakringskassan.se 2026-11-20\"\nsources:\n"
                         + Self.source("Sjukpenning", "Försäkringskassan", "2019")),
        ], config: Self.config, layouts: Self.realLayouts)
        defer { site.cleanUp() }
        let result = try site.build { $0.today = Day("2026-12-05")! }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let html = try #require(site.read("site/a/index.html"))
        let text = html.replacing(/<[^>]+>/, with: "")
        #expect(text.contains("Kontrollerad mot forsakringskassan.se 2026-11-20 2026-11-23 av Försäkringsmedicinskt sakkunnig\n"))
        #expect(text.contains("Källorna är från 2019. Kontrollera aktuella regler hos Försäkringskassan.\n"))
        #expect(text.contains("Sjukpenning. Försäkringskassan, 2019."))
        #expect(!html.contains("Senast granskad"))
    }

    /// `reviewed` must say who checked and against what; a bare date or a missing part is an error at `reviewed`.
    @Test func reviewWithoutByIsAnError() throws {
        let site = try TestSite(files: [
            "utan-by.md": page("U", extra: "reviewed:\n  date: 2026-11-23\n  against: källorna nedan\n"),
            "datum.md": page("D", extra: "reviewed: 2026-11-23\n"),
            "tomt.md": page("T", extra: "reviewed: { date: 2026-11-23, by: \" \", against: källorna nedan }\n"),
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.map(\.description) == [
            "content/datum.md:3:11: error: 'reviewed' must say when, by whom and against what the facts were checked: reviewed: { date: 2026-11-23, by: \"Redaktionen\", against: \"källorna nedan\" } [review-form]",
            "content/tomt.md:3:35: error: 'by' must not be empty [front-matter-empty]",
            "content/utan-by.md:3:1: error: 'reviewed' needs 'by': the role that checked them, such as \"Redaktionen\" [review-by]",
        ])
    }
}
