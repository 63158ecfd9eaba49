import Foundation
import Testing
@testable import LathundKit

@Suite struct NewPageTests {
    static let day = Day(year: 2026, month: 11, day: 23)!

    @Test func faqEntryHasQuestionCategoryAndFactKeys() throws {
        let entry = NewPage(kind: .faq, title: "Får jag \"sjukpenning\" när jag är arbetssökande?", category: "SGI", today: Self.day)
        #expect(try entry.relativePath() == "faq/far-jag-sjukpenning-nar-jag-ar-arbetssokande.md")
        let text = try entry.text()
        #expect(text.hasPrefix("---\ntitle: \"Får jag \\\"sjukpenning\\\" när jag är arbetssökande?\"\nquestion: \"Får jag \\\"sjukpenning\\\" när jag är arbetssökande?\"\ncategory: \"SGI\""))
        for line in ["related: []", "description: \"\"", "date: 2026-11-23",
                     "# reviewed: { date: 2026-11-23, by: \"Redaktionen\", against: \"källorna nedan\" }", "sources: []",
                     "tags: []", "draft: true"] {
            #expect(text.contains("\n" + line), "\(line)")
        }
        #expect(!text.contains("region:"))
        #expect(try NewPage(kind: .faq, title: "Vad är SGI?", today: Self.day).text().contains("category: \"Övrigt\""))
    }

    @Test func reportHasReportKeysAndPageHasNone() throws {
        let report = NewPage(kind: .report, title: "Samverkan i Timrå 2019", today: Self.day)
        #expect(try report.relativePath() == "rapporter/samverkan-i-timra-2019.md")
        let text = try report.text()
        for line in ["region: \"\"", "period: \"\"", "owners: []", "kind: \"projektrapport\"", "status: \"\"",
                     "# reviewed: { date: 2026-11-23, by: \"Redaktionen\", against: \"källorna nedan\" }",
                     "## Sammanfattning"] {
            #expect(text.contains("\n" + line), "\(line)")
        }
        #expect(!text.contains("question:"))

        let page = NewPage(kind: .page, title: "Rehabiliteringskedjan dag för dag", section: "regelverk", today: Self.day)
        #expect(try page.relativePath() == "regelverk/rehabiliteringskedjan-dag-for-dag.md")
        let pageText = try page.text()
        #expect(pageText.contains("\ndescription: \"\""))
        #expect(pageText.contains("\nsources: []"))
        #expect(!pageText.contains("question:") && !pageText.contains("region:"))
        #expect(try NewPage(kind: .page, title: "Om webbplatsen", today: Self.day).relativePath() == "om-webbplatsen.md")
    }

    @Test func refusesBadTitlesAndSections() {
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .page, title: "  ").relativePath() }
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .page, title: "???").relativePath() }
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .page, title: "Två\nrader").relativePath() }
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .page, title: "X", section: "../ut").relativePath() }
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .page, title: "X", section: "Regelverk").relativePath() }
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .faq, title: "X", section: "regelverk").relativePath() }
    }

    /// Every kind builds without a diagnostic, as a draft (left out) and with --drafts (built).
    @Test func writtenFilesBuildWithoutDiagnostics() throws {
        let site = try TestSite(files: ["regelverk/_index.md": page("Regelverk")])
        defer { site.cleanUp() }
        let content = site.root.appendingPathComponent("content")
        let faq = try NewPage(kind: .faq, title: "Vad är SGI?", category: "SGI").write(into: content)
        let report = try NewPage(kind: .report, title: "FK på HC i Jämtland").write(into: content)
        let fact = try NewPage(kind: .page, title: "Sjukpenning på fortsättningsnivå", section: "regelverk").write(into: content)
        #expect([faq, report, fact] == ["faq/vad-ar-sgi.md", "rapporter/fk-pa-hc-i-jamtland.md",
                                        "regelverk/sjukpenning-pa-fortsattningsniva.md"])

        let published = try site.build()
        #expect(published.diagnostics.isEmpty, "\(published.diagnostics)")
        #expect(!site.exists("site/faq/vad-ar-sgi/index.html"), "a new page is a draft")

        let drafts = try site.build { $0.includeDrafts = true }
        #expect(drafts.diagnostics.isEmpty, "\(drafts.diagnostics)")
        #expect(drafts.succeeded)
        #expect(site.read("site/faq/vad-ar-sgi/index.html")?.contains("Vad är SGI?") == true)
        #expect(site.exists("site/rapporter/fk-pa-hc-i-jamtland/index.html"))
        #expect(site.exists("site/regelverk/sjukpenning-pa-fortsattningsniva/index.html"))
    }

    @Test func neverOverwrites() throws {
        let site = try TestSite()
        defer { site.cleanUp() }
        let content = site.root.appendingPathComponent("content")
        try site.write("content/faq/vad-ar-sgi.md", "egen text")
        #expect(throws: NewPage.Problem.self) { try NewPage(kind: .faq, title: "Vad är SGI?").write(into: content) }
        #expect(site.read("content/faq/vad-ar-sgi.md") == "egen text")
        #expect(throws: NewPage.Problem.self) {
            try NewPage(kind: .page, title: "X", section: "saknas").write(into: content)
        }
        #expect(!site.exists("content/saknas"))
    }

    @Test func commandLine() throws {
        let site = try TestSite(files: ["regelverk/_index.md": page("Regelverk")])
        defer { site.cleanUp() }
        let written = try CLI.run(["new", "faq", "Vad är högriskskydd?", "--category", "Återinsjuknande"], in: site.root)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.hasPrefix("Wrote content/faq/vad-ar-hogriskskydd.md"))
        let text = try #require(site.read("content/faq/vad-ar-hogriskskydd.md"))
        #expect(text.contains("category: \"Återinsjuknande\""))
        #expect(text.contains("\ndate: 2026-11-23\n# reviewed: { date: 2026-11-23,"), "the day given with --today (CLI.run)")

        let again = try CLI.run(["new", "faq", "Vad är högriskskydd?"], in: site.root)
        #expect(again.status == 2)
        #expect(again.stderr == "error: content/faq/vad-ar-hogriskskydd.md already exists; refusing to overwrite it (choose another title or edit that file)\n")
        #expect(site.read("content/faq/vad-ar-hogriskskydd.md") == text)

        #expect(try CLI.run(["new", "page", "Ny sida", "--section", "finns-inte"], in: site.root).status == 2)
        #expect(try CLI.run(["new", "blogg", "Ny sida"], in: site.root).status == 2)
        #expect(try CLI.run(["new", "page", "Ny sida", "--category", "SGI"], in: site.root).status == 2)
        #expect(try CLI.run(["new", "page", "Ny sida", "--today", "2026-02-30"], in: site.root).status == 2)
        let fact = try CLI.run(["new", "page", "Ny sida", "--section", "regelverk"], in: site.root)
        #expect(fact.status == 0, "\(fact.stderr)")
        #expect(site.exists("content/regelverk/ny-sida.md"))
        let built = try CLI.run(["build", "--drafts", "--strict", "--quiet"], in: site.root)
        #expect(built.status == 0, "\(built.stderr)")
    }

    /// `--content` and the report paths are resolved like every other path of the command (BuildOptions.resolve):
    /// an absolute folder is used as it is, not under the current folder.
    @Test func commandLinePathsMayBeAbsolute() throws {
        let site = try TestSite(files: ["regelverk/_index.md": page("Regelverk")])
        defer { site.cleanUp() }
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-cwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let content = site.root.appendingPathComponent("content").path
        let written = try CLI.run(["new", "page", "Ny sida", "--section", "regelverk", "--content", content], in: elsewhere)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(site.exists("content/regelverk/ny-sida.md"))
        let report = site.root.appendingPathComponent("rapport.json").path
        let built = try CLI.run(["check", "--drafts", "--quiet", "--content", content, "--layouts", site.root.appendingPathComponent("layouts").path,
                                 "--config", site.root.appendingPathComponent("lathund.yml").path, "--report", report], in: elsewhere)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: report))
    }
}
