import Yams

/// ```` ```faq ```` with `category: NAME` in the block lists that category's questions as links, in Swedish
/// order. An unknown category is an error at the block's line.
struct FAQDirective: Directive {
    let name = "faq"

    init() {}

    func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
        let node: Node?
        do {
            node = try YAMLFields.compose(block.body)
        } catch {
            return DirectiveOutput(html: "", diagnostics: [YAMLFields.diagnostic(for: error, file: block.location.file,
                                                                                lineOffset: block.location.line)])
        }
        guard case .mapping(let mapping)? = node else {
            return DirectiveOutput(html: "", diagnostics: [.error(block.location, .faqDirective,
                                                                  "the faq block needs 'category: NAME'")])
        }
        var fields = YAMLFields(mapping: mapping, file: block.location.file, lineOffset: block.location.line)
        fields.warnAboutUnknownKeys(known: ["category", "title"], what: "faq block")
        let index = context.faq
        guard let category = fields.nonEmptyString("category") else {
            if !fields.has("category") {
                fields.diagnostics.append(.error(block.location, .faqDirective, "the faq block needs 'category: NAME'"))
            }
            return DirectiveOutput(html: "", diagnostics: fields.diagnostics)
        }
        guard let group = index.categories.first(where: { $0.name == category }) else {
            let names = index.categories.map(\.name)
            fields.diagnostics.append(.error(fields.location(ofKey: "category"), .faqUnknownCategory,
                                             "no FAQ entry has the category '\(category)'\(DidYouMean.hint(for: category, among: names))"))
            return DirectiveOutput(html: "", diagnostics: fields.diagnostics)
        }
        var html = "<section class=\"faq-block\">\n"
        if let title = fields.nonEmptyString("title") { html += "<h2>\(HTML.escape(title))</h2>\n" }
        html += "<ul class=\"faq-list\">\n"
        for entry in group.entries {
            html += "<li><a href=\"\(HTML.escape(context.links.href(entry.url)))\">\(HTML.escape(entry.question))</a></li>\n"
        }
        html += "</ul>\n</section>\n"
        return DirectiveOutput(html: html, diagnostics: fields.diagnostics)
    }
}
