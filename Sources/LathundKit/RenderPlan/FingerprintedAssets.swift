import Foundation

/// The layout assets (`layouts/assets/`) with a content hash in their names, so a web server can let browsers
/// cache them for a year: `style.css` is written as `assets/style.3f2a9c1e.css` (the first 8 hex digits of the
/// XXH64 of the bytes written). References between assets are rewritten to the fingerprinted names before
/// hashing, so a change in `search.js` also changes the name of `search-ui.js`, which imports it:
/// in `.js`, quoted relative specifiers (`"./search.js"`); in `.css`, `url(…)`. `assets/manifest.json` maps
/// each original name to its fingerprinted one for tools outside the browser (Node tests, benchmarks).
struct FingerprintedAssets {
    struct File {
        /// Path under `assets/` as in `layouts/assets/` (`style.css`, `fonts/x.woff2`).
        let name: String
        /// Path under `assets/` with the fingerprint (`style.3f2a9c1e.css`).
        let outputName: String
        let contents: Data
    }

    /// In the order of `names`' sorted keys.
    let files: [File]
    /// Original name → fingerprinted name, both relative to `assets/`.
    let outputNames: [String: String]

    static let empty = FingerprintedAssets(files: [], outputNames: [:])

    /// The JSON for `assets/manifest.json`: `{"search.js" : "search.1a2b3c4d.js", …}`, keys sorted.
    var manifest: String { JSONText.encoded(outputNames) }

    /// `name` with `hash` before its extension: `style.css` → `style.HASH.css`, `fonts/a.b.woff2` →
    /// `fonts/a.b.HASH.woff2`, `LICENSE` → `LICENSE.HASH`.
    static func fingerprintedName(_ name: String, hash: String) -> String {
        let slash = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        let file = name[slash...]
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return name + "." + hash }
        return String(name[..<dot]) + "." + hash + String(name[dot...])
    }

    /// The first 8 hex digits of the XXH64 of `data` in its canonical (big-endian) form, as `xxh64sum` prints it.
    /// A fingerprint only has to change when the bytes do; it is not a security measure.
    static func hash(_ data: Data) -> String {
        let top = data.withUnsafeBytes { XXH64.hash($0) } >> 32
        let digits = String(top, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Reads and fingerprints `files` (relative to `layouts/assets/`, absolute). An unreadable file or assets
    /// that reference each other in a cycle are errors at `displayRoot/NAME`.
    static func load(_ files: [(relative: String, absolute: String)], displayRoot: String,
                     inputs: InputFiles = InputFiles()) -> Staged<FingerprintedAssets> {
        var diagnostics: [Diagnostic] = []
        var sources: [String: Data] = [:]
        for file in files {
            if let data = try? inputs.data(file.absolute) {
                sources[file.relative] = data
            } else {
                diagnostics.append(.error(SourceLocation(file: displayRoot + "/" + file.relative), .assetRead,
                                          "cannot read layout asset"))
            }
        }
        var outputNames: [String: String] = [:]
        var outputs: [String: Data] = [:]
        var visiting: [String] = []
        var reportedCycle = false

        func resolve(_ name: String) {
            if outputNames[name] != nil { return }
            if let start = visiting.firstIndex(of: name) {
                if !reportedCycle {
                    let cycle = (visiting[start...] + [name]).joined(separator: " → ")
                    diagnostics.append(.error(SourceLocation(file: displayRoot + "/" + name), .assetCycle,
                                              "layout assets reference each other in a cycle (\(cycle)); a fingerprint needs the names it references first"))
                    reportedCycle = true
                }
                return
            }
            guard let data = sources[name] else { return }
            visiting.append(name)
            var contents = data
            if let rewriter = ReferenceRewriter(name: name), let text = String(data: data, encoding: .utf8) {
                let rewritten = rewriter.rewrite(text, known: Set(sources.keys)) { target in
                    resolve(target)
                    return outputNames[target]
                }
                contents = Data(rewritten.utf8)
            }
            visiting.removeLast()
            let outputName = fingerprintedName(name, hash: hash(contents))
            outputNames[name] = outputName
            outputs[name] = contents
        }
        for name in sources.keys.sorted() { resolve(name) }
        let list = outputNames.keys.sorted().map { File(name: $0, outputName: outputNames[$0]!, contents: outputs[$0]!) }
        return Staged(FingerprintedAssets(files: list, outputNames: outputNames), diagnostics)
    }

    /// Rewrites references from one text asset to the others.
    struct ReferenceRewriter {
        enum Kind { case script, stylesheet }
        let kind: Kind
        /// Folder of the asset under `assets/`, "" or ending in "/".
        let folder: String

        init?(name: String) {
            if name.hasSuffix(".js") || name.hasSuffix(".mjs") {
                kind = .script
            } else if name.hasSuffix(".css") {
                kind = .stylesheet
            } else {
                return nil
            }
            folder = name.lastIndex(of: "/").map { String(name[...$0]) } ?? ""
        }

        /// Replaces each reference to a known asset with the fingerprinted name `newName` gives, keeping the
        /// reference's form (`./x.js` → `./x.HASH.js`, `url(fonts/a.woff2)` → `url(fonts/a.HASH.woff2)`).
        func rewrite(_ text: String, known: Set<String>, newName: (String) -> String?) -> String {
            func replaced(_ reference: Substring) -> String? {
                let (path, suffix) = Self.splitSuffix(reference)
                guard let target = Self.resolve(path, in: folder), known.contains(target),
                      let output = newName(target) else { return nil }
                let newFile = String(output[(output.lastIndex(of: "/").map { output.index(after: $0) } ?? output.startIndex)...])
                let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
                return prefix + newFile + suffix
            }
            switch kind {
            case .script:
                return text.replacing(/(?<quote>["'])(?<path>\.{1,2}\/[^"'\s\\]+)\k<quote>/) { match in
                    guard let new = replaced(match.output.path) else { return String(match.output.0) }
                    return match.output.quote + new + match.output.quote
                }
            case .stylesheet:
                return text.replacing(/url\(\s*(?<quote>["']?)(?<path>[^"')\s]+)\k<quote>\s*\)/) { match in
                    guard let new = replaced(match.output.path) else { return String(match.output.0) }
                    return "url(" + match.output.quote + new + match.output.quote + ")"
                }
            }
        }

        /// `a.woff2?v=1#x` → (`a.woff2`, `?v=1#x`).
        static func splitSuffix(_ reference: Substring) -> (Substring, Substring) {
            guard let cut = reference.firstIndex(where: { $0 == "?" || $0 == "#" }) else {
                return (reference, reference[reference.endIndex...])
            }
            return (reference[..<cut], reference[cut...])
        }

        /// `../x.css` from folder `fonts/` → `x.css`; nil for URLs with a scheme, absolute paths or paths that
        /// leave `assets/`.
        static func resolve(_ path: Substring, in folder: String) -> String? {
            guard !path.isEmpty, !path.hasPrefix("/"), !path.contains(":") else { return nil }
            var parts = folder.split(separator: "/").map(String.init)
            for part in path.split(separator: "/", omittingEmptySubsequences: false) {
                switch part {
                case ".": continue
                case "..":
                    guard !parts.isEmpty else { return nil }
                    parts.removeLast()
                case "": return nil
                default: parts.append(String(part))
                }
            }
            return parts.joined(separator: "/")
        }
    }
}
