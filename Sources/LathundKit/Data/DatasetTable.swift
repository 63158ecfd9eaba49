/// A dataset as an accessible HTML table: a caption, `scope` on every header, row headers in the first column,
/// numbers formatted the Swedish way and right-aligned (class `num`). The table scrolls sideways in a focusable
/// region on narrow screens.
enum DatasetTable {
    static func html(_ dataset: Dataset, columns names: [String]? = nil, caption: String? = nil, id: String) -> String {
        var shown = names?.compactMap { dataset.columnIndex($0) } ?? Array(dataset.columns.indices)
        // The row header names the row: the chart's x when it is text, else its series, else x, else the first
        // text column shown. It is the first column, which the stylesheet keeps in view while the table
        // scrolls sideways.
        let x = dataset.columnIndex(dataset.chart.x)
        let series = dataset.chart.series.flatMap { dataset.columnIndex($0) }
        let candidates = [x.flatMap { dataset.columns[$0].type == .text ? $0 : nil }, series, x]
        let rowHeader = candidates.compactMap { $0 }.first { shown.contains($0) }
            ?? shown.first { dataset.columns[$0].type != .number }
        if let rowHeader, let position = shown.firstIndex(of: rowHeader) {
            shown.remove(at: position)
            shown.insert(rowHeader, at: 0)
        }
        var html = "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"\(id)-caption\" tabindex=\"0\">\n"
        html += "<table class=\"data-table\" id=\"\(id)\">\n"
        html += "<caption id=\"\(id)-caption\"><span class=\"caption-text\">\(HTML.escape(caption ?? dataset.title))"
        html += " <span class=\"unit\">(\(HTML.escape(dataset.unit)))</span></span></caption>\n<thead>\n<tr>"
        for index in shown {
            let column = dataset.columns[index]
            html += "<th scope=\"col\"\(column.type == .number ? " class=\"num\"" : "")>\(HTML.escape(column.label))</th>"
        }
        html += "</tr>\n</thead>\n<tbody>\n"
        for row in dataset.rows {
            html += "<tr>"
            for index in shown {
                let isHeader = index == rowHeader
                let isNumber = dataset.columns[index].type == .number
                let tag = isHeader ? "th" : "td"
                html += "<\(tag)\(isHeader ? " scope=\"row\"" : "")\(isNumber ? " class=\"num\"" : "")>\(cell(row[index]))</\(tag)>"
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n</div>\n"
        return html
    }

    static func cell(_ value: Dataset.Value) -> String {
        switch value {
        case .number(_, let text): return SwedishFormat.decimal(text)
        case .date(let date): return date.description
        case .text(let text): return HTML.escape(text)
        case .missing: return "<span aria-hidden=\"true\">–</span><span class=\"visually-hidden\">uppgift saknas</span>"
        }
    }
}

/// Figures worth reading off a dataset's chart. On a time axis, per series: the latest value and the change,
/// in units and per cent, from the first to the last point. On categories: per series the total, the highest
/// and the lowest; for stacked bars also each stack's total when there are few.
struct DatasetFigure: Sendable, Equatable {
    let label: String
    let value: String

    static func figures(for dataset: Dataset) -> [DatasetFigure] {
        let data = ChartData(dataset: dataset, spec: dataset.chart)
        var figures: [DatasetFigure] = []
        for series in data.series where !series.points.isEmpty {
            let suffix = data.series.count > 1 ? ", \(series.name)" : ""
            if data.positions != nil {
                let first = series.points.first!
                let last = series.points.last!
                figures.append(DatasetFigure(label: "Senaste värde\(suffix)",
                                             value: "\(data.format(last.value)) (\(data.categories[last.category]))"))
                guard series.points.count > 1 else { continue }
                let change = last.value - first.value
                var value = SwedishFormat.signed(change, decimals: data.decimals)
                if first.value != 0 {
                    value += " (" + SwedishFormat.percent(change / abs(first.value) * 100, signed: true) + ")"
                }
                figures.append(DatasetFigure(label: "Förändring \(data.categories[first.category])–\(data.categories[last.category])\(suffix)",
                                             value: value))
            } else {
                if series.points.count > 1 {
                    figures.append(DatasetFigure(label: "Summa av raderna\(suffix)",
                                                 value: data.format(series.points.reduce(0) { $0 + $1.value })))
                }
                if series.points.count > 2 {
                    let high = series.points.max { $0.value < $1.value }!
                    let low = series.points.min { $0.value < $1.value }!
                    figures.append(DatasetFigure(label: "Högst\(suffix)",
                                                 value: "\(data.format(high.value)) (\(data.categories[high.category]))"))
                    figures.append(DatasetFigure(label: "Lägst\(suffix)",
                                                 value: "\(data.format(low.value)) (\(data.categories[low.category]))"))
                }
            }
        }
        if data.kind == .stackedBar, data.positions == nil, data.series.count > 1, data.categories.count <= 6 {
            for (index, category) in data.categories.enumerated() {
                let total = data.series.flatMap(\.points).filter { $0.category == index }.reduce(0) { $0 + $1.value }
                figures.append(DatasetFigure(label: "Summa, \(category)", value: data.format(total)))
            }
        }
        return figures
    }
}
