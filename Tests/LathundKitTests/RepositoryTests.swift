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
}

