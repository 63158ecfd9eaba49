import Foundation
import Testing
@testable import LathundKit

/// Runs the real `lathund` binary built beside the tests.
struct CLI {
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lathund")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/lathund")
    }

    /// Runs `lathund ARGUMENTS` in `folder`. `build`, `check` and `new` run on `TestSite.today` unless the
    /// arguments name a day with `--today`: no test reads the real clock.
    static func run(_ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        var arguments = arguments
        if let command = arguments.first, ["build", "check", "new"].contains(command), !arguments.contains("--today") {
            arguments += ["--today", TestSite.today.description]
        }
        return try run(binary, arguments, in: folder)
    }

    /// Runs a program and reads its standard output and error at the same time, each on a thread of its own: a
    /// program that fills one pipe (64 KB) while the reader waits on the other would never finish.
    static func run(_ executable: URL, _ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = PipeReader(out.fileHandleForReading), errData = PipeReader(err.fileHandleForReading)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData.wait(), as: UTF8.self),
                String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

@Suite struct CommandLineTests {
    @Test func exitCodesAndSummary() throws {
        let site = try TestSite(files: ["a.md": page("A", "[x](saknas.md)")])
        defer { site.cleanUp() }
        let built = try CLI.run(["build", "--jobs", "2"], in: site.root)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.hasPrefix("Built 4 pages, 1 asset, 1 warning in "), "a, 404, sok and andringar; one of a kind is singular")
        #expect(built.stdout.hasSuffix(" s → site/\n"))
        #expect(built.stderr.contains("content/a.md:4:1: warning: link 'saknas.md' names no page or file in content/ [broken-link]"))

        let strict = try CLI.run(["build", "--strict", "--quiet"], in: site.root)
        #expect(strict.status == 1)
        #expect(strict.stdout.isEmpty)
        #expect(strict.stderr.contains("content/a.md:4:1: error: link 'saknas.md'"))
        let failed = try CLI.run(["build", "--strict"], in: site.root)
        #expect(failed.stdout.hasPrefix("Build failed: 4 pages, 1 asset, 0 warnings, 1 error in "), "\(failed.stdout)")

        let usage = try CLI.run(["build", "--jobs", "0"], in: site.root)
        #expect(usage.status == 2)
        let unknownFlag = try CLI.run(["build", "--fast"], in: site.root)
        #expect(unknownFlag.status == 2)
        let badConfig = try CLI.run(["build", "--config", "saknas.yml"], in: site.root)
        #expect(badConfig.status == 2)
        #expect(badConfig.stderr.contains("saknas.yml: error: cannot read the file"))
        let overlap = try CLI.run(["build", "--output", "content"], in: site.root)
        #expect(overlap.status == 2)
    }

    /// Standard error and output are read together: a build that prints more than a pipe holds (64 KB) of
    /// warnings before its summary line finishes, and every line arrives.
    @Test(.timeLimit(.minutes(2))) func aLongStandardErrorIsReadWhileTheBuildRuns() throws {
        let links = (0..<2_000).map { "[länk \($0)](saknas-\($0).md)" }.joined(separator: "\n\n")
        let site = try TestSite(files: ["a.md": page("A", links)])
        defer { site.cleanUp() }
        let built = try CLI.run(["build", "--jobs", "2"], in: site.root)
        #expect(built.status == 0)
        #expect(built.stderr.utf8.count > 128 * 1_024)
        #expect(built.stderr.split(separator: "\n").count == 2_000)
        #expect(built.stdout.hasPrefix("Built 4 pages, 1 asset, 2000 warnings in "))
    }

    @Test func checkPrintsDiagnosticsAndWritesNothing() throws {
        let site = try TestSite(files: ["a.md": "---\ntitle: A\ndate: 2026-13-01\n---\n"])
        defer { site.cleanUp() }
        let checked = try CLI.run(["check"], in: site.root)
        #expect(checked.status == 1)
        #expect(checked.stderr.contains("content/a.md:3:7: error: 'date' is '2026-13-01', not a valid date ÅÅÅÅ-MM-DD [bad-date]"))
        #expect(checked.stdout.hasPrefix("Check failed:"))
        #expect(!site.exists("site"))
    }

    @Test func checkPrintsLIXPerPage() throws {
        let site = try TestSite(files: ["b.md": page("B", "Ett två tre. Fyra fem sex."), "a.md": page("A", "Försäkringskassan.")])
        defer { site.cleanUp() }
        let checked = try CLI.run(["check"], in: site.root)
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.hasPrefix("content/a.md: LIX 101 (mycket svår), 1 ord\ncontent/b.md: LIX 3 (mycket lättläst), 6 ord\nChecked "))
        #expect(try CLI.run(["check", "--quiet"], in: site.root).stdout.isEmpty)
        #expect(try CLI.run(["check", "--today", "2026-13-01"], in: site.root).status == 2)
    }

    @Test func reportIsWritten() throws {
        let site = try TestSite(files: ["a.md": page("A", "Ett två tre.", extra: "reviewed: { date: 2025-01-01, by: Redaktionen, against: källorna nedan }\n"
                                                      + "sources: [{ title: Vägledning, publisher: Försäkringskassan, date: 2015 }]\n"),
                                        "b.md": "---\ntitle: B\nfärg: röd\n---\n"],
                                config: TestSite.config + "review: { default: 12 }\n")
        defer { site.cleanUp() }
        let run = try CLI.run(["build", "--report", "rapport.json", "--content", "content", "--layouts", "layouts", "--output", "ut", "--base-url", "https://r.example/", "--today", "2026-11-23"], in: site.root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(site.exists("ut/a/index.html"))
        let data = try #require(try? Data(contentsOf: site.root.appendingPathComponent("rapport.json")))
        let report = try JSONDecoder().decode(BuildReport.self, from: data)
        #expect(report.succeeded)
        #expect(report.warnings.map(\.code) == ["review-overdue", "unknown-key"])
        #expect(report.warnings.first?.location == SourceLocation(file: "content/a.md", line: 3, column: 1))
        let a = try #require(report.pages.first { $0.url == "/a/" })
        #expect(a.words == 3)
        #expect(a.lix == 3.0 && a.lixBand == "mycket lättläst" && a.sentences == 1 && a.longWords == 0)
        #expect(a.reviewed == "2025-01-01")
        #expect(a.reviewedBy == "Redaktionen" && a.reviewedAgainst == "källorna nedan")
        #expect(report.oldSources == [OldSources(file: "content/a.md", url: "/a/", newest: "2015", undated: 0, limitYears: 3)])
        #expect(report.overdueReviews.map(\.file) == ["content/a.md"])
        #expect(report.overdueReviews.first?.due == "2026-01-01")
        #expect(report.timings.map(\.stage) == ["config", "cache", "content", "data", "markdown", "checks", "indexes", "render-plan", "output"])
        #expect(site.read("ut/sitemap.xml")?.contains("https://r.example/a/") == true)
    }
}
