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

    static func files(under folder: URL) -> [(relative: String, absolute: String)] {
        let root = folder.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            let absolute = root + "/" + relative
            if FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), !isFolder.boolValue,
               !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                files.append((relative, absolute))
            }
        }
        return files.sorted { $0.0 < $1.0 }
    }
}
