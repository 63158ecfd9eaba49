/// The one rule for addresses Lathund writes into `href` from configuration and content (sources, menu items,
/// aliases, links): no backslash and no control character anywhere, and, where only web addresses and site paths
/// belong, nothing else. Browsers read `/\host/` as `//host/` (another site) and drop tabs and line breaks from
/// URLs (`java<TAB>script:` is `javascript:`).
enum LinkSafety {
    /// True when `text` has a backslash or a control character (C0, DEL or C1).
    static func hasUnsafeCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\\" || $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// `https://…`, `http://…` or a path on this site (`/…`, never `//host`); never `javascript:`, `data:`, a
    /// backslash or a control character.
    static func isWebAddressOrSitePath(_ url: String) -> Bool {
        guard !hasUnsafeCharacters(url) else { return false }
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") || (url.hasPrefix("/") && !url.hasPrefix("//"))
    }

    /// Says what is wrong with `url` for a diagnostic, in the words of `what` ("source url", "menu url").
    static func problem(_ url: String, what: String) -> String {
        if hasUnsafeCharacters(url) {
            return "\(what) '\(shown(url))' has a backslash or a control character; browsers read '/\\host' as another site"
        }
        return "\(what) '\(url)' must start with https://, http:// or /"
    }

    /// `text` with control characters written as `\u{9}`, for messages.
    static func shown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
