import Foundation
import Testing
@testable import LathundKit

/// Datasets → statistics pages (issue: statistics): Swedish number formats, round axis ticks, the SVG charts
/// (golden files), every validation error at its place, the directives, and the real datasets with the seeds'
/// figures.
private func load(_ csv: String, columns: String, chart: String = "chart: { type: bar, x: a, y: b }",
                  extra: String = "") -> (Dataset?, [String]) {
    let meta = """
    title: "Test"
    description: "En testmängd."
    unit: "antal"
    sources: [{ title: "Test", publisher: "Testverket", date: 2020 }]
    period: "2019"
    columns:
    \(columns)
    \(chart)
    \(extra)
    """
    let parsed = DatasetLoader.parse(name: "test", csv: Staged(csv), csvDisplay: "content/data/test.csv",
                                     metadata: Staged(meta), metadataDisplay: "content/data/test.yml")
    return (parsed.value, parsed.diagnostics.map(\.description))
}

@Suite struct SwedishNumberTests {
    @Test func datasetNumbersKeepTheirDecimals() {
        #expect(SwedishFormat.decimal("34195499") == "34\u{A0}195\u{A0}499")
        #expect(SwedishFormat.decimal("2669") == "2\u{A0}669")
        #expect(SwedishFormat.decimal("951") == "951")
        #expect(SwedishFormat.decimal("7.4") == "7,4")
        #expect(SwedishFormat.decimal("9.0") == "9,0")
        #expect(SwedishFormat.decimal("-1234.50") == "\u{2212}1\u{A0}234,50")
        #expect(SwedishFormat.decimal("0") == "0")
    }

    @Test func computedNumbersAreRoundedAndGrouped() {
        #expect(SwedishFormat.number(11.1, decimals: 1) == "11,1")
        #expect(SwedishFormat.number(1_000_000, decimals: 0) == "1\u{A0}000\u{A0}000")
        #expect(SwedishFormat.number(0.05, decimals: 1) == "0,1")
        #expect(SwedishFormat.number(-0.04, decimals: 1) == "0,0")
        #expect(SwedishFormat.number(-142, decimals: 0) == "\u{2212}142")
        #expect(SwedishFormat.number(0.25, decimals: 2) == "0,25")
        #expect(SwedishFormat.signed(1.2, decimals: 1) == "+1,2")
        #expect(SwedishFormat.signed(-6.4, decimals: 1) == "\u{2212}6,4")
        #expect(SwedishFormat.signed(0, decimals: 0) == "0")
        #expect(SwedishFormat.percent(26) == "26,0\u{A0}%")
        #expect(SwedishFormat.percent(-57.959, signed: true) == "\u{2212}58,0\u{A0}%")
        #expect(SwedishFormat.integer(-2669) == "\u{2212}2\u{A0}669")
    }

    @Test func ticksFallOnRoundValues() {
        #expect(NiceScale(minimum: 0, maximum: 132_222_595 / 1e6).ticks == [0, 25, 50, 75, 100, 125, 150])
        #expect(NiceScale(minimum: 7.4, maximum: 15.9).ticks == [6, 8, 10, 12, 14, 16])
        #expect(NiceScale(minimum: 0, maximum: 951).ticks == [0, 200, 400, 600, 800, 1000])
        #expect(NiceScale(minimum: -30, maximum: 45).ticks == [-40, -20, 0, 20, 40, 60])
        #expect(NiceScale(minimum: 0, maximum: 2.4).ticks == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(NiceScale(minimum: 0, maximum: 2.4).decimals == 1)
        // One value: a range from zero; nothing: zero to one.
        #expect(NiceScale(minimum: 42, maximum: 42).ticks.first == 0)
        #expect(NiceScale(minimum: 42, maximum: 42).ticks.last! >= 42)
        #expect(NiceScale(minimum: 0, maximum: 0).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func datasetDatesAreYearsMonthsOrDays() {
        #expect(DatasetDate("2019")?.description == "2019")
        #expect(DatasetDate("2019-12")?.description == "2019-12")
        #expect(DatasetDate("2020-02-29")?.description == "2020-02-29")
        for bad in ["2019-13", "2019-02-30", "19", "2019-1", "2019/12", "", "2019-12-01-01", "abcd"] {
            #expect(DatasetDate(bad) == nil, "\(bad)")
        }
        #expect(DatasetDate("2015")! < DatasetDate("2015-12")!)
        #expect(DatasetDate("2017-01")! < DatasetDate("2017")!)
    }
}

@Suite struct DatasetValidationTests {
    static let twoColumns = "  a: date\n  b: number"

    @Test func eachProblemIsReportedAtItsLineAndColumn() {
        let cases: [(csv: String, expected: String)] = [
            ("a,b\n2019,1\n2020\n", "content/data/test.csv:3:5: error: row has 1 field, the header has 2 [dataset-ragged-row]"),
            ("a,b\n2019,1,7\n", "content/data/test.csv:2:8: error: row has 3 fields, the header has 2 [dataset-ragged-row]"),
            ("a,b\n2019,abc\n", "content/data/test.csv:2:6: error: 'abc' in column 'b' is not a number [dataset-not-a-number]"),
            ("a,b\n2019,\"7,4\"\n", "content/data/test.csv:2:6: error: '7,4' in column 'b' is not a number (write decimals with a dot: 7.4) [dataset-not-a-number]"),
            ("a,b\n2019,34 195 499\n", "content/data/test.csv:2:6: error: '34 195 499' in column 'b' is not a number (write it without spaces: 34195499) [dataset-not-a-number]"),
            ("a,b\n2019-13,1\n", "content/data/test.csv:2:1: error: '2019-13' in column 'a' is not a date (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM or ÅÅÅÅ) [dataset-bad-date]"),
            ("a,b\n2019,1\n2019-02-30,2\n", "content/data/test.csv:3:1: error: '2019-02-30' in column 'a' is not a date (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM or ÅÅÅÅ) [dataset-bad-date]"),
            ("a,b\r\n2019,1\r\n2020,x\r\n", "content/data/test.csv:3:6: error: 'x' in column 'b' is not a number [dataset-not-a-number]"),
            ("a,b\n2019,1\n\n2020,x\n", "content/data/test.csv:4:6: error: 'x' in column 'b' is not a number [dataset-not-a-number]"),
            ("a,b\n2019,\"1\n", "content/data/test.csv:2:6: error: a quoted field is not closed (a \" is missing) [dataset-quote]"),
            ("a,b,c\n2019,1,2\n", "content/data/test.csv:1:5: error: column 'c' is not described under 'columns' in content/data/test.yml [dataset-column]"),
            ("a,b,b\n", "content/data/test.csv:1:5: error: column 'b' appears twice in the header [dataset-header]"),
            ("", "content/data/test.csv:1:1: error: the file is empty; it needs a header row [dataset-empty]"),
        ]
        for item in cases {
            let (dataset, diagnostics) = load(item.csv, columns: Self.twoColumns)
            #expect(dataset == nil)
            #expect(diagnostics == [item.expected], "\(item.csv.debugDescription)")
        }
    }

    @Test func aQuotedFieldOverSeveralLinesMovesTheLinesAfterIt() {
        let (_, diagnostics) = load("a,b\n\"x\ny\",1\nz,bad\n", columns: "  a: text\n  b: number")
        #expect(diagnostics == ["content/data/test.csv:4:3: error: 'bad' in column 'b' is not a number [dataset-not-a-number]"])
    }

    @Test func metadataProblemsPointIntoTheYAML() {
        var (_, diagnostics) = load("a,b\n2019,1\n", columns: "  a: date\n  b: number\n  c: text")
        #expect(diagnostics == ["content/data/test.yml:9:3: error: column 'c' is not in the header of content/data/test.csv; did you mean 'a'? [dataset-unknown-column]"])
        (_, diagnostics) = load("a,b\n2019,1\n", columns: Self.twoColumns, chart: "chart: { type: pie, x: a, y: b }")
        #expect(diagnostics == ["content/data/test.yml:9:16: error: unknown chart type 'pie'; use line, bar, grouped-bar or stacked-bar [chart-type]"])
        (_, diagnostics) = load("a,b\n2019,1\n", columns: Self.twoColumns, chart: "chart: { type: line, x: datum, y: b }")
        #expect(diagnostics == ["content/data/test.yml:9:25: error: 'x' names the column 'datum', which the dataset does not have [chart-unknown-column]"])
        (_, diagnostics) = load("a,b\n2019,1\n", columns: Self.twoColumns, chart: "chart: { type: line, x: a, y: bb }")
        #expect(diagnostics == ["content/data/test.yml:9:31: error: 'y' names the column 'bb', which the dataset does not have; did you mean 'b'? [chart-unknown-column]"])
        (_, diagnostics) = load("a,b\n2019,1\n", columns: Self.twoColumns, chart: "chart: { type: line, x: b, y: b }")
        #expect(diagnostics == ["content/data/test.yml:9:25: error: 'x' must be a date or text column; 'b' holds numbers [chart-column-type]"])
        (_, diagnostics) = load("a,b\n2019,1\n", columns: "  a: date\n  b: nummer")
        #expect(diagnostics == ["content/data/test.yml:8:6: error: unknown column type 'nummer'; use date, number or text; did you mean 'number'? [dataset-column-type]"])
    }

    @Test func emptyCellsAreMissingValuesExceptInDateColumns() throws {
        let (dataset, diagnostics) = load("a,b\n2019,\n2020,3\n", columns: Self.twoColumns)
        #expect(diagnostics.isEmpty)
        #expect(try #require(dataset).rows[0][1] == .missing)
        let (_, problems) = load("a,b\n,3\n", columns: Self.twoColumns)
        #expect(problems == ["content/data/test.csv:2:1: error: '' in column 'a' is empty; a date column needs a date [dataset-bad-date]"])
    }

    @Test func aBrokenDatasetFailsTheBuildAndLeavesTheSiteAlone() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "data/tal.csv": "ar,varde\n2019,1\n",
            "data/tal.yml": "title: T\ndescription: D\nunit: antal\nsources: [{title: S, publisher: P, date: 2020}]\nperiod: \"2019\"\ncolumns: { ar: date, varde: number }\nchart: { type: bar, x: ar, y: varde }\n",
        ])
        defer { site.cleanUp() }
        #expect(try site.build().succeeded)
        #expect(site.exists("site/statistik/tal/index.html"))
        let before = site.snapshot()
        try site.write("content/data/tal.csv", "ar,varde\n2019,1\n2020,1,5\n")
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.map(\.description) == ["content/data/tal.csv:3:8: error: row has 3 fields, the header has 2 [dataset-ragged-row]"])
        #expect(site.snapshot() == before)
        try site.remove("content/data/tal.yml")
        #expect(try site.build().diagnostics.map(\.description) == [
            "content/data/tal.csv:1:1: error: dataset without metadata: add tal.yml beside it (see content/data/README.md) [dataset-missing-metadata]",
            "content/data/tal.csv:3:8: error: row has 3 fields, the header has 2 [dataset-ragged-row]",
        ])
        #expect(site.snapshot() == before)
    }

    /// One build reports every problem of a dataset: an error in the metadata does not hide the CSV's.
    @Test func aMetadataErrorDoesNotHideTheCSVsErrors() {
        let ragged = "a,b\n2019,1\n2020\n"
        let raggedRow = "content/data/test.csv:3:5: error: row has 1 field, the header has 2 [dataset-ragged-row]"
        var (dataset, diagnostics) = load(ragged, columns: Self.twoColumns, chart: "")
        #expect(dataset == nil)
        #expect(diagnostics == ["content/data/test.yml:1:1: error: the metadata needs 'chart' [dataset-metadata]", raggedRow])
        (dataset, diagnostics) = load("a,b\n2019-13,x\n", columns: "  a: date\n  b: nummer")
        #expect(dataset == nil)
        #expect(diagnostics == [
            "content/data/test.yml:8:6: error: unknown column type 'nummer'; use date, number or text; did you mean 'number'? [dataset-column-type]",
            "content/data/test.csv:2:1: error: '2019-13' in column 'a' is not a date (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM or ÅÅÅÅ) [dataset-bad-date]",
        ], "the column whose type is known is checked; the one with a wrong type is not reported twice")
        let brokenYAML = DatasetLoader.parse(name: "test", csv: Staged(ragged), csvDisplay: "content/data/test.csv",
                                             metadata: Staged("title: [\n"), metadataDisplay: "content/data/test.yml").diagnostics
        #expect(brokenYAML.count == 2 && brokenYAML.first?.location.file == "content/data/test.yml", "\(brokenYAML)")
        #expect(brokenYAML.map(\.description).last == raggedRow)
    }

    /// A dataset that lacks one of its two files still has the other checked.
    @Test func theHalfOfADatasetThatIsThereIsChecked() throws {
        let site = try TestSite(files: ["_index.md": page("Start"), "data/utan-csv.yml": "title: T\n"])
        defer { site.cleanUp() }
        #expect(try site.build().diagnostics.map(\.description) == [
            "content/data/utan-csv.yml:1:1: error: metadata without data: add utan-csv.csv beside it [dataset-missing-csv]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'chart' [dataset-metadata]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'columns' [dataset-metadata]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'description' [dataset-metadata]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'period' [dataset-metadata]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'sources' [dataset-metadata]",
            "content/data/utan-csv.yml:1:1: error: the metadata needs 'unit' [dataset-metadata]",
        ])
    }
}

@Suite struct DatasetDirectiveTests {
    static let files = [
        "data/tal.csv": "ar,grupp,varde\n2018,A,1.5\n2019,A,2.5\n2019,B,4\n",
        "data/tal.yml": "title: Tal\ndescription: D\nunit: antal\nsources: [{title: Källan, publisher: Testverket, date: 2019}]\nperiod: \"2018–2019\"\ncolumns: { ar: date, grupp: text, varde: number }\nchart: { type: line, x: ar, y: varde, series: grupp }\n",
    ]

    static let layouts = TestSite.layouts.merging([
        "dataset.mustache": "{{<base}}{{$main}}{{#dataset}}{{{chart}}}{{{table}}}{{/dataset}}{{/main}}{{/base}}\n",
        "statistics.mustache": "{{<base}}{{$main}}{{#datasets}}<a href=\"{{url}}\">{{title}}</a>{{{chart}}}{{/datasets}}{{/main}}{{/base}}\n",
    ]) { $1 }

    @Test func chartAndTableBlocksEmbedADataset() throws {
        let site = try TestSite(files: Self.files.merging(["rapport.md": page("Rapport", """
        Text.

        ```chart
        dataset: tal
        type: grouped-bar
        title: "Tal per år"
        ```

        ```table
        dataset: tal
        columns: [ar, varde]
        ```

        """)]) { $1 }, layouts: Self.layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let html = try #require(site.read("site/rapport/index.html"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-grouped-bar\""))
        #expect(html.contains("<title id=\"chart-tal-6-title\">Tal per år</title>"))
        #expect(html.contains("<th scope=\"col\">Ar</th><th scope=\"col\" class=\"num\">Varde</th>"))
        #expect(html.contains("<tr><th scope=\"row\">2019</th><td class=\"num\">2,5</td></tr>"))
        #expect(!html.contains("```"))
        // The dataset's own page and downloads.
        let page = try #require(site.read("site/statistik/tal/index.html"))
        #expect(page.contains("class=\"chart chart-line\""))
        let json = try #require(site.read("site/data/tal.json"))
        #expect(json.contains("{\n      \"ar\" : \"2018\",\n      \"grupp\" : \"A\",\n      \"varde\" : 1.5\n    }"))
        #expect(site.read("site/data/tal.csv") == Self.files["data/tal.csv"])
        #expect(site.read("site/statistik/index.html")?.contains("chart-tal-liten-title") == true)
    }

    @Test func unknownDatasetsAndColumnsAreErrorsAtTheirLine() throws {
        let site = try TestSite(files: Self.files.merging(["rapport.md": page("Rapport", """
        Text.

        ```chart
        dataset: tall
        ```

        ```chart
        dataset: tal
        y: vardet
        ```

        ```table
        dataset: tal
        columns: [ar, summa]
        ```

        ```table
        title: Utan datamängd
        ```

        """)]) { $1 })
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.map(\.description) == [
            "content/rapport.md:7:10: error: no dataset named 'tall' in content/data/; did you mean 'tal'? [unknown-dataset]",
            "content/rapport.md:12:4: error: 'y' names the column 'vardet', which the dataset does not have; did you mean 'varde'? [chart-unknown-column]",
            "content/rapport.md:17:15: error: the dataset 'tal' has no column 'summa' [table-unknown-column]",
            "content/rapport.md:20:1: error: the table block needs 'dataset: NAME' [table-directive]",
        ])
    }
}

@Suite struct ChartGoldenTests {
    static let cases: [(name: String, csv: String, columns: String, chart: String)] = [
        ("line-series", "omrade,datum,varde\nJämtland,2015,13.8\nJämtland,2017-01,12.7\nJämtland,2019-12,7.4\nSörmland,2019-12,11.1\nTimrå,2017-09,15.9\nTimrå,2019-10,9.0\n",
         "  omrade: text\n  datum: date\n  varde: number", "chart: { type: line, x: datum, y: varde, series: omrade }"),
        ("bar", "langd,antal\n1–2 år,951\n2–3 år,491\n3–4 år,431\n+ 6 år,97\n",
         "  langd: text\n  antal: number", "chart: { type: bar, x: langd, y: antal }"),
        ("grouped-bar", "lan,villkor_1,villkor_2\nStockholms län,34195499,98027096\nUppsala län,5463460,15661920\nGotlands län,868346,2489259\n",
         "  lan: text\n  villkor_1: number\n  villkor_2: number", "chart: { type: grouped-bar, x: lan, y: [villkor_1, villkor_2] }"),
        ("stacked-bar", "projekt,del,belopp\nTimrå,2018,385125\nTimrå,2019,513500\nSörmland,År 1,2400000\nSörmland,År 2,2400000\n",
         "  projekt: text\n  del: text\n  belopp: number", "chart: { type: stacked-bar, x: projekt, y: belopp, series: del }"),
        ("empty", "ar,varde\n", "  ar: date\n  varde: number", "chart: { type: line, x: ar, y: varde }"),
        ("single-point", "ar,varde\n2016,42\n", "  ar: date\n  varde: number", "chart: { type: line, x: ar, y: varde }"),
        ("negative-bar", "grupp,andring\nA,-30.5\nB,12\nC,45\n", "  grupp: text\n  andring: number", "chart: { type: bar, x: grupp, y: andring }"),
        ("negative-line", "ar,andring\n2016,-2.5\n2017,1.25\n2018,-0.5\n2019,3\n", "  ar: date\n  andring: number", "chart: { type: line, x: ar, y: andring }"),
    ]

    /// Each chart type, and empty, single-point and negative data, matches its reviewed SVG (see `Golden`:
    /// `make update-golden` takes a reviewed change).
    @Test(arguments: cases.map(\.name)) func chartMatchesGolden(name: String) throws {
        let item = try #require(Self.cases.first { $0.name == name })
        let (dataset, diagnostics) = load(item.csv, columns: item.columns, chart: item.chart)
        #expect(diagnostics.isEmpty)
        let data = ChartData(dataset: try #require(dataset), spec: dataset!.chart)
        let svg = SVGChart(data: data, id: "chart-\(name)", size: .full).render() + "\n"
        Golden.expect(Data(svg.utf8), equalsFile: "Golden/charts/\(name).svg")
    }

    @Test func chartsAreAccessibleAndTellSeriesApartWithoutColour() throws {
        let line = try #require(Self.cases.first { $0.name == "line-series" })
        let (dataset, _) = load(line.csv, columns: line.columns, chart: line.chart)
        let svg = SVGChart(data: ChartData(dataset: dataset!, spec: dataset!.chart), id: "c", size: .full).render()
        #expect(svg.contains("role=\"img\" aria-labelledby=\"c-title c-desc\""))
        #expect(svg.contains("<desc id=\"c-desc\">Linjediagram över antal efter datum. Jämtland: 2015 (bara året är känt) 13,8, 2017-01 12,7, 2019-12 7,4. Sörmland: 2019-12 11,1. Timrå: 2017-09 15,9, 2019-10 9,0.</desc>"))
        #expect(svg.contains("stroke-dasharray=\"8 4\""), "the second series is dashed")
        #expect(svg.contains("<circle") && svg.contains("<rect x="), "series have different marker shapes")
        #expect(!svg.contains("style="), "no style attributes (strict CSP)")
        let stacked = try #require(Self.cases.first { $0.name == "stacked-bar" })
        let (bars, _) = load(stacked.csv, columns: stacked.columns, chart: stacked.chart)
        let barSVG = SVGChart(data: ChartData(dataset: bars!, spec: bars!.chart), id: "s", size: .full).render()
        #expect(barSVG.contains("<pattern id=\"s-p1\""), "bars after the first are patterned")
        #expect(barSVG.contains("fill=\"url(#s-p1)\""))
        #expect(barSVG.contains("Miljoner antal"), "large values are shown in millions")
        for color in SVGChart.palette {
            #expect(ContrastRatio.against(white: color) >= 4.5, "\(color)")
        }
    }

    /// A value known only to the year, among values known to the month (the seeds' "hösten 2015"), is not drawn
    /// as an exact point: its marker is hollow, its tooltip and the description say what is unknown, and the
    /// chart explains the hollow marker. A chart whose dates are all equally precise has none of that.
    @Test func aDateKnownOnlyToTheYearIsShownAsImprecise() throws {
        let line = try #require(Self.cases.first { $0.name == "line-series" })
        let (dataset, _) = load(line.csv, columns: line.columns, chart: line.chart)
        let svg = SVGChart(data: ChartData(dataset: try #require(dataset), spec: dataset!.chart), id: "c", size: .full).render()
        #expect(svg.components(separatedBy: "class=\"marker hollow").count - 1 == 1, "exactly the 2015 point is hollow")
        #expect(svg.contains("<title>Jämtland, 2015 (bara året är känt): 13,8 antal</title>"))
        #expect(svg.contains("<title>Jämtland, 2017-01: 12,7 antal</title>"))
        #expect(svg.contains("Ofylld punkt: datumet är inte exakt känt"))

        let (months, _) = load("ar,varde\n2017-01,1\n2017-06,2\n", columns: "  ar: date\n  varde: number",
                               chart: "chart: { type: line, x: ar, y: varde }")
        let plain = SVGChart(data: ChartData(dataset: try #require(months), spec: months!.chart), id: "m", size: .full).render()
        #expect(!plain.contains("hollow") && !plain.contains("Ofylld punkt") && !plain.contains("känt"))
    }
}

/// WCAG contrast of a `#rrggbb` colour against white.
enum ContrastRatio {
    static func against(white hex: String) -> Double {
        let digits = Array(hex.dropFirst())
        func channel(_ offset: Int) -> Double {
            let value = Double(Int(String(digits[offset..<offset + 2]), radix: 16)!) / 255
            return value <= 0.03928 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
        return 1.05 / (luminance + 0.05)
    }
}

@Suite struct RealDatasetTests {
    static func built() throws -> URL {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-stats-\(UUID().uuidString)")
        var options = BuildOptions(projectRoot: packageRoot)
        options.outputDirectory = output.path
        options.strict = true
        options.today = TestSite.today
        let result = try Builder(options: options).build()
        #expect(result.succeeded, "\(result.diagnostics.map(\.description))")
        return output
    }

    @Test func theSeedFiguresAppearExactlyOnTheStatisticsPages() throws {
        let output = try Self.built()
        defer { try? FileManager.default.removeItem(at: output) }
        func read(_ path: String) throws -> String {
            try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
        }
        let nbsp = "\u{A0}"
        let villkor = try read("statistik/villkor-1-och-2-2018/index.html")
        // The row header (Län) is the first column, which stays in view when the table scrolls sideways.
        #expect(villkor.contains("<tr><th scope=\"row\">Stockholms län</th><td>01</td><td class=\"num\">34\(nbsp)195\(nbsp)499</td>"))
        #expect(villkor.contains("<caption id=\"tabell-villkor-1-och-2-2018-caption\">"))
        let sormland = try read("statistik/sormland-langa-sjukfall/index.html")
        #expect(sormland.contains("<tr><th scope=\"row\">1–2 år</th><td class=\"num\">951</td></tr>"))
        #expect(sormland.contains("<span class=\"figure-label\">Summa av raderna</span> <span class=\"figure-value\">2\(nbsp)669</span>"))
        let sjukpenningtal = try read("statistik/sjukpenningtal/index.html")
        #expect(sjukpenningtal.contains("<tr><th scope=\"row\">Jämtlands län</th><td>län</td><td>2019-12</td><td class=\"num\">7,4</td>"))
        #expect(sjukpenningtal.contains("<span class=\"figure-label\">Senaste värde, Jämtlands län</span> <span class=\"figure-value\">7,4 (2019-12)</span>"))
        #expect(sjukpenningtal.contains("<span class=\"figure-label\">Förändring 2015–2019-12, Jämtlands län</span> <span class=\"figure-value\">\u{2212}6,4 (\u{2212}46,4\(nbsp)%)</span>"))
        let timra = try read("statistik/timra-sjukfall/index.html")
        #expect(timra.contains("<span class=\"figure-label\">Förändring 2017–2019</span> <span class=\"figure-value\">\u{2212}142 (\u{2212}58,0\(nbsp)%)</span>"))
        // Downloads: the CSV as written, the JSON with numbers as numbers.
        #expect(try read("data/villkor-1-och-2-2018.csv") == String(contentsOf: packageRoot.appendingPathComponent("content/data/villkor-1-och-2-2018.csv"), encoding: .utf8))
        let json = try JSONSerialization.jsonObject(with: Data(try read("data/villkor-1-och-2-2018.json").utf8)) as! [String: Any]
        let rows = json["rows"] as! [[String: Any]]
        #expect(rows.count == 21)
        #expect(rows[0]["kod"] as? String == "01")
        #expect(rows[0]["villkor_1"] as? Int == 34_195_499)
        // The index lists every dataset with a chart, and report pages embed their own figures.
        let index = try read("statistik/index.html")
        for name in ["sjukpenningtal", "sormland-langa-sjukfall", "villkor-1-och-2-2018", "timra-sjukfall",
                     "jamtland-arbetsgivarkontakter", "projektbudgetar"] {
            #expect(index.contains("href=\"/statistik/\(name)/\""), "\(name)")
            #expect(index.contains("id=\"chart-\(name)-liten-title\""), "\(name)")
        }
        let report = try read("rapporter/langa-sjukfall-sormland/index.html")
        #expect(report.contains("class=\"chart chart-bar\""))
        #expect(report.contains("<td class=\"num\">951</td>"))
    }
}
