import Foundation

/// The bytes of a build's input files, each read from disk once per build (issue 16): `lathund.yml`, the
/// files of `content/` (pages, datasets, the glossary, the synonyms, the writing aid's rules, other files) and
/// of `layouts/` (templates, assets). The build cache's fingerprint reads them first and every stage after it
/// takes the same bytes from here, so a build is made from the bytes it fingerprinted; without a cache the
/// first stage that needs a file reads it. One per build (`BuildSetup.inputs`); tests count the reads
/// (`counts`, ContentReadTests).
final class InputFiles: Sendable {
    /// Reads from disk by absolute path, while a test counts them (not nil).
    static let counts = Locked<[String: Int]?>(nil)
    private let read = Locked<[String: Data]>([:])

    /// The file's bytes: read the first time, then from memory.
    func data(_ path: String) throws -> Data {
        if let data = read.withLock({ $0[path] }) { return data }
        Self.counts.withLock { counts in counts?[path, default: 0] += 1 }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        read.withLock { $0[path] = data }
        return data
    }

    /// Frees the bytes of files no later stage reads (one that did would read the file again).
    func forget(_ paths: [String]) {
        read.withLock { read in
            for path in paths { read[path] = nil }
        }
    }

    /// XXH64 of the file's bytes; a file that cannot be read hashes as its error.
    func hash(_ path: String) -> UInt64 {
        do {
            return try data(path).withUnsafeBytes { XXH64.hash($0) }
        } catch {
            return XXH64.hash("unreadable \(error)")
        }
    }
}
