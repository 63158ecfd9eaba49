import Foundation
import PropertyBased
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

    /// A word whose stem the thread's memo already holds counts as it did the first time: random documents, each
    /// analysed with a memo that has seen every document before it and with an empty one, give the same analysis
    /// (stems, frequencies, bonuses, flags, endings), with upper-case, Latin-1, Greek and decomposed words.
    @Test func rememberedStemsCountAsNewOnes() async {
        let pieces = ["Sjukpenning", "sjukpenningen", "SJUKPENNINGENS", "läkarintyg", "Läkarintygen", "å", "\u{212B}ngström",
                      "ångström", "\u{3B1}\u{1F71}\u{3B2}", "\u{3B1}\u{3AC}\u{3B2}", "a\u{301}", "11,1", "FK", "arbetsförmågan",
                      "arbetsförmåga", "och", "ÖVERKLAGANDE", "överklagandet", "ж", "😀"]
        let words = Gen.element(of: pieces).map { $0 ?? "" }
        await propertyCheck(count: 20, input: words.array(of: 0...40).array(of: 1...12)) { documents in
            let memo = StemMemo()
            for (number, text) in documents.enumerated() {
                let document = SearchIndex.Document(url: "/a/\(number)/", title: text.prefix(3).joined(separator: " "),
                                                    section: "a", description: "", headings: [text.suffix(2).joined(separator: " ")],
                                                    question: nil, body: text.joined(separator: " "))
                #expect(SearchIndex.analyse(document, memo: memo) == SearchIndex.analyse(document, memo: StemMemo()))
            }
        }
    }

    /// The memo keeps at most `StemMemo.limit` words; the words past it are stemmed each time, the same way.
    @Test func theMemoStopsAtItsLimit() {
        let memo = StemMemo()
        let body = (0..<(StemMemo.limit + 500)).map { "ord\($0)en" }.joined(separator: " ")
        let document = SearchIndex.Document(url: "/a/", title: "Rubrik", section: "a", description: "", headings: [],
                                            question: nil, body: body)
        let first = SearchIndex.analyse(document, memo: memo)
        #expect(memo.count == StemMemo.limit)
        #expect(SearchIndex.analyse(document, memo: memo) == first)
        #expect(first == SearchIndex.analyse(document, memo: StemMemo()))
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

    /// An analysis is packed into one byte array (every page's is in memory at once until the Indexes stage):
    /// random stems, frequencies, bonuses, flags and endings of every length come back as they were put in, and
    /// the bytes of a record cut in the middle of a stem are refused, never read past their end.
    @Test func packedStemsComeBackAsTheyWentIn() throws {
        var random = SeededRandom(seed: 2_026)
        let letters = Array("abcdefghijklmnopqrstuvwxyzåäöéαβ1").map(String.init)
        for round in 0..<300 {
            let count = Int(random.next() % 40)
            var stems: [String] = [], frequencies: [UInt32] = [], bonus: [UInt8] = [], inQuestion: [Bool] = []
            var endings: [UInt64] = []
            for _ in 0..<count {
                let longest: UInt64 = random.next() % 8 == 0 ? 300 : 12
                let length = Int(random.next() % longest)
                var stem = ""
                for _ in 0..<length { stem += letters[Int(random.next() % UInt64(letters.count))] }
                stems.append(stem)
                let large = random.next() % 4 == 0
                frequencies.append(large ? UInt32(truncatingIfNeeded: random.next()) : UInt32(random.next() % 200))
                bonus.append(UInt8(truncatingIfNeeded: random.next()))
                inQuestion.append(random.next() % 2 == 0)
                let endingCount = Int(random.next() % 9)  // 8: unknown (0)
                var ending = endingCount == 8 ? 0 : UInt64(endingCount + 1) << 56
                for index in 0..<(endingCount % 8) {
                    let letter: UInt64 = 0x61 + random.next() % 26
                    ending |= letter << (8 * UInt64(index))
                }
                endings.append(ending)
            }
            let analysis = SearchIndex.Analysis(stems: stems, frequencies: frequencies, bonus: bonus, inQuestion: inQuestion,
                                                endings: endings, length: round, kind: .term)
            #expect(analysis.stems == stems)
            #expect(analysis.frequencies == frequencies)
            #expect(analysis.bonus == bonus)
            #expect(analysis.inQuestion == inQuestion)
            #expect(analysis.endings == endings)
            #expect(try SearchIndex.Analysis(validating: analysis.packed, length: round, kind: .term) == analysis)
            // Where each stem ends: a cut anywhere else is in the middle of one.
            let ends = Set((0...count).map { stemCount in
                SearchIndex.Analysis(stems: Array(stems.prefix(stemCount)), frequencies: Array(frequencies.prefix(stemCount)),
                                     bonus: Array(bonus.prefix(stemCount)), inQuestion: Array(inQuestion.prefix(stemCount)),
                                     endings: Array(endings.prefix(stemCount)), length: 0, kind: .page).packed.count
            })
            for cut in stride(from: 1, to: analysis.packed.count, by: 3) where !ends.contains(cut) {
                #expect(throws: ByteReader.Failure.self, "cut at \(cut)") {
                    try SearchIndex.Analysis(validating: Array(analysis.packed.prefix(cut)), length: 0, kind: .page)
                }
            }
        }
    }

    /// `SearchIndex.fileName` splits an ASCII address by bytes: it must give what the `Character` splits give,
    /// also where `#` or `/` is followed by a combining mark (one `Character`, no separator).
    @Test func fileNameByBytesEqualsTheCharacterSplit() async {
        let pieces = ["/", "#", "a", "sida", "-", "1", "å", "\u{301}", "x#y", "//", "%C3%A5"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...8)) { parts in
            let url = parts.map { $0 ?? "" }.joined()
            #expect(SearchIndex.fileName(url) == url.split(separator: "#").first?.split(separator: "/").last.map(String.init),
                    "\(url.debugDescription)")
        }
    }
}
