import Foundation

/// One file of the site: text made when it is written, or a file copied.
/// Several files can be made together (a page and its search document share one Markdown rendering; the pages of
/// one search-document bundle are written together with it).
/// Files with a `key` (`IncrementalRenderKey`) are linked from the previous site when the previous build recorded the
/// same key for them.
struct OutputFile: Sendable {
    enum Source: Sendable {
        case texts(@Sendable () throws -> [String]), copy(String), bytes(Data)
        /// A page's files as UTF-8 bytes (its HTML is never a `String`: `HTMLText`).
        case pages(@Sendable () throws -> [[UInt8]])
        /// The pages of one search-document bundle and the bundle (`DocumentBundle`).
        case bundle(DocumentBundle)
    }
    let paths: [String]
    let source: Source
    var key: (@Sendable () -> UInt64)?
    /// How many pages these files are: counted in `reusedPages` when linked by their keys.
    var pages = 0

    init(_ paths: [String], key: @escaping @Sendable () -> UInt64, _ make: @escaping @Sendable () throws -> [[UInt8]]) {
        self.paths = paths
        source = .pages(make)
        self.key = key
        pages = 1
    }

    /// The pages of a bundle, then the bundle (`paths`: each page's HTML, then `search/doc/B.json`).
    init(_ bundle: DocumentBundle) {
        paths = bundle.pages.map(\.path) + [bundle.path]
        source = .bundle(bundle)
        pages = bundle.pages.count
    }

    /// A file that is not a page's, kept from the previous site when its `key` is the one recorded for it.
    init(_ path: String, key: @escaping @Sendable () -> UInt64, _ make: @escaping @Sendable () -> String) {
        paths = [path]
        source = .texts { [make()] }
        self.key = key
    }

    init(_ path: String, _ make: @escaping @Sendable () -> String) {
        paths = [path]
        source = .texts { [make()] }
    }

    init(_ paths: [String], _ make: @escaping @Sendable () -> [String]) {
        self.paths = paths
        source = .texts(make)
    }

    init(_ path: String, contents: Data) {
        paths = [path]
        source = .bytes(contents)
    }

    init(copying source: String, to path: String) {
        paths = [path]
        self.source = .copy(source)
    }
}

/// The pages whose search documents are in one bundle (`search/doc/B.json`, `SearchIndex.bundleFile`), and the
/// generated pages' documents that follow them in it. Each page has its render key (`IncrementalRenderKey`): a page
/// whose key is the one the previous build recorded for it is linked from the previous site without being rendered,
/// and its document's line is taken from the previous site's bundle, when that bundle's bytes are the ones the
/// previous build recorded (else the page is rendered). A bundle whose pages were all linked is linked too.
struct DocumentBundle: Sendable {
    struct Page: Sendable {
        /// The page's HTML file.
        let path: String
        let key: @Sendable () -> UInt64
        /// The page's HTML and its document's line (`SearchIndex.documentFile`).
        let make: @Sendable () throws -> (html: [UInt8], document: [UInt8])
    }
    /// `search/doc/B.json`.
    let path: String
    /// In document order: the bundle's first documents.
    let pages: [Page]
    /// The documents after the pages' (the generated pages' documents in it), in order.
    let generated: [SearchIndex.Document]

    /// The bundle's render key, from its pages' keys and its generated documents.
    static func key(pages keys: [UInt64], generated: [[UInt8]]) -> UInt64 {
        var chain = HashChain()
        chain.add(UInt64(keys.count))
        for key in keys { chain.add(key) }
        for line in generated { chain.add(XXH64.hash(line)) }
        return chain.value
    }

    /// The bundles of documents `0 ..< pages + generated` (`SearchIndex.documentsPerBundle` each): each with its
    /// range of page positions and of generated documents' offsets.
    static func ranges(pages: Int, generated: Int) -> [(bundle: Int, pages: Range<Int>, generated: Range<Int>)] {
        let size = SearchIndex.documentsPerBundle
        let total = pages + generated
        return stride(from: 0, to: total, by: size).map { start in
            let end = min(start + size, total)
            return (start / size, min(start, pages) ..< min(end, pages), max(start, pages) - pages ..< max(end, pages) - pages)
        }
    }
}
