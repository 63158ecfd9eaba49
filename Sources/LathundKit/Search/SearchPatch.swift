extension SearchIndex {
    /// What a whole index was made of beyond each stem's postings, kept in `SearchMemory` so that the next build can
    /// do again only the stems whose postings changed (`SearchPatch`).
    struct Layout: Sendable {
        struct Shard: Sendable {
            var stems: [String]
            /// Spellings without å, ä and ö, each with its stems (`spellings(of:keys:)`).
            var spellings: [String: [String]]
            var text: String
        }

        /// Each compound part's longer stems, whose documents it finds (`addCompoundParts`).
        var contributors: [String: [String]]
        var vocabulary: [String: String]
        /// Each stem's share of its shard's JSON (`stemJSONCount`).
        var counts: [String: Int] = [:]
        /// The keys of the shards each two-letter key's stems make (`split`).
        var groups: [String: [String]] = [:]
        var shards: [String: Shard] = [:]
        /// The stems (not numbers) by the length of their folded spelling, and their `search/words/N.json`.
        var words: [Int: Set<String>]
        var wordFiles: [Int: String] = [:]
        /// Every stem is made of scalars below U+0300 (no combining marks, each its own normal form), so strings
        /// are equal exactly when their bytes are: `SearchPatch` finds a new stem's longer stems by their bytes.
        let simple: Bool

        init(contributors: [String: [String]], vocabulary: [String: String], groups: [ShardGroup], words: [Int: [String]]) {
            self.contributors = contributors
            self.vocabulary = vocabulary
            for group in groups {
                for (stem, count) in group.counts { counts[stem] = count }
                self.groups[group.key] = group.shards.map(\.key)
            }
            self.words = words.mapValues(Set.init)
            simple = vocabulary.keys.allSatisfy(SearchPatch.isSimple)
        }
    }
}

/// One build's search index made from the last build's (`SearchIndex.Layout`) by doing again only what the changed
/// stems decide: their vocabulary words and `search/words/N.json`, their compound parts' postings, the shards of
/// their two-letter keys, the spellings of stems that came or went, and `search/index.json`. The first four endings
/// rule is per stem, so it holds. When the shards' keys would change (a shard split or merged, a new two-letter
/// key) or a new stem is not `simple`, `run` gives nil and the index is made whole. `SearchIndexTests` compare the
/// files with an index made whole after each kind of change.
struct SearchPatch {
    private(set) var layout: SearchIndex.Layout
    /// Every stem's postings and endings, after the change (`SearchMemory`).
    let kept: [String: SearchMemory.Kept]
    /// The stems whose postings or most used ending changed.
    let changed: Set<String>
    private var added = Set<String>()
    private var removed = Set<String>()
    /// The stems whose postings with compound matches may have changed.
    private var affected = Set<String>()
    private var finals: [String: [SearchIndex.Posting]] = [:]
    private(set) var dirtyShards = Set<String>()
    private var dirtyLengths = Set<Int>()

    init(layout: SearchIndex.Layout, kept: [String: SearchMemory.Kept], changed: Set<String>) {
        self.layout = layout
        self.kept = kept
        self.changed = changed
    }

    static func isSimple(_ stem: String) -> Bool { stem.unicodeScalars.allSatisfy { $0.value < 0x300 } }

    mutating func run(documents: Int, kinds: [(documents: Int, length: Int)], synonyms: [Synonym]) -> SearchIndex? {
        patchVocabulary()
        guard layout.simple, added.allSatisfy(Self.isSimple) else { return nil }
        patchCompounds()
        guard patchShards() else { return nil }
        patchSpellings()
        return index(documents: documents, kinds: kinds, synonyms: synonyms)
    }

    /// The vocabulary's words and the stems by length.
    private mutating func patchVocabulary() {
        for stem in changed {
            let entry = kept[stem]?.entry
            let was = layout.vocabulary[stem] != nil
            layout.vocabulary[stem] = entry.map { stem + $0.commonEnding }
            if entry != nil, !was { added.insert(stem) } else if entry == nil, was { removed.insert(stem) }
            guard !SearchIndex.isNumber(stem) else { continue }
            let length = SearchIndex.folded(stem).unicodeScalars.count
            dirtyLengths.insert(length)
            if entry != nil {
                layout.words[length, default: []].insert(stem)
            } else {
                layout.words[length]?.remove(stem)
                if layout.words[length]?.isEmpty == true { layout.words[length] = nil }
            }
        }
    }

    /// Which parts' compound postings change: the parts of a changed stem; a stem that came adds to its parts, and
    /// is found in the longer stems it is a part of; a stem that went is taken out of its parts'.
    private mutating func patchCompounds() {
        let kept = kept
        affected = changed
        for stem in removed {
            for part in SearchIndex.compoundParts(of: stem, exists: { _ in true }) {
                if kept[part] != nil { affected.insert(part) }
                guard var list = layout.contributors.removeValue(forKey: part) else { continue }
                list.removeAll { $0 == stem }
                if !list.isEmpty { layout.contributors[part] = list }
            }
            layout.contributors[stem] = nil
        }
        for stem in changed where kept[stem] != nil {
            let parts = SearchIndex.compoundParts(of: stem, exists: { kept[$0] != nil })
            affected.formUnion(parts)
            if added.contains(stem) { for part in parts { layout.contributors[part, default: []].append(stem) } }
        }
        for stem in added {
            let longer = Self.longer(stem, among: kept.keys)
            layout.contributors[stem] = longer.isEmpty ? nil : longer
        }
    }

    /// The stems that have `part` as a compound part (`SearchIndex.compoundParts`), found by bytes: every stem is
    /// `simple`.
    static func longer(_ part: String, among stems: some Sequence<String>) -> [String] {
        let count = part.unicodeScalars.count
        guard count >= SearchIndex.minimumPart else { return [] }
        let bytes = Array(part.utf8)
        let reversed = Array(bytes.reversed())
        var found: [String] = []
        for stem in stems where stem.utf8.count > bytes.count {
            let head = stem.utf8.starts(with: bytes)
            let tail = stem.utf8.reversed().starts(with: reversed)
            guard head || tail else { continue }
            let total = stem.unicodeScalars.count
            guard total >= SearchIndex.minimumPart * 2 - 1, total <= SearchIndex.maximumCompoundLength else { continue }
            // A start that leaves 3 letters, or 4 with a linking "s" after it; an end that leaves 3.
            let linked = head && stem.utf8.dropFirst(bytes.count).first == UInt8(ascii: "s")
            if (head && count <= total - 3) || (linked && count <= total - 4) || (tail && count <= total - 3) {
                found.append(stem)
            }
        }
        return found
    }

    /// A stem's postings with its compound matches (as `addCompoundParts` makes them).
    private mutating func final(_ stem: String) -> [SearchIndex.Posting] {
        if let made = finals[stem] { return made }
        var made = kept[stem]!.entry.postings
        if let longer = layout.contributors[stem] {
            made = SearchIndex.withCompounds(made, longer.flatMap { kept[$0]!.entry.postings.map(SearchIndex.compound) })
        }
        finals[stem] = made
        return made
    }

    /// Splits the two-letter keys of the affected stems again; false when their shards' keys would change.
    private mutating func patchShards() -> Bool {
        for stem in affected {
            layout.counts[stem] = kept[stem] == nil ? nil : SearchIndex.stemJSONCount(stem, final(stem))
        }
        let groups = Set(affected.map { SearchIndex.key($0, length: 2) })
        for group in groups {
            guard let keys = layout.groups[group] else { return false }
            var stems = Set(keys.flatMap { layout.shards[$0]!.stems })
            stems.formUnion(affected.filter { SearchIndex.key($0, length: 2) == group })
            let members = stems.filter { kept[$0] != nil }
            let split = SearchIndex.split(key: group, stems: members.map { ($0, layout.counts[$0]!) }, length: 2)
            guard !members.isEmpty, Set(split.map(\.key)) == Set(keys) else { return false }
            for (key, stems) in split where stems != layout.shards[key]!.stems || stems.contains(where: affected.contains) {
                layout.shards[key]!.stems = stems
                dirtyShards.insert(key)
            }
        }
        return true
    }

    /// The spellings without å, ä and ö of the stems that came or went.
    private mutating func patchSpellings() {
        let keys = Set(layout.shards.keys)
        for stem in added.union(removed) {
            let spelling = SearchIndex.folded(stem)
            guard spelling != stem, let key = SearchIndex.spellingKey(spelling, keys: keys) else { continue }
            dirtyShards.insert(key)
            if added.contains(stem) {
                layout.shards[key]!.spellings[spelling, default: []].append(stem)
            } else {
                layout.shards[key]!.spellings[spelling]?.removeAll { $0 == stem }
                if layout.shards[key]!.spellings[spelling]?.isEmpty == true { layout.shards[key]!.spellings[spelling] = nil }
            }
        }
    }

    /// The changed shards and vocabulary files made again, and every file of the index.
    private mutating func index(documents: Int, kinds: [(documents: Int, length: Int)], synonyms: [Synonym]) -> SearchIndex {
        var changedPaths: Set<String> = ["search/index.json"]
        for key in dirtyShards {
            let shard = layout.shards[key]!
            var pairs: [(String, [SearchIndex.Posting])] = []
            for stem in shard.stems { pairs.append((stem, final(stem))) }
            layout.shards[key]!.text = SearchIndex.termsFile(terms: SearchIndex.shardJSON(pairs),
                                                             spellings: SearchIndex.spellingsJSON(shard.spellings))
            changedPaths.insert(SearchIndex.termsPath(key))
        }
        let kept = kept
        for length in dirtyLengths {
            // Documents that have the stem itself: compound matches are added to the final postings only.
            let text = layout.words[length].map { stems in
                SearchIndex.wordsFile(stems, vocabulary: layout.vocabulary) { kept[$0]!.entry.postings.count }
            }
            layout.wordFiles[length] = text
            if text != nil { changedPaths.insert(SearchIndex.wordsPath(length)) }
        }
        var files = layout.shards.map { (path: SearchIndex.termsPath($0.key), text: $0.value.text) }
        files += layout.wordFiles.map { (path: SearchIndex.wordsPath($0.key), text: $0.value) }
        files.append(("search/index.json", SearchIndex.indexFile(documents: documents, kinds: kinds,
                                                                  keys: Array(layout.shards.keys),
                                                                  lengths: Array(layout.words.keys), synonyms: synonyms)))
        return SearchIndex(files: files.sorted { $0.path < $1.path }, termFiles: [], vocabulary: layout.vocabulary,
                           changed: changedPaths)
    }
}
