import CSV
import Foundation
import Yams

/// Loads `content/data/NAME.csv` + `NAME.yml` pairs. The CSV is read with CSV.swift; this type checks it against
/// the metadata and reports every problem at `file:line:column`: ragged rows, a non-number in a number column, a
/// bad date, a column the metadata names that the CSV lacks (and the other way round), an unknown chart type.
enum DatasetLoader {
    static let folder = "data/"
    static let metadataKeys: Set<String> = ["title", "description", "unit", "sources", "period", "columns", "chart", "note"]

    /// Finds the pairs among the content folder's assets (files directly in `data/`).
    static func load(assets: [Asset], inputs: InputFiles = InputFiles()) -> Staged<DatasetCatalog> {
        var csvFiles: [String: Asset] = [:]
        var metaFiles: [String: Asset] = [:]
        for asset in assets where asset.relativePath.hasPrefix(folder) {
            let file = asset.relativePath.dropFirst(folder.count)
            guard !file.contains("/") else { continue }
            if file.hasSuffix(".csv") { csvFiles[String(file.dropLast(4))] = asset }
            if file.hasSuffix(".yml") { metaFiles[String(file.dropLast(4))] = asset }
        }
        var datasets: [Dataset] = []
        var diagnostics: [Diagnostic] = []
        for name in Set(csvFiles.keys).union(metaFiles.keys).sorted() {
            // A missing half is one more error; the half that is there is still checked, so the writer sees every
            // problem of the dataset in one build.
            let csv: Staged<String?>, meta: Staged<String?>
            if let file = csvFiles[name] {
                csv = read(file, inputs)
            } else {
                csv = Staged(nil, [.error(SourceLocation(file: metaFiles[name]!.displayPath, line: 1, column: 1),
                                          .datasetMissingCsv, "metadata without data: add \(name).csv beside it")])
            }
            if let file = metaFiles[name] {
                meta = read(file, inputs)
            } else {
                meta = Staged(nil, [.error(SourceLocation(file: csvFiles[name]!.displayPath, line: 1, column: 1),
                                           .datasetMissingMetadata,
                                           "dataset without metadata: add \(name).yml beside it (see content/data/README.md)")])
            }
            let present = (csvFiles[name] ?? metaFiles[name]!).displayPath.dropLast(4)
            let dataset = parse(name: name, csv: csv, csvDisplay: csvFiles[name]?.displayPath ?? present + ".csv",
                                metadata: meta, metadataDisplay: metaFiles[name]?.displayPath ?? present + ".yml")
            diagnostics += dataset.diagnostics
            if let dataset = dataset.value { datasets.append(dataset) }
        }
        return Staged(DatasetCatalog(datasets), diagnostics)
    }

    /// A file's text, or nil (with the reason) when it cannot be read as UTF-8.
    private static func read(_ asset: Asset, _ inputs: InputFiles) -> Staged<String?> {
        DataFile.text(path: asset.absolutePath, displayPath: asset.displayPath, readCode: .datasetRead, inputs: inputs)
    }

    /// A dataset from its CSV text and its metadata text (nil with the reason when a file could not be read).
    static func parse(name: String, csv: Staged<String?>, csvDisplay: String,
                      metadata: Staged<String?>, metadataDisplay: String) -> Staged<Dataset?> {
        var diagnostics: [Diagnostic] = []
        if Slug.make(name) != name {
            diagnostics.append(.error(SourceLocation(file: csvDisplay, line: 1, column: 1), .datasetName,
                                      "dataset name '\(name)' must be lower case letters a–z, digits and hyphens"))
        }
        /// The file's text parsed, or nothing when it could not be read; problems go to `diagnostics` either way.
        func parsed<Value>(_ file: Staged<String?>, _ parse: (String) -> Staged<Value?>) -> Value? {
            diagnostics += file.diagnostics
            guard let text = file.value else { return nil }
            let value = parse(text)
            diagnostics += value.diagnostics
            return value.value
        }
        let table = parsed(csv) { CSVTable.read($0, file: csvDisplay) }
        // The metadata as far as it could be read: with an error in it, the CSV is still checked against the columns
        // it does type, so that one build reports both files' problems.
        let meta = parsed(metadata) { Metadata.read($0, file: metadataDisplay) }
        guard let table else { return Staged(nil, diagnostics) }

        // Columns: the metadata must describe exactly the CSV's columns (compared when it has a 'columns' list).
        var typed: [Dataset.Column?] = Array(repeating: nil, count: table.header.count)
        if let meta, meta.hasColumns {
            var declared = Dictionary(meta.columns.map { ($0.column.name, $0) }, uniquingKeysWith: { first, _ in first })
            for (position, header) in table.header.enumerated() {
                guard let column = declared.removeValue(forKey: header) else {
                    if !meta.untypedColumns.contains(header) {
                        diagnostics.append(.error(table.location(row: 0, field: position), .datasetColumn,
                                                  "column '\(header)' is not described under 'columns' in \(metadataDisplay)\(DidYouMean.hint(for: header, among: declared.keys))"))
                    }
                    continue
                }
                typed[position] = column.column
            }
            for column in meta.columns where declared[column.column.name] != nil {
                diagnostics.append(.error(column.location, .datasetUnknownColumn,
                                          "column '\(column.column.name)' is not in the header of \(csvDisplay)\(DidYouMean.hint(for: column.column.name, among: table.header))"))
            }
        }

        // Rows: their length against the header, and typed values where the column's type is known; every problem at
        // its line and column.
        var rows: [[Dataset.Value]] = []
        for rowNumber in 1..<table.rows.count {
            let fields = table.rows[rowNumber]
            if fields.count != table.header.count {
                let field = min(fields.count, table.header.count)
                diagnostics.append(.error(table.location(row: rowNumber, field: field), .datasetRaggedRow,
                                          "row has \(fields.count) \(fields.count == 1 ? "field" : "fields"), the header has \(table.header.count)"))
                continue
            }
            var values: [Dataset.Value] = []
            for (position, (field, column)) in zip(fields, typed).enumerated() {
                guard let column else { values.append(.missing); continue }
                switch Self.value(field, type: column.type) {
                case .success(let value): values.append(value)
                case .failure(let problem):
                    diagnostics.append(.error(table.location(row: rowNumber, field: position), problem.code,
                                              "'\(field)' in column '\(column.name)' \(problem.message)"))
                    values.append(.missing)
                }
            }
            rows.append(values)
        }
        let columns = typed.compactMap { $0 }
        guard let meta, columns.count == table.header.count else { return Staged(nil, diagnostics) }
        var spec: ChartSpec?
        if let chart = meta.chart {
            var fields = chart
            spec = ChartSpecReader.read(&fields, columns: columns, defaults: nil)
            diagnostics += fields.diagnostics
        }
        guard let spec, !diagnostics.contains(where: { $0.severity == .error }) else { return Staged(nil, diagnostics) }
        return Staged(Dataset(name: name, title: meta.title, description: meta.description, unit: meta.unit,
                        sources: meta.sources, period: meta.period, note: meta.note, columns: columns, rows: rows,
                        chart: spec), diagnostics)
    }

    struct ValueProblem: Error {
        let code: DiagnosticCode
        let message: String
    }

    /// An empty cell is a missing value; numbers are written with a dot and no thousands separator (`7.4`).
    static func value(_ field: String, type: Dataset.ColumnType) -> Result<Dataset.Value, ValueProblem> {
        if field.isEmpty { return type == .date ? .failure(ValueProblem(code: .datasetBadDate, message: "is empty; a date column needs a date")) : .success(.missing) }
        switch type {
        case .text:
            return .success(.text(field))
        case .date:
            guard let date = DatasetDate(field) else {
                return .failure(ValueProblem(code: .datasetBadDate, message: "is not a date (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM or ÅÅÅÅ)"))
            }
            return .success(.date(date))
        case .number:
            guard let value = MachineNumber.parse(field) else {
                let hint = field.contains(",") ? " (write decimals with a dot: 7.4)"
                    : field.contains(" ") || field.contains("\u{00A0}") ? " (write it without spaces: 34195499)" : ""
                return .failure(ValueProblem(code: .datasetNotANumber, message: "is not a number\(hint)"))
            }
            return .success(.number(value, text: field))
        }
    }

    /// The metadata file, checked key by key.
    struct Metadata {
        struct DeclaredColumn {
            let column: Dataset.Column
            let location: SourceLocation
        }

        var title = "", description = "", unit = "", period = ""
        var sources: [SourceReference] = []
        var note: String?
        var columns: [DeclaredColumn] = []
        /// Whether the metadata has a `columns` mapping, and the names in it whose type is wrong or missing (already
        /// reported, so the CSV's header is not reported again for them).
        var hasColumns = false
        var untypedColumns: Set<String> = []
        var chart: YAMLFields?

        static func read(_ text: String, file: String) -> Staged<Metadata?> {
            let root: Node?
            do {
                root = try YAMLFields.compose(text)
            } catch {
                return Staged(nil, [YAMLFields.diagnostic(for: error, file: file, lineOffset: 0)])
            }
            guard case .mapping(let mapping)? = root else {
                return Staged(nil, [.error(SourceLocation(file: file, line: 1, column: 1), .datasetMetadata,
                                     "the metadata must be a mapping with title, description, unit, sources, period, columns and chart")])
            }
            var fields = YAMLFields(mapping: mapping, file: file, lineOffset: 0)
            fields.warnAboutUnknownKeys(known: metadataKeys, what: "dataset")
            var meta = Metadata()
            for key in ["title", "description", "unit", "sources", "period", "columns", "chart"] where !fields.has(key) {
                fields.diagnostics.append(.error(SourceLocation(file: file, line: 1, column: 1), .datasetMetadata,
                                                 "the metadata needs '\(key)'"))
            }
            meta.title = fields.nonEmptyString("title") ?? ""
            meta.description = fields.nonEmptyString("description") ?? ""
            meta.unit = fields.nonEmptyString("unit") ?? ""
            meta.sources = SourceReference.readList(&fields)
            if fields.has("sources"), meta.sources.isEmpty, !fields.diagnostics.contains(where: { $0.severity == .error }) {
                fields.diagnostics.append(.error(fields.location(ofKey: "sources"), .datasetMetadata,
                                                 "'sources' must list at least one source: {title, publisher, date}"))
            }
            meta.period = fields.nonEmptyString("period") ?? ""
            meta.note = fields.nonEmptyString("note")
            if var columns = fields.mapping("columns") {
                meta.hasColumns = true
                for name in columns.orderedKeys {
                    guard let node = columns.values[name] else { continue }
                    var type: String?
                    var label: String?
                    var typeLocation = columns.location(of: node)
                    switch node {
                    case .scalar(let scalar):
                        type = scalar.string
                    case .mapping(let mapping):
                        var column = YAMLFields(mapping: mapping, file: file, lineOffset: 0)
                        column.warnAboutUnknownKeys(known: ["type", "label"], what: "column")
                        type = column.nonEmptyString("type")
                        label = column.nonEmptyString("label")
                        if column.has("type") { typeLocation = column.location(of: column.values["type"]!) }
                        else { column.diagnostics.append(.error(columns.location(ofKey: name), .datasetColumnType, "column '\(name)' needs a type: date, number or text")) }
                        columns.diagnostics += column.diagnostics
                    default:
                        columns.diagnostics.append(.error(typeLocation, .datasetColumnType,
                                                          "column '\(name)' must be a type (date, number, text) or {type, label}"))
                    }
                    guard let type else { meta.untypedColumns.insert(name); continue }
                    guard let columnType = Dataset.ColumnType(rawValue: type) else {
                        columns.diagnostics.append(.error(typeLocation, .datasetColumnType,
                                                          "unknown column type '\(type)'; use date, number or text\(DidYouMean.hint(for: type, among: Dataset.ColumnType.allCases.map(\.rawValue)))"))
                        meta.untypedColumns.insert(name)
                        continue
                    }
                    meta.columns.append(DeclaredColumn(column: Dataset.Column(name: name, type: columnType, label: label ?? defaultLabel(name)),
                                                       location: columns.location(ofKey: name)))
                }
                fields.diagnostics += columns.diagnostics
            }
            meta.chart = fields.mapping("chart")
            return Staged(meta, fields.diagnostics)
        }

        /// `antal_individer` → "Antal individer".
        static func defaultLabel(_ name: String) -> String {
            let spaced = name.replacingOccurrences(of: "_", with: " ")
            return spaced.prefix(1).uppercased() + spaced.dropFirst()
        }
    }
}

/// Reads `type`, `x`, `y`, `series` and `title` of a chart (from a dataset's metadata or a ```` ```chart ```` block)
/// and checks them against the dataset's columns.
enum ChartSpecReader {
    static let keys: Set<String> = ["type", "x", "y", "series", "title"]

    static func read(_ fields: inout YAMLFields, columns: [Dataset.Column], defaults: ChartSpec?) -> ChartSpec? {
        let names = columns.map(\.name)
        func column(_ key: String, _ name: String, location: SourceLocation) -> Dataset.Column? {
            guard let column = columns.first(where: { $0.name == name }) else {
                fields.diagnostics.append(.error(location, .chartUnknownColumn,
                                                 "'\(key)' names the column '\(name)', which the dataset does not have\(DidYouMean.hint(for: name, among: names))"))
                return nil
            }
            return column
        }
        var spec = defaults ?? ChartSpec(kind: .bar, x: "", y: [])
        var failed = false
        if let type = fields.nonEmptyString("type") {
            if let kind = ChartSpec.Kind(rawValue: type) {
                spec.kind = kind
            } else {
                fields.diagnostics.append(.error(fields.location(of: fields.values["type"]!), .chartType,
                                                 "unknown chart type '\(type)'; use line, bar, grouped-bar or stacked-bar\(DidYouMean.hint(for: type, among: ChartSpec.Kind.allCases.map(\.rawValue)))"))
                failed = true
            }
        } else if defaults == nil, !fields.has("type") {
            fields.diagnostics.append(.error(fields.location(ofKey: "chart"), .chartType, "the chart needs 'type'"))
            failed = true
        }
        if let x = fields.nonEmptyString("x") {
            if let found = column("x", x, location: fields.location(of: fields.values["x"]!)) {
                if found.type == .number {
                    fields.diagnostics.append(.error(fields.location(of: fields.values["x"]!), .chartColumnType,
                                                     "'x' must be a date or text column; '\(x)' holds numbers"))
                    failed = true
                }
                spec.x = x
            } else { failed = true }
        } else if spec.x.isEmpty {
            fields.diagnostics.append(.error(fields.location(ofKey: "chart"), .chartX, "the chart needs 'x', the column along the axis"))
            failed = true
        }
        if let ys = fields.stringList("y") {
            var chosen: [String] = []
            for y in ys {
                guard let found = column("y", y.value, location: y.location) else { failed = true; continue }
                if found.type != .number {
                    fields.diagnostics.append(.error(y.location, .chartColumnType,
                                                     "'y' must name number columns; '\(y.value)' is a \(found.type.rawValue) column"))
                    failed = true
                }
                chosen.append(y.value)
            }
            if chosen.isEmpty, !failed {
                fields.diagnostics.append(.error(fields.location(ofKey: "y"), .chartY, "'y' must name at least one number column"))
                failed = true
            }
            spec.y = chosen
        } else if spec.y.isEmpty {
            fields.diagnostics.append(.error(fields.location(ofKey: "chart"), .chartY, "the chart needs 'y', the number column to draw"))
            failed = true
        }
        if fields.has("series") {
            if let series = fields.nonEmptyString("series") {
                if column("series", series, location: fields.location(of: fields.values["series"]!)) == nil { failed = true }
                spec.series = series
            } else {
                spec.series = nil
            }
        }
        if spec.series != nil, spec.y.count > 1 {
            fields.diagnostics.append(.error(fields.location(ofKey: fields.has("series") ? "series" : "y"), .chartSeries,
                                             "use either 'series' (one y column split by a text column) or several 'y' columns, not both"))
            failed = true
        }
        if let title = fields.nonEmptyString("title") { spec.title = title }
        return failed ? nil : spec
    }
}

/// A number as datasets write it: an optional minus, digits, and optionally a dot and more digits.
enum MachineNumber {
    static func parse(_ text: String) -> Double? {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(isDigit) else { return nil }
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].allSatisfy(isDigit) else { return nil } }
        return Double(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}

/// A CSV file as rows of fields (the header is row 0), with where each row starts, so problems can be
/// reported at a line and column. Rows that are only an empty line are skipped.
struct CSVTable {
    var rows: [[String]] = []
    var header: [String] { rows.first ?? [] }
    private var lines: [Int] = []
    private var rawLines: [Substring] = []
    private let file: String

    private init(file: String) { self.file = file }

    static func read(_ text: String, file: String) -> Staged<CSVTable?> {
        var table = CSVTable(file: file)
        table.rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let quotes = text.unicodeScalars.reduce(0) { $0 + ($1 == "\"" ? 1 : 0) }
        if quotes % 2 == 1 {
            // CSV.swift reads an unclosed quote to the end of the file; say where it opened instead.
            let line = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .last { $0.element.contains("\"") }?.offset ?? 0
            let column = (table.rawLines.indices.contains(line) ? table.rawLines[line].firstIndex(of: "\"").map { table.rawLines[line].distance(from: table.rawLines[line].startIndex, to: $0) } : nil) ?? 0
            return Staged(nil, [.error(SourceLocation(file: file, line: line + 1, column: column + 1), .datasetQuote,
                                 "a quoted field is not closed (a \" is missing)")])
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            return Staged(nil, [.error(SourceLocation(file: file, line: 1, column: 1), .datasetEmpty,
                                 "the file is empty; it needs a header row")])
        }
        var line = 1
        while let row = reader.next() {
            let breaks = row.reduce(0) { $0 + lineBreaks(in: $1) }
            if !(row.count == 1 && row[0].isEmpty) {
                table.rows.append(row)
                table.lines.append(line)
            }
            line += 1 + breaks
        }
        if table.rows.isEmpty {
            return Staged(nil, [.error(SourceLocation(file: file, line: 1, column: 1), .datasetEmpty,
                                 "the file is empty; it needs a header row")])
        }
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for (position, name) in table.header.enumerated() where !seen.insert(name).inserted || name.isEmpty {
            diagnostics.append(.error(table.location(row: 0, field: position), .datasetHeader,
                                      name.isEmpty ? "a column has no name" : "column '\(name)' appears twice in the header"))
        }
        return Staged(diagnostics.isEmpty ? table : nil, diagnostics)
    }

    private static func lineBreaks(in field: String) -> Int {
        field.reduce(0) { $0 + ($1.isNewline ? 1 : 0) }
    }

    /// Where field `field` of row `row` starts (one past the last field when the row is short). Columns count
    /// characters; a quoted field is recognised in the raw line.
    func location(row: Int, field: Int) -> SourceLocation {
        let line = lines[row]
        let fields = rows[row]
        guard rawLines.indices.contains(line - 1) else { return SourceLocation(file: file, line: line, column: 1) }
        let raw = Array(rawLines[line - 1])
        if field >= fields.count { return SourceLocation(file: file, line: line, column: raw.count + 1) }
        var column = 0
        for position in 0..<field {
            if column < raw.count, raw[column] == "\"" {
                column += fields[position].count + 2 + fields[position].filter { $0 == "\"" }.count
            } else {
                column += fields[position].count
            }
            column += 1
        }
        return SourceLocation(file: file, line: line, column: min(column, raw.count) + 1)
    }
}
