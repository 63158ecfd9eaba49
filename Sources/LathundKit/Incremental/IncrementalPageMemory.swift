import Foundation

/// What the Content and Markdown stages made of each page, kept in memory from one build to the next by a
/// process that builds again and again (`lathund serve`). A build given the memory (`BuildOptions.pageMemory`)
/// reads every Markdown file, but types its front matter, parses its Markdown and analyses its words for
/// search only when the file or what its Markdown reads changed; for the other pages it takes the last build's
/// results. The memory then holds this build's results and nothing else.
///
/// Keys:
/// - Content stage: the file's path and the XXH64 of its bytes. A page is a function of those.
/// - Markdown stage: that, the page's URL, the renderer's options and directives, and what links and directives
///   in Markdown read (`IncrementalRenderKey.markdownInputs`: every page's URL, the content's other files, the datasets'
///   bytes, the FAQ index). This is the Markdown part of the render key; a directive that reads more of other
///   pages than that must not be registered (the render key has the same rule).
///
/// Results are the same as without the memory: `PageMemoryTests` compares every file and diagnostic with a
/// clean build after each kind of change.
public final class IncrementalPageMemory: Sendable {
    /// How many pages the last build typed (Content) and parsed and analysed (Markdown) again; the rest came
    /// from the memory.
    public struct Counts: Sendable, Equatable {
        public var loaded = 0
        public var analysed = 0
    }

    struct Loaded: Sendable {
        let key: UInt64
        let page: Page?
        let diagnostics: [Diagnostic]
    }

    struct Analysed: Sendable {
        let key: UInt64
        let rendered: ParsedPage
        let analysis: SearchIndex.Analysis
        let diagnostics: [Diagnostic]
    }

    private struct State: Sendable {
        var loaded: [String: Loaded] = [:]
        var analysed: [String: Analysed] = [:]
        var counts = Counts()
    }

    /// The builds that use the memory may run on different threads, one after the other.
    private let state = Locked(State())

    public init() {}

    /// What the last build redid.
    public var lastCounts: Counts { state.withLock { $0.counts } }

    func loaded(_ relativePath: String, key: UInt64) -> Loaded? {
        state.withLock { $0.loaded[relativePath].flatMap { $0.key == key ? $0 : nil } }
    }

    func analysed(_ relativePath: String, key: UInt64) -> Analysed? {
        state.withLock { $0.analysed[relativePath].flatMap { $0.key == key ? $0 : nil } }
    }

    /// Replaces the Content stage's results with this build's; `redone` of them were not in the memory.
    func keep(loaded entries: [String: Loaded], redone: Int) {
        state.withLock {
            $0.loaded = entries
            $0.counts = Counts(loaded: redone, analysed: 0)
        }
    }

    /// Replaces the Markdown stage's results with this build's; `redone` of them were not in the memory.
    func keep(analysed entries: [String: Analysed], redone: Int) {
        state.withLock {
            $0.analysed = entries
            $0.counts.analysed = redone
        }
    }

    /// The Content stage's key of a file.
    static func contentKey(relativePath: String, displayPath: String, sourceHash: UInt64) -> UInt64 {
        var chain = HashChain()
        chain.add(relativePath)
        chain.add(displayPath)
        chain.add(sourceHash)
        return chain.value
    }

    /// The Markdown stage's key of a page; `settings` is what else decides the rendering (options, directives).
    static func markdownKey(page: Page, markdownInputs: UInt64, settings: [String]) -> UInt64 {
        var chain = HashChain()
        chain.add(markdownInputs)
        for setting in settings { chain.add(setting) }
        chain.add(contentKey(relativePath: page.relativePath, displayPath: page.displayPath, sourceHash: page.sourceHash))
        chain.add(page.url)
        return chain.value
    }
}
