import Foundation

/// One file of the site: text made when it is written, or a file copied.
/// Several files can be made together (a page and its search document share one Markdown rendering).
/// Files with a `key` (`IncrementalRenderKey`) are linked from the previous site when the previous build recorded the
/// same key for them.
struct OutputFile: Sendable {
    enum Source: Sendable {
        case texts(@Sendable () throws -> [String]), copy(String), bytes(Data)
        /// A page's files as UTF-8 bytes (its HTML is never a `String`: `HTMLText`).
        case pages(@Sendable () throws -> [[UInt8]])
    }
    let paths: [String]
    let source: Source
    var key: (@Sendable () -> UInt64)?
    /// A page's files: counted in `reusedPages` when linked by its key.
    var isPage = false

    init(_ paths: [String], key: @escaping @Sendable () -> UInt64, _ make: @escaping @Sendable () throws -> [[UInt8]]) {
        self.paths = paths
        source = .pages(make)
        self.key = key
        isPage = true
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
