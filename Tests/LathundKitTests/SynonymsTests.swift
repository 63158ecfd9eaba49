import Foundation
import Testing
@testable import LathundKit

/// `content/synonymer.yml`: words staff type → the words the pages use, checked at build time.
@Suite struct SynonymsTests {
    func parse(_ text: String) -> ([SynonymEntry], [String]) {
        let staged = SynonymsLoader.parse(text, displayPath: "content/synonymer.yml")
        return (staged.value, staged.diagnostics.map(\.description))
    }

    @Test func wordsMapToOneOrSeveralTargetsWithTheirPlaces() {
        let (entries, diagnostics) = parse("sjukintyg: läkarintyg\nvab: [tillfällig föräldrapenning, vård av barn]\n")
        #expect(diagnostics.isEmpty)
        #expect(entries.map(\.word.value) == ["sjukintyg", "vab"])
        #expect(entries[1].targets.map(\.value) == ["tillfällig föräldrapenning", "vård av barn"])
        #expect(entries[0].targets[0].location == SourceLocation(file: "content/synonymer.yml", line: 1, column: 12))
        #expect(entries[1].targets[1].location == SourceLocation(file: "content/synonymer.yml", line: 2, column: 35))
    }

    @Test func badEntriesAreDiagnosedWhereTheyAre() {
        let (entries, diagnostics) = parse("""
        sjukintyg: läkarintyg
        tomt: []
        lika: Lika
        lista: [ord, {a: b}]
        "!?": läkarintyg
        ord: "  "

        """)
        #expect(entries.map(\.word.value) == ["sjukintyg", "lista"])
        #expect(diagnostics.contains("content/synonymer.yml:2:1: error: 'tomt' has no synonym [synonym-word]"))
        #expect(diagnostics.contains("content/synonymer.yml:3:7: warning: 'Lika' is the same word as 'lika' [synonym-self]"))
        #expect(diagnostics.contains { $0.hasPrefix("content/synonymer.yml:4:14: error:") }, "\(diagnostics)")
        #expect(diagnostics.contains("content/synonymer.yml:5:1: error: '!?' has no letters or digits to search for [synonym-word]"))
        #expect(diagnostics.contains("content/synonymer.yml:6:6: error: the synonym of 'ord' has no letters or digits [synonym-word]"))
        #expect(diagnostics.count == 5, "\(diagnostics)")
    }

    @Test func aWordTwiceIsAnError() {
        let (entries, diagnostics) = parse("sjukintyg: läkarintyg\nsjukintyg: intyg\n")
        #expect(entries.isEmpty)
        #expect(diagnostics.count == 1 && diagnostics[0].hasPrefix("content/synonymer.yml:") && diagnostics[0].contains("'sjukintyg' appears twice"),
                "\(diagnostics)")
    }

    @Test func aFileThatIsNotAMappingIsAnError() {
        #expect(parse("- sjukintyg\n- läkarintyg\n").1 == [
            "content/synonymer.yml:1:1: error: the synonyms file must map words to the site's words, such as 'sjukintyg: läkarintyg' [synonyms-form]",
        ])
        #expect(parse("a: [b\n").1.first?.hasPrefix("content/synonymer.yml:") == true)
        #expect(parse("").1.isEmpty)
    }

    /// The build checks every target word against the words of the pages: one no page has is a warning at its
    /// line and column, with the closest word the pages use.
    @Test func aTargetWordNoPageHasIsAWarningWithADidYouMean() throws {
        let site = try TestSite(files: [
            "intyg.md": page("Läkarintyg", "Ett läkarintyg behövs från dag 8. Det är ett intyg."),
            "synonymer.yml": "sjukintyg: läkarintyg\ndoktorsintyg: [intyg, läkarinytg]\nvab: tillfällig föräldrapenning\n",
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.messages("synonym-unknown").map(\.description) == [
            "content/synonymer.yml:2:23: warning: 'läkarinytg' (for 'doktorsintyg') is on no page, so the synonym finds nothing; did you mean 'läkarintyg'? [synonym-unknown]",
            "content/synonymer.yml:3:6: warning: 'föräldrapenning' (for 'vab') is on no page, so the synonym finds nothing [synonym-unknown]",
            "content/synonymer.yml:3:6: warning: 'tillfällig' (for 'vab') is on no page, so the synonym finds nothing [synonym-unknown]",
        ])
        #expect(result.succeeded, "warnings: the site is built")
        #expect(!site.exists("site/synonymer.yml"), "the synonyms file is not copied into the site")
        let meta = try #require(site.read("site/search/index.json"))
        #expect(meta.contains(#"{"from":["sjukintyg"],"to":[["läkarintyg"]]}"#))
        let strict = try site.build { $0.strict = true }
        #expect(!strict.succeeded, "under --strict the warnings fail the build")
    }

    /// A build that redid few pages makes its search index on another thread, and the Render plan stage takes it
    /// last (`IndexesStage.searchAside`): such a build reports the check as a clean build does.
    @Test func aBuildThatRedidOnePageReportsTheCheckAsACleanBuildDoes() throws {
        let site = try TestSite(files: [
            "intyg.md": page("Läkarintyg", "Ett läkarintyg behövs från dag 8."),
            "annan.md": page("Annan", "En annan sida."),
            "synonymer.yml": "sjukintyg: läkarintyg\nvab: tillfällig föräldrapenning\n",
        ])
        defer { site.cleanUp() }
        #expect(try site.build().messages("synonym-unknown").count == 2)
        try IncrementalBuildTests.edit(site, "content/annan.md") { $0 + "\nEn mening om föräldrapenning.\n" }
        let edited = try site.build()
        #expect(edited.redone?.analysed == 1, "one page redone: the search index is made aside")
        let clean = try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(edited.messages("synonym-unknown").map(\.description) == [
            "content/synonymer.yml:2:6: warning: 'tillfällig' (for 'vab') is on no page, so the synonym finds nothing [synonym-unknown]",
        ])
        #expect(edited.diagnostics == clean.diagnostics)
        #expect(TestSite.differences(site.snapshot("site"), site.snapshot("clean-site")).isEmpty)
    }

    @Test func theFileCanBeRenamedOrSwitchedOff() throws {
        let site = try TestSite(files: [
            "intyg.md": page("Läkarintyg", "Ett läkarintyg."),
            "ord.yml": "sjukintyg: läkarintyg\n",
            "synonymer.yml": "sjukintyg: okänt\n",
        ], config: TestSite.config + "synonyms: ord.yml\n")
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.messages("synonym-unknown").isEmpty)
        #expect(site.read("site/search/index.json")?.contains(#""from":["sjukintyg"]"#) == true)
    }
}
