import Foundation
import PropertyBased
import Testing
@testable import LathundKit

@Suite struct PersonnummerGuardTests {
    func found(_ text: String, allowed: Set<String> = []) -> [PersonnummerGuard.Match] {
        PersonnummerGuard(allowed: allowed).matches(in: Array(text.utf8))
    }

    @Test func everyWrittenFormIsFound() {
        // 640823-3234 is the worked example of domain-facts.md §7.3 (Luhn digit 4).
        for written in ["640823-3234", "6408233234", "640823+3234", "640823 3234", "640823\u{00A0}3234",
                        "19640823-3234", "196408233234", "19640823 3234"] {
            let matches = found("Patienten \(written) ringde.")
            #expect(matches.count == 1, "\(written)")
            #expect(matches.first?.kind == .personnummer, "\(written)")
            #expect(matches.first?.column == 11, "\(written)")
        }
        #expect(found("640823-3234").first?.masked == "640823-****")
        #expect(found("196408233234").first?.masked == "19640823****")
    }

    /// The cases the writing aid's check in the browser is tested against too (Tests/js/granska.test.mjs), so the
    /// two implementations find the same numbers.
    @Test func sharedCasesWithTheWritingAid() throws {
        struct Cases: Decodable {
            struct Case: Decodable { let text: String; let allowed: [String]?; let found: [[String]] }
            let cases: [Case]
        }
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("Tests/data/personnummer-cases.json"))
        let cases = try JSONDecoder().decode(Cases.self, from: data).cases
        #expect(cases.count >= 20)
        for item in cases {
            let matches = found(item.text, allowed: Set(item.allowed ?? []))
            #expect(matches.map { [$0.masked, $0.kind.rawValue] } == item.found, "\(item.text)")
        }
    }

    @Test func samordningsnummerHasDayPlusSixty() {
        // 1970-10-03 → day 63; check digit 1.
        #expect(found("701063-2391").map(\.kind) == [.samordningsnummer])
        #expect(found("19701063-2391").map(\.kind) == [.samordningsnummer])
    }

    @Test func numbersThatFailTheChecksAreNotFound() {
        let text = """
        Ring 0771-524 524 eller 070-123 45 67, 08-123 456 78, +46 70 123 45 67, +46701234567.
        Beslutet kom 2026-11-23 (20261123), belopp 34 195 499 kr och 1 234 567 890 kr, 11,1 dagar.
        Fel kontrollsiffra: 640823-3235. Ogiltigt datum: 641323-3234, 640832-3230, 010229-1234 (2001 är inget skottår).
        För många siffror: 1640823-3234, 640823-32340, 12345678901234. Diarienummer 2026-123456.
        """
        #expect(found(text).isEmpty, "\(found(text))")
    }

    @Test func leapDayIsAValidDate() {
        #expect(found("000229-1235").count == 1)
    }

    @Test func linesAndColumnsCountCharacters() {
        let matches = found("---\ntitle: Åsa\n---\nÅäö 640823-3234\n")
        #expect(matches.count == 1)
        #expect(matches.first?.line == 4)
        #expect(matches.first?.column == 5)
    }

    @Test func allowListTakesAnyWrittenForm() throws {
        let config = try SiteConfig.parse("personnummer_allow: ['19121212-1212', '701063 2391']\n", displayPath: "lathund.yml").value
        #expect(config.personnummerAllow == ["1212121212", "7010632391"])
        #expect(found("121212-1212 och 191212121212 och 7010632391", allowed: config.personnummerAllow).isEmpty)
        #expect(found("640823-3234", allowed: config.personnummerAllow).count == 1)
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("personnummer_allow: [hej]\n", displayPath: "lathund.yml") }
    }

    /// Pages (body and front matter), the glossary and datasets, each at file:line:column; the build fails.
    @Test func theBuildRefusesNumbersInEveryKindOfFile() throws {
        let site = try TestSite(files: [
            "regelverk/sida.md": "---\ntitle: Sida\ndescription: \"Gäller 19640823-3234\"\n---\nText.\n\nPatient 701063-2391.\n",
            "ordlista.yml": "- term: X\n  definition: Till exempel 640823 3234.\n",
            "data/tabell.csv": "namn,nummer\nA,6408233234\n",
            "data/tabell.yml": "title: Tabell\n",
            "data/bild.png": "640823-3234",
        ])
        defer { site.cleanUp() }
        try site.build()
        let before = site.snapshot()
        let result = try site.build()
        #expect(!result.succeeded)
        let tail = " looks like a real personnummer; remove it (Skatteverket's test numbers can be listed under personnummer_allow in lathund.yml) [personnummer]"
        #expect(result.messages("personnummer").map(\.description) == [
            "content/data/tabell.csv:2:3: error: '640823****'" + tail,
            "content/ordlista.yml:2:28: error: '640823 ****'" + tail,
            "content/regelverk/sida.md:3:22: error: '19640823-****'" + tail,
            "content/regelverk/sida.md:7:9: error: '701063-****'" + tail.replacingOccurrences(of: "personnummer;", with: "samordningsnummer;"),
        ])
        #expect(site.snapshot() == before, "site/ unchanged")
        // Binary files are not scanned.
        #expect(!result.diagnostics.contains { $0.location.file.hasSuffix(".png") })
    }
}

@Suite struct ReviewScheduleTests {
    static let config = TestSite.config + "review:\n  default: 12\n  regelverk: 6\n  faq: 12\n"

    @Test func monthsAreAddedCalendarWise() {
        #expect(Day("2026-01-31")!.adding(months: 1).description == "2026-02-28")
        #expect(Day("2024-02-29")!.adding(months: 12).description == "2025-02-28")
        #expect(Day("2026-11-23")!.adding(months: 14).description == "2028-01-23")
    }

    @Test func overduePagesWarnAndAreErrorsUnderStrict() throws {
        let site = try TestSite(files: [
            "regelverk/gammal.md": page("Gammal", "Text.", extra: "reviewed: { date: 2026-01-15, by: Redaktionen, against: källorna nedan }\n"),
            "regelverk/ny.md": page("Ny", "Text.", extra: "reviewed: { date: 2026-06-01, by: Redaktionen, against: källorna nedan }\n"),
            "regelverk/ogranskad.md": page("Ogranskad", "Text."),
            "annat/sida.md": page("Annat", "Text.", extra: "reviewed: { date: 2025-11-22, by: Redaktionen, against: källorna nedan }\n"),
            "annat/utan.md": page("Utan datum", "Text."),
        ], config: Self.config)
        defer { site.cleanUp() }
        let today = Day("2026-11-23")!
        let result = try site.build { $0.today = today }
        #expect(result.succeeded)
        #expect(result.diagnostics.map(\.description) == [
            "content/annat/sida.md:3:1: warning: review overdue: last reviewed 2025-11-22, due 2026-11-22 (every 12 months in annat/); check the facts and update 'reviewed' [review-overdue]",
            "content/regelverk/gammal.md:3:1: warning: review overdue: last reviewed 2026-01-15, due 2026-07-15 (every 6 months in regelverk/); check the facts and update 'reviewed' [review-overdue]",
            "content/regelverk/ogranskad.md:1:1: warning: page has no 'reviewed' date; pages in regelverk/ are reviewed every 6 months [review-missing]",
        ])
        #expect(Set(result.overdueReviews.map(\.file)) == ["content/annat/sida.md", "content/regelverk/gammal.md", "content/regelverk/ogranskad.md"])
        #expect(result.overdueReviews.first { $0.file == "content/regelverk/gammal.md" }?.due == "2026-07-15")
        // The day the review falls due is not yet overdue.
        let dueDay = try site.build { $0.today = Day("2026-11-22")! }
        #expect(!dueDay.diagnostics.contains { $0.location.file == "content/annat/sida.md" })
        let strict = try site.build { $0.today = today; $0.strict = true }
        #expect(!strict.succeeded)
        #expect(strict.messages("review-overdue").allSatisfy { $0.severity == .error })
        // The page still shows when it was reviewed.
        #expect(site.read("site/regelverk/gammal/index.html")?.contains("Kontrollerad mot källorna nedan 2026-01-15 av Redaktionen") == true)
    }

    @Test func withoutReviewConfigNothingIsChecked() throws {
        let site = try TestSite(files: ["a.md": page("A", "Text.", extra: "reviewed: { date: 2001-01-01, by: Redaktionen, against: källorna nedan }\n")])
        defer { site.cleanUp() }
        #expect(try site.build { $0.today = Day("2026-11-23")! }.diagnostics.isEmpty)
    }

    @Test func badIntervalsAreConfigurationErrors() {
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("review: { regelverk: tolv }\n", displayPath: "lathund.yml") }
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("review: 12\n", displayPath: "lathund.yml") }
        #expect(throws: ConfigurationError.self) { try SiteConfig.parse("lix_max: { default: 0 }\n", displayPath: "lathund.yml") }
    }
}

@Suite struct ReadabilityTests {
    /// Texts counted by hand, which the writing aid's LIX in the browser is tested against too.
    @Test func sharedCasesWithTheWritingAid() throws {
        struct Cases: Decodable {
            struct Case: Decodable { let text: String; let words: Int; let sentences: Int; let longWords: Int }
            let cases: [Case]
        }
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("Tests/data/lix-cases.json"))
        for item in try JSONDecoder().decode(Cases.self, from: data).cases {
            #expect(Readability(text: item.text) == Readability(words: item.words, sentences: item.sentences,
                                                                longWords: item.longWords), "\(item.text)")
        }
    }

    /// A fixed sample, counted by hand: 3 sentences; 18 words (`t.ex.` is one word and ends no sentence);
    /// long words (more than 6 letters): sjukpenning, Försäkringskassan, läkarintyget, sjukskrivningen,
    /// bedömer, arbetsförmågan = 6.
    @Test func fixedSample() {
        let text = "Du kan få sjukpenning. Försäkringskassan läser läkarintyget, t.ex. om sjukskrivningen, och bedömer arbetsförmågan! Vad händer sedan med dig?"
        let value = Readability(text: text)
        #expect(value.words == 18)
        #expect(value.sentences == 3)
        #expect(value.longWords == 6)
        // 18 / 3 + 6 × 100 / 18 = 6 + 33,33 = 39,33
        #expect(abs(value.lix! - 39.333) < 0.001)
        #expect(value.roundedLIX == 39)
        #expect(Readability.band(39) == "lättläst")
    }

    @Test func tokenizerRules() {
        // Hyphenated compound is one word of 8 letters; digits are words but not letters; a block end ends a sentence.
        let value = Readability(text: "SGI-skydd gäller\nÅr 2019 var det 11,1 dagar")
        #expect(value.words == 8)  // SGI-skydd, gäller, År, 2019, var, det, 11,1, dagar
        #expect(value.sentences == 2)
        #expect(value.longWords == 1)
        #expect(Readability(text: "").lix == nil)
        #expect(Readability(text: "Ord utan punkt").sentences == 1)
    }

    /// A period after an abbreviation ends no sentence however the word is written: upper case, a Kelvin sign
    /// that lower-cases to `k` (`\u{212A}ap.` is `kap.`), a period inside its first 12 letters. A word with a
    /// Latin-1 letter that is not ASCII is no abbreviation, and neither is a long word without a period.
    @Test func abbreviationKeys() {
        for text in ["Se KAP. 3 nu", "Se \u{212A}ap. 3 nu", "Se \u{212A}AP. 3 nu", "Ab.cdefghijkl. x", "ÅbcDEF.g. x"] {
            #expect(Readability(text: text).sentences == 1, "\(text)")
        }
        for text in ["Se kåp. 3 nu", "Se RÉSP. nu", "Se abcdefghijklmnop. nu", "Se abcdefghijklmnå.p. nu", "Se \u{212A}åp. nu"] {
            #expect(Readability(text: text).sentences == 2, "\(text)")
        }
    }

    /// The tokenizer's bit tables for U+0000–U+00FF agree with Unicode's properties on every one.
    @Test func latinTablesAreUnicodes() {
        for value in UInt32(0)..<0x100 {
            let scalar = Unicode.Scalar(value)!
            #expect(Readability.isLatinAlphabetic(value) == scalar.properties.isAlphabetic, "U+\(String(value, radix: 16))")
            #expect(Readability.isWhitespace(value) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    /// The byte-level tokenizer equals the plain scalar-by-scalar statement of the rules (below) on random text
    /// made of the characters the rules care about, including non-Latin letters, combining marks, emoji and
    /// non-breaking and other Unicode spaces.
    @Test func byteTokenizerEqualsScalarReference() async {
        let pieces = ["a", "Ö", "å", "é", "ß", "ж", "中", "\u{300}", "😀", "1", "9", "0", " ", "\u{A0}", "\u{2009}", "\n", "\t",
                      ".", "!", "?", ":", ",", "-", "'", "’", "\u{2011}", "t.ex", "bl.a", "SGI", "Försäkringskassan",
                      "sjukpenning", "11,1", "2019", "ca", "Kap", "nr", "(", ")", "\"", "ª", "µ", "\u{85}", "\u{2028}",
                      "T.EX", "Fr.o.m", "DVS", "abcdefghijklm.n", "Abcdefghijklmnop", "ÅÄÖ.x", "m.m",
                      // Abbreviation keys: Latin-1 letters, a period past the 12th letter, a Kelvin sign that
                      // lower-cases to ASCII (`\u{212A}ap.` is `kap.`), a long key without a period.
                      "\u{212A}ap", " \u{212A}ap.", "\u{212A}", "Kåp", "ÉTC", "åäöåäöåäöåäöå.x", "abcdefghijklå.x", "RESP", "Resp", "º"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...60)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            #expect(Readability(text: text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    /// The runs between ASCII white space (space, line feed, tab, carriage return), counted byte by byte: the
    /// separate pass `Readability.measure`'s word count replaced.
    static func spaceSeparatedReference(_ text: String) -> Int {
        var count = 0, inWord = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }

    /// The word count `measure` gives with the readability (pages show it) equals a plain count of the runs
    /// between ASCII white space, byte by byte (the separate pass it replaced), on random text with every kind of
    /// white space, Unicode spaces that do not separate, and multi-byte letters.
    @Test func spaceSeparatedWordsEqualTheByteCount() async {
        let pieces = ["a", "Ö", "å", "ж", "中", "😀", "1", ".", "-", " ", "  ", "\n", "\t", "\r", "\r\n", "\u{A0}",
                      "\u{2009}", "\u{85}", "\u{B}", "\u{C}", "t.ex", "Försäkringskassan", "11,1"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...60)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            let measured = Readability.measure(text)
            #expect(measured.spaceSeparatedWords == Self.spaceSeparatedReference(text), "\(text.debugDescription)")
            #expect(measured.readability == Self.reference(text), "\(text.debugDescription)")
        }
    }

    /// The word runs (ASCII letters and digits, and Latin-1 letters written `C3 xx`, read without decoding) and the
    /// space after them equal the scalar-by-scalar rules, on random text mixing ASCII, every `C3 xx` scalar
    /// (× `C3 97` and ÷ `C3 B7` are not letters), other two-, three- and four-byte scalars, white space and
    /// punctuation; and the runs between ASCII white space equal a count by bytes.
    @Test func wordRunsWithLatin1LettersEqualScalarReference() async {
        let latin1 = (UInt32(0xC0)...0xFF).map { String(Unicode.Scalar($0)!) }
        let pieces = latin1 + ["a", "Z", "q", "0", "7", "ab", "X1", "sjukpenning", "\u{AA}", "\u{B5}", "\u{BA}", "\u{A0}",
                               "«", "·", "ł", "Ž", "ж", "中", "\u{300}", "😀", " ", " ", " ", "  ", "\n", "\t", "\r", ".",
                               ",", "-", "'", "’", "!", "?", ":", ";", "(", ")", "t.ex", "11,1", "Å.", "×", "÷",
                               "sjukpenninggrundande", "ARBETSFÖRMÅGA", "Z9z0a1B2c3D4e5F6g7", "x@[`{/:"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...80)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            let measured = Readability.measure(text)
            #expect(measured.readability == Self.reference(text), "\(text.debugDescription)")
            #expect(measured.spaceSeparatedWords == Self.spaceSeparatedReference(text), "\(text.debugDescription)")
            #expect(Readability.measure(bytes: Array(text.utf8)) == measured, "\(text.debugDescription)")
        }
    }

    /// The eight-byte test of ASCII letters and digits equals a byte-by-byte one, on random chunks of every byte
    /// value and on chunks near the edges of the ranges (`/0 9:`, `@A Z[`, `` `a z{ ``, with the top bit set too).
    @Test func asciiWordBytesEqualsByteByByte() async {
        let edges: [UInt8] = [0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xB0,
                              0xC1, 0xC3, 0xDA, 0xE1, 0xFA, 0xFF, 0x00, 0x20]
        let byteGen = Gen.element(of: edges + edges + Array(0...255))
        await propertyCheck(count: 5000, input: byteGen.array(of: 8...8)) { picked in
            let bytes = picked.map { $0 ?? 0 }
            let chunk = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let count = bytes.firstIndex { !Self.isASCIIWordByte($0) } ?? 8
            let letters = bytes.prefix(count).filter { $0 > 0x39 }.count
            #expect(Readability.asciiWordBytes(chunk) == (count, letters), "\(bytes)")
        }
    }

    static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The rules of `Readability`'s tokenizer written the simple way, scalar by scalar (its first version).
    static func reference(_ text: String) -> Readability {
        var words = 0, sentences = 0, longWords = 0, letters = 0
        var inWord = false, wordText = "", wordLength = 0, blockHasWords = false
        let scalars = Array(text.unicodeScalars)
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) }
        func endWord() {
            guard inWord else { return }
            words += 1
            if letters > 6 { longWords += 1 }
            inWord = false
            letters = 0
            blockHasWords = true
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            defer { index += 1 }
            if isWordScalar(scalar) {
                if !inWord { inWord = true; wordText = ""; wordLength = 0 }
                if scalar.properties.isAlphabetic { letters += 1 }
                if wordLength < 12 { wordText.unicodeScalars.append(scalar); wordLength += 1 }
                continue
            }
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            let nextIsWord = next.map(isWordScalar) ?? false
            if inWord, nextIsWord, scalar == "-" || scalar == "'" || scalar == "’" || scalar == "\u{2011}" { continue }
            let previousIsDigit = index > 0 && ("0"..."9").contains(scalars[index - 1])
            if inWord, previousIsDigit, scalar == ",", let next, ("0"..."9").contains(next) { continue }
            if inWord, nextIsWord, scalar == "." {
                if wordLength < 12 { wordText.unicodeScalars.append(scalar); wordLength += 1 }
                continue
            }
            let previousWord = inWord && scalar == "." ? wordText.lowercased() : ""
            endWord()
            switch scalar {
            case ".", "!", "?", ":":
                let atEnd = next == nil || next!.properties.isWhitespace
                let abbreviation = scalar == "." && (Readability.abbreviations.contains(previousWord) || previousWord.contains("."))
                if atEnd, blockHasWords, !abbreviation { sentences += 1; blockHasWords = false }
            case "\n":
                if blockHasWords { sentences += 1; blockHasWords = false }
            default:
                break
            }
        }
        endWord()
        if blockHasWords { sentences += 1 }
        return Readability(words: words, sentences: sentences, longWords: longWords)
    }

    @Test func bands() {
        #expect([12, 29, 30, 39, 40, 49, 50, 60, 61].map(Readability.band) == [
            "mycket lättläst", "mycket lättläst", "lättläst", "lättläst", "medelsvår", "medelsvår", "svår", "svår", "mycket svår",
        ])
    }

    static let longSentences = String(repeating: "Försäkringskassans handläggningsrutiner beträffande sjukpenningärenden förutsätter omfattande dokumentation från sjukskrivande läkare och arbetsgivare ", count: 6) + "."

    @Test func thresholdPerSectionWarnsAndReportHasLIX() throws {
        let site = try TestSite(files: [
            "regelverk/svar.md": page("Svår", Self.longSentences),
            "regelverk/kort.md": page("Kort", "Försäkringskassans handläggningsrutiner beträffande sjukpenningärenden."),
            "annat/svar.md": page("Svår", Self.longSentences),
        ], config: TestSite.config + "lix_max:\n  regelverk: 50\n")
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded)
        let warnings = result.messages("lix")
        #expect(warnings.count == 1, "short pages and sections without a limit are not warned about")
        #expect(warnings.first?.location.file == "content/regelverk/svar.md")
        #expect(warnings.first?.message.hasPrefix("LIX is ") == true)
        #expect(warnings.first?.message.contains("(mycket svår), above 50 for regelverk/") == true)
        let summary = try #require(result.pages.first { $0.url == "/regelverk/svar/" })
        #expect(summary.lixBand == "mycket svår")
        #expect(summary.sentences == 1)
        #expect((summary.lix ?? 0) > 60)
    }
}

@Suite struct ReferenceCheckTests {
    @Test func relatedTargetsAndImagesResolve() throws {
        let site = try TestSite(files: [
            "regelverk/sgi.md": page("SGI", "## Skydd\n"),
            "regelverk/bild.png": "png",
            "faq/fraga.md": page("Fråga", """
            ![Bild](../regelverk/bild.png) ![Saknas](../regelverk/saknas.png)
            ![Rot](/regelverk/bild.png) ![Borta](/bilder/borta.png)
            ![Extern](https://cdn.example/x.png) ![Data](data:image/png;base64,AAAA)
            """, extra: "question: Fråga?\nrelated:\n  - regelverk/sgi.md\n  - regelverk/sgii.md\n"),
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.map(\.description) == [
            "content/faq/fraga.md:6:5: warning: related 'regelverk/sgii.md' names no page in content/; did you mean 'regelverk/sgi.md'? [broken-related]",
            "content/faq/fraga.md:8:32: warning: image '../regelverk/saknas.png' names no page or file in content/ [broken-link]",
            "content/faq/fraga.md:9:29: warning: image '/bilder/borta.png' points to no page or file of this site [broken-link]",
            "content/faq/fraga.md:10:1: warning: image 'https://cdn.example/x.png' would load from another site; put the file in content/ and link to it [external-image]",
        ])
        let html = try #require(site.read("site/faq/fraga/index.html"))
        #expect(html.contains("<img src=\"/regelverk/bild.png\" alt=\"Bild\" />"))
    }
}
