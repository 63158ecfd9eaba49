import Foundation

/// Draws a `ChartData` as inline SVG: a line chart on a time or category axis, or horizontal bars (single,
/// grouped or stacked) with each category's name above its bar, so long names stay readable on a phone.
///
/// Accessible: `role="img"` labelled by a `<title>` and a `<desc>` that sums up the data; series differ by
/// marker shape and dash pattern (lines) or fill pattern (bars) as well as by colour. Colours are presentation
/// attributes (no `style`, so a strict CSP holds) that the stylesheet overrides by class for dark mode; text is
/// `currentColor`. Coordinates are rounded to tenths so the output is deterministic.
struct SVGChart {
    enum Size {
        /// The chart on a statistics or content page: legend, axis titles, value labels.
        case full
        /// A small chart for the `/statistik/` list: no legend, labels or axis titles.
        case compact
    }

    /// Light-mode colours; each has at least 4.5:1 contrast against white. `style.css` has the dark-mode ones.
    static let palette = ["#1f5fa8", "#b3471d", "#2f7a33", "#6b3fa0", "#8a6100", "#b0245e", "#0f6f6f", "#555555"]
    static let dashes = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 2"]

    let data: ChartData
    /// Unique within the page: prefixes the title, description and pattern ids.
    let id: String
    let size: Size

    private var full: Bool { size == .full }
    private var width: Double { full ? 480 : 320 }
    private var fontSize: Double { full ? 14 : 12 }

    func render() -> String {
        var svg = SVGWriter()
        let body: (content: String, height: Double)
        if data.isEmpty {
            body = empty()
        } else if data.kind == .line {
            body = line()
        } else {
            body = bars()
        }
        svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-\(data.kind.rawValue)\(full ? "" : " chart-compact")\" ")
        svg.raw("width=\"\(SVGWriter.number(width))\" height=\"\(SVGWriter.number(body.height))\" ")
        svg.raw("viewBox=\"0 0 \(SVGWriter.number(width)) \(SVGWriter.number(body.height))\" role=\"img\" ")
        svg.raw("aria-labelledby=\"\(id)-title \(id)-desc\">\n")
        svg.raw("<title id=\"\(id)-title\">\(HTML.escape(data.title))</title>\n")
        svg.raw("<desc id=\"\(id)-desc\">\(HTML.escape(summary()))</desc>\n")
        svg.raw(body.content)
        svg.raw("</svg>")
        return svg.text
    }

    // MARK: - Description

    static func kindName(_ kind: ChartSpec.Kind) -> String {
        switch kind {
        case .line: "Linjediagram"
        case .bar: "Stapeldiagram"
        case .groupedBar: "Grupperat stapeldiagram"
        case .stackedBar: "Staplat stapeldiagram"
        }
    }

    /// What a screen reader hears: the kind of chart, the unit, and the values (all of them when there are
    /// few, else each series' highest and lowest).
    func summary() -> String {
        guard !data.isEmpty else { return "\(Self.kindName(data.kind)) utan värden: datamängden har inga värden att visa." }
        var text = "\(Self.kindName(data.kind)) över \(data.unit) efter \(data.xLabel.lowercased())."
        let total = data.series.reduce(0) { $0 + $1.points.count }
        for series in data.series where !series.points.isEmpty {
            let prefix = data.series.count > 1 ? " \(series.name):" : ""
            if total <= 24 {
                text += prefix + " " + series.points.map { point in
                    "\(data.categories[point.category])\(data.imprecise[point.category].map { " (\($0))" } ?? "") \(data.format(point.value))"
                }.joined(separator: ", ") + "."
            } else {
                let high = series.points.max { $0.value < $1.value }!
                let low = series.points.min { $0.value < $1.value }!
                text += prefix + " högst \(data.categories[high.category]) \(data.format(high.value)),"
                    + " lägst \(data.categories[low.category]) \(data.format(low.value))."
            }
        }
        if total > 24 { text += " Alla värden finns i tabellen." }
        return text
    }

    // MARK: - Shared parts

    private func textWidth(_ text: String, size: Double? = nil) -> Double {
        Double(text.count) * (size ?? fontSize) * 0.6
    }

    /// Values on the axis in millions when they are that large, with the unit saying so.
    private func valueAxis(minimum: Double, maximum: Double) -> (scale: NiceScale, divisor: Double, title: String) {
        let scale = NiceScale(minimum: minimum, maximum: maximum, targetTicks: full ? 5 : 3)
        if max(abs(scale.lower), abs(scale.upper)) >= 1_000_000 {
            let inMillions = NiceScale(minimum: minimum / 1_000_000, maximum: maximum / 1_000_000, targetTicks: full ? 5 : 3)
            return (inMillions, 1_000_000, "miljoner \(data.unit)")
        }
        return (scale, 1, data.unit)
    }

    private func tickLabel(_ value: Double, _ scale: NiceScale) -> String {
        SwedishFormat.number(value, decimals: scale.decimals)
    }

    /// A legend's group: its text in the page's text colour (SVG text is black by default, whatever the page's
    /// colours) at the chart's font size, which the layout measures with.
    private var legendGroup: String {
        "<g class=\"legend\" fill=\"currentColor\" font-size=\"\(SVGWriter.number(fontSize))\">\n"
    }

    /// Legend rows at the top; returns the height used.
    private func legend(_ svg: inout SVGWriter, top: Double, swatch: (inout SVGWriter, Int, Double, Double) -> Void) -> Double {
        guard full, data.series.count > 1 else { return 0 }
        var x = 0.0
        var y = top
        let rowHeight = fontSize + 10
        svg.raw(legendGroup)
        for (index, series) in data.series.enumerated() {
            let itemWidth = 30 + textWidth(series.name) + 20
            if x > 0, x + itemWidth > width {
                x = 0
                y += rowHeight
            }
            swatch(&svg, index, x, y)
            svg.text(series.name, x: x + 30, y: y + fontSize * 0.85, anchor: "start")
            x += itemWidth
        }
        svg.raw("</g>\n")
        return y + rowHeight - top + 4
    }

    /// A label centred on `x`, moved inside the chart when it would stick out at either side.
    private func placeCentred(_ svg: inout SVGWriter, _ label: String, x: Double, y: Double, size: Double) {
        let half = textWidth(label, size: size) / 2
        if x + half > width {
            svg.text(label, x: width, y: y, anchor: "end", size: size)
        } else if x - half < 0 {
            svg.text(label, x: 0, y: y, anchor: "start", size: size)
        } else {
            svg.text(label, x: x, y: y, anchor: "middle", size: size)
        }
    }

    private func color(_ index: Int) -> String { Self.palette[index % Self.palette.count] }

    private func empty() -> (String, Double) {
        var svg = SVGWriter()
        let height = full ? 120.0 : 80.0
        svg.raw("<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"\(SVGWriter.number(width - 1))\" height=\"\(SVGWriter.number(height - 1))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>\n")
        svg.raw("<g fill=\"currentColor\" font-size=\"\(SVGWriter.number(fontSize))\">\n")
        svg.text("Inga värden att visa", x: width / 2, y: height / 2 + fontSize * 0.35, anchor: "middle")
        svg.raw("</g>\n")
        return (svg.text, height)
    }

    // MARK: - Bars

    /// The fill of series `index`: solid for the first, a pattern in the series' colour for the others.
    private func barFill(_ index: Int) -> (attribute: String, classes: String) {
        index == 0 ? (color(0), "bar f0") : ("url(#\(id)-p\(index))", "bar")
    }

    private func patterns(_ count: Int) -> String {
        guard count > 1 else { return "" }
        var svg = SVGWriter()
        svg.raw("<defs>\n")
        for index in 1..<count {
            let kind = (index - 1) % 5
            let rotate = kind == 0 || kind == 3 ? " patternTransform=\"rotate(45)\"" : kind == 4 ? " patternTransform=\"rotate(-45)\"" : ""
            svg.raw("<pattern id=\"\(id)-p\(index)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"\(rotate)>")
            svg.raw("<rect class=\"f\(index % Self.palette.count)\" width=\"8\" height=\"8\" fill=\"\(color(index))\"/>")
            switch kind {
            case 1: svg.raw("<circle class=\"ink-fill\" cx=\"4\" cy=\"4\" r=\"1.7\" fill=\"#ffffff\"/>")
            case 2: svg.raw("<path class=\"ink\" d=\"M0 4H8\" stroke=\"#ffffff\" stroke-width=\"2.5\"/>")
            case 3: svg.raw("<path class=\"ink\" d=\"M0 4H8M4 0V8\" stroke=\"#ffffff\" stroke-width=\"2\"/>")
            default: svg.raw("<path class=\"ink\" d=\"M4 0V8\" stroke=\"#ffffff\" stroke-width=\"2.5\"/>")
            }
            svg.raw("</pattern>\n")
        }
        svg.raw("</defs>\n")
        return svg.text
    }

    private func bars() -> (String, Double) {
        var svg = SVGWriter()
        let stacked = data.kind == .stackedBar
        svg.raw(patterns(data.series.count))
        let totals = stackTotals()
        let axis = barAxis(stacked: stacked, totals: totals)
        let top = 4.0 + legend(&svg, top: 4) { svg, index, x, y in
            let fill = barFill(index)
            svg.raw("<rect class=\"\(fill.classes)\" x=\"\(SVGWriter.number(x))\" y=\"\(SVGWriter.number(y))\" width=\"22\" height=\"\(SVGWriter.number(fontSize))\" fill=\"\(fill.attribute)\"/>\n")
        }
        let valueLabels = full ? barValueLabels(stacked: stacked, totals: totals) : []
        let valueLabelWidth = (valueLabels.map { textWidth(data.format($0.value), size: fontSize - 1) }.max() ?? 0) + (full ? 8 : 0)
        let layout = BarLayout(axis: axis, top: top, plotRight: width - 6 - valueLabelWidth, full: full, fontSize: fontSize,
                               series: data.series.count, grouped: data.kind == .groupedBar && data.series.count > 1,
                               categories: data.categories.count)

        // Grid.
        svg.raw("<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.2\">\n")
        for tick in axis.scale.ticks {
            let position = layout.x(tick * axis.divisor)
            svg.raw("<line x1=\"\(SVGWriter.number(position))\" y1=\"\(SVGWriter.number(top))\" x2=\"\(SVGWriter.number(position))\" y2=\"\(SVGWriter.number(top + layout.plotHeight))\"/>\n")
        }
        svg.raw("</g>\n")
        let ends = drawBars(&svg, layout, stacked: stacked)
        let zero = layout.x(0)
        svg.raw("<line class=\"axis\" x1=\"\(SVGWriter.number(zero))\" y1=\"\(SVGWriter.number(top))\" x2=\"\(SVGWriter.number(zero))\" y2=\"\(SVGWriter.number(top + layout.plotHeight))\" stroke=\"currentColor\"/>\n")
        let height = barLabels(&svg, layout, valueLabels: valueLabels, ends: ends)
        return (svg.text, height)
    }

    /// Where the bars go: a band per category (its name at full size, then its bar or bars) across the value axis.
    private struct BarLayout {
        let axis: (scale: NiceScale, divisor: Double, title: String)
        let top: Double
        let plotLeft = 2.0
        let plotRight: Double
        let seriesCount: Double
        let grouped: Bool
        let labelHeight: Double
        let barsHeight: Double
        let band: Double
        let plotHeight: Double

        init(axis: (scale: NiceScale, divisor: Double, title: String), top: Double, plotRight: Double, full: Bool,
             fontSize: Double, series: Int, grouped: Bool, categories: Int) {
            self.axis = axis
            self.top = top
            self.plotRight = plotRight
            self.grouped = grouped
            seriesCount = Double(max(1, series))
            labelHeight = full ? fontSize + 4 : 0
            barsHeight = grouped ? seriesCount * (full ? 14 : 5) : (full ? 18 : 8)
            band = labelHeight + barsHeight + (full ? 10 : 4)
            plotHeight = band * Double(categories)
        }

        func x(_ value: Double) -> Double {
            plotLeft + (value / axis.divisor - axis.scale.lower) / (axis.scale.upper - axis.scale.lower) * (plotRight - plotLeft)
        }

        /// The top and thickness of series `index`'s bar in the band of `category`.
        func bar(category: Int, series index: Int) -> (top: Double, thickness: Double) {
            let bandTop = top + band * Double(category)
            guard grouped else { return (bandTop + labelHeight, barsHeight) }
            let thickness = barsHeight / seriesCount
            return (bandTop + labelHeight + thickness * Double(index), thickness)
        }
    }

    /// Each category's sums of its positive and of its negative values: where its stack ends on either side.
    private func stackTotals() -> [(positive: Double, negative: Double)] {
        var totals = Array(repeating: (positive: 0.0, negative: 0.0), count: data.categories.count)
        for series in data.series {
            for point in series.points {
                if point.value >= 0 { totals[point.category].positive += point.value } else { totals[point.category].negative += point.value }
            }
        }
        return totals
    }

    /// The value axis: its range covers every bar and 0, or every stack.
    private func barAxis(stacked: Bool, totals: [(positive: Double, negative: Double)]) -> (scale: NiceScale, divisor: Double, title: String) {
        if stacked {
            return valueAxis(minimum: totals.map(\.negative).min() ?? 0, maximum: totals.map(\.positive).max() ?? 0)
        }
        var low = 0.0
        var high = 0.0
        for series in data.series {
            for point in series.points {
                low = min(low, point.value)
                high = max(high, point.value)
            }
        }
        return valueAxis(minimum: low, maximum: high)
    }

    /// The value labels: each bar's value, or each stack's total.
    private func barValueLabels(stacked: Bool, totals: [(positive: Double, negative: Double)]) -> [(category: Int, series: Int?, value: Double)] {
        var labels: [(category: Int, series: Int?, value: Double)] = []
        if stacked {
            for category in data.categories.indices where data.series.contains(where: { $0.points.contains { $0.category == category } }) {
                labels.append((category, nil, totals[category].positive + totals[category].negative))
            }
        } else {
            for (index, series) in data.series.enumerated() {
                labels += series.points.map { ($0.category, index, $0.value) }
            }
        }
        return labels
    }

    /// The bars, each with a title; returns where each stack ends and the middle of each bar (by "category/series"),
    /// for the value labels.
    private func drawBars(_ svg: inout SVGWriter, _ layout: BarLayout,
                          stacked: Bool) -> (stacks: [(positive: Double, negative: Double)], middles: [String: Double]) {
        svg.raw("<g class=\"bars\">\n")
        var stackEnds = Array(repeating: (positive: 0.0, negative: 0.0), count: data.categories.count)
        var middles: [String: Double] = [:]
        for (index, series) in data.series.enumerated() {
            let fill = barFill(index)
            for point in series.points {
                let (barTop, thickness) = layout.bar(category: point.category, series: index)
                var start = 0.0
                var end = point.value
                if stacked {
                    if point.value >= 0 {
                        start = stackEnds[point.category].positive
                        stackEnds[point.category].positive += point.value
                    } else {
                        start = stackEnds[point.category].negative
                        stackEnds[point.category].negative += point.value
                    }
                    end = start + point.value
                }
                let left = min(layout.x(start), layout.x(end))
                let right = max(layout.x(start), layout.x(end))
                middles["\(point.category)/\(index)"] = barTop + thickness / 2
                svg.raw("<rect class=\"\(fill.classes)\" x=\"\(SVGWriter.number(left))\" y=\"\(SVGWriter.number(barTop))\" width=\"\(SVGWriter.number(max(right - left, 0)))\" height=\"\(SVGWriter.number(thickness))\" fill=\"\(fill.attribute)\">")
                let owner = data.series.count > 1 ? "\(series.name), " : ""
                svg.raw("<title>\(HTML.escape("\(owner)\(data.categories[point.category]): \(data.format(point.value)) \(data.unit)"))</title></rect>\n")
            }
        }
        svg.raw("</g>\n")
        return (stackEnds, middles)
    }

    /// The categories' names and the value labels (full size only), the tick labels and the axis title; returns
    /// the chart's height.
    private func barLabels(_ svg: inout SVGWriter, _ layout: BarLayout, valueLabels: [(category: Int, series: Int?, value: Double)],
                           ends: (stacks: [(positive: Double, negative: Double)], middles: [String: Double])) -> Double {
        let scale = layout.axis.scale
        svg.raw("<g class=\"labels\" fill=\"currentColor\" font-size=\"\(SVGWriter.number(fontSize))\">\n")
        if full {
            for (index, category) in data.categories.enumerated() {
                svg.text(category, x: layout.plotLeft + 4, y: layout.top + layout.band * Double(index) + fontSize, anchor: "start")
            }
            for label in valueLabels {
                let middle: Double
                let end: Double
                if let series = label.series {
                    middle = ends.middles["\(label.category)/\(series)"]!
                    end = max(layout.x(label.value), layout.x(0))
                } else {
                    middle = layout.top + layout.band * Double(label.category) + layout.labelHeight + layout.barsHeight / 2
                    end = layout.x(ends.stacks[label.category].positive)
                }
                svg.text(data.format(label.value), x: end + 4, y: middle + (fontSize - 1) * 0.35, anchor: "start", size: fontSize - 1)
            }
        }
        let tickY = layout.top + layout.plotHeight + fontSize + 4
        for (position, tick) in scale.ticks.enumerated() where full || position == 0 || position == scale.ticks.count - 1 {
            placeCentred(&svg, tickLabel(tick, scale), x: layout.x(tick * layout.axis.divisor), y: tickY, size: fontSize - 1)
        }
        var height = tickY + 6
        if full {
            svg.text(layout.axis.title.prefix(1).uppercased() + layout.axis.title.dropFirst(), x: (layout.plotLeft + layout.plotRight) / 2,
                     y: tickY + fontSize + 8, anchor: "middle")
            height = tickY + fontSize + 14
        }
        svg.raw("</g>\n")
        return height
    }

    // MARK: - Lines

    /// A series' marker; `hollow` (the background colour inside, outlined in the series colour) marks a point whose
    /// date is not exactly known.
    private func marker(_ svg: inout SVGWriter, _ index: Int, x: Double, y: Double, title: String?, hollow: Bool = false) {
        let r = full ? 4.5 : 3
        let fill = color(index)
        let shape: String
        switch index % 6 {
        case 0: shape = "<circle cx=\"\(SVGWriter.number(x))\" cy=\"\(SVGWriter.number(y))\" r=\"\(SVGWriter.number(r))\""
        case 1: shape = "<rect x=\"\(SVGWriter.number(x - r))\" y=\"\(SVGWriter.number(y - r))\" width=\"\(SVGWriter.number(2 * r))\" height=\"\(SVGWriter.number(2 * r))\""
        case 2: shape = "<path d=\"M\(SVGWriter.number(x)) \(SVGWriter.number(y - r * 1.2))L\(SVGWriter.number(x + r * 1.1)) \(SVGWriter.number(y + r * 0.9))H\(SVGWriter.number(x - r * 1.1))Z\""
        case 3: shape = "<path d=\"M\(SVGWriter.number(x)) \(SVGWriter.number(y - r * 1.3))L\(SVGWriter.number(x + r * 1.3)) \(SVGWriter.number(y))L\(SVGWriter.number(x)) \(SVGWriter.number(y + r * 1.3))L\(SVGWriter.number(x - r * 1.3)) \(SVGWriter.number(y))Z\""
        case 4: shape = "<path d=\"M\(SVGWriter.number(x)) \(SVGWriter.number(y + r * 1.2))L\(SVGWriter.number(x + r * 1.1)) \(SVGWriter.number(y - r * 0.9))H\(SVGWriter.number(x - r * 1.1))Z\""
        default: shape = "<path d=\"M\(SVGWriter.number(x - r)) \(SVGWriter.number(y - r))L\(SVGWriter.number(x + r)) \(SVGWriter.number(y + r))M\(SVGWriter.number(x + r)) \(SVGWriter.number(y - r))L\(SVGWriter.number(x - r)) \(SVGWriter.number(y + r))\" stroke-width=\"2.5\" stroke=\"\(fill)\""
        }
        let classes = index % 6 == 5 ? "marker k\(index % Self.palette.count)" : "marker f\(index % Self.palette.count)"
        if hollow, index % 6 != 5 {
            svg.raw(shape + " class=\"marker hollow k\(index % Self.palette.count) ink-fill\" fill=\"#ffffff\" stroke=\"\(fill)\" stroke-width=\"2\"")
        } else {
            svg.raw(shape + " class=\"\(classes)\" fill=\"\(index % 6 == 5 ? "none" : fill)\"")
        }
        if let title { svg.raw("><title>\(HTML.escape(title))</title>" + (shape.hasPrefix("<circle") ? "</circle>" : shape.hasPrefix("<rect") ? "</rect>" : "</path>") + "\n") }
        else { svg.raw("/>\n") }
    }

    private func line() -> (String, Double) {
        var svg = SVGWriter()
        let height = full ? 320.0 : 140.0
        let values = data.series.flatMap { $0.points.map(\.value) }
        let axis = valueAxis(minimum: values.min()!, maximum: values.max()!)
        let scale = axis.scale
        let top = lineHeading(&svg, axisTitle: axis.title)
        let tickLabels = scale.ticks.map { tickLabel($0, scale) }
        let plotLeft = (tickLabels.map { textWidth($0, size: fontSize - 1) }.max() ?? 0) + 8
        let plotRight = width - (full ? 14 : 8)
        let plotBottom = height - (full ? 2 * fontSize + 14 : fontSize + 8)
        func y(_ value: Double) -> Double {
            plotBottom - (value / axis.divisor - scale.lower) / (scale.upper - scale.lower) * (plotBottom - top)
        }
        let xAxis = lineXAxis(plotLeft: plotLeft, plotRight: plotRight)
        func x(_ position: Double) -> Double {
            plotLeft + (position - xAxis.lower) / (xAxis.upper - xAxis.lower) * (plotRight - plotLeft)
        }
        func x(category: Int) -> Double { x(data.positions?[category] ?? Double(category)) }

        // Grid.
        svg.raw("<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.2\">\n")
        for tick in scale.ticks {
            svg.raw("<line x1=\"\(SVGWriter.number(plotLeft))\" y1=\"\(SVGWriter.number(y(tick * axis.divisor)))\" x2=\"\(SVGWriter.number(plotRight))\" y2=\"\(SVGWriter.number(y(tick * axis.divisor)))\"/>\n")
        }
        for tick in xAxis.ticks {
            svg.raw("<line x1=\"\(SVGWriter.number(x(tick)))\" y1=\"\(SVGWriter.number(plotBottom))\" x2=\"\(SVGWriter.number(x(tick)))\" y2=\"\(SVGWriter.number(plotBottom + 5))\"/>\n")
        }
        svg.raw("</g>\n")
        let baseline = scale.lower <= 0 && scale.upper >= 0 ? y(0) : plotBottom
        svg.raw("<line class=\"axis\" x1=\"\(SVGWriter.number(plotLeft))\" y1=\"\(SVGWriter.number(baseline))\" x2=\"\(SVGWriter.number(plotRight))\" y2=\"\(SVGWriter.number(baseline))\" stroke=\"currentColor\"/>\n")
        drawSeries(&svg, x: x(category:), y: y)

        // Labels.
        svg.raw("<g class=\"labels\" fill=\"currentColor\" font-size=\"\(SVGWriter.number(fontSize - 1))\">\n")
        for (position, tick) in scale.ticks.enumerated() where full || position == 0 || position == scale.ticks.count - 1 {
            svg.text(tickLabels[position], x: plotLeft - 6, y: y(tick * axis.divisor) + (fontSize - 1) * 0.35, anchor: "end")
        }
        for label in xAxis.labels {
            placeCentred(&svg, label.label, x: x(label.position), y: plotBottom + fontSize + 4, size: fontSize - 1)
        }
        if full {
            svg.text(data.xLabel, x: (plotLeft + plotRight) / 2, y: plotBottom + 2 * fontSize + 10, anchor: "middle", size: fontSize)
        }
        svg.raw("</g>\n")
        return (svg.text, height)
    }

    /// The legend, the note on hollow markers and the value axis' title; returns where the plot starts.
    private func lineHeading(_ svg: inout SVGWriter, axisTitle: String) -> Double {
        var top = 4.0 + legend(&svg, top: 4) { svg, index, x, y in
            let dash = Self.dashes[index % Self.dashes.count]
            svg.raw("<line class=\"series k\(index % Self.palette.count)\" x1=\"\(SVGWriter.number(x))\" y1=\"\(SVGWriter.number(y + fontSize / 2))\" x2=\"\(SVGWriter.number(x + 24))\" y2=\"\(SVGWriter.number(y + fontSize / 2))\" stroke=\"\(color(index))\" stroke-width=\"2.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n")
            marker(&svg, index, x: x + 12, y: y + fontSize / 2, title: nil)
        }
        if full, !data.imprecise.isEmpty {
            svg.raw(legendGroup)
            svg.raw("<circle class=\"ink-fill\" cx=\"6\" cy=\"\(SVGWriter.number(top + fontSize / 2))\" r=\"4.5\" fill=\"#ffffff\" stroke=\"currentColor\" stroke-width=\"2\"/>\n")
            svg.text("Ofylld punkt: datumet är inte exakt känt", x: 18, y: top + fontSize * 0.85, anchor: "start")
            svg.raw("</g>\n")
            top += fontSize + 10
        }
        if full {
            svg.raw("<g fill=\"currentColor\" font-size=\"\(SVGWriter.number(fontSize))\">\n")
            svg.text(axisTitle.prefix(1).uppercased() + axisTitle.dropFirst(), x: 0, y: top + fontSize, anchor: "start")
            svg.raw("</g>\n")
            top += fontSize + 12
        } else {
            top += fontSize / 2
        }
        return top
    }

    /// The x axis: whole years on a time axis, else the categories evenly spaced (as many labels as fit).
    private func lineXAxis(plotLeft: Double,
                           plotRight: Double) -> (lower: Double, upper: Double, ticks: [Double], labels: [(position: Double, label: String)]) {
        var ticks: [Double] = []
        var labels: [(position: Double, label: String)] = []
        guard let positions = data.positions else {
            let every = max(1, Int((Double(data.categories.count) * 80 / (plotRight - plotLeft)).rounded(.up)))
            for (index, category) in data.categories.enumerated() where index % every == 0 {
                ticks.append(Double(index))
                labels.append((Double(index), category))
            }
            return (-0.5, Double(data.categories.count) - 0.5, ticks, labels)
        }
        var lower = (positions.min()!).rounded(.down)
        var upper = (positions.max()!).rounded(.up)
        if upper <= lower { upper = lower + 1 }
        let span = upper - lower
        let step: Double = span <= (full ? 8 : 4) ? 1 : span <= 16 ? 2 : span <= 40 ? 5 : 10
        lower = (lower / step).rounded(.down) * step
        upper = (upper / step).rounded(.up) * step
        for year in stride(from: lower, through: upper, by: step) {
            ticks.append(year)
            if step == 1 {
                if year < upper { labels.append((year + 0.5, String(Int(year)))) }
            } else {
                labels.append((year, String(Int(year))))
            }
        }
        return (lower, upper, ticks, labels)
    }

    /// Each series: a path through its points and a marker with a title on each point.
    private func drawSeries(_ svg: inout SVGWriter, x: (Int) -> Double, y: (Double) -> Double) {
        for (index, series) in data.series.enumerated() where !series.points.isEmpty {
            let points = series.points.map { (x($0.category), y($0.value), $0) }
            svg.raw("<g class=\"series\">\n")
            if points.count > 1 {
                let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(SVGWriter.number($0.element.0)) \(SVGWriter.number($0.element.1))" }.joined()
                let dash = Self.dashes[index % Self.dashes.count]
                svg.raw("<path class=\"k\(index % Self.palette.count)\" d=\"\(path)\" fill=\"none\" stroke=\"\(color(index))\" stroke-width=\"\(full ? "2.5" : "2")\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n")
            }
            for (px, py, point) in points {
                let owner = data.series.count > 1 ? "\(series.name), " : ""
                let note = data.imprecise[point.category].map { " (\($0))" } ?? ""
                marker(&svg, index, x: px, y: py, title: "\(owner)\(data.categories[point.category])\(note): \(data.format(point.value)) \(data.unit)",
                       hollow: note.isEmpty == false)
            }
            svg.raw("</g>\n")
        }
    }
}

/// Accumulates SVG text; numbers are written with at most one decimal.
struct SVGWriter {
    private(set) var text = ""

    mutating func raw(_ part: String) { text += part }

    mutating func text(_ content: some StringProtocol, x: Double, y: Double, anchor: String, size: Double? = nil) {
        text += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
        if anchor != "start" { text += " text-anchor=\"\(anchor)\"" }
        if let size { text += " font-size=\"\(Self.number(size))\"" }
        text += ">\(HTML.escape(String(content)))</text>\n"
    }

    /// `12.34` → `12.3`, `5.0` → `5`, `-0.04` → `0`.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        if tenths == 0 { return "0" }
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
