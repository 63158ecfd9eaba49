import Foundation

/// The search index written under `site/search/` (part of the Indexes stage), format 3 (docs/search.md):
///
/// - `search/index.json`: format version, document count, each document kind's count and total length, the
///   shard keys, the lengths that have a vocabulary file, and the synonyms.
/// - `search/terms/KEY.json`: `{"terms": {stem: [doc, posting, gap, posting, …]}, "spellings": {spelling: [stem]}}`
///   for every stem whose longest shard key is KEY (the hex of its first two, or more when a shard grows large,
///   letters), and the spellings without å, ä and ö that lead there. Documents are in order; after the first,
///   each is written as the gap from the one before. A posting packs what the document alone
///   decides (`Posting.value`): the stem's weighted frequency, the document's length and kind, the field bonus
///   and two flags. `search.js` computes BM25 from them with the kinds' average lengths, so a changed page
///   changes only the shards of its own stems (and the counts in `index.json`).
/// - `search/words/N.json`: the vocabulary whose stems have N letters (`folded`: å, ä and ö as a, a and o):
///   `{stem: [documents, "ending"]}` (stem + ending is the word the pages use most). Loaded only when a query
///   word matches nothing: typos anywhere in a word, spellings without å, ä and ö, "Menade du …?".
/// - `search/doc/B.json`: documents `16 B ..< 16 B + 16`, a JSON array with one document a line (`bundleFile`):
///   url, title, section, description, kind and the plain text for excerpts (`documentFile`, made by the Output
///   stage when it writes the pages, so the index never holds the pages' text).
struct SearchIndex: Sendable {
    /// What a document is; `search.js` normalises lengths per kind and weighs kinds (`index.json` `kinds`).
    enum Kind: Int, Sendable, CaseIterable {
        /// A page of text: rules, FAQ entries, reports.
        case page = 0
        /// A page that mostly lists other pages: the home page, sections' pages, the glossary's and the
        /// statistics' overviews.
        case list = 1
        /// One glossary term, at its anchor on the glossary page.
        case term = 2
        /// One dataset's page under `/statistik/`.
        case data = 3

        var name: String { ["page", "list", "term", "data"][rawValue] }
    }

    struct Document: Sendable {
        var url: String
        var title: String
        var section: String
        var description: String
        var headings: [String]
        var question: String?
        var body: String
        var kind: Kind = .page
        /// False for a glossary term that has a page of its own (`page:`): the page is the answer, so the term's
        /// title words get no field bonus.
        var titleBonus = true
    }

    static let titleWeight: UInt32 = 5
    static let headingWeight: UInt32 = 3
    static let questionWeight: UInt32 = 2
    static let bodyWeight: UInt32 = 1
    /// Field bonuses in fifths (`search.js` divides by 5): BM25 saturates, so a title match would otherwise count
    /// no more than many body matches. A short title is more about each of its words than a long one (`words`:
    /// the title's words that are not stop words), and most about the first of them.
    static func titleBonus(words: Int, first: Bool) -> UInt8 { UInt8(max(9, 16 - max(1, words)) + (first ? 2 : 0)) }
    /// Added to the bonus of the one word a page's file name is (`regelverk/sjukpenning.md`): the writer named
    /// the page after it.
    static let fileNameBonus: UInt8 = 2
    static let headingBonus: UInt8 = 3
    static let questionBonus: UInt8 = 2
    /// Shards larger than this are split by one more letter.
    static let shardLimit = 48_000
    static let minimumPart = 4
    /// Stems longer than this are not split into compound parts.
    static let maximumCompoundLength = 60

    /// Swedish words that say little about what a page is about (Snowball's list, shortened, and a few more),
    /// as stems: a title's bonus counts the other words, and `search.js` (`index.json` `stop`) does not require
    /// them to match when a query has other words.
    static let stopWords: [String] = Array(Set("""
        och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du henne \
        då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp vi dem \
        vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv detta åt \
        utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan vår blivit \
        dess inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era \
        vilkas ska få får finns gäller
        """.split(separator: " ").map { SwedishStemmer.stem(String($0)) })).sorted()
    static let stopSet = Set(stopWords)

    /// Every file under `search/` but the documents (and the term shards in `termFiles`), sorted by path.
    let files: [(path: String, text: String)]
    /// With `lazyShards`: the term shards, each made only when it is written, with a hash of everything it is made
    /// of (the binary, its stems, their postings and its spellings) as its render key. The Output stage keeps a
    /// shard whose key is the last build's without making it: a one-page build makes the few shards it changed.
    let termFiles: [TermFile]

    struct TermFile: Sendable {
        let path: String
        let key: UInt64
        let make: @Sendable () -> String
    }
    /// Every stem a page has (not only inside a compound), with the word the pages use most for it.
    let vocabulary: [String: String]
    /// The files under `search/` whose bytes may differ from the last build's (an index patched by stem,
    /// `SearchPatch`); nil: any of them.
    let changed: Set<String>?

    /// How many documents one `search/doc/B.json` holds: documents `B × 16 ..< B × 16 + 16`. 16 keeps a query's
    /// loads small (a result list of 10 loads at most 10 bundles) and the site's files few (100 000 pages: 6 250
    /// bundles instead of 100 000 files).
    static let documentsPerBundle = 16

    /// Bundle `bundle`: documents `bundle × 16 ..< bundle × 16 + 16`.
    static func bundlePath(_ bundle: Int) -> String { "search/doc/\(bundle).json" }

    /// `search/doc/B.json`: a JSON array of its documents' lines (`documentFile`), one a line:
    /// `[\n` DOC `,\n` DOC … `\n]\n`.
    static func bundleFile(_ lines: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = Array("[\n".utf8)
        bytes.reserveCapacity(lines.reduce(4) { $0 + $1.count + 1 })
        for (offset, line) in lines.enumerated() {
            if offset > 0 { bytes += Array(",\n".utf8) }
            bytes += line.last == UInt8(ascii: "\n") ? line.dropLast() : line[...]
        }
        bytes += Array("\n]\n".utf8)
        return bytes
    }

    /// The documents' lines of a bundle as `bundleFile` wrote them (each ending with a line break), or nil when
    /// the bytes are not such a bundle of `count` documents.
    static func bundleLines(_ bytes: [UInt8], count: Int) -> [[UInt8]]? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count == count + 3, lines.first?.elementsEqual("[".utf8) == true,
              lines[lines.count - 2].elementsEqual("]".utf8), lines.last?.isEmpty == true else { return nil }
        lines = Array(lines[1 ..< lines.count - 2])
        var documents: [[UInt8]] = []
        documents.reserveCapacity(count)
        for (offset, line) in lines.enumerated() {
            let last = offset == lines.count - 1
            guard last || line.last == UInt8(ascii: ","), line.first == UInt8(ascii: "{") else { return nil }
            documents.append(Array(last ? line[...] : line.dropLast()) + [UInt8(ascii: "\n")])
        }
        return documents
    }

    /// A document's line in its bundle (`search/doc/B.json`): made when it is written, from the document's text at
    /// that time. Blocks of the text (headings, paragraphs, list items) end with a line break.
    static func documentFile(_ document: Document) -> String {
        // No more than 20 000 bytes are no more than 20 000 characters: only a longer text is walked.
        let text = document.body.utf8.count <= 20_000 ? document.body : String(document.body.prefix(20_000))
        return JSONText.object([
            ("url", JSONText.string(document.url)),
            ("title", JSONText.string(document.title)),
            ("section", JSONText.string(document.section)),
            ("description", JSONText.string(document.description)),
            ("kind", JSONText.string(document.kind.name)),
            ("faq", document.question == nil ? "false" : "true"),
            ("text", JSONText.string(text)),
        ]) + "\n"
    }

    /// A document that has a stem and what `search.js` needs to score it. 8 bytes: a site has millions of
    /// postings (10 000 pages: about 3 million), all in memory at once.
    struct Posting {
        let document: Int32
        let value: UInt32

        var doc: Int { Int(document) }
        var flags: UInt32 { value & 3 }

        /// `((((frequency × 128 + length code) × 4 + kind) × 32 + bonus) × 4 + flags`: the weighted frequency
        /// (at most 32 767), the document's length as `lengthCode`, its kind, the field bonus in fifths (0–31) and
        /// the flags (1: the document has the stem only inside a compound; 2: the stem is in an FAQ question).
        static func value(frequency: UInt32, length: Int, kind: Kind, bonus: UInt8, flags: UInt32) -> UInt32 {
            let code = UInt32(lengthCode(length))
            return (((min(frequency, 32_767) * 128 + code) * 4 + UInt32(kind.rawValue)) * 32 + UInt32(min(bonus, 31))) * 4 + flags
        }

        /// 8 × log2(length), rounded, at most 127: lengths to within 4,5 % up to 60 000 words in 7 bits.
        static func lengthCode(_ length: Int) -> Int {
            min(127, Int((8 * log2(Double(max(1, length)))).rounded()))
        }

        /// Orders the compound postings of one document: field bonus, then frequency.
        var strength: UInt32 { ((value >> 2) & 31) << 20 | (value >> 16) }
    }

    /// The ending of a word after its stem, packed in 8 bytes: up to 7 bytes of UTF-8 and the count + 1 in the
    /// top byte (0: unknown, for longer endings).
    enum Ending {
        static func pack(word: UnsafeBufferPointer<UInt8>, stem: String) -> UInt64 {
            var stem = stem
            return stem.withUTF8 { stemBytes -> UInt64 in
                let count = word.count - stemBytes.count
                guard count >= 0, count <= 7 else { return 0 }
                for index in 0..<stemBytes.count where stemBytes[index] != word[index] { return 0 }
                var packed = UInt64(count + 1) << 56
                for index in 0..<count { packed |= UInt64(word[stemBytes.count + index]) << (8 * UInt64(index)) }
                return packed
            }
        }

        static func unpack(_ packed: UInt64) -> String? {
            guard packed != 0 else { return nil }
            let count = Int(packed >> 56) - 1
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: packed >> (8 * UInt64($0))) }
            return String(validating: bytes, as: UTF8.self)
        }
    }

    static func analyse(_ document: Document) -> Analysis { analyse(document, memo: .current) }

    /// `analyse` of a document whose body is given as UTF-8 bytes instead of `document.body` (the Markdown stage's
    /// plain text, never made a `String`).
    static func analyse(_ document: Document, body: [UInt8]) -> Analysis { analyse(document, body: body, memo: .current) }

    /// `memo`: the stems already known (the thread's own, unless a test gives one).
    static func analyse(_ document: Document, body: [UInt8]? = nil, memo: StemMemo) -> Analysis {
        var builder = AnalysisBuilder(kind: document.kind, memo: memo)
        let titleWords = Tokenizer.words(document.title)
        let titleStems = titleWords.map(SwedishStemmer.stem).filter { !stopSet.contains($0) }
        let distinctTitleStems = Set(titleStems).count
        for word in titleWords {
            builder.add(word, weight: titleWeight, bonus: document.titleBonus
                ? titleBonus(words: distinctTitleStems, first: SwedishStemmer.stem(word) == titleStems.first) : 0)
        }
        for heading in document.headings { builder.add(heading, weight: headingWeight, bonus: headingBonus) }
        if let question = document.question {
            builder.add(question, weight: questionWeight, bonus: questionBonus, question: true)
        }
        builder.add(document.description, weight: bodyWeight)
        if let body {
            body.withUnsafeBufferPointer { builder.add(bytes: $0, weight: bodyWeight) }
        } else {
            builder.add(document.body, weight: bodyWeight)
        }
        // A page whose file name is one word is about that word (`/regelverk/sjukpenning/`, written without å, ä
        // and ö). A glossary term's address is the glossary's.
        if document.kind != .term, let segment = fileName(document.url) {
            let name = Tokenizer.words(segment).map(SwedishStemmer.stem)
            if name.count == 1, let slot = builder.stems.firstIndex(where: { folded($0) == name[0] }) {
                builder.raiseBonus(slot: slot, by: fileNameBonus)
            }
        }
        return builder.analysis
    }

    /// The last part of `url`'s path, before any `#`: `url.split(separator: "#").first?.split(separator: "/").last`,
    /// by bytes when the address is ASCII (each byte a `Character`; the `Character` splits were 18 000
    /// instructions a page, 0,5 % of a build).
    static func fileName(_ url: String) -> String? {
        guard url.utf8.allSatisfy({ $0 < 0x80 }) else {
            return url.split(separator: "#").first?.split(separator: "/").last.map(String.init)
        }
        return url.utf8.split(separator: UInt8(ascii: "#")).first?.split(separator: UInt8(ascii: "/")).last.flatMap(String.init)
    }

    /// A stem's postings and the endings its documents use, counted (the first four endings seen).
    struct StemEntry {
        var postings: [Posting] = []
        var endings: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var counts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)

        mutating func add(_ posting: Posting, ending: UInt64) {
            postings.append(posting)
            count(ending)
        }

        mutating func count(_ ending: UInt64) {
            guard ending != 0 else { return }
            if endings.0 == ending || endings.0 == 0 { endings.0 = ending; counts.0 += 1 }
            else if endings.1 == ending || endings.1 == 0 { endings.1 = ending; counts.1 += 1 }
            else if endings.2 == ending || endings.2 == 0 { endings.2 = ending; counts.2 += 1 }
            else if endings.3 == ending || endings.3 == 0 { endings.3 = ending; counts.3 += 1 }
        }

        /// The most used ending (the shortest, then the smallest, of equally used ones).
        var commonEnding: String {
            var best: (ending: String, count: Int32)?
            for (ending, count) in [(endings.0, counts.0), (endings.1, counts.1), (endings.2, counts.2), (endings.3, counts.3)] {
                guard count > 0, let text = Ending.unpack(ending) else { continue }
                if let current = best, current.count > count || (current.count == count &&
                    (current.ending.utf8.count, current.ending) <= (text.utf8.count, text)) { continue }
                best = (text, count)
            }
            return best?.ending ?? ""
        }
    }

    /// The index of documents already analysed (`analyse`), in document order. Each analysis is released as
    /// soon as its postings are made (without `memory`), so the two are not both in memory for the whole site. The shards' JSON
    /// is made on `jobs` threads; the files are the same whatever `jobs` is.
    /// `memory`: the last build's postings and shards, in a process that builds again (`lathund serve`): only the
    /// documents whose analysis changed are taken out of and put into the postings (`SearchMemory`), and a shard
    /// whose stems and postings are the same is not written out again. Without `lazyShards` the memory keeps the
    /// index's layout too (`Layout`): a build that changed few stems does only those again (`SearchPatch`).
    init(analyses: consuming [Analysis], synonyms: [Synonym], jobs: Int = 1, memory: SearchMemory? = nil,
         lazyShards: Bool = false) {
        let documentCount = analyses.count
        var kinds = [(documents: Int, length: Int)](repeating: (0, 0), count: Kind.allCases.count)
        let entries: [String: StemEntry]
        if let memory {
            let changed = memory.update(analyses, kinds: &kinds)
            if !lazyShards, let changed,
               let patched = memory.patch(changed, documents: documentCount, kinds: kinds, synonyms: synonyms) {
                self = patched
                return
            }
            entries = memory.entries()
        } else {
            entries = Self.stemEntries(&analyses, kinds: &kinds)
        }
        self.init(entries: entries, documents: documentCount, kinds: kinds, synonyms: synonyms, jobs: jobs,
                  memory: memory, lazyShards: lazyShards)
    }

    init(files: [(path: String, text: String)], termFiles: [TermFile], vocabulary: [String: String],
         changed: Set<String>?) {
        self.files = files
        self.termFiles = termFiles
        self.vocabulary = vocabulary
        self.changed = changed
    }

    /// The index made from every stem's postings and endings; with `memory` (and not `lazyShards`), its layout is
    /// kept for the next build.
    private init(entries: [String: StemEntry], documents documentCount: Int,
                 kinds: [(documents: Int, length: Int)], synonyms: [Synonym], jobs: Int, memory: SearchMemory?,
                 lazyShards: Bool) {
        let memo = memory?.shards
        var vocabulary: [String: String] = [:]
        vocabulary.reserveCapacity(entries.count)
        var words: [Int: [String]] = [:]
        for (stem, entry) in entries {
            vocabulary[stem] = stem + entry.commonEnding
            // Numbers are not misspelt words: the vocabulary files, for typos and "Menade du", leave them out.
            guard !Self.isNumber(stem) else { continue }
            words[Self.folded(stem).unicodeScalars.count, default: []].append(stem)
        }
        var postings = entries.mapValues(\.postings)
        var contributors: [String: [String]]? = memory != nil && !lazyShards ? [:] : nil
        Self.addCompoundParts(to: &postings, contributors: &contributors)

        let round = memo?.round()
        var groups = Self.shards(postings, jobs: jobs, memo: round, lazy: lazyShards)
        if let round { memo?.keep(round) }
        var layout = contributors.map { Layout(contributors: $0, vocabulary: vocabulary, groups: groups, words: words) }
        var made = groups.flatMap(\.shards)
        groups = []  // the shards' JSON only in `made`, each let go as its file is made
        let spellings = Self.spellings(of: vocabulary.keys, keys: Set(made.map(\.key)))
        var files: [(path: String, text: String)] = []
        var termFiles: [TermFile] = []
        let binary = lazyShards ? IncrementalCache.executableStamp() : ""
        for position in made.indices {
            let (key, stems, terms) = made[position]
            // Each shard's JSON is let go as its file is made: not the terms of every shard twice (100 000 pages:
            // about 126 MB each) at the stage's peak.
            made[position].text = nil
            let path = Self.termsPath(key), spellingsJSON = Self.spellingsJSON(spellings[key] ?? [:])
            guard let terms else {
                let pairs = stems.map { ($0, postings[$0]!) }
                termFiles.append(TermFile(path: path, key: Self.termsKey(pairs, spellings: spellingsJSON, binary: binary)) {
                    Self.termsFile(terms: Self.shardJSON(pairs), spellings: spellingsJSON)
                })
                continue
            }
            let text = Self.termsFile(terms: terms, spellings: spellingsJSON)
            layout?.shards[key] = Layout.Shard(stems: stems, spellings: spellings[key] ?? [:], text: text)
            files.append((path, text))
        }
        for (length, stems) in words {
            let text = Self.wordsFile(stems, vocabulary: vocabulary) { postings[$0]!.count { $0.flags & 1 == 0 } }
            layout?.wordFiles[length] = text
            files.append((Self.wordsPath(length), text))
        }
        files.append(("search/index.json", Self.indexFile(documents: documentCount, kinds: kinds, keys: made.map(\.key),
                                                          lengths: Array(words.keys), synonyms: synonyms)))
        memory?.keep(layout)
        self.init(files: files.sorted { $0.path < $1.path }, termFiles: termFiles, vocabulary: vocabulary, changed: nil)
    }

    static func termsPath(_ key: String) -> String { "search/terms/\(hex(key)).json" }
    static func wordsPath(_ length: Int) -> String { "search/words/\(length).json" }

    /// A stem made only of digits and other numerals: not a word that can be misspelt.
    static func isNumber(_ stem: String) -> Bool { stem.unicodeScalars.allSatisfy { $0.properties.numericType != nil } }

    /// `search/terms/KEY.json`: the shard's terms (`shardJSON`) and its spellings (`spellingsJSON`).
    static func termsFile(terms: String, spellings: String) -> String {
        "{\"terms\":" + terms + ",\"spellings\":" + spellings + "}\n"
    }

    /// A shard's spellings without å, ä and ö, each with the stems it leads to, sorted.
    static func spellingsJSON(_ spellings: [String: [String]]) -> String {
        JSONText.object(spellings.sorted { $0.key < $1.key }.map { spelling, stems in
            (spelling, JSONText.array(stems.sorted().map(JSONText.string)))
        })
    }

    /// `search/words/N.json` of `stems`: each with its number of documents (not counting compound matches) and the
    /// ending of its word in `vocabulary`.
    static func wordsFile(_ stems: some Sequence<String>, vocabulary: [String: String],
                          documents: (String) -> Int) -> String {
        let entries = stems.sorted().map { stem -> String in
            let word = vocabulary[stem]!
            let ending = String(word.unicodeScalars.dropFirst(stem.unicodeScalars.count))
            return JSONText.string(stem) + ":[" + String(documents(stem)) + "," + JSONText.string(ending) + "]"
        }
        return "{" + entries.joined(separator: ",") + "}\n"
    }

    /// `search/index.json`.
    static func indexFile(documents: Int, kinds: [(documents: Int, length: Int)], keys: [String], lengths: [Int],
                          synonyms: [Synonym]) -> String {
        JSONText.object([
            ("version", "3"),
            ("documents", String(documents)),
            ("kinds", JSONText.object(Kind.allCases.map { kind in
                (kind.name, "[\(kinds[kind.rawValue].documents),\(kinds[kind.rawValue].length)]")
            })),
            ("keys", JSONText.array(keys.sorted().map(JSONText.string))),
            ("words", JSONText.array(lengths.sorted().map(String.init))),
            ("stop", JSONText.array(Self.stopWords.map(JSONText.string))),
            ("synonyms", JSONText.array(synonyms.map(\.json))),
        ]) + "\n"
    }

    /// Every stem's postings and endings, with each kind's document count and total length added to `kinds`;
    /// each analysis is released as soon as its postings are made. Stems are looked up by their bytes
    /// (`WordSlots`); a `String` is made once per stem of the site, whose dictionary makes canonically equivalent
    /// stems one, as a `[String: StemEntry]` keyed by every stem did.
    private static func stemEntries(_ analyses: inout [Analysis],
                                    kinds: inout [(documents: Int, length: Int)]) -> [String: StemEntry] {
        var slots = WordSlots()
        var numbers: [String: Int] = [:]
        var stems: [String] = []
        var list: [StemEntry] = []
        for doc in analyses.indices {
            let analysis = analyses[doc]
            analyses[doc] = Analysis()
            kinds[analysis.kind.rawValue].documents += 1
            kinds[analysis.kind.rawValue].length += analysis.length
            analysis.forEach { stem, frequency, bonus, inQuestion, ending in
                let hash = XXH64.hash(UnsafeRawBufferPointer(stem))
                let slot = slots.find(stem, hash: hash) ?? {
                    let text = String(decoding: stem, as: UTF8.self)
                    let slot = numbers[text] ?? {
                        numbers[text] = list.count
                        stems.append(text)
                        list.append(StemEntry())
                        return list.count - 1
                    }()
                    slots.insert(stem, hash: hash, slot: slot)
                    return slot
                }()
                let value = Posting.value(frequency: frequency, length: analysis.length, kind: analysis.kind,
                                          bonus: bonus, flags: inQuestion ? 2 : 0)
                list[slot].add(Posting(document: Int32(doc), value: value), ending: ending)
            }
        }
        numbers = [:]
        var entries: [String: StemEntry] = [:]
        entries.reserveCapacity(stems.count)
        for (slot, stem) in stems.enumerated() {
            entries[stem] = list[slot]
            list[slot] = StemEntry()
        }
        return entries
    }

    /// A term shard's render key (`termFiles`).
    static func termsKey(_ pairs: [(String, [Posting])], spellings: String, binary: String) -> UInt64 {
        var chain = HashChain()
        chain.add("search/terms 1")
        chain.add(binary)
        addTerms(pairs, to: &chain)
        chain.add(spellings)
        return chain.value
    }

    /// Adds each stem and a hash of its postings to `chain`: what a shard's terms are made of (`termsKey`, and
    /// the serve memo's key in `shards`).
    private static func addTerms(_ pairs: some Sequence<(String, [Posting])>, to chain: inout HashChain) {
        for (stem, list) in pairs {
            chain.add(stem)
            list.withUnsafeBytes { chain.add(XXH64.hash($0)) }
        }
    }

    /// One two-letter key's stems with their shares of a shard's JSON (`stemJSONCount`), and the shards they make.
    struct ShardGroup: Sendable {
        let key: String
        let counts: [(stem: String, count: Int)]
        var shards: [(key: String, stems: [String], text: String?)]
    }

    /// The term shards' stems and JSON by key (no JSON when `lazy`): each two-letter shard, with the shards it
    /// splits into, is made on its own thread. Whether a shard is split is decided from its length, counted from
    /// each stem's share (`stemJSONCount`, once per stem), so JSON is made only for the shards that are written:
    /// not again at each level a large shard is split through (at 100 000 pages most shards are split once or more).
    private static func shards(_ postings: [String: [Posting]], jobs: Int, memo: ShardMemo.Round?,
                               lazy: Bool) -> [ShardGroup] {
        /// A shard's JSON, made or taken from the last build's when its stems and postings hash the same.
        @Sendable func json(_ stems: [String]) -> String? {
            guard !lazy else { return nil }
            guard let memo else { return shardJSON(stems, postings) }
            var chain = HashChain()
            addTerms(stems.lazy.map { ($0, postings[$0]!) }, to: &chain)
            return memo.text(for: chain.value) { shardJSON(stems, postings) }
        }
        var shards: [String: [String]] = [:]
        for stem in postings.keys { shards[key(stem, length: 2), default: []].append(stem) }
        return Parallel.map(shards.sorted { $0.key < $1.key }, jobs: jobs) { key, stems in
            let counts = stems.map { (stem: $0, count: stemJSONCount($0, postings[$0]!)) }
            let made = split(key: key, stems: counts, length: 2).map { (key: $0.key, stems: $0.stems, text: json($0.stems)) }
            return ShardGroup(key: key, counts: counts, shards: made)
        }
    }

    /// The shards of the stems whose first `length` letters are `key`: one, or, when it is too large, split by one
    /// more letter (stems no longer than the key stay in the key's own shard). Each shard's stems are sorted.
    static func split(key: String, stems: [(stem: String, count: Int)], length: Int) -> [(key: String, stems: [String])] {
        let longer = stems.filter { $0.stem.unicodeScalars.count > length }
        guard shardJSONCount(stemCounts: stems.lazy.map(\.count)) > shardLimit, !longer.isEmpty, length < 8 else {
            return [(key, stems.map(\.stem).sorted())]
        }
        var made: [(key: String, stems: [String])] = []
        let short = stems.filter { $0.stem.unicodeScalars.count <= length }.map(\.stem).sorted()
        if !short.isEmpty { made.append((key, short)) }
        var groups: [String: [(stem: String, count: Int)]] = [:]
        for entry in longer { groups[Self.key(entry.stem, length: length + 1), default: []].append(entry) }
        for (subkey, group) in groups { made += split(key: subkey, stems: group, length: length + 1) }
        return made
    }

    /// A stem with å, ä or ö is also listed under its spelling without them, in the shard that spelling's
    /// letters lead to (`"forsakringskassan": ["försäkringskassan"]`), so a query typed without them finds it in
    /// the shard it loads anyway. Spellings whose letters lead to no shard are left to the vocabulary files.
    private static func spellings(of stems: some Sequence<String>, keys: Set<String>) -> [String: [String: [String]]] {
        var spellings: [String: [String: [String]]] = [:]
        for stem in stems {
            let spelling = folded(stem)
            guard spelling != stem, let key = spellingKey(spelling, keys: keys) else { continue }
            spellings[key, default: [:]][spelling, default: []].append(stem)
        }
        return spellings
    }

    /// The shard key a spelling leads to: the longest of its starts (at most 8 letters) that is a key.
    static func spellingKey(_ spelling: String, keys: Set<String>) -> String? {
        let scalars = Array(spelling.unicodeScalars)
        return stride(from: min(8, scalars.count), through: 1, by: -1).lazy
            .map({ String(String.UnicodeScalarView(scalars[..<$0])) }).first(where: keys.contains)
    }

    /// A stem as `search.js` compares spellings (`fold`): lower case, å and ä as a, ö as o, é as e. The vocabulary
    /// files are grouped by its length.
    static func folded(_ stem: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in stem.unicodeScalars {
            switch scalar {
            case "å", "ä", "à", "á", "â": result.append("a")
            case "ö", "ø", "ó", "ò", "ô": result.append("o")
            case "é", "è", "ê", "ë": result.append("e")
            case "ü": result.append("u")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Makes a stem that is the start or end of a longer stem ("brev" in "kommuniceringsbrev", "sjukpenning" in
    /// "sjukpenninggrund") find the longer word's documents, flagged as compound matches.
    static func addCompoundParts(to postings: inout [String: [Posting]]) {
        var contributors: [String: [String]]?
        addCompoundParts(to: &postings, contributors: &contributors)
    }

    /// `contributors`, when given: each part's longer stems, whose documents it finds (`SearchPatch`).
    static func addCompoundParts(to postings: inout [String: [Posting]], contributors: inout [String: [String]]?) {
        var additions: [String: [Posting]] = [:]
        for (stem, docs) in postings {
            for part in compoundParts(of: stem, exists: { postings[$0] != nil }) {
                additions[part, default: []] += docs.map(compound)
                contributors?[part, default: []].append(stem)
            }
        }
        for (part, list) in additions { postings[part] = withCompounds(postings[part] ?? [], list) }
    }

    /// The stems (`exists`) that are a start or an end of `stem`, other than itself: a start of at least
    /// `minimumPart` letters that leaves 3 (also without a linking "s"), or an end of at least `minimumPart` that
    /// leaves 3.
    static func compoundParts(of stem: String, exists: (String) -> Bool) -> Set<String> {
        let scalars = Array(stem.unicodeScalars)
        // Longer "words" are not compounds (a 1 MB run of letters took hours: the cuts are quadratic).
        guard scalars.count >= minimumPart * 2 - 1, scalars.count <= maximumCompoundLength else { return [] }
        var parts = Set<String>()
        for cut in minimumPart...(scalars.count - 3) {
            let head = String(String.UnicodeScalarView(scalars[..<cut]))
            if exists(head) { parts.insert(head) }
            if scalars[cut - 1] == "s", cut - 1 >= minimumPart {
                let linked = String(String.UnicodeScalarView(scalars[..<(cut - 1)]))
                if exists(linked) { parts.insert(linked) }
            }
        }
        for cut in 3...(scalars.count - minimumPart) {
            let tail = String(String.UnicodeScalarView(scalars[cut...]))
            if exists(tail) { parts.insert(tail) }
        }
        parts.remove(stem)
        return parts
    }

    /// A longer stem's posting as its part's: flagged as a compound match.
    static func compound(_ posting: Posting) -> Posting { Posting(document: posting.document, value: (posting.value & ~3) | 1) }

    /// A part's postings with the compound postings `list` of its longer stems: per document the strongest, for
    /// documents that lack the part itself; both lists are in document order, so one merge.
    static func withCompounds(_ existing: [Posting], _ list: [Posting]) -> [Posting] {
        let candidates = list.sorted { $0.doc != $1.doc ? $0.doc < $1.doc : $0.strength > $1.strength }
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
        return merged
    }

    static func key(_ stem: String, length: Int) -> String { String(String.UnicodeScalarView(stem.unicodeScalars.prefix(length))) }

    static func hex(_ key: String) -> String {
        key.utf8.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The terms of one shard: `{"stem":[doc,posting,gap,posting,…],…}`, written as bytes (a 10 000-page site has
    /// about three million postings, so two `String`s per posting were a fifth of a rebuild in `lathund serve`).
    static func shardJSON(_ stems: [String], _ postings: [String: [Posting]]) -> String {
        shardJSON(stems.map { ($0, postings[$0]!) })
    }

    /// The length in bytes of a shard's JSON (`shardJSON`) from each of its stems' `stemJSONCount`: its braces,
    /// the commas between the stems and the stems.
    static func shardJSONCount(stemCounts: some Collection<Int>) -> Int {
        2 + max(0, stemCounts.count - 1) + stemCounts.reduce(0, +)
    }

    /// The bytes one stem takes in a shard's JSON (`"stem":[doc,posting,gap,posting,…]`), counted without making it.
    static func stemJSONCount(_ stem: String, _ list: [Posting]) -> Int {
        func digits(_ value: Int) -> Int {
            var count = value < 0 ? 2 : 1
            var magnitude = value.magnitude
            while magnitude >= 10 { magnitude /= 10; count += 1 }
            return count
        }
        var count = JSONText.string(stem).utf8.count + 3 + max(0, list.count * 2 - 1)  // "stem":[ ] and commas
        var previous = 0
        for posting in list {
            count += digits(posting.doc - previous) + digits(Int(posting.value))
            previous = posting.doc
        }
        return count
    }

    static func shardJSON(_ pairs: [(String, [Posting])]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (position, (stem, list)) in pairs.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += JSONText.string(stem).utf8
            bytes += [UInt8(ascii: ":"), UInt8(ascii: "[")]
            var previous = 0
            for (index, posting) in list.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.appendInteger(posting.doc - previous, to: &bytes)
                previous = posting.doc
                bytes.append(UInt8(ascii: ","))
                JSONText.appendInteger(Int(posting.value), to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The term shards' JSON by a hash of their stems and postings, from one build to the next in a process that
/// builds again and again (`lathund serve`, through `IncrementalPageMemory`): one page's edit makes again only
/// the shards of the stems it changed. It keeps the shards of the last build only.
final class ShardMemo: Sendable {
    private let last = Locked<[UInt64: String]>([:])

    /// The shards of one build: takes from the last build's, and collects its own.
    final class Round: Sendable {
        fileprivate let last: [UInt64: String]
        fileprivate let texts = Locked<[UInt64: String]>([:])

        fileprivate init(last: [UInt64: String]) { self.last = last }

        func text(for key: UInt64, make: () -> String) -> String {
            let kept = last[key]
            let text = kept ?? make()
            texts.withLock { $0[key] = text }
            (kept == nil ? made : taken).withLock { $0 += 1 }
            return text
        }
        fileprivate let taken = Locked(0)
        fileprivate let made = Locked(0)
    }

    /// Starts a build's round.
    func round() -> Round { Round(last: last.withLock { $0 }) }

    /// Keeps the round's shards for the next build, and only those.
    func keep(_ round: Round) {
        let texts = round.texts.withLock { $0 }
        last.withLock { $0 = texts }
        counts.withLock { $0 = (round.taken.withLock { $0 }, round.made.withLock { $0 }) }
    }

    /// Counts a build whose index was patched by stem (`SearchPatch`): the shards it kept and those it made again.
    func counted(taken: Int, made: Int) { counts.withLock { $0 = (taken, made) } }

    /// How many shards' JSON the last build took from the one before, and how many it made.
    var lastCounts: (taken: Int, made: Int) { counts.withLock { $0 } }
    private let counts = Locked((taken: 0, made: 0))
}
