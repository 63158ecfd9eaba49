/// What the Data stage makes of the datasets: `/statistik/` with a small chart per dataset, one page per dataset
/// with its chart, derived figures and table, and `/data/NAME.json` beside the copied `/data/NAME.csv`.
struct DatasetPage: Sendable {
    let dataset: Dataset
    let chart: String
    let compactChart: String
    let table: String
    let figures: [DatasetFigure]

    init(_ dataset: Dataset) {
        self.dataset = dataset
        let data = ChartData(dataset: dataset, spec: dataset.chart)
        chart = SVGChart(data: data, id: "chart-\(dataset.name)", size: .full).render()
        compactChart = SVGChart(data: data, id: "chart-\(dataset.name)-liten", size: .compact).render()
        table = DatasetTable.html(dataset, id: "tabell-\(dataset.name)")
        figures = DatasetFigure.figures(for: dataset)
    }
}

enum StatisticsPages {
    static let indexURL = "/statistik/"
    static let indexTitle = "Statistik"

    static func pages(_ catalog: DatasetCatalog) -> [GeneratedPage] {
        guard !catalog.datasets.isEmpty else { return [] }
        let pages = catalog.datasets.map(DatasetPage.init)
        var generated = [
            GeneratedPage(url: indexURL, title: indexTitle,
                          description: "Siffror ur projektrapporterna och Försäkringskassans redovisning, som diagram och tabeller.",
                          layouts: ["statistics", "page"], content: .statistics(pages), outputPath: "statistik/index.html",
                          isListed: true),
        ]
        for page in pages {
            generated.append(GeneratedPage(url: page.dataset.url, title: page.dataset.title,
                                           description: page.dataset.description, layouts: ["dataset", "page"],
                                           content: .dataset(page), outputPath: "statistik/\(page.dataset.name)/index.html",
                                           isListed: true, parent: (indexTitle, indexURL)))
        }
        return generated
    }

    /// `/data/NAME.json`: the metadata and the rows as objects; numbers are JSON numbers, dates text as written,
    /// empty cells `null`.
    static func json(_ dataset: Dataset) -> String {
        var json = "{\n"
        json += "  \"name\": \(JSONText.string(dataset.name)),\n"
        json += "  \"title\": \(JSONText.string(dataset.title)),\n"
        json += "  \"description\": \(JSONText.string(dataset.description)),\n"
        json += "  \"unit\": \(JSONText.string(dataset.unit)),\n"
        json += "  \"sources\": [\n" + dataset.sources.map { source in
            var fields = ["\"title\": \(JSONText.string(source.title))",
                          "\"publisher\": \(JSONText.string(source.publisher))",
                          "\"date\": \(source.date.map { JSONText.string($0.description) } ?? "null")"]
            if let read = source.read { fields.append("\"read\": \(JSONText.string(read.description))") }
            if let url = source.url { fields.append("\"url\": \(JSONText.string(url))") }
            if let section = source.section { fields.append("\"section\": \(JSONText.string(section))") }
            return "    {" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",\n") + "\n  ],\n"
        json += "  \"period\": \(JSONText.string(dataset.period)),\n"
        if let note = dataset.note { json += "  \"note\": \(JSONText.string(note)),\n" }
        json += "  \"columns\": [\n"
        json += dataset.columns.map {
            "    {\"name\": \(JSONText.string($0.name)), \"type\": \(JSONText.string($0.type.rawValue)), \"label\": \(JSONText.string($0.label))}"
        }.joined(separator: ",\n")
        json += "\n  ],\n  \"rows\": [\n"
        json += dataset.rows.map { row in
            "    {" + zip(dataset.columns, row).map { column, value in
                let text: String
                switch value {
                case .number(_, let raw): text = MachineNumber.json(raw)
                case .date(let date): text = JSONText.string(date.description)
                case .text(let value): text = JSONText.string(value)
                case .missing: text = "null"
                }
                return "\(JSONText.string(column.name)): \(text)"
            }.joined(separator: ", ") + "}"
        }.joined(separator: ",\n")
        json += "\n  ]\n}\n"
        return json
    }
}
