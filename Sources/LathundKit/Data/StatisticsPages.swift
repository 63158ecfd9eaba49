import Foundation

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

    /// `/data/NAME.json`: the metadata and the rows as objects; numbers are JSON numbers with the digits written
    /// in the CSV, dates text as written, empty cells `null`. Keys are sorted (`JSONText.encoded`).
    static func json(_ dataset: Dataset) -> String {
        JSONText.encoded(DatasetJSON(dataset))
    }
}

/// The shape of `/data/NAME.json`.
private struct DatasetJSON: Encodable {
    struct Source: Encodable {
        let title: String
        let publisher: String
        /// `null` for an undated source.
        let date: String?
        let read: String?
        let url: String?
        let section: String?

        enum CodingKeys: String, CodingKey { case title, publisher, date, read, url, section }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title)
            try container.encode(publisher, forKey: .publisher)
            try container.encode(date, forKey: .date)
            try container.encodeIfPresent(read, forKey: .read)
            try container.encodeIfPresent(url, forKey: .url)
            try container.encodeIfPresent(section, forKey: .section)
        }
    }

    struct Column: Encodable {
        let name: String
        let type: String
        let label: String
    }

    /// One row as an object keyed by column name; every column is there, an empty cell as `null`.
    struct Row: Encodable {
        let cells: [(column: String, value: Dataset.Value)]

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (column, value) in cells {
                let key = Key(stringValue: column)
                switch value {
                // Decimal keeps the digits as written (`1.25`, `34195499`); the CSV check let only plain decimals in.
                case .number(let number, let text): try container.encode(Decimal(string: text) ?? Decimal(number), forKey: key)
                case .date(let date): try container.encode(date.description, forKey: key)
                case .text(let text): try container.encode(text, forKey: key)
                case .missing: try container.encodeNil(forKey: key)
                }
            }
        }
    }

    let name: String
    let title: String
    let description: String
    let unit: String
    let sources: [Source]
    let period: String
    let note: String?
    let columns: [Column]
    let rows: [Row]

    init(_ dataset: Dataset) {
        name = dataset.name
        title = dataset.title
        description = dataset.description
        unit = dataset.unit
        sources = dataset.sources.map {
            Source(title: $0.title, publisher: $0.publisher, date: $0.date?.description, read: $0.read?.description,
                   url: $0.url, section: $0.section)
        }
        period = dataset.period
        note = dataset.note
        columns = dataset.columns.map { Column(name: $0.name, type: $0.type.rawValue, label: $0.label) }
        rows = dataset.rows.map { Row(cells: zip(dataset.columns, $0).map { ($0.name, $1) }) }
    }
}
