/// A dataset from `content/data/NAME.csv` with its metadata from `NAME.yml`, validated and typed.
struct Dataset: Sendable {
    enum ColumnType: String, Sendable, CaseIterable {
        case date, number, text
    }

    struct Column: Sendable, Equatable {
        let name: String
        let type: ColumnType
        /// Shown in table headers, chart axes and legends ("Antal individer" for `antal_individer`).
        let label: String
    }

    /// One cell. Numbers keep the text they were written with, so a table shows 9,0 for `9.0`.
    enum Value: Sendable, Equatable {
        case number(Double, text: String)
        case date(DatasetDate)
        case text(String)
        /// An empty cell.
        case missing
    }

    /// The file stem: the dataset's name in directives and its URL `/statistik/NAME/`.
    let name: String
    let title: String
    let description: String
    let unit: String
    /// The documents the figures come from.
    let sources: [SourceReference]
    let period: String
    let note: String?
    let columns: [Column]
    let rows: [[Value]]
    /// The chart the dataset's page shows.
    let chart: ChartSpec

    var url: String { "/statistik/\(name)/" }
    var csvURL: String { "/data/\(name).csv" }
    var jsonURL: String { "/data/\(name).json" }

    func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}

/// A date in a dataset: a year (`2019`), a month (`2019-12`) or a day (`2019-12-31`), shown as written.
struct DatasetDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    let year: Int
    let month: Int?
    let day: Int?

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        func number(_ part: Substring, digits: Int) -> Int? {
            guard part.utf8.count == digits, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(part)
        }
        guard (1...3).contains(parts.count), let year = number(parts[0], digits: 4), year >= 1 else { return nil }
        self.year = year
        month = parts.count >= 2 ? number(parts[1], digits: 2) : nil
        day = parts.count == 3 ? number(parts[2], digits: 2) : nil
        if parts.count >= 2 {
            guard let month, (1...12).contains(month) else { return nil }
        }
        if parts.count == 3 {
            guard let day, let month, (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        }
    }

    var description: String {
        var text = String(year)
        if let month { text += month < 10 ? "-0\(month)" : "-\(month)" }
        if let day { text += day < 10 ? "-0\(day)" : "-\(day)" }
        return text
    }

    /// Position on a time axis in years: the middle of the year, month or day the date names, so a yearly value
    /// sits in the middle of its year.
    var position: Double {
        guard let month else { return Double(year) + 0.5 }
        guard let day else { return Double(year) + (Double(month) - 0.5) / 12 }
        return Double(year) + (Double(month) - 1) / 12 + (Double(day) - 0.5) / Double(Day.daysIn(month: month, year: year)) / 12
    }

    static func < (lhs: DatasetDate, rhs: DatasetDate) -> Bool {
        if lhs.position != rhs.position { return lhs.position < rhs.position }
        return lhs.description < rhs.description
    }
}

/// What to draw: `type`, the `x` column, one or more `y` columns, and an optional `series` column that splits
/// rows into series (long form). Several `y` columns make one series each (wide form).
struct ChartSpec: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case line, bar
        case groupedBar = "grouped-bar"
        case stackedBar = "stacked-bar"
    }

    var kind: Kind
    var x: String
    var y: [String]
    var series: String?
    var title: String?

    init(kind: Kind, x: String, y: [String], series: String? = nil, title: String? = nil) {
        self.kind = kind
        self.x = x
        self.y = y
        self.series = series
        self.title = title
    }
}

/// Every dataset of the site, by name.
struct DatasetCatalog: Sendable {
    let datasets: [Dataset]
    private let byName: [String: Int]

    init(_ datasets: [Dataset]) {
        self.datasets = datasets.sorted { $0.name < $1.name }
        var byName: [String: Int] = [:]
        for (position, dataset) in self.datasets.enumerated() { byName[dataset.name] = position }
        self.byName = byName
    }

    subscript(name: String) -> Dataset? {
        byName[name].map { datasets[$0] }
    }

    var names: [String] { datasets.map(\.name) }
}
