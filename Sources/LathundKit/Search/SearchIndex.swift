import Foundation

/// The search index written under `site/search/` (part of the Indexes stage).
///
/// - `search/index.json`: document count, shard keys, glossary synonyms.
/// - `search/terms/KEY.json`: `{stem: [doc, score, doc, score, …]}` for every stem starting with KEY (the hex
///   of its first two, or more when a shard grows large, letters). A score is `round(bm25 × 100) × 4 + flags`
///   (flag 1: the document has the stem only inside a compound; flag 2: the stem is in an FAQ question).
/// - `search/doc/N.json`: url, title, section, description and the plain text for excerpts (`documentFile`, made
///   by the Output stage when it writes the page, so the index never holds the pages' text).
///
/// Scores are BM25 term weights with weighted field frequencies (title > headings > FAQ question > body) plus a
/// bonus for the best field a stem is in, computed at build time; the query side multiplies by the idf.
public struct SearchIndex: Sendable {
    public struct Document: Sendable {
        public var url: String
        public var title: String
        public var section: String
        public var description: String
        public var headings: [String]
        public var question: String?
        public var body: String
    }

    static let titleWeight = 5.0
    static let headingWeight = 3.0
    static let questionWeight = 2.0
    static let bodyWeight = 1.0
    static let k1 = 1.2
    static let b = 0.75
    /// A stem found only as part of a compound scores this share of an exact match.
    static let compoundShare = 0.5
    /// Shards larger than this are split by one more letter.
    static let shardLimit = 48_000
    static let minimumPart = 4
    /// Stems longer than this are not split into compound parts.
    static let maximumCompoundLength = 60

    /// `search/index.json` and the term shards, sorted by path.
    public let termFiles: [(path: String, text: String)]

    static func documentPath(_ document: Int) -> String { "search/doc/\(document).json" }

    /// `search/doc/N.json`: made when it is written, from the document's text at that time.
    static func documentFile(_ document: Document) -> String {
        JSONText.object([
            ("url", JSONText.string(document.url)),
            ("title", JSONText.string(document.title)),
            ("section", JSONText.string(document.section)),
            ("description", JSONText.string(document.description)),
            ("faq", document.question == nil ? "false" : "true"),
            ("text", JSONText.string(String(document.body.prefix(20_000)))),
        ]) + "\n"
    }

    /// One document's stems, in first-seen order, with their weighted frequencies and best field bonus.
    struct Analysis {
        var stems: [String] = []
        var frequencies: [Double] = []
        /// The best field bonus of each stem: BM25 saturates, so a title match would otherwise count no more
        /// than many body matches.
        var bonus: [Double] = []
        var inQuestion: [Bool] = []
        var length = 0
    }

    /// A document that has a stem: its BM25 score and flags (1: only inside a compound, 2: in the FAQ question).
    /// 16 bytes: a site has millions of postings (10 000 pages: about 3 million), all in memory at once.
    struct Posting {
        private var document: Int32
        private var flagBits: UInt8
        var score: Double

        init(doc: Int, score: Double, flags: Int) {
            document = Int32(doc)
            self.score = score
            flagBits = UInt8(flags)
        }

        var doc: Int { Int(document) }
        var flags: Int { Int(flagBits) }
    }

    static let titleBonus = 2.5
    static let headingBonus = 0.6
    static let questionBonus = 0.4

    static func analyse(_ document: Document) -> Analysis {
        var analysis = Analysis()
        // word → its stem's position in `analysis`: one look-up by bytes per word; a String and a stem only for
        // a word not seen before in this document.
        var slots = WordSlots()
        var stemSlots: [String: Int] = [:]
        func add(_ text: String, weight: Double, bonus: Double = 0, question: Bool = false) {
            Tokenizer.forEachWordBytes(in: text) { word in
                let slot = slots.slot(of: word, orMake: {
                    let stem = SwedishStemmer.stem(String(decoding: word, as: UTF8.self))
                    if let known = stemSlots[stem] { return known }
                    let slot = analysis.stems.count
                    stemSlots[stem] = slot
                    analysis.stems.append(stem)
                    analysis.frequencies.append(0)
                    analysis.bonus.append(0)
                    analysis.inQuestion.append(false)
                    return slot
                })
                analysis.frequencies[slot] += weight
                analysis.length += 1
                if bonus > analysis.bonus[slot] { analysis.bonus[slot] = bonus }
                if question { analysis.inQuestion[slot] = true }
            }
        }
        add(document.title, weight: titleWeight, bonus: titleBonus)
        for heading in document.headings { add(heading, weight: headingWeight, bonus: headingBonus) }
        if let question = document.question {
            add(question, weight: questionWeight, bonus: questionBonus, question: true)
        }
        add(document.description, weight: bodyWeight)
        add(document.body, weight: bodyWeight)
        return analysis
    }

    /// The index of documents already analysed (`analyse`), in document order. Each analysis is released as
    /// soon as its postings are made, so the two are not both in memory for the whole site. The shards' JSON
    /// is made on `jobs` threads; the files are the same whatever `jobs` is.
    init(analyses: consuming [Analysis], synonyms: [GlossaryTerm], jobs: Int = 1) {
        let documentCount = analyses.count
        let averageLength = max(1, Double(analyses.reduce(0) { $0 + $1.length }) / Double(max(1, documentCount)))
        // stem → postings in document order
        var postings: [String: [Posting]] = [:]
        for doc in analyses.indices {
            let analysis = analyses[doc]
            analyses[doc] = Analysis()
            let norm = Self.k1 * (1 - Self.b + Self.b * Double(analysis.length) / averageLength)
            for (slot, stem) in analysis.stems.enumerated() {
                let frequency = analysis.frequencies[slot]
                let score = frequency * (Self.k1 + 1) / (frequency + norm) + analysis.bonus[slot]
                postings[stem, default: []].append(Posting(doc: doc, score: score, flags: analysis.inQuestion[slot] ? 2 : 0))
            }
        }
        Self.addCompoundParts(to: &postings)

        var shards: [String: [String]] = [:]
        for stem in postings.keys { shards[Self.key(stem, length: 2), default: []].append(stem) }
        // Each two-letter shard, with the shards it splits into, is made on its own thread.
        let complete = postings
        let made = Parallel.map(shards.sorted { $0.key < $1.key }, jobs: jobs) { key, stems in
            var made: [(key: String, text: String)] = []
            /// Writes one shard, or splits it by one more letter when it is too large; stems no longer than the
            /// key stay in the key's own shard.
            func emit(key: String, stems: [String], length: Int) {
                let text = Self.shardJSON(stems.sorted(), complete)
                let longer = stems.filter { $0.unicodeScalars.count > length }
                guard text.utf8.count > Self.shardLimit, !longer.isEmpty, length < 8 else {
                    return made.append((key, text))
                }
                let short = stems.filter { $0.unicodeScalars.count <= length }
                if !short.isEmpty { made.append((key, Self.shardJSON(short.sorted(), complete))) }
                var groups: [String: [String]] = [:]
                for stem in longer { groups[Self.key(stem, length: length + 1), default: []].append(stem) }
                for (subkey, group) in groups { emit(key: subkey, stems: group, length: length + 1) }
            }
            emit(key: key, stems: stems, length: 2)
            return made
        }
        var files: [(String, String)] = []
        var keys: [String] = []
        for (key, text) in made.joined() {
            keys.append(key)
            files.append(("search/terms/\(Self.hex(key)).json", text))
        }

        let synonymList = synonyms.compactMap { term -> String? in
            guard let expansion = term.expansion else { return nil }
            let abbreviation = Tokenizer.words(term.term).map(SwedishStemmer.stem)
            let expanded = Tokenizer.words(expansion).map(SwedishStemmer.stem)
            guard !abbreviation.isEmpty, !expanded.isEmpty, abbreviation != expanded else { return nil }
            return JSONText.object([("a", JSONText.array(abbreviation.map(JSONText.string))),
                                    ("e", JSONText.array(expanded.map(JSONText.string)))])
        }
        files.append(("search/index.json", JSONText.object([
            ("version", "1"),
            ("documents", String(documentCount)),
            ("keys", JSONText.array(keys.sorted().map(JSONText.string))),
            ("synonyms", JSONText.array(synonymList)),
        ]) + "\n"))
        termFiles = files.sorted { $0.0 < $1.0 }
    }

    /// Makes a stem that is the start or end of a longer stem ("brev" in "kommuniceringsbrev", "sjukpenning" in
    /// "sjukpenninggrund") find the longer word's documents, at a lower score.
    static func addCompoundParts(to postings: inout [String: [Posting]]) {
        var additions: [String: [Posting]] = [:]
        for (stem, docs) in postings {
            let scalars = Array(stem.unicodeScalars)
            // Longer "words" are not compounds (a 1 MB run of letters took hours: the cuts are quadratic).
            guard scalars.count >= minimumPart * 2 - 1, scalars.count <= maximumCompoundLength else { continue }
            var parts = Set<String>()
            for cut in minimumPart...(scalars.count - 3) {
                let head = String(String.UnicodeScalarView(scalars[..<cut]))
                if postings[head] != nil { parts.insert(head) }
                if scalars[cut - 1] == "s", cut - 1 >= minimumPart {
                    let linked = String(String.UnicodeScalarView(scalars[..<(cut - 1)]))
                    if postings[linked] != nil { parts.insert(linked) }
                }
            }
            for cut in 3...(scalars.count - minimumPart) {
                let tail = String(String.UnicodeScalarView(scalars[cut...]))
                if postings[tail] != nil { parts.insert(tail) }
            }
            for part in parts where part != stem {
                additions[part, default: []] += docs.map { Posting(doc: $0.doc, score: $0.score * compoundShare, flags: 1) }
            }
        }
        // Per part and document the best compound score, for documents that lack the part itself; both lists
        // are in document order, so one merge.
        for (part, list) in additions {
            let candidates = list.sorted { $0.doc != $1.doc ? $0.doc < $1.doc : $0.score > $1.score }
            let existing = postings[part] ?? []
            var merged: [Posting] = []
            merged.reserveCapacity(existing.count + candidates.count)
            var position = 0
            var previousDoc = -1
            for candidate in candidates where candidate.doc != previousDoc {
                previousDoc = candidate.doc
                while position < existing.count && existing[position].doc < candidate.doc {
                    merged.append(existing[position])
                    position += 1
                }
                if position < existing.count && existing[position].doc == candidate.doc { continue }
                merged.append(candidate)
            }
            merged += existing[position...]
            postings[part] = merged
        }
    }

    static func key(_ stem: String, length: Int) -> String { String(String.UnicodeScalarView(stem.unicodeScalars.prefix(length))) }

    static func hex(_ key: String) -> String {
        key.utf8.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// One term shard: `{"stem":[doc,score×4+flags,…],…}`, written as bytes (a 10 000-page site has about three
    /// million postings, so two `String`s per posting were a fifth of a rebuild in `lathund serve`).
    static func shardJSON(_ stems: [String], _ postings: [String: [Posting]]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (position, stem) in stems.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += JSONText.string(stem).utf8
            bytes += [UInt8(ascii: ":"), UInt8(ascii: "[")]
            for (index, posting) in postings[stem]!.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.appendInteger(posting.doc, to: &bytes)
                bytes.append(UInt8(ascii: ","))
                JSONText.appendInteger(Int((posting.score * 100).rounded()) * 4 + posting.flags, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes += [UInt8(ascii: "}"), 0x0A]
        return String(decoding: bytes, as: UTF8.self)
    }
}
