import Foundation
import Testing
@testable import LathundKit

@Suite struct AbbreviationTests {
    static let glossary: [GlossaryTerm] = [
        GlossaryTerm(term: "SGI", expansion: "sjukpenninggrundande inkomst", definition: "d", id: "sgi"),
        GlossaryTerm(term: "FK", expansion: "Försäkringskassan", definition: "d", id: "fk"),
        GlossaryTerm(term: "FK 7804", expansion: "Läkarintyg för sjukpenning", definition: "d", id: "fk-7804"),
        GlossaryTerm(term: "ADA+", expansion: "Arbetsplatsdialog för arbetsåtergång", definition: "d", id: "ada"),
        GlossaryTerm(term: "DFA", expansion: "diagnos – funktionsnedsättning – \"aktivitet\" & <mer>", definition: "d", id: "dfa"),
        GlossaryTerm(term: "Karensavdrag", expansion: nil, definition: "d", id: "karensavdrag"),
    ]
    let marker = AbbreviationMarker(glossary: Self.glossary)

    func sgi(_ text: String = "SGI") -> String { "<abbr title=\"sjukpenninggrundande inkomst\">\(text)</abbr>" }

    @Test func onlyTheFirstUseInAPageIsMarked() {
        #expect(marker.mark("<p>Om SGI och SGI.</p>\n<p>SGI igen.</p>") == "<p>Om \(sgi()) och SGI.</p>\n<p>SGI igen.</p>")
    }

    @Test func wholeWordsOnlyAndCaseSensitive() {
        #expect(marker.mark("<p>SGIX ESGI sgi Sgi</p>") == "<p>SGIX ESGI sgi Sgi</p>")
        #expect(marker.mark("<p>ÅSGI SGIÖ SGI2</p>") == "<p>ÅSGI SGIÖ SGI2</p>", "Swedish letters and digits are word characters")
        #expect(marker.mark("<p>SGI:n</p>") == "<p>\(sgi()):n</p>")
        #expect(marker.mark("<p>(SGI-skydd)</p>") == "<p>(\(sgi())-skydd)</p>")
        #expect(marker.mark("<p>–SGI–</p>") == "<p>–\(sgi())–</p>", "a dash is not a letter")
        #expect(marker.mark("<p>&amp;SGI</p>") == "<p>&amp;\(sgi())</p>")
    }

    @Test func theLongestTermWinsAndAUsedLongTermIsSkippedWhole() {
        let fk7804 = "<abbr title=\"Läkarintyg för sjukpenning\">FK 7804</abbr>"
        let fk = "<abbr title=\"Försäkringskassan\">FK</abbr>"
        #expect(marker.mark("<p>FK 7804 till FK. FK 7804 igen.</p>") == "<p>\(fk7804) till \(fk). FK 7804 igen.</p>")
        #expect(marker.mark("<p>FK 7804 och FK 7804, sedan FK</p>") == "<p>\(fk7804) och FK 7804, sedan \(fk)</p>")
    }

    @Test func termsWithoutAnExpansionAreNotMarked() {
        #expect(marker.mark("<p>Karensavdrag</p>") == "<p>Karensavdrag</p>")
    }

    @Test func termsEndingInPunctuationAndExpansionsAreEscaped() {
        #expect(marker.mark("<p>ADA+ och DFA</p>")
            == "<p><abbr title=\"Arbetsplatsdialog för arbetsåtergång\">ADA+</abbr> och <abbr title=\"diagnos – funktionsnedsättning – &quot;aktivitet&quot; &amp; &lt;mer&gt;\">DFA</abbr></p>")
    }

    @Test(arguments: [
        "<p><a href=\"/sgi/\">SGI</a> och SGI</p>",
        "<h2 id=\"sgi\">SGI</h2>\n<p>SGI</p>",
        "<p><code>SGI</code> SGI</p>",
        "<pre><code>SGI\n</code></pre>\n<p>SGI</p>",
        "<p><abbr title=\"egen\">SGI</abbr> SGI</p>",
        "<svg><text>SGI</text></svg><p>SGI</p>",
        "<p><a href=\"x\"><strong>SGI</strong></a> SGI</p>",
    ])
    func textInLinksHeadingsCodeAbbrAndSVGIsLeftAlone(html: String) {
        // The first SGI outside those elements is the one marked; the last SGI in each input is that one.
        let marked = marker.mark(html)
        let last = html.range(of: "SGI", options: .backwards)!
        #expect(marked == html.replacingCharacters(in: last, with: sgi()))
    }

    @Test func attributesAndCommentsAreNeverTouched() {
        let html = "<p title=\"SGI > FK\" data-x='SGI'><!-- SGI --><img alt=\"SGI\"> text</p>"
        #expect(marker.mark(html) == html)
    }

    @Test func rawTextElementsAreSkippedToTheirEnd() {
        let html = "<script type=\"application/ld+json\">{\"a\": \"<b>SGI</b>\"}</script><p>SGI</p>"
        #expect(marker.mark(html) == "<script type=\"application/ld+json\">{\"a\": \"<b>SGI</b>\"}</script><p>\(sgi())</p>")
    }

    @Test func markingIsInsideEmphasisAndTables() {
        #expect(marker.mark("<td><em>SGI</em></td>") == "<td><em>\(sgi())</em></td>")
    }

    @Test func aPageWithoutTermsIsReturnedAsItIs() {
        let html = "<p>Inget här.</p>"
        #expect(marker.mark(html) == html)
        #expect(AbbreviationMarker.none.mark("<p>SGI</p>") == "<p>SGI</p>")
    }

    @Test func builtPagesMarkFirstUseFromTheGlossary() throws {
        let site = try TestSite(files: [
            "a.md": page("A", "## Om SGI\n\nDin SGI skyddas. Läs mer om [SGI](b.md) och SGI.\n"),
            "b.md": page("B", "SGI igen, på en annan sida.\n"),
            "ordlista.yml": "- term: SGI\n  expansion: sjukpenninggrundande inkomst\n  definition: D\n",
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let a = try #require(site.read("site/a/index.html"))
        #expect(a.contains("<h2 id=\"om-sgi\">\nOm SGI\n</h2>"))
        #expect(a.contains("<p>Din \(sgi()) skyddas. Läs mer om <a href=\"/b/\">SGI</a> och SGI.</p>"))
        #expect(try #require(site.read("site/b/index.html")).contains("<p>\(sgi()) igen"))
    }
}
