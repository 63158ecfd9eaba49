import Foundation
import Testing
@testable import LathundKit

/// `--report-html FILE` (issue 17): the JSON report's data as a Swedish page for the editors, one section per
/// thing to do.
@Suite struct EditorialReportTests {
    @Test func reportHasEverySectionFromTheSameDataAsTheJSON() throws {
        let long = String(repeating: "Försäkringskassans handläggningsrutiner förutsätter sjukskrivningsintyg. ", count: 15)
        let site = try TestSite(files: [
            "regelverk/_index.md": page("Regelverk", "Regler.", extra: "reviewed: { date: 2026-11-01, by: Redaktionen, against: källorna nedan }\n"),
            "regelverk/gammal.md": page("Gammal & <svår>", long + "[Saknas](saknas.md)",
                                        extra: "reviewed: { date: 2024-01-15, by: Redaktionen, against: källorna nedan }\n"
                                            + "sources: [{ title: Vägledning, publisher: Försäkringskassan, date: 2016 }]\n"),
            "regelverk/utan.md": page("Utan granskning", "Text."),
        ], config: TestSite.config + "review: { regelverk: 12 }\nlix_max: { default: 40 }\n")
        defer { site.cleanUp() }
        try GitDatesTests.git(["init", "-q"], in: site)
        try GitDatesTests.commit(site, "Add rule pages\n\nÄndring: Nya sidor om regelverket.", at: "2026-11-30T10:00:00+01:00")
        let run = try CLI.run(["build", "--quiet", "--today", "2026-12-05", "--report", "r.json", "--report-html", "r.html"], in: site.root)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONDecoder().decode(BuildReport.self, from: try Data(contentsOf: site.root.appendingPathComponent("r.json")))
        let html = try #require(site.read("r.html"))
        #expect(html == json.html(), "the HTML is made from the JSON report's data")

        func section(_ id: String) throws -> String {
            let start = try #require(html.range(of: "<h2 id=\"\(id)\">"))
            let rest = html[start.upperBound...]
            return String(rest[..<(rest.range(of: "<h2 ")?.lowerBound ?? rest.endIndex)])
        }
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"sv\">"))
        #expect(html.contains("<p>Bygget lyckades: 6 sidor, 0 fel, 4 varningar.</p>"))
        let reviews = try section("granskning")
        #expect(reviews.contains("<tr><td>Gammal &amp; &lt;svår&gt;<br><code>content/regelverk/gammal.md</code></td><td>2024-01-15</td><td>2025-01-15</td><td>12 månader</td></tr>"))
        #expect(reviews.contains("<tr><td>Utan granskning<br><code>content/regelverk/utan.md</code></td><td>aldrig</td><td>–</td><td>12 månader</td></tr>"))
        #expect(!reviews.contains("_index.md"))
        #expect(try section("kallor").contains("<tr><td>Gammal &amp; &lt;svår&gt;<br><code>content/regelverk/gammal.md</code></td><td>2016</td><td>0</td><td>3 år</td></tr>"))
        let lix = try section("lix")
        #expect(lix.contains("content/regelverk/gammal.md</code></td><td>"), "\(lix)")
        #expect(lix.contains("above 40 for regelverk/"))
        let diagnostics = try section("diagnostik")
        #expect(diagnostics.contains("<tr><td><code>content/regelverk/gammal.md:6:1096</code></td><td>varning</td><td>link &#39;saknas.md&#39; names no page or file in content/ <code>[broken-link]</code></td></tr>"), "\(diagnostics)")
        #expect(json.warnings.allSatisfy { diagnostics.contains(HTML.escape($0.message)) })
        let changes = try section("andringar")
        #expect(changes.contains("<tr><td>2026-11-30</td><td>Gammal &amp; &lt;svår&gt;<br><code>content/regelverk/gammal.md</code></td><td>Nya sidor om regelverket.</td><td>Add rule pages</td></tr>"))
        #expect(json.latestChanges.count == 3)

        // Nothing to do: each section says so.
        let clean = try TestSite(files: ["a.md": page("A", "Kort.")])
        defer { clean.cleanUp() }
        #expect(try CLI.run(["check", "--quiet", "--report-html", "r.html"], in: clean.root).status == 0)
        let empty = try #require(clean.read("r.html"))
        for text in ["Inga: alla sidor är kontrollerade i tid.", "Inga: varje sida har en daterad källa inom gränsen.",
                     "Inga: alla sidor håller sig under gränsen."] {
            #expect(empty.contains("<p class=\"tomt\">\(text)</p>"), "\(text)")
        }
    }
}
