import Foundation
import Testing
@testable import LathundKit

/// Change dates from git (issue 17): one `git log` per build gives each page's "Senast ändrad", `/andringar/`,
/// the feed and the sitemap; a new commit is a change for the build cache and the page memory; without git the
/// dates come from `updated:` (else `date:`).
@Suite struct GitDatesTests {
    static let layouts = TestSite.layouts.merging([
        "page.mustache": "{{<base}}{{$main}}<main><h1>{{page.title}}</h1>{{#page.changed}}<p>Senast ändrad {{page.changed}}</p>{{/page.changed}}{{{page.content}}}</main>{{/main}}{{/base}}\n",
        "changes.mustache": "{{<base}}{{$main}}<ol>{{#changes}}<li>{{date}} <a href=\"{{url}}\">{{title}}</a> {{summary}}</li>\n{{/changes}}</ol>{{/main}}{{/base}}\n",
    ]) { $1 }

    /// Runs git in the test site, with the commit's time for both author and committer.
    @discardableResult
    static func git(_ arguments: [String], in site: TestSite, at time: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Redaktionen", "-c", "user.email=redaktionen@example.invalid",
                             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments
        process.currentDirectoryURL = site.root
        var environment = ProcessInfo.processInfo.environment
        if let time { environment["GIT_AUTHOR_DATE"] = time; environment["GIT_COMMITTER_DATE"] = time }
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GitFailed(output: text) }
        return text
    }

    struct GitFailed: Error { let output: String }

    /// Commits with `message` (a subject, then an optional body after a blank line).
    static func commit(_ site: TestSite, _ message: String, at time: String, paths: [String] = ["content"]) throws {
        try git(["add", "-A"] + paths, in: site)
        try git(["commit", "-q", "-m", message], in: site, at: time)
    }

    static func files() -> [String: String] {
        ["_index.md": page("Start", "Hem."),
         "a.md": page("Karens", "Karensavdraget.\n\nFörsta texten.", extra: "updated: 2025-05-05\n"),
         "b.md": page("SGI", "Text om SGI."),
         "c.md": page("Utkast", "Inte incheckad.", extra: "date: 2024-04-04\n")]
    }

    /// The test's temporary repository: two commits, the second touching one page; then a third that commits a
    /// file whose bytes the previous build already had, which only the history can tell.
    @Test func pagesChangesFeedAndIncrementalBuildFollowTheCommits() throws {
        let site = try TestSite(files: Self.files(), layouts: Self.layouts)
        defer { site.cleanUp() }
        try site.remove("content/c.md")
        try Self.git(["init", "-q"], in: site)
        try Self.commit(site, "Första versionen av kunskapsbanken", at: "2026-01-10T12:00:00+01:00")
        try site.write("content/c.md", page("Utkast", "Inte incheckad.", extra: "date: 2024-04-04\n"))

        let first = try site.build()
        #expect(first.succeeded, "\(first.diagnostics)")
        #expect(site.read("site/a/index.html")?.contains("Senast ändrad 2026-01-10") == true, "git wins over updated:")
        #expect(site.read("site/c/index.html")?.contains("Senast ändrad 2024-04-04") == true, "not committed: date:")
        #expect(first.latestChanges.map(\.url) == ["/", "/a/", "/b/"])

        // The second commit changes a.md, late in the evening UTC: already the next day in Sweden.
        try site.write("content/a.md", page("Karens", "Karensavdraget.\n\nRättad text.", extra: "updated: 2025-05-05\n"))
        try Self.commit(site, "Fix karens text\n\nÄndring: Karensavdraget är rättat.", at: "2026-02-20T23:30:00+00:00", paths: ["content/a.md"])
        let second = try site.build()
        #expect(site.read("site/a/index.html")?.contains("Senast ändrad 2026-02-21") == true)
        #expect(site.read("site/b/index.html")?.contains("Senast ändrad 2026-01-10") == true)
        #expect(second.reusedPages > 0, "pages the commit did not touch are reused")
        let changes = try #require(site.read("site/andringar/index.html"))
        #expect(changes.contains("<li>2026-02-21 <a href=\"/a/\">Karens</a> Karensavdraget är rättat.</li>\n<li>2026-01-10 <a href=\"/\">Start</a> Ny sida.</li>"))
        #expect(second.latestChanges.first == PageChange(date: "2026-02-21", file: "content/a.md", url: "/a/", title: "Karens",
                                                         summary: "Karensavdraget är rättat.", subject: "Fix karens text",
                                                         commit: second.latestChanges.first?.commit))
        let feed = try #require(site.read("site/feed.xml"))
        #expect(feed.contains("<updated>2026-02-21T00:00:00Z</updated>\n    <summary>Karensavdraget.</summary>"))
        #expect(site.read("site/sitemap.xml")?.contains("<loc>https://test.example/a/</loc><lastmod>2026-02-21</lastmod>") == true)

        // Commit c.md as it was built: no file changed since the last build, only the history.
        let memory = IncrementalPageMemory()
        _ = try site.build { $0.pageMemory = memory; $0.useCache = false }
        try Self.commit(site, "Utkastet checkas in", at: "2026-03-03T09:00:00+01:00")
        let third = try site.build { $0.pageMemory = memory }
        #expect(third.timings.map(\.stage).contains("content"), "the cache saw the commit and built")
        #expect(site.read("site/c/index.html")?.contains("Senast ändrad 2026-03-03") == true)
        #expect(memory.lastCounts.loaded == 0, "the page memory kept every page: the date is not part of a page's bytes")
        let incremental = site.snapshot()
        let clean = try site.build { $0.useCache = false }
        #expect(clean.succeeded)
        #expect(site.snapshot() == incremental, "the incremental build equals a clean build")
    }

    /// The same commit builds the same bytes, in any output folder and any machine time zone.
    @Test func outputIsDeterministicForTheSameCommit() throws {
        let site = try TestSite(files: Self.files(), layouts: Self.layouts)
        defer { site.cleanUp() }
        try Self.git(["init", "-q"], in: site)
        try Self.commit(site, "Första versionen", at: "2026-01-10T12:00:00+01:00")
        // The day of the build is not written anywhere: only the commits' dates are.
        _ = try site.build { $0.outputDirectory = "ett"; $0.today = Day("2026-07-01")! }
        _ = try site.build { $0.outputDirectory = "två"; $0.useCache = false; $0.jobs = 1; $0.today = Day("2026-07-01")! }
        #expect(site.snapshot("ett") == site.snapshot("två"))
        #expect(!site.files("ett").values.contains { String(decoding: $0, as: UTF8.self).contains("2026-07-01") })
    }

    @Test func withoutGitDatesComeFromFrontMatter() throws {
        let site = try TestSite(files: Self.files(), layouts: Self.layouts)
        defer { site.cleanUp() }
        // Not a git checkout (a temporary folder), and git missing from PATH.
        #expect(ChangeHistory.read(contentDirectory: site.root.appendingPathComponent("content")) == nil)
        try Self.git(["init", "-q"], in: site)
        try Self.commit(site, "Första versionen", at: "2026-01-10T12:00:00+01:00")
        #expect(ChangeHistory.read(contentDirectory: site.root.appendingPathComponent("content"),
                                   environment: ["PATH": "/nonexistent"]) == nil)
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(".git"))

        let result = try site.build()
        #expect(site.read("site/a/index.html")?.contains("Senast ändrad 2025-05-05") == true)
        #expect(site.read("site/b/index.html")?.contains("Senast ändrad") == false)
        #expect(result.latestChanges.map(\.url) == ["/a/", "/c/"])
        #expect(result.latestChanges.allSatisfy { $0.summary == nil && $0.subject == nil && $0.commit == nil })
    }

    /// `/andringar/` tells readers what changed in the writer's words: the commit's `Ändring:` trailer. Without one
    /// it says "Ny sida." or "Sidan har uppdaterats.", never the commit's subject, which is a developer's message
    /// (often in English); a trailer with an internal label is not shown either.
    @Test func changeListShowsTheWritersLineNeverTheCommitSubject() throws {
        let site = try TestSite(files: Self.files(), layouts: Self.layouts)
        defer { site.cleanUp() }
        try Self.git(["init", "-q"], in: site)
        try Self.commit(site, "Initial import of the knowledge base", at: "2026-01-10T12:00:00+01:00")
        try site.write("content/a.md", page("Karens", "Karensavdraget.\n\nRättad text."))
        try Self.commit(site, "Fix karens wording (#12)\n\nSome detail for reviewers.\n\nändring:  Karensavdraget gäller från den första dagen.  ",
                        at: "2026-02-01T12:00:00+01:00", paths: ["content/a.md"])
        try site.write("content/b.md", page("SGI", "Ny text om SGI."))
        try Self.commit(site, "Refactor SGI page", at: "2026-02-02T12:00:00+01:00", paths: ["content/b.md"])
        try site.write("content/d.md", page("Ny", "En ny sida."))
        try site.write("content/b.md", page("SGI", "Tredje texten om SGI."))
        try Self.commit(site, "Add page d\n\nÄndring: Texten från seed 004 är omskriven.", at: "2026-02-03T12:00:00+01:00")

        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let lines = result.latestChanges.map { "\($0.url) \($0.summary ?? "nil")" }
        #expect(lines == ["/b/ Sidan har uppdaterats.", "/d/ Ny sida.", "/b/ Sidan har uppdaterats.",
                          "/a/ Karensavdraget gäller från den första dagen.",
                          "/ Ny sida.", "/a/ Ny sida.", "/b/ Ny sida.", "/c/ Ny sida."])
        #expect(result.latestChanges.map(\.subject).contains("Refactor SGI page"), "the editors' report keeps the subject")
        let html = try #require(site.read("site/andringar/index.html"))
        #expect(html.contains("<a href=\"/a/\">Karens</a> Karensavdraget gäller från den första dagen.</li>"))
        for developerText in ["Initial import", "Fix karens", "Refactor", "Add page", "reviewers", "seed"] {
            #expect(html.range(of: developerText, options: .caseInsensitive) == nil, "\(developerText) reached the readers")
        }
    }

    /// A commit subject naming an internal label is not shown; at most 30 changes are listed, newest first.
    @Test func changeListIsBoundedAndShowsNoInternalLabel() throws {
        var files: [String: String] = [:]
        for number in 1...35 { files[String(format: "sida-%02d.md", number)] = page("Sida \(number)", "Text.") }
        let site = try TestSite(files: files, layouts: Self.layouts)
        defer { site.cleanUp() }
        try Self.git(["init", "-q"], in: site)
        try Self.commit(site, "Alla sidor", at: "2026-01-10T12:00:00+01:00")
        try site.write("content/sida-07.md", page("Sida 7", "Ny text."))
        try Self.commit(site, "Text från seed 004 omskriven", at: "2026-01-11T12:00:00+01:00")
        let result = try site.build()
        #expect(result.latestChanges.count == 30)
        #expect(result.latestChanges.first?.url == "/sida-07/" && result.latestChanges.first?.subject == nil)
        #expect(result.latestChanges.dropFirst().allSatisfy { $0.subject == "Alla sidor" })
        #expect(site.read("site/andringar/index.html")?.range(of: "seed", options: .caseInsensitive) == nil)
    }
}

extension ChangeHistory: Equatable {
    public static func == (lhs: ChangeHistory, rhs: ChangeHistory) -> Bool { lhs.commits == rhs.commits }
}
