import Foundation
import Yams

/// The site's configuration from `lathund.yml`, with command-line overrides applied by the builder.
struct SiteConfig: Sendable {
    struct MenuItem: Sendable, Equatable {
        var title: String
        var url: String
    }

    var title = "Lathund"
    var description = ""
    var language = "sv"
    /// Absolute base URL, always ending in `/` (e.g. `https://kunskapsbanken.example/`).
    var baseURL = "http://localhost/"
    var unsafeHTML = false
    /// Glossary file relative to the content folder, rendered at `/ordlista/`.
    var glossary: String? = "ordlista.yml"
    /// `writing_aid:` the rules file of the writing aid (the ```` ```granskning ```` directive), relative to the
    /// content folder (`dfa/granskningsregler.yml`); read by the build, not copied to the site.
    var writingAid: String?
    /// Synonyms file relative to the content folder: words staff type → the words the pages use (search only).
    var synonyms: String? = "synonymer.yml"
    /// File-name patterns (fnmatch) in `content/` that are neither pages nor assets.
    var exclude: [String] = ["README.md", ".*", "*~", "*.swp"]
    var feedLimit = 20
    /// Pages with at least this many headings (level 2–3) get a table of contents.
    var tocMinHeadings = 3
    var menu: [MenuItem] = []
    /// `review:` months between reviews per section (`default` for the rest).
    var review = ReviewSchedule()
    /// `lix_max:` the LIX above which a page of a section gets a warning (`default` for the rest).
    var lixMax: [String: Int] = [:]
    var lixMaxDefault: Int?
    /// `personnummer_allow:` numbers the personnummer guard lets through (Skatteverket's test numbers), in
    /// their 10-digit form.
    var personnummerAllow: Set<String> = []
    /// `publishers:` the names a source's `publisher` may have; nil: any name (the list is not checked).
    var publishers: [String]?
    /// `source_max_age_years:` a page whose newest source is older than this many years gets a notice and is
    /// listed in the reports.
    var sourceMaxAgeYears = 3
    /// `allow_file_types:` types of content files that are refused by default (`ContentFilePolicy`) but copied
    /// here, lower case without the dot; `svg` copies SVG files without the check.
    var allowedFileTypes: Set<String> = []

    init() {}

    static let knownKeys: Set<String> = [
        "title", "description", "language", "base_url", "unsafe_html", "glossary", "synonyms", "exclude", "feed_limit",
        "toc_min_headings", "menu", "review", "lix_max", "personnummer_allow", "publishers",
        "source_max_age_years", "writing_aid", "allow_file_types",
    ]

    /// The path part of the base URL (`/` or `/kb/`), which every internal link starts with.
    var basePath: String {
        guard let components = URLComponents(string: baseURL), !components.path.isEmpty else { return "/" }
        return components.path.hasSuffix("/") ? components.path : components.path + "/"
    }

    /// Reads `lathund.yml`. Problems with the file are configuration errors (exit code 2); unknown keys are
    /// returned as warnings.
    static func load(file url: URL, displayPath: String, inputs: InputFiles = InputFiles()) throws -> Staged<SiteConfig> {
        let document = YAMLFields.readDocument(path: url.path, displayPath: displayPath, readCode: .configMissing,
                                               utf8Code: .configUtf8, inputs: inputs)
        if let problem = document.diagnostics.first { throw ConfigurationError(diagnostic: problem) }
        return try parse(root: document.value, displayPath: displayPath)
    }

    static func parse(_ text: String, displayPath: String) throws -> Staged<SiteConfig> {
        let document = YAMLFields.composeDocument(text, displayPath: displayPath)
        if let problem = document.diagnostics.first { throw ConfigurationError(diagnostic: problem) }
        return try parse(root: document.value, displayPath: displayPath)
    }

    private static func parse(root: Node?, displayPath: String) throws -> Staged<SiteConfig> {
        var config = SiteConfig()
        guard let root else { return Staged(config, []) }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError(SourceLocation(file: displayPath, line: 1, column: 1), .configType,
                                     "configuration must be a mapping of keys to values")
        }
        var fields = YAMLFields(mapping: mapping, file: displayPath, lineOffset: 0)
        fields.warnAboutUnknownKeys(known: knownKeys, what: "configuration")
        if let title = fields.nonEmptyString("title") { config.title = title }
        if let description = fields.string("description") { config.description = description }
        if let language = fields.nonEmptyString("language") { config.language = language }
        if let base = fields.nonEmptyString("base_url") {
            do { config.baseURL = try normalizedBaseURL(base) } catch let problem as BaseURLProblem {
                fields.diagnostics.append(.error(fields.location(ofKey: "base_url"), .configBaseUrl,
                                                 problem.message))
            }
        }
        if let unsafe = fields.bool("unsafe_html") { config.unsafeHTML = unsafe }
        config.readFiles(&fields)
        if let exclude = fields.stringList("exclude") { config.exclude = exclude.map(\.value) }
        if let limit = fields.int("feed_limit") { config.feedLimit = max(1, limit) }
        if let minimum = fields.int("toc_min_headings") { config.tocMinHeadings = max(1, minimum) }
        config.readMenu(&fields)
        config.readLimits(&fields)
        config.readLists(&fields)
        if let years = fields.int("source_max_age_years") {
            if (1...100).contains(years) {
                config.sourceMaxAgeYears = years
            } else {
                fields.diagnostics.append(.error(fields.location(ofKey: "source_max_age_years"), .configType,
                                                 "'source_max_age_years' must be a whole number from 1 to 100"))
            }
        }
        if let error = fields.diagnostics.first(where: { $0.severity == .error }) {
            throw ConfigurationError(diagnostic: error)
        }
        return Staged(config, fields.diagnostics)
    }

    /// `glossary:`, `writing_aid:` and `synonyms:`: the data files in `content/`.
    private mutating func readFiles(_ fields: inout YAMLFields) {
        if fields.has("glossary") { glossary = fields.string("glossary") }
        if let path = fields.nonEmptyString("writing_aid") {
            if path.hasPrefix("/") || path.split(separator: "/").contains("..") || !path.hasSuffix(".yml") {
                fields.diagnostics.append(.error(fields.location(ofValue: "writing_aid"), .configWritingAid,
                                                 "'writing_aid' must be a .yml file inside content/, such as dfa/granskningsregler.yml"))
            } else {
                writingAid = path
            }
        }
        if fields.has("synonyms") { synonyms = fields.string("synonyms") }
    }

    /// `menu:`: items with a title and a web address or site path.
    private mutating func readMenu(_ fields: inout YAMLFields) {
        guard let items = fields.mappingList("menu") else { return }
        for var item in items {
            item.warnAboutUnknownKeys(known: ["title", "url"], what: "menu")
            if let title = item.nonEmptyString("title"), let url = item.nonEmptyString("url") {
                // Every page's header links to it: the rule of sources' links (LinkSafety).
                if LinkSafety.isWebAddressOrSitePath(url) {
                    menu.append(MenuItem(title: title, url: url))
                } else {
                    item.diagnostics.append(.error(item.location(ofKey: "url"), .configMenuUrl,
                                                   LinkSafety.problem(url, what: "menu url")))
                }
            } else if !item.has("title") || !item.has("url") {
                item.diagnostics.append(.error(item.location(ofKey: item.has("title") ? "title" : "url"),
                                               .configMenu, "a menu item needs 'title' and 'url'"))
            }
            fields.diagnostics += item.diagnostics
        }
    }

    /// `review:` and `lix_max:`: the limits the checks hold each section's pages to.
    private mutating func readLimits(_ fields: inout YAMLFields) {
        if let items = fields.intMapping("review", range: 1...120) {
            for (name, months) in items {
                if name == "default" { review.defaultMonths = months } else { review.months[name] = months }
            }
        }
        if let items = fields.intMapping("lix_max", range: 1...200) {
            for (name, limit) in items {
                if name == "default" { lixMaxDefault = limit } else { lixMax[name] = limit }
            }
        }
    }

    /// `personnummer_allow:`, `publishers:` and `allow_file_types:`.
    private mutating func readLists(_ fields: inout YAMLFields) {
        for item in fields.stringList("personnummer_allow") ?? [] {
            if let digits = PersonnummerGuard.tenDigitForm(item.value) {
                personnummerAllow.insert(digits)
            } else {
                fields.diagnostics.append(.error(item.location, .configPersonnummerAllow,
                                                 "'\(item.value)' in personnummer_allow is not written like a personnummer (ÅÅMMDD-NNNN or ÅÅÅÅMMDDNNNN)"))
            }
        }
        if let names = fields.stringList("publishers") {
            var seen = Set<String>()
            publishers = []
            for name in names {
                let trimmed = name.value.trimmingWhitespace()
                if trimmed.isEmpty || !seen.insert(trimmed).inserted {
                    fields.diagnostics.append(.error(name.location, .configPublishers,
                                                     trimmed.isEmpty ? "a publisher must have a name" : "publisher '\(trimmed)' is listed twice"))
                } else {
                    publishers?.append(trimmed)
                }
            }
        }
        for item in fields.stringList("allow_file_types") ?? [] {
            let type = String(item.value.trimmingWhitespace().lowercased().drop { $0 == "." })
            if ContentFilePolicy.activeTypes.contains(type) || type == "svg" {
                allowedFileTypes.insert(type)
            } else {
                fields.diagnostics.append(.warning(item.location, .configAllowFileTypes,
                                                   "'\(item.value)' in allow_file_types is copied anyway; list only types Lathund refuses (\(ContentFilePolicy.activeTypes.sorted().joined(separator: ", "))) or svg (copied unchecked)"))
            }
        }
    }

    struct BaseURLProblem: Error { var message: String }

    /// Accepts `https://host/` or `https://host/path`; always returns it ending in `/`.
    static func normalizedBaseURL(_ text: String) throws -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["http", "https"].contains(scheme.lowercased()), components.host?.isEmpty == false,
              components.query == nil, components.fragment == nil else {
            throw BaseURLProblem(message: "base URL '\(text)' must be an absolute http(s) URL such as https://example.se/")
        }
        return text.hasSuffix("/") ? text : text + "/"
    }
}
