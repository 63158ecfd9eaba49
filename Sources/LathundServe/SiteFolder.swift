import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Maps a request's raw (still percent-encoded) path onto a file of the served folder, and never onto
/// anything outside it: `..` and `.` segments, encoded slashes and backslashes, NUL and symlinks that
/// lead out are refused; hidden files (a segment starting with `.`) are not found.
public struct SiteFolder: Sendable {
    public let root: URL

    public enum Resolution: Equatable, Sendable {
        /// A regular file inside the folder, by its real path.
        case file(String)
        /// A folder requested without its slash: the path to redirect to (one `/` between segments, one at the end).
        case redirect(String)
        case notFound
        /// A path that tries to leave the folder.
        case forbidden
        /// Not a path at all (no leading `/`, broken percent-encoding).
        case badRequest
    }

    public init(root: URL) {
        self.root = root
    }

    public func resolve(rawPath: String) -> Resolution {
        guard rawPath.hasPrefix("/") else { return .badRequest }
        var segments: [String] = []
        /// The same segments as they came (still percent-encoded), for a redirect's `Location`.
        var rawSegments: [Substring] = []
        for raw in rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = String(raw).removingPercentEncoding else { return .badRequest }
            if segment == "." || segment == ".." || segment.contains("/") || segment.contains("\\")
                || segment.contains("\0") {
                return .forbidden
            }
            segments.append(segment)
            rawSegments.append(raw)
        }
        let wantsFolder = segments.last?.isEmpty ?? true
        segments.removeAll { $0.isEmpty }
        rawSegments.removeAll { $0.isEmpty }
        if segments.contains(where: { $0.hasPrefix(".") }) { return .notFound }

        guard let base = Self.realPath(root.path) else { return .notFound }
        let candidate = ([base] + segments).joined(separator: "/")
        var status = stat()
        guard stat(candidate, &status) == 0 else { return .notFound }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            guard wantsFolder else {
                // Made from the segments, never from the path as sent: `//regelverk` must not become
                // `Location: //regelverk/`, which a browser reads as the host `regelverk`.
                let location = "/" + rawSegments.joined(separator: "/") + "/"
                return exists(candidate + "/index.html") ? .redirect(location) : .notFound
            }
            return file(candidate + "/index.html", inside: base)
        }
        guard !wantsFolder else { return .notFound }
        return file(candidate, inside: base)
    }

    /// The real path of a regular file, when it lies inside the folder once every symlink is followed.
    private func file(_ path: String, inside base: String) -> Resolution {
        guard let real = Self.realPath(path) else { return .notFound }
        guard real.hasPrefix(base + "/") else { return .forbidden }
        var status = stat()
        guard stat(real, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return .notFound }
        return .file(real)
    }

    private func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
