import Foundation
import Testing
@testable import LathundKit

/// `AnalysisBuilder`: a document's words counted by stem, with words and stems looked up by their bytes.
@Suite struct AnalysisBuilderTests {
    static func analyse(_ body: String, title: String = "Rubrik") -> SearchIndex.Analysis {
        SearchIndex.analyse(SearchIndex.Document(url: "/a/", title: title, section: "a", description: "",
                                                 headings: [], question: nil, body: body))
    }

    /// Stems that are canonically equivalent are one stem, as `String`s are equal: the same Greek letter written
    /// precomposed two ways (U+1F71 and U+03AC) and an Å as the Ångström sign. Keyed by raw bytes they were two,
    /// and the index would have had the document twice under one term.
    @Test func canonicallyEquivalentStemsAreOne() {
        let analysis = Self.analyse("\u{3B1}\u{1F71}\u{3B2} \u{3B1}\u{3AC}\u{3B2} \u{212B}ngström ångström")
        #expect(analysis.stems.count == 3, "\(analysis.stems)")  // rubrik, the Greek word, ångström
        #expect(analysis.frequencies == [SearchIndex.titleWeight, 2, 2])
        #expect(analysis.length == 5)
    }

    /// Each word's stem, its frequency by field weight, its best bonus and its first ending, in first-seen order.
    @Test func countsWordsByStem() {
        let analysis = SearchIndex.analyse(SearchIndex.Document(
            url: "/regelverk/sjukpenning/", title: "Sjukpenning", section: "regelverk", description: "Om sjukpenningen.",
            headings: ["Sjukpenningens nivå"], question: "Vem får sjukpenning?", body: "Sjukpenning och SJUKPENNINGEN."))
        #expect(analysis.stems.first == "sjukpenning")
        #expect(analysis.frequencies.first == SearchIndex.titleWeight + SearchIndex.headingWeight
                + SearchIndex.questionWeight + 3 * SearchIndex.bodyWeight)
        #expect(analysis.inQuestion.first == true)
        #expect(analysis.length == 11)
        #expect(SearchIndex.Ending.unpack(analysis.endings[0]) == "")
        let niva = analysis.stems.firstIndex(of: "nivå")
        #expect(niva.map { analysis.bonus[$0] } == SearchIndex.headingBonus)
    }
}
