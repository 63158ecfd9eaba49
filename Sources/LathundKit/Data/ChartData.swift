import Foundation

/// A dataset seen through a `ChartSpec`: named series of points along a time axis (a date `x`) or along
/// categories (a text `x`). Rows with an empty `x` or value are left out; equal `x` values in a series are added.
struct ChartData {
    struct Point {
        /// Index into `categories`.
        let category: Int
        let value: Double
    }

    struct Series {
        let name: String
        var points: [Point]
    }

    let kind: ChartSpec.Kind
    let title: String
    /// The label of the `x` column.
    let xLabel: String
    /// The dataset's unit, for the value axis.
    let unit: String
    /// The `x` values in order: by date on a time axis, else as they first appear.
    let categories: [String]
    /// Position of each category on a time axis, in years; nil for text categories.
    let positions: [Double]?
    /// What is unknown about each time-axis category whose date is less precise than the most precise date
    /// in the chart (a year among months: "bara året är känt"), so it is not read as an exact point.
    let imprecise: [Int: String]
    let series: [Series]
    /// Decimals to show values with: the most any `y` value was written with.
    let decimals: Int

    var isEmpty: Bool { series.allSatisfy { $0.points.isEmpty } }

    init(dataset: Dataset, spec: ChartSpec) {
        kind = spec.kind
        title = spec.title ?? dataset.title
        unit = dataset.unit
        let xIndex = dataset.columnIndex(spec.x)!
        xLabel = dataset.columns[xIndex].label
        let yIndexes = spec.y.compactMap { dataset.columnIndex($0) }
        let seriesIndex = spec.series.flatMap { dataset.columnIndex($0) }

        var keys: [String] = []
        var dates: [String: DatasetDate] = [:]
        var seriesNames: [String] = []
        var sums: [String: [String: Double]] = [:]
        var decimals = 0
        func label(_ value: Dataset.Value) -> String? {
            switch value {
            case .date(let date): return date.description
            case .text(let text): return text
            case .number(_, let text): return text
            case .missing: return nil
            }
        }
        for row in dataset.rows {
            guard let key = label(row[xIndex]) else { continue }
            if case .date(let date) = row[xIndex] { dates[key] = date }
            for yIndex in yIndexes {
                guard case .number(let value, let text) = row[yIndex] else { continue }
                decimals = max(decimals, SwedishFormat.decimals(of: text))
                let name: String
                if let seriesIndex {
                    name = label(row[seriesIndex]) ?? "–"
                } else {
                    name = dataset.columns[yIndex].label
                }
                if !keys.contains(key) { keys.append(key) }
                if !seriesNames.contains(name) { seriesNames.append(name) }
                sums[name, default: [:]][key, default: 0] += value
            }
        }
        if dataset.columns[xIndex].type == .date {
            keys.sort { dates[$0]! < dates[$1]! }
            positions = keys.map { dates[$0]!.position }
            func precision(_ date: DatasetDate) -> Int { date.month == nil ? 0 : date.day == nil ? 1 : 2 }
            let finest = keys.map { precision(dates[$0]!) }.max() ?? 0
            var imprecise: [Int: String] = [:]
            for (index, key) in keys.enumerated() where precision(dates[key]!) < finest {
                imprecise[index] = dates[key]!.month == nil ? "bara året är känt" : "bara månaden är känd"
            }
            self.imprecise = imprecise
        } else {
            positions = nil
            imprecise = [:]
        }
        categories = keys
        let categoryIndex = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        series = seriesNames.map { name in
            let points = sums[name, default: [:]].map { Point(category: categoryIndex[$0.key]!, value: $0.value) }
            return Series(name: name, points: points.sorted { $0.category < $1.category })
        }
        self.decimals = decimals
    }

    func format(_ value: Double) -> String {
        SwedishFormat.number(value, decimals: decimals)
    }
}

/// Axis ticks at round values: steps of 1, 2, 2,5 or 5 times a power of ten, covering the data.
struct NiceScale {
    let ticks: [Double]
    let step: Double
    var lower: Double { ticks.first! }
    var upper: Double { ticks.last! }

    /// Decimals the tick labels need (0 for a step of 5, 1 for 0,5, 2 for 0,25).
    var decimals: Int {
        var decimals = 0
        var scaled = step
        while decimals < 6, abs(scaled - scaled.rounded()) > 1e-9 * max(1, abs(scaled)) {
            scaled *= 10
            decimals += 1
        }
        return decimals
    }

    init(minimum: Double, maximum: Double, targetTicks: Int = 5) {
        var low = min(minimum, maximum)
        var high = max(minimum, maximum)
        if low == high {
            if low == 0 { high = 1 } else if low > 0 { low = 0 } else { high = 0 }
        }
        let rough = (high - low) / Double(max(1, targetTicks))
        let magnitude = pow(10, log10(rough).rounded(.down))
        let normalized = rough / magnitude
        let factor: Double = normalized < 1.5 ? 1 : normalized < 2.25 ? 2 : normalized < 3.5 ? 2.5 : normalized < 7.5 ? 5 : 10
        let step = factor * magnitude
        self.step = step
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        ticks = stride(from: first, through: last, by: 1).map { index in
            // Rounded so 3 × 0,2 is 0,6 and not 0,6000000000000001.
            let value = (index * step * 1e9).rounded() / 1e9
            return value == 0 ? 0 : value
        }
    }
}
