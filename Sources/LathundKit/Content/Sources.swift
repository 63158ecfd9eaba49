/// A document that facts come from, as written in a page's or a dataset's `sources:`:
/// `{title, publisher, date, read?, url?, section?}`. The publisher is checked against `publishers:` in `lathund.yml`
/// by the Checks stage, which knows the configuration.
struct SourceReference: Sendable, Equatable {
    var title: String
    /// One publisher, or several for a joint document (`publisher: [Inera, Försäkringskassan]`), each where it
    /// is written.
    var publishers: [Located<String>]
    /// The date of the document itself: a year, a month or a day, shown as written; nil for `date: odaterad`, a
    /// document that shows no date, whose age is then unknown.
    var date: DatasetDate?
    /// The day the text that is cited was read (`read: ÅÅÅÅ-MM-DD`); required when the document is undated, since
    /// it is then all a reader can know about how current the text was.
    var read: Day?
    var url: String?
    /// A section or page within the document (`kapitel 7`, `bilaga 2`).
    var section: String?

    /// "Inera och Försäkringskassan".
    var publisher: String {
        let names = publishers.map(\.value)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " och " + names[names.count - 1]
    }

    /// What the date says: "2019-03", or "odaterad, läst 2026-11-23" (with "läst …" whenever `read` is given).
    var dateText: String {
        (date?.description ?? Self.undated) + (read.map { ", läst \($0)" } ?? "")
    }

    /// One line for captions and plain text: "Title, section (Publisher, 2019-03)".
    var citation: String {
        "\(title)\(section.map { ", " + $0 } ?? "") (\(publisher), \(dateText))"
    }

    /// How `date:` says that the document shows no date.
    static let undated = "odaterad"
    static let keys: Set<String> = ["title", "publisher", "date", "read", "url", "section"]

    /// Reads the list under `key`; every problem is a diagnostic in `fields` at its line and column, and an entry
    /// with a problem is left out.
    static func readList(_ fields: inout YAMLFields, key: String = "sources") -> [SourceReference] {
        var sources: [SourceReference] = []
        for var entry in fields.mappingList(key) ?? [] {
            if let source = read(&entry) { sources.append(source) }
            fields.diagnostics += entry.diagnostics
        }
        return sources
    }

    private static func read(_ entry: inout YAMLFields) -> SourceReference? {
        entry.warnAboutUnknownKeys(known: keys, what: "source")
        for (key, code, what): (String, DiagnosticCode, String) in [
            ("title", .sourceTitle, "its title"),
            ("publisher", .sourcePublisher, "who published it (a name from publishers: in lathund.yml)"),
            ("date", .sourceDate, "the date of the document itself (ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD)"),
        ] where !entry.has(key) {
            entry.diagnostics.append(.error(entry.start, code, "every source needs '\(key)': \(what)"))
        }
        let title = entry.nonEmptyString("title")
        var publishers = entry.stringList("publisher") ?? []
        publishers = publishers.map { Located(value: $0.value.trimmingWhitespace(), location: $0.location) }
        if entry.has("publisher"), publishers.isEmpty || publishers.contains(where: { $0.value.isEmpty }) {
            entry.diagnostics.append(.error(entry.location(ofKey: "publisher"), .sourcePublisher,
                                            "'publisher' must name who published the source"))
        }
        var date: DatasetDate?
        let text = entry.string("date")
        if let text, text != undated {
            date = DatasetDate(text)
            if date == nil {
                entry.diagnostics.append(.error(entry.location(of: entry.values["date"]!), .sourceDate,
                                                "source date '\(text)' is not a date: write ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD (the date of the document itself), or '\(undated)' with 'read:' when it shows none"))
            }
        }
        let read = entry.day("read")
        if text == undated, !entry.has("read") {
            entry.diagnostics.append(.error(entry.location(of: entry.values["date"]!), .sourceRead,
                                            "an undated source needs 'read': the day the text you cite was read (ÅÅÅÅ-MM-DD)"))
        }
        let url = entry.nonEmptyString("url")
        // Written into `href` as it is: only web addresses and site paths (LinkSafety).
        if let url, !LinkSafety.isWebAddressOrSitePath(url) {
            entry.diagnostics.append(.error(entry.location(ofKey: "url"), .sourceUrl,
                                            LinkSafety.problem(url, what: "source url")))
        }
        let section = entry.nonEmptyString("section")
        guard let title, date != nil || text == undated, !publishers.isEmpty,
              !entry.diagnostics.contains(where: { $0.severity == .error })
        else { return nil }
        return SourceReference(title: title, publishers: publishers, date: date, read: read, url: url, section: section)
    }
}

/// `reviewed: {date, by, against}`: when the facts were checked, by which role, and against what — shown as
/// written ("Kontrollerad mot {against} {date} av {by}"), never more.
struct Review: Sendable, Equatable {
    var date: Day
    /// A role, such as "Redaktionen"; never a person's name.
    var by: String
    /// What the facts were checked against, as it was actually done ("källorna nedan").
    var against: String

    static let keys: Set<String> = ["date", "by", "against"]
    static let example = "reviewed: { date: 2026-11-23, by: \"Redaktionen\", against: \"källorna nedan\" }"

    /// Reads `reviewed:`; problems are diagnostics in `fields`.
    static func read(_ fields: inout YAMLFields, key: String = "reviewed") -> Review? {
        guard let node = fields.values[key] else { return nil }
        guard case .mapping = node else {
            fields.diagnostics.append(.error(fields.location(of: node), .reviewForm,
                                             "'\(key)' must say when, by whom and against what the facts were checked: \(example)"))
            return nil
        }
        guard var review = fields.mapping(key) else { return nil }
        review.warnAboutUnknownKeys(known: keys, what: "reviewed")
        let at = fields.location(ofKey: key)
        for (name, code, what): (String, DiagnosticCode, String) in [
            ("date", .reviewDate, "when the facts were checked (ÅÅÅÅ-MM-DD)"),
            ("by", .reviewBy, "the role that checked them, such as \"Redaktionen\""),
            ("against", .reviewAgainst, "what they were checked against, as it was done, such as \"källorna nedan\""),
        ] where !review.has(name) {
            review.diagnostics.append(.error(at, code, "'\(key)' needs '\(name)': \(what)"))
        }
        let date = review.day("date")
        let by = review.nonEmptyString("by")
        let against = review.nonEmptyString("against")
        fields.diagnostics += review.diagnostics
        guard let date, let by, let against else { return nil }
        return Review(date: date, by: by, against: against)
    }
}
