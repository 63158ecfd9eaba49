import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Content stage's value: every page, the other files of `content/`, the glossary file and the writing aid's
/// rules file.
struct ContentCatalog: Sendable {
    var pages: [Page]
    var assets: [Asset]
    /// Absolute path of the glossary file, when present.
    var glossaryPath: String?
    /// Absolute path of the writing aid's rules file (`writing_aid:`), when present.
    var writingAidPath: String? = nil
    /// Absolute path of the synonyms file, when present.
    var synonymsPath: String?
    /// What `ContentScan` found in each page's file, by the page's path relative to `content/`.
    var scans: [String: [Diagnostic]] = [:]
}

/// The Content stage: walks `content/`, reads every Markdown file once, types its front matter and derives
/// its URL. Everything else becomes an asset.
struct ContentStage: Stage {
    static let name = "content"
    let contentDirectory: URL
    /// How `content/` is printed in diagnostics (`content`).
    let displayRoot: String
    let config: SiteConfig
    let includeDrafts: Bool
    let jobs: Int
    /// The last build's pages, when the process keeps them (`lathund serve`).
    var memory: IncrementalPageMemory? = nil
    var progress: (@Sendable (String, Int, Int) -> Void)? = nil
    /// Where the stage takes the files' bytes (the build cache's fingerprint read them, when there is a cache).
    var inputs = InputFiles()

    func run() -> Staged<ContentCatalog> {
        var diagnostics: [Diagnostic] = []
        var markdownFiles: [(relative: String, absolute: String)] = []
        var assets: [Asset] = []
        var glossaryPath: String?
        var writingAidPath: String?
        var synonymsPath: String?
        let tree = Self.tree(contentDirectory, exclude: config.exclude, inputs: inputs, jobs: jobs)
        diagnostics += self.diagnostics(tree)
        for file in tree.files {
            let (relative, absolute) = (file.relative, file.absolute)
            if relative == config.glossary {
                glossaryPath = absolute
            } else if relative == config.writingAid {
                writingAidPath = absolute
            } else if relative == config.synonyms {
                synonymsPath = absolute
            } else if relative.hasSuffix(".md") {
                markdownFiles.append((relative, absolute))
            } else {
                assets.append(Asset(relativePath: relative, displayPath: display(relative), absolutePath: absolute))
            }
        }
        let scan = ContentScan(allowed: config.personnummerAllow)
        // No later stage reads a page's file (the Checks stage has its scan): its bytes are let go as soon as its page
        // is made, so the files' bytes and the pages' bodies are not both whole in memory; those of a file that
        // links inside content/ make more than one page, after the last.
        var readers: [String: Int] = [:]
        readers.reserveCapacity(markdownFiles.count)
        for file in markdownFiles { readers[file.absolute, default: 0] += 1 }
        let readOnce = Set(readers.compactMap { $0.value == 1 ? $0.key : nil })
        memory?.reserve(markdownFiles.count)
        let results = Parallel.map(markdownFiles, jobs: jobs) { file in
            defer { if readOnce.contains(file.absolute) { inputs.forget([file.absolute]) } }
            return load(file, scan: scan)
        }
        inputs.forget(readers.keys.filter { !readOnce.contains($0) })
        var pages: [Page] = []
        var scans: [String: [Diagnostic]] = [:]
        var remembered: [String: IncrementalPageMemory.Loaded] = [:]
        var fresh = Set<String>()
        var parsed = Set<String>()
        // Sized once: these hold a value per page (10 000 pages), and `Loaded` is large to move when a table grows.
        pages.reserveCapacity(markdownFiles.count)
        scans.reserveCapacity(markdownFiles.count)
        if memory != nil {
            remembered.reserveCapacity(markdownFiles.count)
            parsed.reserveCapacity(markdownFiles.count)
        }
        for (file, (result, isNew)) in zip(markdownFiles, results) {
            guard let result else {
                diagnostics.append(.error(SourceLocation(file: display(file.relative)), .contentRead,
                                          "cannot read file"))
                continue
            }
            diagnostics += result.diagnostics
            if let page = result.page, includeDrafts || !page.frontMatter.draft {
                pages.append(page)
                scans[file.relative] = result.scan
                if memory != nil { parsed.insert(file.relative) }
            }
            if memory != nil {
                remembered[file.relative] = result
                if isNew { fresh.insert(file.relative) }
            }
        }
        memory?.keep(loaded: remembered, fresh: fresh, parsed: parsed)
        progress?(Self.name, pages.count, pages.count)
        if let name = config.writingAid, writingAidPath == nil {
            diagnostics.append(.error(SourceLocation(file: display(name)), .writingAidRead,
                                      "writing_aid: in lathund.yml names \(name), which is not in \(displayRoot)/"))
        }
        return Staged(ContentCatalog(pages: pages, assets: assets, glossaryPath: glossaryPath,
                                     writingAidPath: writingAidPath, synonymsPath: synonymsPath, scans: scans),
                      diagnostics)
    }

    func display(_ relative: String) -> String { displayRoot + "/" + relative }

    /// A Markdown file's Content result, and whether it was made anew (not taken from the page memory).
    func load(_ file: (relative: String, absolute: String), scan: ContentScan) -> (IncrementalPageMemory.Loaded?, Bool) {
        // The one read of the file in a build (ContentReadTests): by the build cache's fingerprint, else here;
        // none for a page the memory has, when the file's stamp is the one it had when it was read
        // (`InputFiles.stamps`: `lathund serve`, and `lathund build` with the stamps of the cache).
        let displayPath = display(file.relative)
        if let sourceHash = inputs.stampedHash(file.absolute) {
            let key = IncrementalPageMemory.contentKey(relativePath: file.relative, displayPath: displayPath,
                                                       sourceHash: sourceHash)
            if let remembered = memory?.loaded(file.relative, key: key, unread: file.absolute), remembered.scanKey == scan.key {
                return (remembered, false)
            }
        }
        guard let data = try? inputs.data(file.absolute) else { return (nil, false) }
        let sourceHash = data.withUnsafeBytes { XXH64.hash($0) }
        let key = IncrementalPageMemory.contentKey(relativePath: file.relative, displayPath: displayPath, sourceHash: sourceHash)
        if var remembered = memory?.loaded(file.relative, key: key, bytes: data) {
            if remembered.scanKey == scan.key { return (remembered, false) }
            remembered.scan = scan.diagnostics(in: [UInt8](data), file: displayPath)
            remembered.scanKey = scan.key
            return (remembered, true)
        }
        // One copy of the bytes for the page and the scan.
        let bytes = [UInt8](data)
        let page = loadPage(bytes, relative: file.relative, displayPath: displayPath, sourceHash: sourceHash)
        return (IncrementalPageMemory.Loaded(key: key, page: page.value, diagnostics: page.diagnostics,
                                             scan: scan.diagnostics(in: bytes, file: displayPath),
                                             scanKey: scan.key, bytes: data), true)
    }

    /// `content/` as the stages and the build cache's fingerprint see it: `exclude:` patterns left out, links
    /// followed while they stay inside the folder.
    static func tree(_ folder: URL, exclude: [String], inputs: InputFiles? = nil, jobs: Int = 1) -> FileTree.Walk {
        func walk() -> FileTree.Walk {
            FileTree.walk(root: folder.path, excluding: { name, relative in
                exclude.contains { pattern in
                    fnmatch(pattern, name, 0) == 0 || fnmatch(pattern, relative, FNM_PATHNAME) == 0
                }
            }, links: .insideRoot, jobs: jobs)
        }
        // Once per build: the build cache's fingerprint walks it first.
        guard let inputs else { return walk() }
        return inputs.walk(([folder.path] + exclude).joined(separator: "\u{0}"), make: walk)
    }

    /// The walk's problems as diagnostics, and a warning for each file that is neither a regular file nor a folder.
    private func diagnostics(_ tree: FileTree.Walk) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = tree.problems.map { problem in
            let location = SourceLocation(file: problem.relative.isEmpty ? displayRoot : display(problem.relative))
            switch problem.kind {
            case .unreadableFolder(let reason): return .error(location, .contentRead, "cannot read folder: \(reason)")
            case .linkOutside: return .error(location, .symlinkOutside, "symbolic link points outside the content folder; refused")
            case .brokenLink: return .error(location, .symlinkBroken, "symbolic link points to nothing")
            }
        }
        for entry in tree.entries where entry.kind == .other || entry.kind == .link {
            diagnostics.append(.warning(SourceLocation(file: display(entry.relative)), .contentSpecialFile,
                                        "not a regular file or folder; skipped"))
        }
        return diagnostics
    }

    /// Types one Markdown file's front matter and derives its URL.
    private func loadPage(_ bytes: [UInt8], relative: String, displayPath: String, sourceHash: UInt64) -> Staged<Page?> {
        let read = MarkdownSource.parse(bytes: bytes, relativePath: relative, displayPath: displayPath)
        guard let source = read.value else { return Staged(nil, read.diagnostics) }
        var components = relative.split(separator: "/").map(String.init)
        let fileName = components.removeLast()
        let section = components.first.map(Slug.make) ?? ""
        let parsed = FrontMatter.parse(yaml: source.frontMatter, file: displayPath, lineOffset: 1, section: section)
        var diagnostics = parsed.diagnostics
        guard let frontMatter = parsed.value else { return Staged(nil, diagnostics) }
        var urlComponents: [String] = []
        for folder in components {
            let slug = Slug.make(folder)
            if slug.isEmpty {
                diagnostics.append(.error(SourceLocation(file: displayPath), .badSlug,
                                          "folder name '\(folder)' gives an empty URL part"))
                return Staged(nil, diagnostics)
            }
            urlComponents.append(slug)
        }
        let kind: PageKind
        if fileName == "_index.md" {
            kind = components.isEmpty ? .home : .section
        } else {
            kind = .page
            var base = String(fileName.dropLast(3))
            var location = SourceLocation(file: displayPath)
            if let slug = frontMatter.slug {
                base = slug.value
                location = slug.location
                if slug.value.contains("/") || slug.value.contains("\\") || slug.value.contains("..") {
                    diagnostics.append(.error(location, .badSlug,
                                              "slug '\(slug.value)' must be one URL part, without '/' or '..'"))
                    return Staged(nil, diagnostics)
                }
            }
            let slug = Slug.make(base)
            if slug.isEmpty {
                diagnostics.append(.error(location, .badSlug, "'\(base)' gives an empty slug"))
                return Staged(nil, diagnostics)
            }
            urlComponents.append(slug)
        }
        let url = urlComponents.isEmpty ? "/" : "/" + urlComponents.joined(separator: "/") + "/"
        let page = Page(relativePath: relative, displayPath: displayPath, kind: kind, section: section, url: url,
                        frontMatter: frontMatter, body: source.body, bodyLineOffset: source.bodyLineOffset,
                        sourceHash: sourceHash)
        return Staged(page, diagnostics)
    }
}

extension ContentStage {
    init(setup: BuildSetup, options: BuildOptions) {
        inputs = setup.inputs
        contentDirectory = setup.contentURL
        displayRoot = setup.contentDisplay
        config = setup.config
        includeDrafts = options.includeDrafts
        jobs = setup.jobs
        memory = options.pageMemory
        progress = options.progress
    }
}
