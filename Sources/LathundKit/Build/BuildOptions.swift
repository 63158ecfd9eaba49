import Foundation

/// What to build and how; the command line fills this in.
public struct BuildOptions: Sendable {
    /// Folder the relative paths below are resolved against and printed relative to.
    public var projectRoot: URL
    public var contentDirectory = "content"
    public var layoutsDirectory = "layouts"
    public var outputDirectory = "site"
    public var configFile = "lathund.yml"
    public var strict = false
    public var includeDrafts = false
    public var baseURL: String?
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// False for `lathund check`: run every stage but write nothing.
    public var write = true
    public var directives = StandardDirectives.registry
    /// The date review intervals are measured against (`--today`); nil: today in Sweden.
    public var today: Day?
    /// Reuse what earlier builds left in `cacheDirectory` (see `IncrementalCache`); false for `--clean`, which still
    /// leaves a fresh cache for the next build.
    public var useCache = true
    /// Where the build cache lives, relative to `projectRoot` unless absolute; nil: no cache at all.
    public var cacheDirectory: String? = ".lathund-cache"
    /// Each page's Content and Markdown results from the last build of this process, so that a build redoes
    /// only the pages that changed (`lathund serve` keeps one); nil: every page is done anew.
    public var pageMemory: IncrementalPageMemory?
    /// Write only the files that changed straight into the output folder, each by rename, once the folder holds a
    /// build this cache describes (`lathund serve`); otherwise, and always for `lathund build`, the whole site is
    /// staged beside the folder and swapped in at once.
    public var writeInPlace = false
    /// Replace the output folder even when Lathund did not make it (`--force`); otherwise an existing folder that
    /// holds files and no `StagedOutput.markerName` is refused (exit code 2).
    public var replaceAnyOutput = false
    /// The process ends right after this build (`lathund build` and `check`): what the stages made is left for the
    /// system to take back with the process, not released object by object on one thread after the last stage
    /// (100 000 pages: millions of objects, seconds of a build's wall time).
    public var endsProcess = false
    /// Test hook: make the output stage fail after this many files.
    public var failAfterWrites: Int?
    /// Called with (stage, done, total) while a build runs.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(projectRoot: URL) {
        self.projectRoot = projectRoot
    }

    /// A path of these options (relative to `projectRoot` unless absolute) as a URL.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
    }

    /// How a path is printed in diagnostics: as given when relative, else relative to the project if inside.
    public func display(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        guard trimmed.hasPrefix("/") else { return trimmed }
        let root = projectRoot.standardizedFileURL.path
        return trimmed.hasPrefix(root + "/") ? String(trimmed.dropFirst(root.count + 1)) : trimmed
    }
}

/// What a build did.
public struct BuildResult: Sendable {
    public var diagnostics: [Diagnostic]
    public var pageCount: Int
    public var assetCount: Int
    public var outputPath: String
    /// Seconds per stage, in pipeline order.
    public var timings: [(stage: String, seconds: Double)]
    public var pages: [PageSummary]
    /// Pages whose review is overdue (or missing where the section requires one).
    var overdueReviews: [ReviewSchedule.Overdue]
    /// Pages whose newest source is older than `source_max_age_years`.
    var oldSources: [OldSources]
    /// The latest changes to pages, newest first (`/andringar/`).
    var latestChanges: [PageChange]
    /// True when the site was written (or, for a check, would have been).
    public var succeeded: Bool
    /// Pages linked from the previous site without being rendered: nothing they are made from had changed
    /// (`IncrementalRenderKey`). 0 for a clean build and for a build answered from the cache.
    public var reusedPages = 0
    /// What the build's page memory (`lathund serve`'s, or `lathund build`'s on disk) says it did again.
    var redone: IncrementalPageMemory.Counts?
    /// What the build has to say that is not about the input: a damaged page store (`PageStore.notes`), and what
    /// it cost. The command prints each as `note: …`.
    public var notes: [String] = []
    public var totalSeconds: Double { timings.reduce(0) { $0 + $1.seconds } }

    /// One page as the report and `lathund check` list it: its words and readability (LIX), its review mark and
    /// its last change.
    public struct PageSummary: Sendable, Codable {
        public var url: String
        public var file: String
        public var title: String
        public var words: Int
        /// LIX rounded to one decimal, its band and what it was computed from; nil for a page without words.
        public var lix: Double?
        public var lixBand: String?
        public var sentences: Int?
        public var longWords: Int?
        /// `reviewed:` as written: ÅÅÅÅ-MM-DD, the role that checked, and against what.
        public var reviewed: String?
        public var reviewedBy: String?
        public var reviewedAgainst: String?
        /// ÅÅÅÅ-MM-DD of the page's last change: its last commit, else `updated:`, else `date:`.
        public var changed: String?

        init(url: String, file: String, title: String, words: Int, readability: Readability? = nil,
             review: Review? = nil, changed: Day? = nil) {
            self.url = url
            self.file = file
            self.title = title
            self.words = words
            if let readability, let lix = readability.lix, let rounded = readability.roundedLIX {
                self.lix = (lix * 10).rounded() / 10
                lixBand = Readability.band(rounded)
                sentences = readability.sentences
                longWords = readability.longWords
            }
            reviewed = review?.date.description
            reviewedBy = review?.by
            reviewedAgainst = review?.against
            self.changed = changed?.description
        }
    }
}
