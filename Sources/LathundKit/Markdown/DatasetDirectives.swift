import Yams

/// ```` ```chart ```` — a chart from a dataset, in any page:
///
///     dataset: sjukpenningtal
///     type: line            # optional; the dataset's chart is the default
///     x: datum
///     y: sjukpenningtal     # or a list of number columns
///     series: omrade
///     title: "…"
///
/// ```` ```table ```` — the dataset's table, optionally with `columns: [a, b]` and `title:`.
/// An unknown dataset or column is an error at the line that names it.
struct ChartDirective: Directive {
    let name = "chart"

    init() {}

    func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
        let read = DatasetBlock.read(block, context: context, extraKeys: ChartSpecReader.keys, missing: .chartDirective)
        var problems = read.diagnostics
        guard let (found, dataset) = read.value else { return DirectiveOutput(html: "", diagnostics: problems) }
        var fields = found
        let spec = ChartSpecReader.read(&fields, columns: dataset.columns, defaults: dataset.chart)
        problems += fields.diagnostics
        guard let spec else { return DirectiveOutput(html: "", diagnostics: problems) }
        let chart = SVGChart(data: ChartData(dataset: dataset, spec: spec), id: "chart-\(dataset.name)-\(block.location.line)",
                             size: .full).render()
        let html = "<figure class=\"chart-figure\">\n\(chart)\n<figcaption>\(dataset.sources.count == 1 ? "Källa" : "Källor"): \(HTML.escape(dataset.sources.map(\.citation).joined(separator: "; "))). "
            + "<a href=\"\(HTML.escape(context.links.href(dataset.url)))\">Alla värden i tabellform</a></figcaption>\n</figure>\n"
        return DirectiveOutput(html: html, diagnostics: problems)
    }
}

struct TableDirective: Directive {
    let name = "table"

    init() {}

    func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
        let read = DatasetBlock.read(block, context: context, extraKeys: ["columns", "title"], missing: .tableDirective)
        var problems = read.diagnostics
        guard let (found, dataset) = read.value else { return DirectiveOutput(html: "", diagnostics: problems) }
        var fields = found
        var columns: [String]?
        if let names = fields.stringList("columns") {
            columns = []
            for name in names {
                if dataset.columnIndex(name.value) == nil {
                    fields.diagnostics.append(.error(name.location, .tableUnknownColumn,
                                                     "the dataset '\(dataset.name)' has no column '\(name.value)'\(DidYouMean.hint(for: name.value, among: dataset.columns.map(\.name)))"))
                } else {
                    columns?.append(name.value)
                }
            }
        }
        let title = fields.nonEmptyString("title")
        problems += fields.diagnostics
        if problems.contains(where: { $0.severity == .error }) { return DirectiveOutput(html: "", diagnostics: problems) }
        let table = DatasetTable.html(dataset, columns: columns, caption: title, id: "tabell-\(dataset.name)-\(block.location.line)")
        return DirectiveOutput(html: table, diagnostics: problems)
    }
}

/// The part both dataset directives share: the block's YAML and its `dataset:`.
enum DatasetBlock {
    /// `missing` is the code for a block without `dataset:`.
    static func read(_ block: DirectiveBlock, context: DirectiveContext, extraKeys: Set<String>,
                     missing: DiagnosticCode) -> Staged<(YAMLFields, Dataset)?> {
        let node: Node?
        do {
            node = try YAMLFields.compose(block.body)
        } catch {
            return Staged(nil, [YAMLFields.diagnostic(for: error, file: block.location.file, lineOffset: block.location.line)])
        }
        guard case .mapping(let mapping)? = node else {
            return Staged(nil, [.error(block.location, missing, "the \(block.name) block needs 'dataset: NAME'")])
        }
        var fields = YAMLFields(mapping: mapping, file: block.location.file, lineOffset: block.location.line)
        fields.warnAboutUnknownKeys(known: extraKeys.union(["dataset"]), what: "\(block.name) block")
        guard let name = fields.nonEmptyString("dataset") else {
            if !fields.has("dataset") {
                fields.diagnostics.append(.error(block.location, missing, "the \(block.name) block needs 'dataset: NAME'"))
            }
            return Staged(nil, fields.diagnostics)
        }
        guard let dataset = context.datasets[name] else {
            return Staged(nil, fields.diagnostics + [.error(fields.location(of: fields.values["dataset"]!), .unknownDataset,
                                                            "no dataset named '\(name)' in content/data/\(DidYouMean.hint(for: name, among: context.datasets.names))")])
        }
        return Staged((fields, dataset))
    }
}
