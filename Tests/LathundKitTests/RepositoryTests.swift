import Foundation
import Testing
@testable import LathundKit

/// The repository stands on its own: a fresh clone, with nothing beside it, has everything its tests, scripts,
/// Makefile and documents use.
@Suite struct RepositoryTests {
    /// The repository's own files: everything under the package root but git's folder and what builds and tests write.
    static func repositoryFiles() -> [String] {
        let skipped: Set<String> = [".git", "site", "Tests/e2e/screenshots"]
        var result: [String] = []
        func walk(_ relative: String) {
            let folder = relative.isEmpty ? packageRoot : packageRoot.appendingPathComponent(relative)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
            for name in names.sorted() {
                let path = relative.isEmpty ? name : relative + "/" + name
                if skipped.contains(path) || name.hasPrefix(".build") || name.hasPrefix(".site.")
                    || name.hasPrefix(".lathund-") || name.hasPrefix("..lathund-") { continue }
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder) else { continue }
                if isFolder.boolValue { walk(path) } else { result.append(path) }
            }
        }
        walk("")
        return result
    }

    /// No test, script, Makefile target or document uses the folder that sat beside the first checkouts.
    @Test func nothingReadsOutsideTheRepository() throws {
        let files = Self.repositoryFiles()
        #expect(files.contains("Makefile") && files.contains("Tests/data/snowball-swedish/voc.txt"), "precondition: the walk sees the repository")
        let outside = ["../" + "shared", "/work/" + "shared"]
        var found: [String] = []
        for file in files {
            guard let text = try? String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8) else { continue }
            for needle in outside where text.contains(needle) { found.append("\(file): \(needle)") }
        }
        #expect(found.isEmpty, "reads outside the repository:\n\(found.joined(separator: "\n"))")
    }

    /// Builds are reproducible from a tag: Package.resolved is committed, pins every package Package.swift names,
    /// and the Makefile builds with exactly those pins.
    @Test func dependenciesArePinned() throws {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", packageRoot.path, "ls-files", "--error-unmatch", "Package.resolved"]
        git.standardOutput = FileHandle.nullDevice
        git.standardError = FileHandle.nullDevice
        try git.run()
        git.waitUntilExit()
        #expect(git.terminationStatus == 0, "Package.resolved is not committed (git add -f Package.resolved)")

        struct Resolved: Decodable {
            struct Pin: Decodable { let location: String; let state: [String: String] }
            let pins: [Pin]
        }
        let resolved = try JSONDecoder().decode(Resolved.self, from: Data(contentsOf: packageRoot.appendingPathComponent("Package.resolved")))
        func name(_ url: String) -> String {
            String(url.lowercased().split(separator: "/").last ?? "").replacingOccurrences(of: ".git", with: "")
        }
        let pinned = Set(resolved.pins.map { name($0.location) })
        let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let named = manifest.matches(of: /\.package\(url: "([^"]+)"/).map { name(String($0.output.1)) }
        #expect(!named.isEmpty)
        for package in named { #expect(pinned.contains(package), "\(package) has no pin in Package.resolved") }
        for pin in resolved.pins { #expect(pin.state["revision"]?.count == 40 && pin.state["version"] != nil, "\(pin.location)") }

        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("SWIFT_BUILD := $(SWIFT) build --force-resolved-versions"))
        #expect(!makefile.contains("\t$(SWIFT) build"), "every build in the Makefile goes through $(SWIFT_BUILD)")
    }

    // MARK: the shape of Sources/
    /// The Swift files of `Sources/`, relative to the package root.
    static func swiftSources() -> [String] {
        repositoryFiles().filter { $0.hasPrefix("Sources/") && $0.hasSuffix(".swift") }
    }

    /// One folder walker (issue 16): only `FileTree` lists folders, so the build cache, the stages, `lathund serve`
    /// and the output see folders one way.
    @Test func onlyFileTreeListsFolders() throws {
        let listing = ["contentsOfDirectory", "enumerator(", "subpathsOfDirectory", "subpaths(atPath", "opendir(",
                       "readdir(", "scandir(", "fts_open(", "glob("]
        var found: [String] = []
        for file in Self.swiftSources() where file != "Sources/LathundKit/Support/FileTree.swift" {
            for (number, line) in try Self.text(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !String(line).trimmingWhitespace().hasPrefix("//") {
                for call in listing where line.contains(call) { found.append("\(file):\(number + 1): \(call)") }
            }
        }
        #expect(found.isEmpty, "folders listed outside FileTree:\n\(found.joined(separator: "\n"))")
        #expect(try Self.text("Sources/LathundKit/Support/FileTree.swift").contains("contentsOfDirectory"))
    }

    /// No function in Sources/ is longer than 80 lines, from its keyword to its closing brace (issue 16): a longer
    /// one is split into named steps.
    @Test func noFunctionIsLongerThan80Lines() throws {
        var long: [String] = []
        for file in Self.swiftSources() {
            for function in SwiftFunctionScanner.functions(in: try Self.text(file)) where function.lines > 80 {
                long.append("\(file):\(function.line): \(function.name) has \(function.lines) lines")
            }
        }
        #expect(long.isEmpty, "functions longer than 80 lines:\n\(long.joined(separator: "\n"))")
        let counted = Self.swiftSources().reduce(0) { $0 + SwiftFunctionScanner.functions(in: (try? Self.text($1)) ?? "").count }
        #expect(counted > 500, "the scanner found only \(counted) functions in Sources/")
    }

    /// The scanner counts lines of code: braces in comments, strings (with interpolations) and regex literals are
    /// not code, a requirement without a body is no function, and a closure counts towards its function.
    @Test func functionScannerMeasuresBodies() {
        let long = (0..<81).map { _ in "        _ = 1\n" }.joined()
        let source = "protocol P {\n    func requirement()\n    var value: Int { get }\n}\n"  // lines 1-4
            + "struct A {\n"                                                                      // 5
            + "    func short() { let s = \"}}}\"; _ = s }\n"                                     // 6
            + "    init() {\n"                                                                    // 7
            + "        // }\n"                                                                    // 8
            + "        let r = #/[}]/#, q = [1].map { $0 }.filter({ /x}/.firstMatch(in: \"\\($0)\") == nil })\n"  // 9
            + "        let t = \"\"\"\n        }\n        \"\"\"\n"                                   // 10-12
            + "        /* { /* } */ { */\n"                                                       // 13
            + "        _ = (r, q, t, \"\\(1 + [2].map { $0 }[0])\", #\"}\\(\"#)\n"                // 14
            + "    }\n"                                                                           // 15
            + "    func long() {\n" + long + "    }\n"                                            // 16-98
            + "    static func == (lhs: A, rhs: A) -> Bool { true }\n"                            // 99
            + "}\n"
        let found = SwiftFunctionScanner.functions(in: source)
        #expect(found == [
            .init(name: "short", line: 6, lines: 1),
            .init(name: "init", line: 7, lines: 9),
            .init(name: "long", line: 16, lines: 83),
            .init(name: "==", line: 99, lines: 1),
        ], "\(found)")
    }

    /// Concurrency the compiler checks: the package builds in the Swift 6 language mode (tools version 6, no
    /// target set back to 5), so data races are compile errors, and every `@unchecked Sendable` or
    /// `nonisolated(unsafe)` in Sources/ says on the next line what guards it (`// @unchecked: …`).
    @Test func concurrencyIsCheckedOrSaysWhatGuardsIt() throws {
        let manifest = try Self.text("Package.swift")
        #expect(manifest.hasPrefix("// swift-tools-version:6"), "Package.swift must use tools version 6 (the Swift 6 language mode)")
        for setting in ["swiftLanguageMode", "swiftLanguageVersions", "strict-concurrency", "StrictConcurrency"] {
            #expect(!manifest.contains(setting), "Package.swift changes the language mode or the checking: \(setting)")
        }
        var bare: [String] = []
        for file in Self.swiftSources() {
            let lines = try Self.text(file).split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated()
            where (line.contains("@unchecked Sendable") || line.contains("nonisolated(unsafe)"))
                && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let next = number + 1 < lines.count ? lines[number + 1].trimmingCharacters(in: .whitespaces) : ""
                if !next.hasPrefix("// @unchecked:") { bare.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        #expect(bare.isEmpty, "unchecked without a '// @unchecked: what guards it' line after it:\n\(bare.joined(separator: "\n"))")
    }

    // MARK: the README and docs/

    static func text(_ file: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
    }

    /// The README is for newcomers: short, the quick start first and within 60 lines, with the steps from a bare
    /// machine to a preview and where publishing is described; the reference lives in docs/.
    @Test func readmeOpensWithAShortQuickStart() throws {
        let readme = try Self.text("README.md")
        #expect(readme.utf8.count <= 12 * 1024, "README.md is \(readme.utf8.count) bytes; move reference to docs/")
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let headings = lines.indices.filter { lines[$0].hasPrefix("## ") }
        let start = try #require(headings.first)
        #expect(lines[start] == "## Quick start", "the first section is the quick start, not \(lines[start])")
        let end = headings.dropFirst().first ?? lines.count
        #expect(end - start <= 60, "the quick start is \(end - start) lines")
        let quickStart = lines[start..<end].joined(separator: "\n")
        for step in ["swift.org/install", "Debian 12", "make site", "make test", "minutes", "lathund serve", "lathund new",
                     "make install", ".build/release/lathund", "base_url", "docs/publishing.md"] {
            #expect(quickStart.contains(step), "the quick start does not mention \(step)")
        }
    }

    /// Every relative link in the README, docs/ and the other guides leads to a file that exists, and to a heading
    /// that exists when it names one (GitHub's anchors: lower case, punctuation dropped, spaces → -).
    @Test func documentationLinksResolve() throws {
        let documents = ["README.md", "content/README.md", "content/data/README.md", "layouts/README.md", "Tests/data/README.md",
                         "Tests/e2e/README.md", "Benchmarks/README.md"]
            + (try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path))
                .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        #expect(documents.count >= 20)
        func anchors(_ markdown: String) -> Set<String> {
            var result = Set<String>()
            var fenced = false
            for line in markdown.split(separator: "\n") {
                if line.hasPrefix("```") { fenced.toggle() }
                guard !fenced, line.hasPrefix("#") else { continue }
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
                result.insert(String(title.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == " " || $0 == "_" })
                    .replacingOccurrences(of: " ", with: "-"))
            }
            return result
        }
        var broken: [String] = []
        for document in documents {
            let folder = document.split(separator: "/").dropLast().joined(separator: "/")
            // Links as Markdown renders them: examples in code blocks and `code` are not links.
            var prose = ""
            var fenced = false
            for line in try Self.text(document).split(separator: "\n", omittingEmptySubsequences: false) {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
                if !fenced { prose += line.replacing(/`[^`]*`/, with: "") + "\n" }
            }
            for match in prose.matches(of: /\]\(([^)\s]+)\)/) {
                let target = String(match.output.1)
                if target.contains("://") || target.hasPrefix("mailto:") || target.hasPrefix("#") { continue }
                let parts = target.split(separator: "#", maxSplits: 1).map(String.init)
                var components: [Substring] = []
                for component in (folder + "/" + parts[0]).split(separator: "/") where component != "." {
                    if component == "..", !components.isEmpty { components.removeLast() } else { components.append(component) }
                }
                let relative = components.joined(separator: "/")
                if relative.isEmpty { continue }
                guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(relative).path) else {
                    broken.append("\(document): \(target)"); continue
                }
                if parts.count == 2, relative.hasSuffix(".md"), !anchors(try Self.text(relative)).contains(parts[1]) {
                    broken.append("\(document): \(target) (no such heading)")
                }
            }
        }
        #expect(broken.isEmpty, "broken links:\n\(broken.joined(separator: "\n"))")
    }

    /// The example output in the README and docs/command-line.md is what building this repository's site prints.
    @Test func readmeExampleOutputIsTheRealSite() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = BuildOptions(projectRoot: packageRoot)
        options.outputDirectory = output.path
        let result = try Builder(options: options).build()
        #expect(result.succeeded)
        let real = "Built \(result.pageCount) pages, \(result.assetCount) assets, 0 warnings"
        for file in ["README.md", "docs/command-line.md"] {
            let examples = try Self.text(file).matches(of: /Built \d+ pages, \d+ assets, \d+ warnings/).map { String($0.output) }
            #expect(!examples.isEmpty, "\(file) shows no example output")
            for example in examples { #expect(example == real, "\(file) says '\(example)'; building the site prints '\(real)'") }
        }
    }
}
