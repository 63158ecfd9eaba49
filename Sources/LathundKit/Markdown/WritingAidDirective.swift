import Foundation

/// ```` ```granskning ```` — the writing aid (`/dfa/granska/`): a form with the fields of the rules file that
/// `writing_aid:` in `lathund.yml` names, the rules as JSON for the browser module `granska-ui.js` (a
/// `<script type="application/json">` data block, which a strict CSP allows because it never runs), buttons for
/// the examples, and every rule with its sources. The block takes no settings. Each rule's `link` and each
/// example's `from` are resolved from the rules file's folder and returned as links of the page, so the
/// Indexes stage checks them like any link (`broken-link`, `broken-anchor`, at the rules file's line); an
/// example text that is not on its `from` page is a warning, so the examples stay quotes of that page.
struct WritingAidDirective: Directive {
    let name = "granskning"

    init() {}

    /// The id of the JSON data block the browser module reads.
    static let dataID = "granskning_data"

    func render(_ block: DirectiveBlock, context: DirectiveContext) -> DirectiveOutput {
        var diagnostics: [Diagnostic] = []
        if !block.body.trimmingWhitespace().isEmpty || !block.arguments.trimmingWhitespace().isEmpty {
            diagnostics.append(.warning(block.location, .granskningDirective,
                                        "the granskning block takes no settings; the rules file is writing_aid: in lathund.yml"))
        }
        guard let aid = context.writingAid else {
            diagnostics.append(.error(block.location, .granskningDirective,
                                      "the granskning block needs rules: name the file with writing_aid: in lathund.yml (such as dfa/granskningsregler.yml)"))
            return DirectiveOutput(html: "", diagnostics: diagnostics)
        }
        var links: [LinkReference] = []
        let pagesByURL = Dictionary(context.pages.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })

        /// A page a rule or an example names: its href and the page, or nil (then a diagnostic or a link the
        /// Indexes stage reports as broken).
        func page(_ path: Located<String>, what: String) -> (href: String, page: Page)? {
            let (target, href) = context.links.resolve(path.value, from: aid.relativePath)
            links.append(LinkReference(destination: path.value, target: target, isImage: false, location: path.location))
            switch target {
            case .page(let url, _):
                guard let href, let found = pagesByURL[url] else { return nil }
                return (href, found)
            case .missing:
                return nil  // reported as a broken link
            default:
                diagnostics.append(.error(path.location, .writingAidLink,
                                          "\(what) '\(path.value)' must name a page in content/ (a .md file), relative to \(aid.displayPath)"))
                return nil
            }
        }

        var rules: [(rule: WritingAid.Rule, href: String, title: String)] = []
        for rule in aid.rules {
            guard let (href, target) = page(rule.link, what: "link") else { continue }
            rules.append((rule, href, target.frontMatter.title))
        }
        var examples: [(example: WritingAid.Example, href: String, title: String)] = []
        for example in aid.examples {
            guard let (href, source) = page(example.from, what: "from") else { continue }
            let text = Self.comparable(source.body)
            for (field, value) in example.values where !text.contains(Self.comparable(value.value)) {
                diagnostics.append(.warning(value.location, .writingAidExample,
                                            "the example's \(field) text is not on \(source.displayPath); examples quote the page they come from (has it changed?)"))
            }
            examples.append((example, href, source.frontMatter.title))
        }

        let json = Self.json(aid, rules: rules, examples: examples)
        let html = Self.html(aid, rules: rules, examples: examples, json: json, links: context.links)
        var output = DirectiveOutput(html: html, diagnostics: diagnostics)
        output.links = links
        return output
    }

    /// Text as compared with a page: Markdown emphasis (`**`, `__`) removed, white space collapsed.
    static func comparable(_ text: String) -> String {
        text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: JSON for the browser

    /// What `granska.js` runs: fields, lists, rules (with resolved hrefs), examples and the personnummer allow list.
    static func json(_ aid: WritingAid, rules: [(rule: WritingAid.Rule, href: String, title: String)],
                     examples: [(example: WritingAid.Example, href: String, title: String)]) -> String {
        let s = JSONText.string
        func strings(_ list: [String]) -> String { JSONText.array(list.map(s)) }
        func choices(_ list: [(field: String, choices: [String])]) -> String {
            JSONText.object(list.map { ($0.field, strings($0.choices)) })
        }
        let fields = aid.fields.map { field -> String in
            var pairs: [(String, String)] = [("id", s(field.id)), ("section", s(field.section)), ("label", s(field.label)),
                                             ("optional", field.optional ? "true" : "false")]
            if let hint = field.hint { pairs.append(("hint", s(hint))) }
            if !field.choices.isEmpty {
                pairs.append(("choicesLabel", s(field.choicesLabel ?? "")))
                pairs.append(("choices", JSONText.array(field.choices.map { JSONText.object([("id", s($0.id)), ("label", s($0.label))]) })))
            }
            return JSONText.object(pairs)
        }
        let lists = JSONText.object(aid.lists.map { ($0.name, strings($0.patterns)) })
        let ruleObjects = rules.map { rule, href, title -> String in
            var pairs: [(String, String)] = [("id", s(rule.id)), ("fields", strings(rule.fields)),
                                             ("importance", String(rule.importance))]
            for (key, list) in [("words", rule.words), ("has", rule.has), ("missing", rule.missing), ("ignore", rule.ignore)] {
                if let list { pairs.append((key, strings(list))) }
            }
            for (key, value) in [("minWords", rule.minWords), ("maxWords", rule.maxWords), ("lixAbove", rule.lixAbove)] {
                if let value { pairs.append((key, String(value))) }
            }
            for (key, value) in [("repeats", rule.repeats), ("unrelatedTo", rule.unrelatedTo), ("needs", rule.needs)] {
                if let value { pairs.append((key, s(value))) }
            }
            if !rule.choice.isEmpty { pairs.append(("choice", choices(rule.choice))) }
            pairs += [("message", s(rule.message)), ("href", s(href)), ("linkText", s(title))]
            return JSONText.object(pairs)
        }
        let exampleObjects = examples.map { example, _, _ -> String in
            JSONText.object([("label", s(example.label)), ("choices", choices(example.choices)),
                             ("values", JSONText.object(example.values.map { ($0.field, s($0.text.value)) }))])
        }
        return JSONText.object([("fields", JSONText.array(fields)), ("lists", lists),
                                ("rules", JSONText.array(ruleObjects)), ("examples", JSONText.array(exampleObjects))])
    }

    // MARK: HTML

    /// The form (without a `<form>`: nothing is ever submitted), the example buttons, the live regions, the data
    /// block and the list of rules. Ids contain `_`, so they never clash with heading ids.
    static func html(_ aid: WritingAid, rules: [(rule: WritingAid.Rule, href: String, title: String)],
                     examples: [(example: WritingAid.Example, href: String, title: String)], json: String,
                     links: SiteLinks) -> String {
        let e = HTML.escape
        var html = "<div class=\"granskning\" data-granskning translate=\"no\">\n"
        html += "<p class=\"granskning-privat\"><strong>Texten lämnar aldrig din dator.</strong> Granskningen görs här i webbläsaren. Sidan skickar inte texten och sparar den inte. Skriv ändå aldrig patientens namn eller personnummer.</p>\n"
        html += "<noscript><p class=\"notice\">Granskningen behöver JavaScript. Utan det visas bara fälten.</p></noscript>\n"
        if !examples.isEmpty {
            html += "<div class=\"granskning-exempel\" data-granskning-knappar hidden>\n"
            html += "<p>Prova med ett påhittat exempel från sidan <a href=\"\(e(examples[0].href))\">\(e(examples[0].title))</a>. Knapparna ersätter det som står i fälten.</p>\n<ul>\n"
            for (index, example) in examples.enumerated() {
                html += "<li><button type=\"button\" data-granskning-exempel=\"\(index)\">\(e(example.example.label))</button></li>\n"
            }
            html += "</ul>\n</div>\n"
        }
        html += "<div class=\"granskning-varning\" id=\"granskning_pnr\" role=\"alert\"></div>\n"
        var sections: [(title: String, fields: [WritingAid.Field])] = []
        for field in aid.fields {
            if sections.last?.title == field.section { sections[sections.count - 1].fields.append(field) }
            else { sections.append((field.section, [field])) }
        }
        for section in sections {
            html += "<fieldset class=\"granskning-avsnitt\">\n<legend>\(e(section.title))</legend>\n"
            for field in section.fields {
                let id = "granskning_" + field.id
                if !field.choices.isEmpty {
                    html += "<fieldset class=\"granskning-val\">\n<legend>\(e(field.choicesLabel ?? ""))</legend>\n<ul>\n"
                    for choice in field.choices {
                        let choiceID = id + "_" + choice.id
                        html += "<li><input type=\"checkbox\" id=\"\(choiceID)\" data-granskning-val=\"\(e(field.id))\" value=\"\(e(choice.id))\"> <label for=\"\(choiceID)\">\(e(choice.label))</label></li>\n"
                    }
                    html += "</ul>\n</fieldset>\n"
                }
                var described = [id + "_pnr", id + "_fynd"]
                html += "<div class=\"granskning-falt\">\n<label for=\"\(id)\">\(e(field.label))\(field.optional ? " <span class=\"granskning-frivilligt\">(frivilligt)</span>" : "")</label>\n"
                if let hint = field.hint {
                    html += "<p class=\"granskning-hjalp\" id=\"\(id)_hjalp\">\(e(hint))</p>\n"
                    described.insert(id + "_hjalp", at: 0)
                }
                html += "<textarea id=\"\(id)\" data-granskning-falt=\"\(e(field.id))\" rows=\"3\" spellcheck=\"false\" autocomplete=\"off\" aria-describedby=\"\(described.joined(separator: " "))\"></textarea>\n"
                html += "<p class=\"granskning-varning-falt\" id=\"\(id)_pnr\" hidden></p>\n"
                html += "<div class=\"granskning-fynd\" id=\"\(id)_fynd\"></div>\n</div>\n"
            }
            html += "</fieldset>\n"
        }
        html += "<div class=\"granskning-knappar\" data-granskning-knappar hidden><button type=\"button\" data-granskning-tom>Töm alla fält</button></div>\n"
        html += "<p class=\"granskning-status\" id=\"granskning_status\" role=\"status\">Skriv eller klistra in text i fälten. Råden visas medan du skriver.</p>\n"
        html += "<script type=\"application/json\" id=\"\(dataID)\">\(json)</script>\n"
        html += "<details class=\"granskning-regler\">\n<summary>Reglerna som granskar texten (\(rules.count)) och deras källor</summary>\n<ol>\n"
        let labels = Dictionary(aid.fields.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
        for (rule, href, title) in rules {
            let fields = rule.fields.map { labels[$0] ?? $0 }.joined(separator: ", ")
            html += "<li><p><strong>\(e(fields)):</strong> \(e(rule.message)) <a href=\"\(e(href))\">\(e(title))</a></p>\n"
            html += "<p class=\"granskning-kallor\">\(rule.sources.count == 1 ? "Källa" : "Källor"): "
            html += rule.sources.map { source in
                let citation = e(source.citation)
                guard let url = source.url else { return citation }
                return "<a href=\"\(e(url.hasPrefix("/") ? links.href(url) : url))\">\(citation)</a>"
            }.joined(separator: "; ")
            html += ".</p></li>\n"
        }
        html += "</ol>\n</details>\n</div>\n"
        return html
    }
}
