import Foundation
import Testing
@testable import LathundKit

/// Broken and hostile inputs, one folder each under `Fixtures/hostile/`, built with the real binary over a
/// project whose previous build succeeded. A folder holds what replaces the project's files (`content/`,
/// `lathund.yml`, files in `layouts/`), optionally `symlinks.txt` (`content/PATH -> TARGET` per line) and
/// `args.txt` (extra flags), and `expected.txt`: `exit: N`, then every line the build prints on stderr.
/// A failed build must leave `site/` byte-identical; a build that succeeds must produce inert output.
/// `make update-golden` takes reviewed changes of the expected files (see `Golden`).
@Suite struct FixtureSuiteTests {
    static let folder = testsFolder.appendingPathComponent("Fixtures/hostile")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func thereAreAtLeast25Fixtures() {
        #expect(Self.names.count >= 25)
    }

    @Test(arguments: FixtureSuiteTests.names)
    func fixture(_ name: String) throws {
        let source = Self.folder.appendingPathComponent(name)
        let site = try TestSite(files: ["a.md": page("Gammal sida", "Den förra versionen.")])
        defer { site.cleanUp() }
        let previous = try CLI.run(["build", "--quiet"], in: site.root)
        #expect(previous.status == 0, "\(previous.stderr)")
        let before = site.snapshot()
        #expect(!before.isEmpty)

        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: source.appendingPathComponent("content").path) {
            try site.remove("content")
            try fileManager.copyItem(at: source.appendingPathComponent("content"), to: site.root.appendingPathComponent("content"))
        }
        if fileManager.fileExists(atPath: source.appendingPathComponent("lathund.yml").path) {
            try site.remove("lathund.yml")
            try fileManager.copyItem(at: source.appendingPathComponent("lathund.yml"), to: site.root.appendingPathComponent("lathund.yml"))
        }
        for (relative, data) in TestSite.files(of: source.appendingPathComponent("layouts")) {
            try site.write("layouts/" + relative, data)
        }
        if let links = try? String(contentsOf: source.appendingPathComponent("symlinks.txt"), encoding: .utf8) {
            for line in links.split(separator: "\n") {
                let parts = line.components(separatedBy: " -> ")
                try fileManager.createSymbolicLink(atPath: site.root.appendingPathComponent(parts[0]).path,
                                                   withDestinationPath: parts[1])
            }
        }
        let extra = (try? String(contentsOf: source.appendingPathComponent("args.txt"), encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).map(String.init) ?? []
        let run = try CLI.run(["build", "--quiet", "--jobs", "2", "--today", TestSite.today.description] + extra, in: site.root)
        let actual = "exit: \(run.status)\n" + run.stderr

        Golden.expect(Data(actual.utf8), equalsFile: "Fixtures/hostile/\(name)/expected.txt")
        #expect(!run.stderr.contains("Fatal error") && run.status <= 2, "\(name) crashed")

        if run.status != 0 {
            #expect(site.snapshot() == before, "\(name): site/ changed after a failed build")
        } else {
            let problems = InertOutput.problems(in: site.root.appendingPathComponent("site"))
            #expect(problems.isEmpty, "\(name): \(problems)")
            #expect(site.snapshot() != before, "\(name): the build succeeded, so site/ is the new version")
        }
        let staging = try fileManager.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".site.staging-") }
        #expect(staging.isEmpty)
    }
}
