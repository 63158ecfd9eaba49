import Foundation

/// Builds a site: runs the stages of `Pipeline` with the given options.
public struct Builder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    /// Builds the site. Throws `ConfigurationError` when the build cannot start (exit code 2); content problems
    /// are diagnostics in the result (exit code 1).
    public func build() throws -> BuildResult {
        try Pipeline(options: options).run()
    }
}
