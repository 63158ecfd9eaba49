import Foundation

/// Reads a Markdown file of `content/` for the Content stage, the one stage that reads pages' files (the Checks
/// stage takes what `ContentScan` found from it). Tests count the reads (`counting`) to show each file is read
/// once per build.
enum ContentFileReads {
    /// Reads by absolute path, while a test counts them (not nil).
    static let counts = Locked<[String: Int]?>(nil)

    static func read(_ path: String) -> Data? {
        counts.withLock { counts in counts?[path, default: 0] += 1 }
        return FileManager.default.contents(atPath: path)
    }
}
