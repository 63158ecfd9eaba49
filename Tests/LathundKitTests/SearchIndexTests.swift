import Foundation
import PropertyBased
import Testing
@testable import LathundKit

@Suite struct SearchIndexTests {
    func document(_ url: String, title: String, body: String, question: String? = nil, headings: [String] = []) -> SearchIndex.Document {
        SearchIndex.Document(url: url, title: title, section: "", description: "", headings: headings, question: question, body: body)
    }

    func files(_ documents: [SearchIndex.Document], synonyms: [GlossaryTerm] = []) -> [String: Any] {
        var result: [String: Any] = [:]
        for (path, text) in BuiltSearchIndex(documents: documents, synonyms: synonyms, jobs: 2).files {
            result[path] = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        }
        return result
    }

    /// postings of `stem` as doc → (score, flags)
    func postings(_ stem: String, in files: [String: Any]) -> [Int: (Int, Int)] {
        for (path, value) in files where path.hasPrefix("search/terms/") {
            guard let terms = value as? [String: [Int]], let list = terms[stem] else { continue }
            var result: [Int: (Int, Int)] = [:]
            for index in stride(from: 0, to: list.count, by: 2) { result[list[index]] = (list[index + 1] / 4, list[index + 1] % 4) }
            return result
        }
        return [:]
    }

    @Test func tokenizerSplitsLikeTheJavaScript() {
        #expect(Tokenizer.words("SGI-skyddet, 11,1 % – Läkarintyg FK 7804!") == ["sgi", "skyddet", "11", "1", "läkarintyg", "fk", "7804"])
        #expect(Tokenizer.words("ÅÄÖ éÜ") == ["åäö", "éü"])
    }

    @Test func stemsAndFieldWeights() {
        let index = files([
            document("/a/", title: "Sjukpenningen", body: "Text."),
            document("/b/", title: "Annat", body: "Om sjukpenningen i texten."),
            document("/c/", title: "Annat", body: "Text.", headings: ["Sjukpenning"]),
        ])
        let found = postings("sjukpenning", in: index)
        #expect(Set(found.keys) == [0, 1, 2])
        #expect(found[0]!.0 > found[2]!.0, "title above heading")
        #expect(found[2]!.0 > found[1]!.0, "heading above body")
    }

    @Test func compoundsAreIndexedUnderTheirPartsAtALowerScore() {
        let index = files([
            document("/brev/", title: "Brev", body: "Ett brev."),
            document("/kb/", title: "Kommunicering", body: "Ett kommuniceringsbrev kom."),
            document("/sgi/", title: "Inkomst", body: "Sjukpenninggrundande inkomst och sjukpenning."),
            document("/sp/", title: "X", body: "Sjukpenningen betalas."),
        ])
        let brev = postings("brev", in: index)
        #expect(brev[1]?.1 == 1, "the compound's document is flagged as a compound match")
        #expect(brev[0]?.1 == 0)
        let kommunicering = postings("kommuniceringsbrev", in: index)
        #expect(brev[1]!.0 < kommunicering[1]!.0)
        #expect(postings("sjukpenning", in: index)[2] != nil)
    }

    @Test func faqQuestionsAreFlagged() {
        let index = files([document("/faq/a/", title: "Fråga", body: "Svar.", question: "Hur begär jag omprövning?")])
        #expect(postings("omprövning", in: index)[0]?.1 == 2)
    }

    @Test func largeShardsAreSplitAndEveryStemIsInExactlyOneShard() throws {
        var documents: [SearchIndex.Document] = []
        for number in 0..<400 {
            let words = (0..<30).map { "sjuk\(String(UnicodeScalar(UInt8(97 + ($0 + number) % 26))))ord\(number % 50)x\($0)" }
            documents.append(document("/d\(number)/", title: "Sida \(number)", body: words.joined(separator: " ")))
        }
        let index = BuiltSearchIndex(documents: documents, synonyms: [], jobs: 2)
        let meta = try #require(index.files.first { $0.path == "search/index.json" })
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(meta.text.utf8)) as? [String: Any])
        let keys = try #require(parsed["keys"] as? [String])
        #expect(keys.contains { $0.count > 2 }, "the 'sj' shard was split")
        var seen = Set<String>()
        for (path, text) in index.files where path.hasPrefix("search/terms/") {
            #expect(text.utf8.count <= SearchIndex.shardLimit * 2, "\(path) is \(text.utf8.count) bytes")
            let terms = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            for term in terms.keys {
                #expect(!seen.contains(term))
                seen.insert(term)
                let longest = keys.filter { term.hasPrefix($0) }.max { $0.count < $1.count }
                #expect(path == "search/terms/\(SearchIndex.hex(longest ?? "")).json", "\(term) is not in its longest key's shard")
            }
        }
        #expect(parsed["documents"] as? Int == 400)
    }

    @Test func synonymsComeFromTheGlossary() throws {
        let terms = GlossaryLoader.parse("- term: SGI\n  expansion: sjukpenninggrundande inkomst\n  definition: D\n- term: Karens\n  definition: D\n", displayPath: "g").0
        let index = BuiltSearchIndex(documents: [document("/a/", title: "A", body: "B")], synonyms: terms, jobs: 1)
        let meta = try #require(index.files.first { $0.path == "search/index.json" })
        #expect(meta.text.contains(#""synonyms":[{"a":["sgi"],"e":["sjukpenninggrund","inkomst"]}]"#))
    }

    @Test func hostileTextStaysInertInTheIndex() throws {
        let index = BuiltSearchIndex(documents: [document("/x/", title: "<script>alert(1)</script>", body: "</script><img src=x onerror=alert(1)> \u{2028}")],
                                synonyms: [], jobs: 1)
        let doc = try #require(index.files.first { $0.path == "search/doc/0.json" })
        #expect(!doc.text.contains("<"))
        #expect(!doc.text.contains(">"))
        #expect(!doc.text.contains("\u{2028}"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(doc.text.utf8)) as? [String: Any])
        #expect(parsed["title"] as? String == "<script>alert(1)</script>")
    }
}

@Suite struct JSONTextTests {
    @Test(arguments: ["plain svensk text åäö", "citat \"så\"", "a\\b", "rad\nny", "<b>&</b>", "\u{2028}x\u{2029}", "tab\t", "\u{01}", "€ 2 669"])
    func stringsRoundTripThroughAJSONParser(text: String) throws {
        let encoded = JSONText.string(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(encoded)]".utf8)) as? [String]
        #expect(decoded == [text])
        #expect(!encoded.contains("<") && !encoded.contains(">") && !encoded.contains("&") && !encoded.contains("\u{2028}"))
    }

    /// Integers are written as `String(value)` writes them: every digit count, both signs and the extremes.
    @Test func integersAreWrittenAsSwiftWritesThem() async {
        var edges = [0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        while power <= Int.max / 10 { power *= 10; edges += [power - 1, power, power + 1, -power] }
        for value in edges {
            var bytes: [UInt8] = []
            JSONText.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        await propertyCheck(count: 2000, input: Gen.int(in: Int.min...Int.max)) { value in
            var bytes: [UInt8] = [UInt8(ascii: "x")]
            JSONText.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "x" + String(value))
        }
    }
}

/// Every file of a search index over `documents`, sorted by path, made as the build makes them.
struct BuiltSearchIndex {
    let files: [(path: String, text: String)]

    init(documents: [SearchIndex.Document], synonyms: [GlossaryTerm], jobs: Int) {
        let index = SearchIndex(analyses: Parallel.map(documents, jobs: jobs, SearchIndex.analyse), synonyms: synonyms, jobs: jobs)
        files = (index.termFiles + documents.enumerated().map { (SearchIndex.documentPath($0.offset), SearchIndex.documentFile($0.element)) })
            .sorted { $0.path < $1.path }
    }
}

@Suite struct WordSlotsTests {
    /// Numbers words as a dictionary would: the same word always gets the number it got first, through the
    /// table's growth (thousands of words) and for words that differ in one byte or only in length.
    @Test func numbersWordsAsADictionaryWould() async {
        let pieces = ["a", "b", "å", "ö", "é", "1", "sjuk", "penning", "s", "ar", "😀", "ж"]
        await propertyCheck(count: 200, input: Gen.element(of: pieces).array(of: 1...4).array(of: 0...3000)) { words in
            var table = WordSlots()
            var reference: [String: Int] = [:]
            for parts in words {
                let word = parts.map { $0 ?? "" }.joined()
                var bytes = Array(word.utf8)
                let slot = bytes.withUnsafeMutableBufferPointer { buffer in
                    table.slot(of: UnsafeBufferPointer(buffer), orMake: { reference.count })
                }
                if let known = reference[word] {
                    #expect(slot == known, "\(word)")
                } else {
                    #expect(slot == reference.count)
                    reference[word] = slot
                }
            }
            #expect(table.count == reference.count)
        }
    }
}
