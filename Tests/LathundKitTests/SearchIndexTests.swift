import Foundation
import PropertyBased
import Testing
@testable import LathundKit

@Suite struct SearchIndexTests {
    func document(_ url: String, title: String, body: String, question: String? = nil, headings: [String] = [],
                  kind: SearchIndex.Kind = .page) -> SearchIndex.Document {
        SearchIndex.Document(url: url, title: title, section: "", description: "", headings: headings, question: question,
                             body: body, kind: kind)
    }

    func files(_ documents: [SearchIndex.Document], synonyms: [Synonym] = []) -> [String: Any] {
        var result: [String: Any] = [:]
        for (path, text) in BuiltSearchIndex(documents: documents, synonyms: synonyms, jobs: 2).files {
            result[path] = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        }
        return result
    }

    /// In `lathund serve` (`ShardMemo`), a shard whose stems and postings are the last build's is taken from
    /// it, not made again; the files are the same as an index made without it.
    @Test func aServeBuildMakesAgainOnlyTheShardsThatChanged() {
        let words = ["sjukpenning", "läkarintyg", "arbetsgivare", "försäkringskassan", "rehabilitering", "karensavdrag",
                     "sjukskrivning", "arbetsförmåga", "beslut", "överklagande", "ersättning", "kommuniceringsbrev"]
        var documents: [SearchIndex.Document] = []
        for number in 0..<60 {
            let body: [String] = (0..<40).map { (slot: Int) -> String in words[(slot * 7 + number) % words.count] + String(slot % 5) }
            documents.append(document("/sida-\(number)/", title: "Sida \(number)", body: body.joined(separator: " ")))
        }
        let memory = SearchMemory()
        let memo = memory.shards
        func analyses() -> [SearchIndex.Analysis] { Parallel.map(documents, jobs: 2, SearchIndex.analyse) }
        let first = SearchIndex(analyses: analyses(), synonyms: [], jobs: 2, memory: memory)
        #expect(memo.lastCounts.taken == 0)
        documents[7].body += " zebrafink beslut"
        let again = SearchIndex(analyses: analyses(), synonyms: [], jobs: 2, memory: memory)
        let clean = SearchIndex(analyses: analyses(), synonyms: [], jobs: 2)
        #expect(again.files.map { $0.path } == clean.files.map { $0.path })
        #expect(again.files.map { $0.text } == clean.files.map { $0.text })
        // Made again: the shards of document 7's stems (its length is in each of its postings) and of
        // "zebrafink"; the others are taken.
        let counts = memo.lastCounts
        #expect(counts.made >= 2 && counts.taken > counts.made, "\(counts)")
        #expect(counts.taken + counts.made >= first.files.count { $0.path.hasPrefix("search/terms/") })
    }

    /// `lathund build` after a few pages changed (`lazyShards`): the term shards are made only when written, split
    /// by their counted length as the JSON would be; they are the files an index made at once has, and a shard's
    /// render key changes exactly when its bytes do.
    @Test func lazyShardsAreTheFilesAnEagerIndexMakes() {
        var random = SeededRandom(seed: 7)
        let words = ["sjukpenning", "sjukskrivning", "sjuklön", "sjukanmälan", "sjukvård", "sjukdom", "sjukhus", "sjuk",
                     "läkarintyg", "läkare", "beslut", "brev", "ärende", "öppen", "\"citat\"", "tab\tbar"]
        func body() -> String {
            (0..<60).map { _ in
                Bool.random(using: &random) ? words.randomElement(using: &random)!
                    : "sj" + String(Int.random(in: 0...3_000, using: &random), radix: 36)
            }.joined(separator: " ")
        }
        var documents = (0..<400).map { document("/sida-\($0)/", title: "Sida \($0)", body: body()) }
        func both() -> (eager: SearchIndex, lazy: SearchIndex) {
            let analyses = Parallel.map(documents, jobs: 2, SearchIndex.analyse)
            return (SearchIndex(analyses: analyses, synonyms: [], jobs: 2),
                    SearchIndex(analyses: analyses, synonyms: [], jobs: 2, lazyShards: true))
        }
        let (eager, lazy) = both()
        #expect(eager.files.contains { $0.path.hasPrefix("search/terms/736a") && $0.path.count > 22 }, "precondition: sj* is split")
        #expect(lazy.files.allSatisfy { !$0.path.hasPrefix("search/terms/") } && !lazy.termFiles.isEmpty)
        let made = (lazy.files + lazy.termFiles.map { ($0.path, $0.make()) }).sorted { $0.0 < $1.0 }
        #expect(made.map(\.0) == eager.files.map(\.path))
        #expect(made.map(\.1) == eager.files.map(\.text))

        documents[17].body += " sjukpenning sjukpenning zebrafink"
        let (eagerAfter, lazyAfter) = both()
        let before = Dictionary(uniqueKeysWithValues: lazy.termFiles.map { ($0.path, $0.key) })
        let textBefore = Dictionary(uniqueKeysWithValues: eager.files.map { ($0.path, $0.text) })
        let textAfter = Dictionary(uniqueKeysWithValues: eagerAfter.files.map { ($0.path, $0.text) })
        var changed = 0
        for file in lazyAfter.termFiles {
            let same = textBefore[file.path] == textAfter[file.path]
            #expect((before[file.path] == file.key) == same, "\(file.path): key and bytes disagree")
            if !same { changed += 1 }
        }
        #expect(changed > 0 && changed < lazyAfter.termFiles.count / 2, "\(changed)")
    }

    /// `shardJSONCount` of the stems' `stemJSONCount` is the length of `shardJSON`, for stems that need escaping and
    /// any posting values.
    @Test func shardLengthIsCountedExactly() {
        var random = SeededRandom(seed: 11)
        let pieces = ["a", "ö", "\"", "\\", "\n", "\u{1}", "<", "\u{2028}", "😀", "7"]
        for _ in 0..<300 {
            var postings: [String: [SearchIndex.Posting]] = [:]
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let stem = (0..<Int.random(in: 1...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                var document: Int32 = 0
                postings[stem] = (0..<Int.random(in: 1...20, using: &random)).map { _ in
                    document += Int32.random(in: 0...Int32(Int.random(in: 1...7, using: &random) == 1 ? 100_000 : 12), using: &random)
                    return SearchIndex.Posting(document: document, value: UInt32.random(in: 0...UInt32.max, using: &random))
                }
            }
            let stems = postings.keys.sorted()
            let counts = stems.map { SearchIndex.stemJSONCount($0, postings[$0]!) }
            #expect(SearchIndex.shardJSONCount(stemCounts: counts) == SearchIndex.shardJSON(stems, postings).utf8.count)
        }
    }

    /// In `lathund serve` (`SearchMemory`), only the documents whose analysis changed are taken out of and put
    /// into the postings; the files are the same as an index made anew after every kind of change: edits, a new
    /// word, the last use of a word removed, endings used more or less (the first four are counted, in document
    /// order), pages added and removed at the end and in the middle, and many pages at once.
    @Test func serveBuildsChangeOnlyThePostingsOfChangedDocumentsAndMakeTheSameFiles() {
        var random = SeededRandom(seed: 23)
        let words = ["sjukpenning", "sjukpenningen", "sjukpenningar", "sjukpenninggrund", "sjukpenninggrunden", "läkarintyg",
                     "läkarintyget", "läkarintygen", "beslut", "beslutet", "besluten", "beslutets", "beslutens", "besluts",
                     "arbetsgivare", "arbetsgivaren", "arbetsgivarens", "försäkringskassan", "försäkringskassans",
                     "kommuniceringsbrev", "brev", "breven", "brevet", "rehabilitering", "karensavdrag", "grund", "grunden",
                     "intyg", "intyget", "möte", "mötet", "överklagande", "ersättning", "ersättningen", "2669", "11,1"]
        func body() -> String {
            (0..<Int.random(in: 5...30, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }
        var documents = (0..<80).map { number in
            document("/sida-\(number)/", title: "Sida \(number) " + words[number % words.count], body: body(),
                     question: number % 9 == 0 ? "Vad gäller för \(words[number % 7])?" : nil,
                     kind: number % 13 == 0 ? .list : .page)
        }
        let memory = SearchMemory()
        // The analyses of unchanged documents are the last build's, as the page memory gives them.
        var analyses = documents.map(SearchIndex.analyse)
        func check(_ change: String, documents expected: Int? = nil, anew: Bool = false) {
            let clean = SearchIndex(analyses: documents.map(SearchIndex.analyse), synonyms: [], jobs: 2)
            let kept = SearchIndex(analyses: analyses, synonyms: [], jobs: 2, memory: memory)
            #expect(kept.files.map(\.path) == clean.files.map(\.path), "\(change)")
            for (kept, clean) in zip(kept.files, clean.files) where kept.text != clean.text {
                Issue.record("\(change): \(kept.path) differs")
            }
            #expect(kept.vocabulary == clean.vocabulary, "\(change)")
            if let expected { #expect(memory.lastCounts == SearchMemory.Counts(documents: expected, anew: anew), "\(change)") }
        }
        func edit(_ position: Int, _ change: (inout SearchIndex.Document) -> Void) {
            change(&documents[position])
            analyses[position] = SearchIndex.analyse(documents[position])
        }
        check("first build", documents: 80, anew: true)
        check("nothing changed", documents: 0)
        edit(7) { $0.body += " zebrafink beslutens" }
        check("one page edited, a new word", documents: 1)
        edit(7) { $0.body = "beslut" }
        check("the only use of a word removed", documents: 1)
        edit(3) { $0.body = "beslutens beslutens beslutets besluts breven sjukpenninggrunden" }
        edit(60) { $0.body = "besluts besluts besluts beslutets kommuniceringsbrev" }
        check("endings used more", documents: 2)
        edit(3) { $0.body = "intyg" }
        check("endings used less", documents: 1)
        edit(20) { $0.question = "Hur överklagar jag ett beslut?" }
        check("a question", documents: 1)
        documents.removeLast()
        analyses.removeLast()
        check("the last page removed", documents: 1)
        documents.remove(at: 40)
        analyses.remove(at: 40)
        check("a page in the middle removed", documents: 39)
        documents.insert(document("/ny/", title: "Ny sida", body: "överklagandena zebrafinkar " + body()), at: 10)
        analyses.insert(SearchIndex.analyse(documents[10]), at: 10)
        check("a page added in the middle", documents: 79, anew: true)
        documents.append(document("/sist/", title: "Sist", body: body()))
        analyses.append(SearchIndex.analyse(documents[documents.count - 1]))
        check("a page added at the end", documents: 1)
        for position in stride(from: 0, to: documents.count, by: 3) { edit(position) { $0.body = body() } }
        check("many pages")
        for position in stride(from: 1, to: documents.count, by: 10) { edit(position) { $0.body += " " + body() } }
        check("some pages")
    }

    /// In `lathund serve` an index whose documents changed a little is patched by stem (`SearchPatch`): after each
    /// kind of change its files and vocabulary are an index made whole's, and it is patched unless its shards' keys
    /// change (a shard split or merged, a new two-letter key) or a new stem is not made of scalars below U+0300.
    @Test func aPatchedIndexIsTheIndexMadeWhole() {
        var random = SeededRandom(seed: 5)
        let words = ["sjukpenning", "sjukpenningen", "sjukpenninggrund", "grund", "grunden", "kommuniceringsbrev", "brev",
                     "breven", "beslut", "beslutsbrev", "läkarintyg", "intyg", "intyget", "intygen", "försäkringskassan",
                     "arbetsgivare", "arbetsgivaren", "ersättning", "möte", "överklagande", "2669"]
        func body() -> String {
            (0..<Int.random(in: 5...25, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }
        var documents = (0..<60).map { number in
            document("/sida-\(number)/", title: "Sida \(number)", body: body(), question: number % 11 == 0 ? "Vad gäller?" : nil)
        }
        let memory = SearchMemory()
        var analyses = documents.map(SearchIndex.analyse)
        func check(_ change: String, patched: Bool) {
            let clean = SearchIndex(analyses: documents.map(SearchIndex.analyse), synonyms: [], jobs: 2)
            let kept = SearchIndex(analyses: analyses, synonyms: [], jobs: 2, memory: memory)
            #expect(kept.files.map(\.path) == clean.files.map(\.path), "\(change)")
            for (kept, clean) in zip(kept.files, clean.files) where kept.text != clean.text {
                Issue.record("\(change): \(kept.path) differs")
            }
            #expect(kept.vocabulary == clean.vocabulary, "\(change)")
            #expect(memory.lastPatched == patched, "\(change)")
        }
        func edit(_ position: Int, _ change: (inout SearchIndex.Document) -> Void) {
            change(&documents[position])
            analyses[position] = SearchIndex.analyse(documents[position])
        }
        check("first build", patched: false)
        edit(7) { $0.body += " sjukbrev" }
        check("a new word, a compound of a word", patched: true)
        edit(8) { $0.body += " arbete intygsbrev" }
        check("new words, one a part of a word", patched: true)
        edit(7) { $0.body = "beslut" }
        edit(8) { $0.body = "grund" }
        check("the only uses of words removed", patched: true)
        for position in [3, 4, 5] { edit(position) { $0.body = "intygen intygen intygen brev" } }
        check("a word's most used ending changed", patched: true)
        // The last document of a stem's postings, edited again and again: its endings are counted once.
        for round in 0..<6 {
            edit(59) { $0.body += " intyget beslutet" }
            check("the last document edited, \(round)", patched: true)
        }
        edit(9) { $0.body += " läkarbrev försäkringsbrev bråket" }
        check("new words with å, ä and ö", patched: true)
        edit(9) { $0.body = "möte" }
        check("words with å, ä and ö removed", patched: true)
        edit(10) { $0.body += " zebrafink" }
        check("a new two-letter key", patched: false)
        edit(10) { $0.body = "intyg" }
        check("a two-letter key gone", patched: false)
        // Words made up until the "sj" shard is split, one step at a time; then back.
        var added = 0
        while true {
            edit(12) { $0.body += (0..<40).map { " sjq\(String(added + $0, radix: 36))x" }.joined() }
            added += 40
            let split = SearchIndex(analyses: analyses, synonyms: [], jobs: 1).files
                .contains { $0.path.hasPrefix("search/terms/736a") && $0.path.count > 22 }
            check("\(added) words in sj", patched: !split)
            if split || added > 4_000 { break }
        }
        #expect(added < 4_000, "precondition: the sj shard is split")
        edit(12) { $0.body = "sjukpenning" }
        check("a split shard merged", patched: false)
        edit(13) { $0.body += " sjukbrev" }
        check("a new word after the merge", patched: true)
        edit(14) { $0.body += " sjuke\u{301}l" }
        check("a new word with a combining mark", patched: false)
    }

    /// A posting as `search.js` reads it.
    struct Decoded: Equatable {
        var frequency: Int, lengthCode: Int, kind: Int, bonus: Int, flags: Int
        init(_ value: Int) {
            flags = value % 4
            bonus = (value / 4) % 32
            kind = (value / 128) % 4
            lengthCode = (value / 512) % 128
            frequency = value / 65_536
        }
    }

    /// Postings of `stem` as doc → decoded posting (documents after the first are written as gaps).
    func postings(_ stem: String, in files: [String: Any]) -> [Int: Decoded] {
        for (path, value) in files where path.hasPrefix("search/terms/") {
            guard let shard = value as? [String: Any], let terms = shard["terms"] as? [String: [Int]],
                  let list = terms[stem] else { continue }
            var result: [Int: Decoded] = [:]
            var doc = 0
            for index in stride(from: 0, to: list.count, by: 2) {
                doc += list[index]
                result[doc] = Decoded(list[index + 1])
            }
            return result
        }
        return [:]
    }

    @Test func tokenizerSplitsLikeTheJavaScript() {
        #expect(Tokenizer.words("SGI-skyddet, 11,1 % – Läkarintyg FK 7804!") == ["sgi", "skyddet", "11", "1", "läkarintyg", "fk", "7804"])
        #expect(Tokenizer.words("ÅÄÖ éÜ") == ["åäö", "éü"])
    }

    @Test func postingsHoldFrequencyLengthKindAndFieldBonus() {
        let index = files([
            document("/a/", title: "Sjukpenningen", body: "Text."),
            document("/b/", title: "Annat", body: "Om sjukpenningen i texten, sjukpenning igen."),
            document("/c/", title: "Annat", body: "Text.", headings: ["Sjukpenning"]),
            document("/d/", title: "Sjukpenning", body: "", kind: .term),
        ])
        let found = postings("sjukpenning", in: index)
        #expect(Set(found.keys) == [0, 1, 2, 3])
        #expect(found[0]!.frequency == 5, "a title word weighs 5")
        #expect(found[2]!.frequency == 3, "a heading word 3")
        #expect(found[1]!.frequency == 2, "each body word 1")
        #expect(found[0]!.bonus > found[2]!.bonus, "title above heading")
        #expect(found[2]!.bonus > found[1]!.bonus, "heading above body")
        #expect(found[1]!.bonus == 0)
        #expect(found[1]!.lengthCode == SearchIndex.Posting.lengthCode(7), "the document's length in words, all fields")
        #expect(found[3]!.kind == SearchIndex.Kind.term.rawValue)
        #expect(found.values.allSatisfy { $0.flags == 0 })
    }

    @Test func lengthCodesKeepLengthsWithinFivePercent() {
        for length in [1, 2, 3, 10, 99, 100, 101, 555, 5_000, 60_000] {
            let code = SearchIndex.Posting.lengthCode(length)
            let decoded = pow(2, Double(code) / 8)
            #expect(abs(decoded - Double(length)) / Double(length) <= 0.045, "\(length) → \(code) → \(decoded)")
        }
        #expect(SearchIndex.Posting.lengthCode(10_000_000) == 127)
        #expect(SearchIndex.Posting.lengthCode(0) == 0)
    }

    @Test func aTitleIsMostAboutItsFirstWordAndAShortTitleMostOfAll() {
        let index = files([
            document("/a/", title: "Rehabiliteringskedjan", body: ""),
            document("/b/", title: "Börjar rehabiliteringskedjan om när patienten blir sjukskriven igen?", body: ""),
            document("/c/", title: "Sjukpenning i korthet", body: ""),
            document("/d/", title: "Vad är förebyggande sjukpenning?", body: ""),
        ])
        let chain = postings("rehabiliteringskedjan", in: index)
        #expect(chain[0]!.bonus > chain[1]!.bonus)
        let sickPay = postings("sjukpenning", in: index)
        #expect(sickPay[2]!.bonus > sickPay[3]!.bonus, "'i' is a stop word: sjukpenning is the first of two words")
    }

    @Test func theAddressNamesTheTopicToo() {
        let index = files([
            document("/dfa/komplettering/", title: "Därför begär Försäkringskassan komplettering", body: "Text."),
            document("/faq/varfor-komplettering/", title: "Därför begär Försäkringskassan komplettering", body: "Text."),
            document("/regelverk/lakarintyg/", title: "Intyget", body: "Läkarintyget behövs."),
            document("/ordlista/#komplettering", title: "Intyget", body: "Komplettering.", kind: .term),
        ])
        let found = postings("komplettering", in: index)
        #expect(found[0]!.bonus > found[1]!.bonus, "the whole file name beats one of two words")
        #expect(found[3]!.bonus == 0, "a glossary term's address is the glossary's")
        #expect(postings("läkarintyg", in: index)[2]!.bonus > 0, "file names are written without å, ä and ö")
    }

    @Test func glossaryTermsAreDocumentsAtTheirAnchorsAndATermWithAPageRanksBelowIt() throws {
        let terms = [GlossaryTerm(term: "AFU", expansion: "aktivitetsförmågeutredning", definition: "En utredning.", id: "afu"),
                     GlossaryTerm(term: "Vab", expansion: nil, definition: "Vård av barn.", id: "vab", page: "regelverk/vab.md")]
        let links = SiteLinks(pageURLs: [:], assetPaths: [], basePath: "/kb/", baseURL: "https://intra.example/kb/")
        let documents = GeneratedDocuments.make([
            GeneratedPage(url: "/ordlista/", title: "Ordlista", description: "D", layouts: [], content: .glossary(terms),
                          outputPath: "ordlista/index.html", isListed: true),
            GeneratedPage(url: "/404/", title: "Sidan finns inte", description: "", layouts: [], content: .notFound,
                          outputPath: "404.html", isListed: false),
        ], links: links)
        #expect(documents.map(\.url) == ["/kb/ordlista/", "/kb/ordlista/#afu", "/kb/ordlista/#vab"])
        #expect(documents.map(\.kind) == [.list, .term, .term])
        #expect(documents[1].title == "AFU (aktivitetsförmågeutredning)")
        let index = files(documents)
        #expect(postings("afu", in: index)[1]!.bonus > 0)
        #expect(postings("vab", in: index)[2]!.bonus == 0, "its page answers better")
    }

    @Test func compoundsAreIndexedUnderTheirPartsAndFlagged() {
        let index = files([
            document("/brev/", title: "Brev", body: "Ett brev."),
            document("/kb/", title: "Kommunicering", body: "Ett kommuniceringsbrev kom."),
            document("/sgi/", title: "Inkomst", body: "Sjukpenninggrundande inkomst och sjukpenning."),
            document("/sp/", title: "X", body: "Sjukpenningen betalas."),
        ])
        let brev = postings("brev", in: index)
        #expect(brev[1]?.flags == 1, "the compound's document is flagged as a compound match")
        #expect(brev[0]?.flags == 0)
        let kommunicering = postings("kommuniceringsbrev", in: index)
        #expect(brev[1]!.frequency == kommunicering[1]!.frequency, "with the compound's own frequency")
        #expect(postings("sjukpenning", in: index)[2] != nil)
    }

    @Test func faqQuestionsAreFlagged() {
        let index = files([document("/faq/a/", title: "Fråga", body: "Svar.", question: "Hur begär jag omprövning?")])
        #expect(postings("omprövning", in: index)[0]?.flags == 2)
    }

    /// The point of the format (issue 23): a posting holds only what its own document decides, so changing one
    /// page rewrites only the shards of the stems it had or has, and index.json's counts.
    @Test func aChangedPageChangesOnlyTheShardsOfItsOwnStems() {
        let words = ["arbete", "beslut", "diagnos", "fullmakt", "glapp", "hälsa", "intyg", "journal", "kontakt", "läkare",
                     "möte", "nivå", "omprövning", "period", "rehabilitering", "samtycke", "tidsgräns", "utredning"]
        func site(_ changed: String) -> [SearchIndex.Document] {
            (0..<40).map { number in
                let body = (0..<6).map { words[(number * 7 + $0 * 5) % words.count] }.joined(separator: " ")
                return document("/d\(number)/", title: "Sida \(number)", body: number == 17 ? changed : body)
            }
        }
        let before = BuiltSearchIndex(documents: site("glapp och journal vid möte"), synonyms: [], jobs: 2).files
        let after = BuiltSearchIndex(documents: site("glapp och kontakt, en lång text om kontakt med läkare"),
                                     synonyms: [], jobs: 2).files
        let touched = Set(["glapp", "och", "journal", "vid", "möte", "kontakt", "en", "lång", "text", "om", "med", "läkare",
                           "sida", "17"].map(SwedishStemmer.stem))
        let old = Dictionary(uniqueKeysWithValues: before.map { ($0.path, $0.text) })
        /// The stems a shard holds, as terms or as the target of a spelling without å, ä and ö.
        func stems(_ text: String?) -> Set<String> {
            guard let text, let shard = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [] }
            let terms = (shard["terms"] as? [String: Any])?.keys.map { $0 } ?? []
            let spelt = (shard["spellings"] as? [String: [String]])?.values.flatMap { $0 } ?? []
            return Set(terms + spelt)
        }
        let shards = after.filter { $0.path.hasPrefix("search/terms/") }
        let changed = shards.filter { old[$0.path] != $0.text }
        #expect(!changed.isEmpty)
        for shard in changed {
            #expect(!stems(shard.text).union(stems(old[shard.path])).isDisjoint(with: touched),
                    "\(shard.path) changed but holds none of the page's stems")
        }
        #expect(shards.count - changed.count > changed.count, "most shards are byte for byte the same")
    }

    @Test func indexJSONCountsDocumentsAndLengthsPerKind() throws {
        let index = files([
            document("/a/", title: "A", body: "ett två tre"),
            document("/b/", title: "B", body: "ett två", kind: .list),
            document("/c/", title: "C", body: "ett", kind: .term),
            document("/d/", title: "D", body: "ett två tre fyra", kind: .term),
        ])
        let meta = try #require(index["search/index.json"] as? [String: Any])
        #expect(meta["version"] as? Int == 3)
        let kinds = try #require(meta["kinds"] as? [String: [Int]])
        #expect(kinds["page"] == [1, 4])
        #expect(kinds["list"] == [1, 3])
        #expect(kinds["term"] == [2, 7])
        #expect(kinds["data"] == [0, 0])
        let stop = try #require(meta["stop"] as? [String])
        #expect(stop.contains("och") && stop.contains(SwedishStemmer.stem("vilken")))
    }

    @Test func theVocabularyIsGroupedByLengthWithoutÅÄÖAndNamesTheWordsUsedMost() throws {
        let index = files([
            document("/a/", title: "A", body: "förlängningen förlängningen 2019"),
            document("/b/", title: "B", body: "förlängning förlängningar"),
            document("/c/", title: "C", body: "förlängningen"),
        ])
        let meta = try #require(index["search/index.json"] as? [String: Any])
        let stem = SwedishStemmer.stem("förlängningen")
        let length = SearchIndex.folded(stem).unicodeScalars.count
        #expect((meta["words"] as? [Int])?.contains(length) == true)
        let words = try #require(index["search/words/\(length).json"] as? [String: [Any]])
        let entry = try #require(words[stem])
        #expect(entry[0] as? Int == 3, "three documents have it")
        #expect(stem + (entry[1] as! String) == "förlängningen", "the form two of three documents use first")
        #expect(!((meta["words"] as? [Int]) ?? []).contains(4) || (index["search/words/4.json"] as? [String: Any])?["2019"] == nil,
                "numbers are not in the vocabulary")
    }

    @Test func wordsWithÅÄÖAreListedUnderTheirSpellingWithoutThem() throws {
        let index = files([
            document("/a/", title: "Försäkringskassan", body: "Försäkringskassan beslutar. Se forsakringskassan.se."),
            document("/b/", title: "Fotnot", body: "Fotnot om formulär."),
        ])
        let shard = try #require(index["search/terms/\(SearchIndex.hex("fo")).json"] as? [String: Any])
        let spellings = try #require(shard["spellings"] as? [String: [String]])
        #expect(spellings[SearchIndex.folded(SwedishStemmer.stem("försäkringskassan"))] == [SwedishStemmer.stem("försäkringskassan")])
        #expect(spellings[SearchIndex.folded(SwedishStemmer.stem("formulär"))] == [SwedishStemmer.stem("formulär")])
        #expect((shard["terms"] as? [String: Any])?["forsakringskassan"] != nil, "the word as written stays a term")
    }

    /// A shard too large is split without its JSON being made: JSON is made once for each shard written, not
    /// again for each larger shard it was split from (counted by the serve's `ShardMemo`, through which all are made).
    @Test func onlyTheShardsWrittenAreMadeAsJSON() throws {
        var documents: [SearchIndex.Document] = []
        for number in 0..<400 {
            let words = (0..<30).map { "sjuk\(String(UnicodeScalar(UInt8(97 + ($0 + number) % 26))))ord\(number % 50)x\($0)" }
            documents.append(document("/d\(number)/", title: "Sida \(number)", body: words.joined(separator: " ")))
        }
        let memory = SearchMemory()
        let index = SearchIndex(analyses: Parallel.map(documents, jobs: 2, SearchIndex.analyse), synonyms: [], jobs: 2,
                                memory: memory)
        let shards = index.files.count { $0.path.hasPrefix("search/terms/") }
        let keys = try #require(index.files.first { $0.path == "search/index.json" }?.text)
        #expect(keys.contains("\"sjuka"), "the 'sj' shard was split, twice")
        #expect(memory.shards.lastCounts.made == shards, "\(memory.shards.lastCounts) for \(shards) shards")
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
            let shard = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let terms = try #require(shard["terms"] as? [String: Any])
            for term in terms.keys {
                #expect(!seen.contains(term))
                seen.insert(term)
                let longest = keys.filter { term.hasPrefix($0) }.max { $0.count < $1.count }
                #expect(path == "search/terms/\(SearchIndex.hex(longest ?? "")).json", "\(term) is not in its longest key's shard")
            }
        }
        #expect(parsed["documents"] as? Int == 400)
    }

    @Test func synonymsComeFromTheGlossaryAndTheSynonymsFile() throws {
        let terms = GlossaryLoader.parse("- term: SGI\n  expansion: sjukpenninggrundande inkomst\n  definition: D\n- term: Karens\n  definition: D\n", displayPath: "g").value
        let entries = SynonymsLoader.parse("inkomstskydd: sgi\nsjukintyg: [läkarintyg, intyg]\n", displayPath: "s.yml")
        #expect(entries.diagnostics.isEmpty)
        let synonyms = Synonym.all(glossary: terms, entries: entries.value)
        #expect(synonyms.map(\.json) == [
            #"{"from":["sgi"],"to":[["sjukpenninggrund","inkomst"]]}"#,
            #"{"from":["sjukpenninggrund","inkomst"],"to":[["sgi"]]}"#,
            #"{"from":["inkomstskyd"],"to":[["sgi"]],"via":[["sjukpenninggrund","inkomst"]]}"#,
            #"{"from":["sjukintyg"],"to":[["läkarintyg"],["intyg"]]}"#,
        ], "a target that is a glossary abbreviation brings its expansion")
        let index = BuiltSearchIndex(documents: [document("/a/", title: "A", body: "B")], synonyms: synonyms, jobs: 1)
        let meta = try #require(index.files.first { $0.path == "search/index.json" })
        #expect(meta.text.contains(#""synonyms":[{"from":["sgi"],"to":[["sjukpenninggrund","inkomst"]]}"#))
    }

    @Test func hostileTextStaysInertInTheIndex() throws {
        let index = BuiltSearchIndex(documents: [document("/x/", title: "<script>alert(1)</script>", body: "</script><img src=x onerror=alert(1)> \u{2028}")],
                                synonyms: [], jobs: 1)
        let doc = try #require(index.files.first { $0.path == "search/doc/0.json" })
        #expect(!doc.text.contains("<"))
        #expect(!doc.text.contains(">"))
        #expect(!doc.text.contains("\u{2028}"))
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(doc.text.utf8)) as? [[String: Any]])
        let parsed = try #require(bundle.first)
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

    /// `JSONText.string` copies runs of plain bytes into a string of the length it counts first; it equals the
    /// byte-by-byte escaper it replaced (below) on random text made of the bytes that matter.
    @Test func stringEqualsTheByteByByteEscaper() async {
        let pieces = ["a", "å", "€", "😀", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "<", ">", "&",
                      "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "\u{E2}", "/", " ", "svensk text "]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...40)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            #expect(JSONText.string(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    static func reference(_ text: String) -> String {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        let bytes = Array(text.utf8), hex = Array("0123456789abcdef".utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): output += [0x5C, 0x22]
            case UInt8(ascii: "\\"): output += [0x5C, 0x5C]
            case 0x0A: output += Array("\\n".utf8)
            case 0x0D: output += Array("\\r".utf8)
            case 0x09: output += Array("\\t".utf8)
            case UInt8(ascii: "<"): output += Array("\\u003c".utf8)
            case UInt8(ascii: ">"): output += Array("\\u003e".utf8)
            case UInt8(ascii: "&"): output += Array("\\u0026".utf8)
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                output += Array((bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            case 0..<0x20: output += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
            index += 1
        }
        return String(decoding: output + [UInt8(ascii: "\"")], as: UTF8.self)
    }

    /// A file's JSON (`JSONText.encoded`): JSONEncoder's pretty form with sorted keys and a final newline, slashes
    /// as is, and text that stays inert in HTML, so the same value always gives the same bytes.
    @Test(arguments: ["plain svensk text åäö", "a/b", "<b>&</b>", "\u{2028}x\u{2029}", "</script>", "rad\nny"])
    func encodedFilesAreSortedInertAndRoundTrip(text: String) throws {
        let encoded = JSONText.encoded(["ö": [text], "a": ["x"]])
        let decoded = try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: [String]]
        #expect(decoded == ["ö": [text], "a": ["x"]])
        #expect(!encoded.contains("<") && !encoded.contains(">") && !encoded.contains("&") && !encoded.contains("\u{2028}")
            && !encoded.contains("\u{2029}") && !encoded.contains("\\/"))
        #expect(encoded.hasPrefix("{\n  \"a\" : [\n    \"x\"\n  ],\n  \"ö\" : [\n") && encoded.hasSuffix("\n  ]\n}\n"))
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

    init(documents: [SearchIndex.Document], synonyms: [Synonym], jobs: Int) {
        let index = SearchIndex(analyses: Parallel.map(documents, jobs: jobs, SearchIndex.analyse), synonyms: synonyms, jobs: jobs)
        let bundles = DocumentBundle.ranges(pages: documents.count, generated: 0).map { range in
            (SearchIndex.bundlePath(range.bundle), String(decoding: SearchIndex.bundleFile(documents[range.pages].map {
                Array(SearchIndex.documentFile($0).utf8)
            }), as: UTF8.self))
        }
        files = (index.files + bundles).sorted { $0.path < $1.path }
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

    /// Words whose hashes are equal (every one here: the hash is given) are told apart by their bytes, whatever
    /// their lengths (the table's hash covers all bytes of short words, so only this shows the byte comparison).
    @Test func wordsWithOneHashAreToldApartByTheirBytes() async {
        let pieces = ["a", "b", "å", "ж", "1", "sjukpenning", "😀"]
        await propertyCheck(count: 100, input: Gen.element(of: pieces).array(of: 0...6).array(of: 0...200)) { words in
            var table = WordSlots()
            var reference: [[UInt8]: Int] = [:]
            for parts in words {
                var bytes = Array(parts.map { $0 ?? "" }.joined().utf8)
                let slot = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                    let word = UnsafeBufferPointer(buffer)
                    if let found = table.find(word, hash: 42) { return found }
                    table.insert(word, hash: 42, slot: reference.count)
                    return reference.count
                }
                #expect(slot == (reference[bytes] ?? reference.count), "\(bytes)")
                if reference[bytes] == nil { reference[bytes] = slot }
            }
            #expect(table.count == reference.count)
        }
    }
}

/// A seeded generator, so the changes are the same in every run.
struct SeededRandom: RandomNumberGenerator {
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
