import Foundation

/// The byte layout of one page in the page store (`PageStore`): what the Content stage made of a Markdown file
/// (`IncrementalPageMemory.Loaded`) and, when the Markdown stage did it too, its Markdown result
/// (`IncrementalPageMemory.Analysed`), written and read by hand with `ByteWriter` and `ByteReader`:
///
/// ```
/// content key (8) · display path · diagnostics · scan key (8) · scan diagnostics · page?
/// · Markdown part? = markdown key (8) · diagnostics · headings · lead heading count · links · word count
///                    · answer · readability · summary · search analysis
/// ```
///
/// - What the file's bytes give back cheaply is not stored: a body that is the end of the file as read (no byte
///   order mark, no CR line endings) is stored as its length and sliced from the bytes the Content stage read.
/// - A location in the page's own file (most of them) stores no file name; its string is the display path's.
/// - The Markdown part is the end of the record and is read only when the Markdown stage asks for it with its key
///   (`decodeAnalysed`), from the page the Content part gave.
///
/// `version` is part of the store's stamp: change it with the layout. `PageRecordTests` checks that every field of
/// a page with every kind of value comes back (compared by `dump`, which lists every stored property), and fails
/// when a stored type gains a field this layout does not know (`theLayoutKnowsEveryField`).
enum PageRecord {
    static let version: UInt64 = 3

    typealias Loaded = IncrementalPageMemory.Loaded
    typealias Analysed = IncrementalPageMemory.Analysed

    /// The content key of a record: its first 8 bytes.
    static func contentKey(of record: UnsafeRawBufferPointer) -> UInt64? {
        var reader = ByteReader(record)
        return try? reader.fixed()
    }

    static func encode(_ loaded: Loaded, _ analysed: Analysed?) -> [UInt8] {
        let file = loaded.displayPath
        var writer = ByteWriter(capacity: 4096)
        writer.fixed(loaded.key)
        writer.string(file)
        writer.list(loaded.diagnostics) { $0.diagnostic($1, file) }
        writer.fixed(loaded.scanKey)
        writer.list(loaded.scan) { $0.diagnostic($1, file) }
        writer.optional(loaded.page) { $0.page($1, bodyIsFileEnd: loaded.bodyIsFileEnd, file) }
        writer.optional(analysed) { $0.analysed($1, file) }
        return writer.bytes
    }

    /// Where a record's body comes from when it is the end of the page's file: the bytes the key was made from
    /// (sliced), or the file at a path, read later if a stage needs the body (`BodyInFile`).
    enum FileEnd {
        case bytes(Data)
        case file(String)
    }

    /// A record's Content part, with where its Markdown part starts and that part's key.
    static func decodeLoaded(_ record: UnsafeRawBufferPointer, fileBytes: Data) throws
        -> (loaded: Loaded, markdown: (key: UInt64, offset: Int)?) {
        try decodeLoaded(record, fileEnd: .bytes(fileBytes))
    }

    static func decodeLoaded(_ record: UnsafeRawBufferPointer, fileEnd: FileEnd) throws
        -> (loaded: Loaded, markdown: (key: UInt64, offset: Int)?) {
        var reader = ByteReader(record)
        let key = try reader.fixed()
        let file = try reader.string()
        let diagnostics = try reader.list { try $0.diagnostic(file) }
        let scanKey = try reader.fixed()
        let scan = try reader.list { try $0.diagnostic(file) }
        var bodyIsFileEnd = false
        let page = try reader.optional { try $0.page(file, fileEnd: fileEnd, bodyIsFileEnd: &bodyIsFileEnd) }
        let loaded = Loaded(key: key, page: page, diagnostics: diagnostics, scan: scan, scanKey: scanKey,
                            bodyIsFileEnd: bodyIsFileEnd)
        guard try reader.bool() else {
            guard reader.isAtEnd else { throw ByteReader.Failure(description: "bytes after the record") }
            return (loaded, nil)
        }
        guard page != nil else { throw ByteReader.Failure(description: "a Markdown part without a page") }
        let offset = reader.position
        return (loaded, (try reader.fixed(), offset))
    }

    /// The Markdown part that starts at `offset` (from `decodeLoaded`), for `page`.
    static func decodeAnalysed(_ record: UnsafeRawBufferPointer, at offset: Int, page: Page) throws -> Analysed {
        var reader = ByteReader(record, at: offset)
        let analysed = try reader.analysed(page)
        guard reader.isAtEnd else { throw ByteReader.Failure(description: "bytes after the record") }
        return analysed
    }
}

extension IncrementalPageMemory.Loaded {
    /// The display path every location of the record is relative to.
    var displayPath: String { page?.displayPath ?? diagnostics.first?.location.file ?? scan.first?.location.file ?? "" }
}

// MARK: Writing

extension ByteWriter {
    mutating func file(_ name: String, _ file: String) {
        if name == file { return byte(0) }
        byte(1)
        string(name)
    }

    mutating func location(_ location: SourceLocation, _ file: String) {
        self.file(location.file, file)
        int(location.line)
        int(location.column)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic, _ file: String) {
        byte(diagnostic.severity == .error ? 0 : 1)
        location(diagnostic.location, file)
        string(diagnostic.code)
        string(diagnostic.message)
    }

    mutating func day(_ day: Day) {
        int(day.year)
        int(day.month)
        int(day.day)
    }

    mutating func located(_ value: Located<String>, _ file: String) {
        string(value.value)
        location(value.location, file)
    }

    mutating func page(_ page: Page, bodyIsFileEnd: Bool, _ file: String) {
        string(page.relativePath)
        self.file(page.displayPath, file)
        byte(page.kind == .home ? 0 : page.kind == .section ? 1 : 2)
        string(page.section)
        string(page.url)
        frontMatter(page.frontMatter, file)
        if bodyIsFileEnd {
            byte(0)
            count(page.bodyInFile?.length ?? page.body.utf8.count)
        } else {
            byte(1)
            string(page.body)
        }
        int(page.bodyLineOffset)
        fixed(page.sourceHash)
    }

    mutating func frontMatter(_ matter: FrontMatter, _ file: String) {
        string(matter.title)
        optional(matter.description) { $0.string($1) }
        optional(matter.date) { $0.day($1) }
        optional(matter.updated) { $0.day($1) }
        optional(matter.reviewed) { writer, review in
            writer.day(review.date)
            writer.string(review.by)
            writer.string(review.against)
        }
        optional(matter.reviewedLocation) { $0.location($1, file) }
        list(matter.sources) { writer, source in
            writer.string(source.title)
            writer.list(source.publishers) { $0.located($1, file) }
            writer.optional(source.date) { $0.string($1.description) }
            writer.optional(source.read) { $0.day($1) }
            writer.optional(source.url) { $0.string($1) }
            writer.optional(source.section) { $0.string($1) }
        }
        list(matter.tags) { $0.string($1) }
        optional(matter.weight) { $0.int($1) }
        bool(matter.draft)
        optional(matter.slug) { $0.located($1, file) }
        list(matter.aliases) { $0.located($1, file) }
        optional(matter.layout) { $0.located($1, file) }
        optional(matter.group) { $0.string($1) }
        optional(matter.faq) { writer, faq in
            writer.string(faq.question)
            writer.optional(faq.category) { $0.string($1) }
            writer.list(faq.related) { $0.located($1, file) }
            writer.list(faq.mostAsked) { $0.located($1, file) }
        }
        optional(matter.report) { writer, report in
            writer.optional(report.region) { $0.string($1) }
            writer.optional(report.period) { $0.string($1) }
            writer.list(report.owners) { $0.string($1) }
            writer.optional(report.budgetSEK) { $0.int($1) }
            writer.optional(report.kind) { $0.string($1) }
            writer.optional(report.status) { $0.string($1) }
        }
    }

    mutating func analysed(_ analysed: IncrementalPageMemory.Analysed, _ file: String) {
        fixed(analysed.key)
        list(analysed.diagnostics) { $0.diagnostic($1, file) }
        let parsed = analysed.rendered
        list(parsed.headings) { writer, heading in
            writer.int(heading.level)
            writer.string(heading.text)
            writer.string(heading.id)
            writer.location(heading.location, file)
        }
        int(parsed.leadHeadingCount)
        list(parsed.links) { writer, link in
            writer.string(link.destination)
            writer.target(link.target)
            writer.bool(link.isImage)
            writer.location(link.location, file)
        }
        int(parsed.wordCount)
        string(parsed.answer)
        int(parsed.readability.words)
        int(parsed.readability.sentences)
        int(parsed.readability.longWords)
        string(parsed.summary)
        let analysis = analysed.analysis
        count(analysis.packed.count)
        analysis.packed.withUnsafeBytes { raw($0) }
        int(analysis.length)
        byte(UInt8(analysis.kind.rawValue))
    }

    mutating func target(_ target: SiteLinks.Target) {
        switch target {
        case .page(let url, let fragment):
            byte(0)
            string(url)
            optional(fragment) { $0.string($1) }
        case .asset(let url):
            byte(1)
            string(url)
        case .samePage(let fragment):
            byte(2)
            string(fragment)
        case .siteURL(let path, let fragment):
            byte(3)
            string(path)
            optional(fragment) { $0.string($1) }
        case .missing(let path):
            byte(4)
            string(path)
        case .external: byte(5)
        case .unsafe: byte(6)
        }
    }
}

// MARK: Reading

extension ByteReader {
    mutating func file(_ file: String) throws -> String {
        switch try byte() {
        case 0: return file
        case 1: return try string()
        case let other: throw Failure(description: "\(other) is not a file tag")
        }
    }

    mutating func location(_ file: String) throws -> SourceLocation {
        SourceLocation(file: try self.file(file), line: try int(), column: try int())
    }

    mutating func diagnostic(_ file: String) throws -> Diagnostic {
        let severity: Severity
        switch try byte() {
        case 0: severity = .error
        case 1: severity = .warning
        case let other: throw Failure(description: "\(other) is not a severity")
        }
        let location = try location(file)
        let code = try string()
        return Diagnostic(severity, location, code: code, try string())
    }

    mutating func day() throws -> Day {
        let (year, month, day) = (try int(), try int(), try int())
        guard let value = Day(year: year, month: month, day: day) else { throw Failure(description: "not a day") }
        return value
    }

    mutating func located(_ file: String) throws -> Located<String> {
        let value = try string()
        return Located(value: value, location: try location(file))
    }

    mutating func page(_ file: String, fileEnd: PageRecord.FileEnd, bodyIsFileEnd: inout Bool) throws -> Page {
        let relativePath = try string()
        let displayPath = try self.file(file)
        let kind: PageKind
        switch try byte() {
        case 0: kind = .home
        case 1: kind = .section
        case 2: kind = .page
        case let other: throw Failure(description: "\(other) is not a page kind")
        }
        let section = try string()
        let url = try string()
        let frontMatter = try frontMatter(file)
        var body = ""
        var leftIn: (path: String, length: Int)?
        switch try byte() {
        case 0:
            let count = try varint()
            switch fileEnd {
            case .bytes(let fileBytes):
                guard count <= UInt64(fileBytes.count) else { throw Failure(description: "a body longer than its file") }
                body = fileBytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[($0.count - Int(count))...]), as: UTF8.self) }
            case .file(let path):
                guard count <= UInt64(Int32.max) else { throw Failure(description: "a body of \(count) bytes") }
                if count > 0 { leftIn = (path, Int(count)) }
            }
            bodyIsFileEnd = true
        case 1: body = try string()
        case let other: throw Failure(description: "\(other) is not a body tag")
        }
        let bodyLineOffset = try int()
        let sourceHash = try fixed()
        return Page(relativePath: relativePath, displayPath: displayPath, kind: kind, section: section, url: url,
                    frontMatter: frontMatter, body: body, bodyLineOffset: bodyLineOffset, sourceHash: sourceHash,
                    bodyInFile: leftIn.map { BodyInFile(path: $0.path, displayPath: displayPath, length: $0.length,
                                                        sourceHash: sourceHash) })
    }

    mutating func frontMatter(_ file: String) throws -> FrontMatter {
        FrontMatter(
            title: try string(),
            description: try optional { try $0.string() },
            date: try optional { try $0.day() },
            updated: try optional { try $0.day() },
            reviewed: try optional { reader in
                Review(date: try reader.day(), by: try reader.string(), against: try reader.string())
            },
            reviewedLocation: try optional { try $0.location(file) },
            sources: try list { reader in
                SourceReference(
                    title: try reader.string(),
                    publishers: try reader.list { try $0.located(file) },
                    date: try reader.optional { reader in
                        guard let date = DatasetDate(try reader.string()) else { throw Failure(description: "not a date") }
                        return date
                    },
                    read: try reader.optional { try $0.day() },
                    url: try reader.optional { try $0.string() },
                    section: try reader.optional { try $0.string() })
            },
            tags: try list { try $0.string() },
            weight: try optional { try $0.int() },
            draft: try bool(),
            slug: try optional { try $0.located(file) },
            aliases: try list { try $0.located(file) },
            layout: try optional { try $0.located(file) },
            group: try optional { try $0.string() },
            faq: try optional { reader in
                FAQFields(question: try reader.string(), category: try reader.optional { try $0.string() },
                          related: try reader.list { try $0.located(file) },
                          mostAsked: try reader.list { try $0.located(file) })
            },
            report: try optional { reader in
                ReportFields(region: try reader.optional { try $0.string() }, period: try reader.optional { try $0.string() },
                             owners: try reader.list { try $0.string() }, budgetSEK: try reader.optional { try $0.int() },
                             kind: try reader.optional { try $0.string() }, status: try reader.optional { try $0.string() })
            })
    }

    mutating func analysed(_ page: Page) throws -> IncrementalPageMemory.Analysed {
        let file = page.displayPath
        let key = try fixed()
        let diagnostics = try list { try $0.diagnostic(file) }
        let headings = try list { reader in
            Heading(level: try reader.int(), text: try reader.string(), id: try reader.string(),
                    location: try reader.location(file))
        }
        let leadHeadingCount = try int()
        let links = try list { reader in
            LinkReference(destination: try reader.string(), target: try reader.target(), isImage: try reader.bool(),
                          location: try reader.location(file))
        }
        let wordCount = try int()
        let answer = try string()
        let readability = Readability(words: try int(), sentences: try int(), longWords: try int())
        let summary = try string()
        let packed = Array(try raw(try count()))
        let length = try int()
        guard let kind = SearchIndex.Kind(rawValue: Int(try byte())) else { throw Failure(description: "not a search kind") }
        let analysis = try SearchIndex.Analysis(validating: packed, length: length, kind: kind)
        let parsed = ParsedPage(page: page, headings: headings, leadHeadingCount: leadHeadingCount, links: links,
                                wordCount: wordCount, answer: answer, readability: readability, summary: summary)
        return IncrementalPageMemory.Analysed(key: key, rendered: parsed, analysis: analysis, diagnostics: diagnostics)
    }

    mutating func target() throws -> SiteLinks.Target {
        switch try byte() {
        case 0:
            let url = try string()
            return .page(url: url, fragment: try optional { try $0.string() })
        case 1: return .asset(url: try string())
        case 2: return .samePage(fragment: try string())
        case 3:
            let path = try string()
            return .siteURL(path: path, fragment: try optional { try $0.string() })
        case 4: return .missing(path: try string())
        case 5: return .external
        case 6: return .unsafe
        case let other: throw Failure(description: "\(other) is not a link target")
        }
    }
}

/// A page's body left at the end of its file (`Page.bodyInFile`): the page came from the page store for a file
/// whose stamp said it was unchanged, so nothing read the file. `read` reads it when a stage needs the body, and
/// refuses bytes other than those the page was made from (the file changed during the build).
final class BodyInFile: Sendable {
    let path: String
    let displayPath: String
    /// The body's length in bytes: the end of the file.
    let length: Int
    /// XXH64 of the file's bytes the page was made from (`Page.sourceHash`).
    let sourceHash: UInt64
    private let changed = Locked(false)

    init(path: String, displayPath: String, length: Int, sourceHash: UInt64) {
        self.path = path
        self.displayPath = displayPath
        self.length = length
        self.sourceHash = sourceHash
    }

    struct Changed: Error, CustomStringConvertible {
        let displayPath: String
        var description: String { "\(displayPath) changed while it was built; build again" }
    }

    /// Whether a `read` found other bytes than those the page was made from.
    var changedDuringBuild: Bool { changed.withLock { $0 } }

    /// The body, from the file's bytes; throws `Changed` when they are not the bytes the page was made from.
    func read() throws -> String {
        InputFiles.counts.withLock { counts in counts?[path, default: 0] += 1 }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        guard data.count >= length, data.withUnsafeBytes({ XXH64.hash($0) }) == sourceHash else {
            changed.withLock { $0 = true }
            throw Changed(displayPath: displayPath)
        }
        return data.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[($0.count - length)...]), as: UTF8.self) }
    }
}

extension Page {
    /// The page with its body, read from its file when it was left there (`bodyInFile`).
    func withBody() throws -> Page {
        guard body.isEmpty, let bodyInFile else { return self }
        var page = self
        page.body = try bodyInFile.read()
        return page
    }
}
