import Foundation

/// Everything needed to turn a link written in content into a URL of the built site: which content paths
/// are pages (and their URLs), which are assets, and the base URL.
struct SiteLinks: Sendable {
    let pageURLs: [String: String]
    let assetPaths: Set<String>
    /// `/` or the base URL's path (`/kb/`).
    let basePath: String
    /// The absolute base URL ending in `/`.
    let baseURL: String

    init(pageURLs: [String: String], assetPaths: Set<String>, basePath: String, baseURL: String) {
        self.pageURLs = pageURLs
        self.assetPaths = assetPaths
        self.basePath = basePath
        self.baseURL = baseURL
    }

    /// A site-relative URL (`/regelverk/sgi/`) as an href that respects the base path (`/kb/regelverk/sgi/`).
    func href(_ siteURL: String) -> String {
        basePath == "/" ? siteURL : basePath + siteURL.dropFirst()
    }

    /// A site-relative URL as an absolute URL for feeds and sitemaps.
    func absolute(_ siteURL: String) -> String {
        baseURL + siteURL.dropFirst()
    }

    /// Where a link points, for rewriting and for the link check.
    enum Target: Sendable, Equatable {
        /// A page, by its URL, with an optional `#fragment`.
        case page(url: String, fragment: String?)
        /// An asset file by its site-relative URL.
        case asset(url: String)
        /// `#fragment` on the same page.
        case samePage(fragment: String)
        /// A URL on this site written with a leading `/`, checked against pages and assets later.
        case siteURL(path: String, fragment: String?)
        /// A relative path that names no page or asset.
        case missing(path: String)
        /// Another site or scheme; left alone.
        case external
        /// A backslash or a control character, as written or percent-encoded (`LinkSafety`): an error, and the
        /// href is emptied.
        case unsafe
    }

    /// Resolves `destination` written in the page at `relativePath` (`regelverk/sgi.md`).
    /// Returns the target and, for internal links, the href to write instead.
    func resolve(_ destination: String, from relativePath: String) -> (target: Target, href: String?) {
        let trimmed = destination.trimmingWhitespace()
        if LinkSafety.hasUnsafeCharacters(trimmed) { return (.unsafe, "") }
        if trimmed.isEmpty || Self.hasScheme(trimmed) || trimmed.hasPrefix("//") { return (.external, nil) }
        var rest = Substring(trimmed)
        // An ASCII destination (nearly every one) is searched and split by bytes: each byte is a `Character`, so the
        // result is the same, and `Character` look-ups were 2,8 % of a build's instructions.
        let ascii = trimmed.utf8.allSatisfy { $0 < 0x80 }
        var fragment: String?
        if let hash = ascii ? rest.utf8.firstIndex(of: UInt8(ascii: "#")) : rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query = ""
        if let mark = ascii ? rest.utf8.firstIndex(of: UInt8(ascii: "?")) : rest.firstIndex(of: "?") {
            query = String(rest[mark...])
            rest = rest[..<mark]
        }
        let suffix = query + (fragment.map { "#" + $0 } ?? "")
        // Foundation's decoding only for a path that has a `%` (it was 0,8 % of a build for links that have none).
        let path = rest.utf8.contains(UInt8(ascii: "%")) ? String(rest).removingPercentEncoding ?? String(rest) : String(rest)
        if LinkSafety.hasUnsafeCharacters(path) { return (.unsafe, "") }
        if path.isEmpty {
            return (fragment.map { .samePage(fragment: $0) } ?? .external, nil)
        }
        if path.hasPrefix("/") {
            return (.siteURL(path: path, fragment: fragment), href(path) + suffix)
        }
        let folder = Array(Self.split(relativePath, omittingEmpty: true).dropLast())
        guard let normalized = Self.normalize(folder + Self.split(path, omittingEmpty: false)) else {
            return (.missing(path: path), nil)
        }
        if let url = pageURLs[normalized] {
            return (.page(url: url, fragment: fragment), href(url) + suffix)
        }
        if assetPaths.contains(normalized) {
            return (.asset(url: "/" + normalized), href("/" + normalized) + suffix)
        }
        if normalized.hasSuffix("/") || normalized.isEmpty, let url = pageURLs[normalized + "_index.md"] {
            return (.page(url: url, fragment: fragment), href(url) + suffix)
        }
        return (.missing(path: path), nil)
    }

    static func hasScheme(_ text: String) -> Bool {
        var sawLetter = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z": sawLetter = true
            case "0"..."9", "+", "-", ".": if !sawLetter { return false }
            case ":": return sawLetter
            default: return false
            }
        }
        return false
    }

    /// `text` split at each `/` `Character`: by bytes when it is ASCII (each byte a `Character`), else by
    /// `Character`s (a `/` followed by a combining mark is no separator).
    static func split(_ text: String, omittingEmpty: Bool) -> [String] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.split(separator: "/", omittingEmptySubsequences: omittingEmpty).map(String.init)
        }
        return text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: omittingEmpty).map { String($0)! }
    }

    /// Joins path parts, resolving `.` and `..`; nil when the path climbs out of `content/`.
    static func normalize(_ parts: [String]) -> String? {
        var stack: [String] = []
        for (index, part) in parts.enumerated() {
            switch part {
            case ".": continue
            case "": if index == parts.count - 1 { stack.append("") }
            case "..":
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
            default: stack.append(part)
            }
        }
        return stack.joined(separator: "/")
    }
}
