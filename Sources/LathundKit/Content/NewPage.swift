import Foundation

/// `lathund new`: a new Markdown file with the front matter its kind needs (see content/README.md), written
/// as a draft so that nothing half-written is published. The file name is the title's slug.
public struct NewPage: Sendable {
    /// What the page is: an FAQ entry, a plain page or a project report.
    public enum Kind: String, Sendable, CaseIterable {
        /// A question in `faq/`.
        case faq
        /// A fact page, at the top or in a section (`--section regelverk`).
        case page
        /// A project report in `rapporter/`.
        case report
    }

    /// Why the page cannot be written (an empty slug, a file that exists).
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public var kind: Kind
    public var title: String
    /// Folder under `content/` for pages; faq entries and reports have their own.
    public var section: String?
    /// FAQ category; "Övrigt" (where the FAQ index puts entries without one) when not given.
    public var category: String?
    public var today: Day

    public init(kind: Kind, title: String, section: String? = nil, category: String? = nil, today: Day = .today) {
        self.kind = kind
        self.title = title
        self.section = section
        self.category = category
        self.today = today
    }

    /// The file's path relative to `content/`.
    public func relativePath() throws -> String {
        let title = try checkedTitle()
        let slug = Slug.make(title)
        guard !slug.isEmpty else {
            throw Problem(description: "the title '\(title)' has no letters or digits to make a file name from")
        }
        guard let folder = try folder() else { return slug + ".md" }
        return folder + "/" + slug + ".md"
    }

    private func folder() throws -> String? {
        switch kind {
        case .faq, .report:
            let own = kind == .faq ? FrontMatter.faqSection : FrontMatter.reportSection
            if let section, section != own {
                throw Problem(description: "\(kind.rawValue) files live in \(own)/; leave out --section")
            }
            return own
        case .page:
            guard var section, !section.isEmpty else { return nil }
            while section.hasSuffix("/") { section.removeLast() }
            let parts = section.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && Slug.make(String($0)) == $0 }) else {
                throw Problem(description: "section '\(section)' must be a folder name under content/ such as regelverk")
            }
            return section
        }
    }

    private func checkedTitle() throws -> String {
        let trimmed = title.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Problem(description: "the title must not be empty") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem(description: "the title must be one line")
        }
        return trimmed
    }

    /// The file's text: front matter for the kind, and a first line telling the writer what to write.
    public func text() throws -> String {
        let title = Self.quoted(try checkedTitle())
        let day = today.description
        var lines = ["---", "title: \(title)"]
        func field(_ yaml: String, _ comment: String) {
            lines.append(yaml.padding(toLength: Swift.max(yaml.count, 28), withPad: " ", startingAt: 0) + "# " + comment)
        }
        if kind == .faq {
            lines.append("question: \(title)")
            field("category: \(Self.quoted(category ?? "Övrigt"))", "a category of /faq/ (Övrigt when left out)")
            field("related: []", "content paths: [regelverk/sgi.md, faq/karensavdrag.md]")
        }
        field("description: \"\"", "one sentence for lists and search results")
        lines.append("date: \(day)")
        // Not yet reviewed: the writer adds the mark when the facts have been checked, saying against what.
        field("# reviewed: { date: \(day), by: \"Redaktionen\", against: \"källorna nedan\" }",
              "when you have checked the facts")
        field("sources: []", "- { title: \"…\", publisher: \"Försäkringskassan\", date: ÅÅÅÅ-MM, url: \"https://…\" }")
        lines.append("tags: []")
        if kind == .report {
            lines.append("region: \"\"")
            field("period: \"\"", "e.g. 2017–2018")
            lines.append("owners: []")
            field("kind: \"projektrapport\"", "projektrapport | ansökan | uppföljning | redovisning")
            field("status: \"\"", "avslutat | pågående | beviljat | planerat")
        }
        field("draft: true", "remove when the page is ready to publish")
        lines += ["---", ""]
        switch kind {
        case .faq:
            lines.append("Svara på frågan i första meningen. Förklara sedan kort och länka till sidan som förklarar mer.")
        case .page:
            lines.append("Skriv det viktigaste först. Rubriker börjar på `##` och säger något.")
        case .report:
            lines += ["## Sammanfattning", "", "Vad projektet gjorde, för vem, och vad det gav."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file under `contentDirectory` (named `displayRoot` in messages); never replaces an existing
    /// file. Returns the path relative to `contentDirectory`.
    @discardableResult
    public func write(into contentDirectory: URL, displayRoot: String = "content") throws -> String {
        let relative = try relativePath()
        let text = try text()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contentDirectory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Problem(description: "folder '\(contentDirectory.path)' does not exist")
        }
        if kind == .page, let folder = try folder() {
            let url = contentDirectory.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
                let sections = (FileTree.names(in: contentDirectory.path) ?? [])
                    .filter { name in
                        var folder: ObjCBool = false
                        return !name.hasPrefix(".") && FileManager.default.fileExists(
                            atPath: contentDirectory.appendingPathComponent(name).path, isDirectory: &folder) && folder.boolValue
                    }
                throw Problem(description: "no section '\(folder)' in \(displayRoot)/; sections: \(sections.joined(separator: ", "))")
            }
        }
        let target = contentDirectory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try Data(text.utf8).write(to: target, options: .withoutOverwriting)
        } catch {
            if FileManager.default.fileExists(atPath: target.path) {
                throw Problem(description: "\(displayRoot)/\(relative) already exists; refusing to overwrite it (choose another title or edit that file)")
            }
            throw Problem(description: "cannot write \(displayRoot)/\(relative): \(error.localizedDescription)")
        }
        return relative
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
