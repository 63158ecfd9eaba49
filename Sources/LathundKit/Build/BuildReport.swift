import Foundation

/// The JSON build report (`--report FILE.json`) the nightly build server archives.
public struct BuildReport: Codable, Sendable {
    /// How long one stage of the pipeline took.
    public struct Timing: Codable, Sendable {
        public var stage: String
        public var seconds: Double
    }

    public var succeeded: Bool
    public var pages: [BuildResult.PageSummary]
    public var pageCount: Int
    public var assetCount: Int
    /// Pages linked from the previous site without being rendered (`IncrementalRenderKey`).
    public var reusedPages: Int
    public var errors: [Diagnostic]
    public var warnings: [Diagnostic]
    var overdueReviews: [ReviewSchedule.Overdue]
    var oldSources: [OldSources]
    var latestChanges: [PageChange]
    public var timings: [Timing]
    public var totalSeconds: Double

    public init(_ result: BuildResult) {
        succeeded = result.succeeded
        pages = result.pages
        pageCount = result.pageCount
        assetCount = result.assetCount
        reusedPages = result.reusedPages
        errors = result.diagnostics.filter { $0.severity == .error }
        warnings = result.diagnostics.filter { $0.severity == .warning }
        overdueReviews = result.overdueReviews
        oldSources = result.oldSources
        latestChanges = result.latestChanges
        timings = result.timings.map { Timing(stage: $0.stage, seconds: $0.seconds) }
        totalSeconds = result.totalSeconds
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
