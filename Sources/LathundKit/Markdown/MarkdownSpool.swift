import Foundation

/// Each page's HTML and plain text from the Markdown stage, kept until the Output stage writes the page, in a
/// temporary file without a name: the Markdown is parsed once, and the build's memory does not grow with the content
/// (what was written is the kernel's page cache, and it is read back with `pread`, not mapped). The file is
/// removed from its folder as soon as it is made, so nothing is left behind, even by a build that is killed.
///
/// Pages that are not in the spool (a page the serve's page memory answered) are rendered again
/// (`PageMarkdown.output`). Those in it are never rendered again, so their Markdown need not stay in memory either:
/// `dropBodies` empties it after the Markdown stage (100 000 pages: 619 MiB of Markdown).
final class MarkdownSpool: @unchecked Sendable {
    // @unchecked: `entries`, `pending`, `pendingStart` and `unwritten` are read and changed only while `lock` is
    // held; `descriptor` is set in `init`. A chunk is written (pwrite, no lock) at the offset it was given under the
    // lock, and stays in `unwritten`, where readers find it, until it is in the file.
    /// Where one page's text is in the file.
    struct Entry: Sendable {
        let offset: Int64
        let htmlCount: Int
        let textCount: Int
    }

    private let descriptor: Int32
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// The pages put since the last chunk was written: their bytes, from `pendingStart` in the file.
    private var pending: [UInt8] = []
    private var pendingStart: Int64 = 0
    /// Chunks taken out of `pending` that are not in the file (yet), by offset: being written, or kept in memory
    /// because they could not be written (a full disk), so that every page put can be got back.
    private var unwritten: [(offset: Int64, bytes: [UInt8])] = []
    /// The pages' bytes go to the file in chunks of at least this size: two small writes per page at unaligned
    /// offsets cost the kernel a page-cache look-up and the zeroing of a partly written block each (100 000 pages:
    /// about 5 % of a build's CPU).
    static let chunkSize = 1 << 20

    /// Nil when no temporary file can be made; the build then renders each page again when it writes it.
    convenience init?(folder: String = NSTemporaryDirectory()) {
        var template = Array(((folder.hasSuffix("/") ? folder : folder + "/") + "lathund-markdown.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.init(descriptor: descriptor)
    }

    /// A spool in a file open for reading and writing, which it closes.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// How many bytes the file holds.
    var fileSize: Int64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Keeps a page's HTML and plain text under its path. Always true: a chunk that cannot be written to the file
    /// is kept in memory instead.
    @discardableResult
    func put(_ relativePath: String, html: String, text: String) -> Bool {
        put(relativePath, html: Array(html.utf8), text: Array(text.utf8))
    }

    /// `put` with the HTML and the text as UTF-8 bytes (the Markdown stage's).
    @discardableResult
    func put(_ relativePath: String, html: [UInt8], text: [UInt8]) -> Bool {
        let chunk: (offset: Int64, bytes: [UInt8])? = lock.withLock {
            let offset = pendingStart + Int64(pending.count)
            pending.append(contentsOf: html)
            let htmlCount = html.count
            pending.append(contentsOf: text)
            let textCount = text.count
            entries[relativePath] = Entry(offset: offset, htmlCount: htmlCount, textCount: textCount)
            guard pending.count >= Self.chunkSize else { return nil }
            let chunk = (pendingStart, pending)
            unwritten.append(chunk)
            pendingStart += Int64(pending.count)
            pending = []
            pending.reserveCapacity(Self.chunkSize + Self.chunkSize / 8)
            return chunk
        }
        guard let (offset, bytes) = chunk else { return true }
        if bytes.withUnsafeBufferPointer({ write($0, at: offset) }) {
            lock.withLock { unwritten.removeAll { $0.offset == offset } }
        }
        return true
    }

    struct ReadError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot read back the HTML of \(path) from the build's temporary file: \(reason)" }
    }

    /// The HTML and plain text kept for a page, or nil when it is not kept. Throws when it is kept but cannot be
    /// read back (the page has no body left to render again). The HTML is the UTF-8 bytes of the `String` put, not
    /// checked again: it goes on as bytes into the page's file (`HTMLText`).
    func get(_ relativePath: String) throws -> (html: [UInt8], text: String)? {
        let (found, inMemory): (Entry?, (html: [UInt8], text: String)?) = lock.withLock {
            guard let entry = entries[relativePath] else { return (nil, nil) }
            if entry.offset >= pendingStart { return (entry, Self.page(entry, in: pending, from: pendingStart)) }
            let chunk = unwritten.first { entry.offset >= $0.offset && entry.offset < $0.offset + Int64($0.bytes.count) }
            return (entry, chunk.map { Self.page(entry, in: $0.bytes, from: $0.offset) })
        }
        guard let entry = found else { return nil }
        if let inMemory { return inMemory }
        guard let html = readBytes(entry.htmlCount, at: entry.offset),
              let text = read(entry.textCount, at: entry.offset + Int64(entry.htmlCount)) else {
            throw ReadError(path: relativePath, reason: String(cString: strerror(errno)))
        }
        return (html, text)
    }

    /// A page's HTML and text from bytes not in the file, which start at offset `start` of the file.
    private static func page(_ entry: Entry, in bytes: [UInt8], from start: Int64) -> (html: [UInt8], text: String) {
        bytes.withUnsafeBufferPointer { buffer in
            let html = Int(entry.offset - start), text = html + entry.htmlCount
            return (Array(buffer[html..<text]),
                    String(decoding: UnsafeBufferPointer(rebasing: buffer[text..<text + entry.textCount]), as: UTF8.self))
        }
    }

    /// Whether the spool keeps a page's HTML and plain text.
    func holds(_ relativePath: String) -> Bool {
        lock.withLock { entries[relativePath] != nil }
    }

    /// Empties the Markdown body of every page the spool keeps, in the Markdown stage's pages and in the pages its
    /// directives read: nothing renders those pages again (`PageMarkdown.output`). Pages not kept (taken from the
    /// serve's page memory, or not written) keep theirs, for the Output stage to render.
    func dropBodies(_ parsed: inout [ParsedPage], _ pages: inout [Page]) {
        let kept = lock.withLock { entries }
        for index in parsed.indices where !parsed[index].page.body.isEmpty && kept[parsed[index].page.relativePath] != nil {
            let old = parsed[index]
            var page = old.page
            page.body = ""
            parsed[index] = ParsedPage(page: page, headings: old.headings, leadHeadingCount: old.leadHeadingCount,
                                       links: old.links, wordCount: old.wordCount, answer: old.answer,
                                       readability: old.readability, summary: old.summary)
        }
        // Only a body still there is emptied: `pages` shares its storage with the Content stage's pages, so one write
        // copies all of them (10 000 pages: 6 MB and a retain of every field), and in `lathund build` the bodies were
        // taken out before (`PageBodies`).
        for index in pages.indices where !pages[index].body.isEmpty && kept[pages[index].relativePath] != nil {
            pages[index].body = ""
        }
    }

    private func write(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int64) -> Bool {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }

    private func readBytes(_ count: Int, at offset: Int64) -> [UInt8]? {
        guard count > 0 else { return [] }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count
            var done = 0
            while done < count {
                let read = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else { failed = true; initialized = 0; return }
                done += read
            }
        }
        return failed ? nil : bytes
    }

    private func read(_ count: Int, at offset: Int64) -> String? {
        guard count > 0 else { return "" }
        var failed = false
        let text = String(unsafeUninitializedCapacity: count) { buffer in
            var done = 0
            while done < count {
                let read = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else { failed = true; return 0 }
                done += read
            }
            return count
        }
        return failed ? nil : text
    }
}

/// The pages' Markdown bodies, taken out of the content's pages for the Markdown stage (`Pipeline`), so that each
/// one is freed as soon as its page is rendered and in the spool, not all at the stage's end (100 000 pages: 619 MiB
/// of Markdown, all alive until then, and the holes they left when freed together made the later stages' memory
/// larger than what they used).
final class PageBodies: @unchecked Sendable {
    // @unchecked: each slot is read and emptied only by the Markdown stage's worker that renders that page (one
    // per index, `Parallel.map`), or by one thread before the workers start; the storage never moves.
    private let storage: UnsafeMutableBufferPointer<String>

    /// Takes every page's body; the pages are left with empty ones.
    init(taking pages: inout [Page]) {
        storage = .allocate(capacity: pages.count)
        for index in pages.indices {
            (storage.baseAddress! + index).initialize(to: pages[index].body)
            pages[index].body = ""
        }
    }

    deinit {
        storage.baseAddress?.deinitialize(count: storage.count)
        storage.deallocate()
    }

    /// The body of the page at `index` of the pages it was taken from.
    func body(_ index: Int) -> String { storage[index] }

    /// Frees the body of the page at `index`: nothing reads it again.
    func release(_ index: Int) { storage[index] = "" }

    /// `pages` (whose bodies were taken) with the bodies back for the pages a directive reads the Markdown of:
    /// the pages the writing aid's examples quote (`WritingAidDirective`). No other directive reads another
    /// page's body.
    func directivePages(_ pages: [Page], writingAid: WritingAid?, links: SiteLinks) -> [Page] {
        guard let aid = writingAid else { return pages }
        var urls = Set<String>()
        for path in aid.examples.map(\.from) + aid.rules.map(\.link) {
            if case .page(let url, _) = links.resolve(path.value, from: aid.relativePath).target { urls.insert(url) }
        }
        var pages = pages
        for index in pages.indices where urls.contains(pages[index].url) {
            pages[index].body = body(index)
            // A body left in its file (`Page.bodyInFile`); one whose file changed stays empty, and the Markdown
            // stage reports it.
            if let read = try? pages[index].withBody() { pages[index] = read }
        }
        return pages
    }
}
