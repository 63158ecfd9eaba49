/// The editorial report (`--report-html FILE`): the JSON build report (`BuildReport`) as a readable Swedish page
/// for the editors after the nightly build. What needs doing first: reviews that are overdue or missing, pages
/// whose sources are older than the limit, pages above their LIX limit, every error and warning with its place,
/// and the latest changes. It is archived beside the JSON report, not published with the site.
extension BuildReport {
    public func html() -> String {
        let report = EditorialPage(pages: pages)
        let diagnostics = (errors + warnings).sortedForOutput()
        let lixProblems = diagnostics.filter { $0.code == DiagnosticCode.lix.rawValue }
        var html = EditorialPage.head
        html += "<p>\(succeeded ? "Bygget lyckades" : "<span class=\"fel\">Bygget misslyckades</span>"): "
            + "\(EditorialPage.count(pageCount, "sida", "sidor")), \(EditorialPage.count(errors.count, "fel", "fel")), "
            + "\(EditorialPage.count(warnings.count, "varning", "varningar")).</p>\n"
        html += "<ul>\n"
        for (anchor, title, number) in [("granskning", "Granskningar som är försenade eller saknas", overdueReviews.count),
                                        ("kallor", "Sidor med gamla källor", oldSources.count),
                                        ("lix", "Sidor över LIX-gränsen", lixProblems.count),
                                        ("diagnostik", "Fel och varningar", diagnostics.count),
                                        ("andringar", "Senaste ändringar", latestChanges.count)] {
            html += "<li><a href=\"#\(anchor)\">\(title)</a> (\(number))</li>\n"
        }
        html += "</ul>\n"

        html += "<h2 id=\"granskning\">Granskningar som är försenade eller saknas</h2>\n"
        html += EditorialPage.table("Sidor vars fakta ska kontrolleras", ["Sida", "Senast kontrollerad", "Skulle kontrolleras senast", "Intervall"],
                                    overdueReviews.map { item in
                                        [report.page(item.file), item.reviewed ?? "aldrig", item.due ?? "–", "\(item.months) månader"]
                                    }, empty: "Inga: alla sidor är kontrollerade i tid.")

        html += "<h2 id=\"kallor\">Sidor med gamla eller odaterade källor</h2>\n"
        html += EditorialPage.table("Sidor vars nyaste daterade källa är äldre än gränsen eller saknas",
                                    ["Sida", "Nyaste daterade källan", "Odaterade källor", "Gräns"],
                                    oldSources.map { [report.page($0.file), HTML.escape($0.newest ?? "ingen"), "\($0.undated)", "\($0.limitYears) år"] },
                                    empty: "Inga: varje sida har en daterad källa inom gränsen.")

        html += "<h2 id=\"lix\">Sidor över LIX-gränsen</h2>\n"
        html += EditorialPage.table("Sidor som är svårare att läsa än gränsen för avsnittet", ["Sida", "LIX", "Nivå", "Meddelande"],
                                    lixProblems.map { problem in
                                        let summary = report.summaries[problem.location.file]
                                        return [report.page(problem.location.file), summary?.lix.map { SwedishFormat.number($0, decimals: 1) } ?? "–",
                                                HTML.escape(summary?.lixBand ?? "–"), HTML.escape(problem.message)]
                                    }, empty: "Inga: alla sidor håller sig under gränsen.")

        html += "<h2 id=\"diagnostik\">Fel och varningar</h2>\n"
        html += EditorialPage.table("Varje fel och varning med fil, rad och kolumn", ["Plats", "Typ", "Meddelande"],
                                    diagnostics.map(EditorialPage.row), empty: "Inga.")

        html += "<h2 id=\"andringar\">Senaste ändringar</h2>\n"
        html += EditorialPage.table("Ändringar av sidorna, den nyaste först", ["Datum", "Sida", "Till läsarna", "Commit"],
                                    latestChanges.map { [HTML.escape($0.date), report.page($0.file), HTML.escape($0.summary ?? "–"),
                                                         HTML.escape($0.subject ?? "–")] },
                                    empty: "Inga ändringar att visa.")
        html += "</body>\n</html>\n"
        return html
    }
}

/// The parts of the editorial report's page.
private struct EditorialPage {
    /// Each page's title and summary by its file.
    let titles: [String: String]
    let summaries: [String: BuildResult.PageSummary]

    init(pages: [BuildResult.PageSummary]) {
        titles = Dictionary(pages.map { ($0.file, $0.title) }, uniquingKeysWith: { first, _ in first })
        summaries = Dictionary(pages.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A page's title and file, or the file alone.
    func page(_ file: String) -> String {
        guard let title = titles[file] else { return "<code>\(HTML.escape(file))</code>" }
        return "\(HTML.escape(title))<br><code>\(HTML.escape(file))</code>"
    }

    static func table(_ caption: String, _ headers: [String], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"tomt\">\(HTML.escape(empty))</p>\n" }
        var html = "<table>\n<caption>\(HTML.escape(caption))</caption>\n<thead><tr>"
        html += headers.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }
        return html + "</tbody>\n</table>\n"
    }

    static func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }

    /// A diagnostic's row: its place, whether it is an error, and its message with its code.
    static func row(_ item: Diagnostic) -> [String] {
        var place = item.location.file
        if item.location.line > 0 { place += ":\(item.location.line)" }
        if item.location.column > 0 { place += ":\(item.location.column)" }
        return ["<code>\(HTML.escape(place))</code>",
                item.severity == .error ? "<span class=\"fel\">fel</span>" : "varning",
                "\(HTML.escape(item.message)) <code>[\(HTML.escape(item.code))]</code>"]
    }

    static let head = """
        <!DOCTYPE html>
        <html lang="sv">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Redaktionell rapport</title>
        <style>
        body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 60rem; margin: 0 auto; padding: 1rem; color: #1d1d1f; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
        caption { text-align: left; font-weight: 700; }
        th, td { border: 1px solid #c9ced6; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        code { font-size: 0.9em; }
        .fel { color: #a3000b; font-weight: 700; }
        </style>
        </head>
        <body>
        <h1>Redaktionell rapport</h1>

        """
}
