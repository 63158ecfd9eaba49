import Yams

/// Keys of FAQ entries (`content/faq/*.md`).
struct FAQFields: Sendable {
    var question: String
    var category: String?
    /// Content paths relative to `content/` (`regelverk/sgi.md`), with where they were written.
    var related: [Located<String>]
    /// In `faq/_index.md`: the FAQ entries staff ask most, most asked first, as content paths
    /// (`faq/karensavdrag.md`). The FAQ and home pages lead with them.
    var mostAsked: [Located<String>] = []
}

/// Keys of project reports (`content/rapporter/*.md`).
struct ReportFields: Sendable {
    var region: String?
    var period: String?
    var owners: [String]
    var budgetSEK: Int?
    var kind: String?
    var status: String?
}

/// Typed front matter, see DESIGN.md's content model.
struct FrontMatter: Sendable {
    var title: String
    var description: String?
    var date: Day?
    var updated: Day?
    var reviewed: Review?
    /// Where `reviewed:` is written, for the review check's diagnostics.
    var reviewedLocation: SourceLocation?
    var sources: [SourceReference] = []
    var tags: [String] = []
    var weight: Int?
    var draft = false
    var slug: Located<String>?
    var aliases: [Located<String>] = []
    var layout: Located<String>?
    /// The heading this page is listed under on its section page ("Sidor i avsnittet"), or nil.
    var group: String?
    var faq: FAQFields?
    var report: ReportFields?

    static let commonKeys: Set<String> = [
        "title", "description", "date", "updated", "reviewed", "sources", "tags", "weight", "draft", "slug",
        "aliases", "layout", "group",
    ]
    static let faqKeys: Set<String> = ["question", "category", "related", "most_asked"]
    static let reportKeys: Set<String> = ["region", "period", "owners", "budget_sek", "kind", "status"]

    /// The folder (first path component) whose pages use section-specific keys.
    static let faqSection = "faq"
    static let reportSection = "rapporter"

    /// The keys a page in faq/, in rapporter/ and elsewhere may have, and those it may not with where they belong:
    /// made once, not for every page.
    private static let faqPageKeys = pageKeys(faq: true, report: false)
    private static let reportPageKeys = pageKeys(faq: false, report: true)
    private static let otherPageKeys = pageKeys(faq: false, report: false)

    private static func pageKeys(faq: Bool, report: Bool) -> (known: Set<String>, misplaced: [String: String]) {
        var known = commonKeys
        var misplaced: [String: String] = [:]
        if faq { known.formUnion(faqKeys) } else { faqKeys.forEach { misplaced[$0] = "in faq/ entries" } }
        if report { known.formUnion(reportKeys) } else { reportKeys.forEach { misplaced[$0] = "in rapporter/ pages" } }
        return (known, misplaced)
    }

    /// Parses and types front matter. Returns nil (with errors) when the page cannot be built.
    /// `compose` is Yams' composer; tests pass `YAMLFields.compose` to compare with the default resolver.
    static func parse(yaml: String?, file: String, lineOffset: Int, section: String,
                      compose: (String) throws -> Node? = YAMLFields.composeReadByFields) -> Staged<FrontMatter?> {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let yaml else {
            return Staged(nil, [.error(start, .missingTitle, "page has no front matter; 'title' is required")])
        }
        let root: Node?
        do {
            root = try compose(yaml)
        } catch {
            return Staged(nil, [YAMLFields.diagnostic(for: error, file: file, lineOffset: lineOffset)])
        }
        guard let root, case .mapping(let mapping) = root else {
            if root == nil {
                return Staged(nil, [.error(start, .missingTitle, "front matter is empty; 'title' is required")])
            }
            return Staged(nil, [.error(SourceLocation(file: file, line: lineOffset + 1, column: 1), .frontMatterType,
                                 "front matter must be a mapping of keys to values")])
        }
        var fields = YAMLFields(mapping: mapping, file: file, lineOffset: lineOffset)
        let isFAQ = section == faqSection
        let isReport = section == reportSection
        let keys = isFAQ ? faqPageKeys : isReport ? reportPageKeys : otherPageKeys
        fields.warnAboutUnknownKeys(known: keys.known, misplaced: keys.misplaced, what: "front matter")

        let title = fields.nonEmptyString("title")
        if !fields.has("title") {
            fields.diagnostics.append(.error(start, .missingTitle, "'title' is required"))
        }
        var matter = FrontMatter(title: title ?? "")
        matter.description = fields.string("description")
        matter.date = fields.day("date")
        matter.updated = fields.day("updated")
        matter.reviewed = Review.read(&fields)
        if fields.has("reviewed") { matter.reviewedLocation = fields.location(ofKey: "reviewed") }
        matter.tags = fields.stringList("tags")?.map(\.value) ?? []
        matter.weight = fields.int("weight")
        matter.draft = fields.bool("draft") ?? false
        if let slug = fields.stringList("slug")?.first { matter.slug = slug }
        matter.aliases = fields.stringList("aliases") ?? []
        if let layout = fields.stringList("layout")?.first { matter.layout = layout }
        matter.group = fields.nonEmptyString("group")
        matter.sources = SourceReference.readList(&fields)
        if isFAQ {
            let question = fields.nonEmptyString("question")
            matter.faq = FAQFields(question: question ?? matter.title, category: fields.nonEmptyString("category"),
                                   related: fields.stringList("related") ?? [],
                                   mostAsked: fields.stringList("most_asked") ?? [])
        }
        if isReport {
            matter.report = ReportFields(region: fields.string("region"), period: fields.string("period"),
                                         owners: fields.stringList("owners")?.map(\.value) ?? [],
                                         budgetSEK: fields.int("budget_sek"), kind: fields.string("kind"),
                                         status: fields.string("status"))
        }
        let failed = fields.diagnostics.contains { $0.severity == .error }
        return Staged(failed ? nil : matter, fields.diagnostics)
    }
}
