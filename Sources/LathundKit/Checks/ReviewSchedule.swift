import Foundation

/// When pages must be reviewed again: `reviewed:` plus the interval of the page's section from `review:` in
/// `lathund.yml` (months). A page past its date is overdue: a warning, an error under `--strict`.
struct ReviewSchedule: Sendable, Equatable {
    /// Months per section slug (`regelverk`).
    var months: [String: Int] = [:]
    /// Months for sections not listed; nil: pages of unlisted sections are not checked.
    var defaultMonths: Int?

    init(months: [String: Int] = [:], defaultMonths: Int? = nil) {
        self.months = months
        self.defaultMonths = defaultMonths
    }

    var isEmpty: Bool { months.isEmpty && defaultMonths == nil }

    func interval(section: String) -> Int? { months[section] ?? defaultMonths }

    /// A page whose review is due or missing.
    struct Overdue: Sendable, Codable, Equatable {
        var file: String
        var url: String
        /// ÅÅÅÅ-MM-DD, or nil when the page has no `reviewed:` at all.
        var reviewed: String?
        var due: String?
        var months: Int
    }

    /// Checks one page. Pages without `reviewed:` are reported only in sections listed by name.
    func check(_ page: Page, today: Day) -> (Overdue, Diagnostic)? {
        guard let months = interval(section: page.section) else { return nil }
        let section = page.section.isEmpty ? "the top of content/" : page.section + "/"
        guard let reviewed = page.frontMatter.reviewed?.date else {
            guard self.months[page.section] != nil else { return nil }
            return (Overdue(file: page.displayPath, url: page.url, reviewed: nil, due: nil, months: months),
                    .warning(SourceLocation(file: page.displayPath, line: 1, column: 1), .reviewMissing,
                             "page has no 'reviewed' date; pages in \(section) are reviewed every \(months) months"))
        }
        let due = reviewed.adding(months: months)
        guard today > due else { return nil }
        let location = page.frontMatter.reviewedLocation ?? SourceLocation(file: page.displayPath, line: 1, column: 1)
        return (Overdue(file: page.displayPath, url: page.url, reviewed: reviewed.description, due: due.description,
                        months: months),
                .warning(location, .reviewOverdue,
                         "review overdue: last reviewed \(reviewed), due \(due) (every \(months) months in \(section)); check the facts and update 'reviewed'"))
    }
}

extension Day {
    /// The same day `months` later, or the last day of that month when it is shorter (2026-01-31 + 1 → 2026-02-28).
    func adding(months: Int) -> Day {
        let total = (year * 12 + (month - 1)) + months
        let newYear = total / 12, newMonth = total % 12 + 1
        let newDay = min(day, Day.daysIn(month: newMonth, year: newYear))
        return Day(year: newYear, month: newMonth, day: newDay) ?? self
    }
}
