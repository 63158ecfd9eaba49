import Foundation

/// The Config stage's value: `lathund.yml` with the command line's overrides, and where everything is.
struct BuildSetup: Sendable {
    var config: SiteConfig
    let contentURL: URL
    let layoutsURL: URL
    let outputURL: URL
    let configURL: URL
    /// How the folders are printed in diagnostics (`content`, `layouts`, `site`).
    let contentDisplay: String
    let layoutsDisplay: String
    let outputDisplay: String
    let jobs: Int
    let today: Day
    /// When each content file last changed, from one `git log`; nil outside a git checkout. Read with the
    /// configuration because a new commit is a change for the cache as much as a changed file is.
    let history: ChangeHistory?
    /// The input files' bytes, each read once in the build.
    let inputs: InputFiles
}

/// Reads `lathund.yml` into a typed `SiteConfig`, applies `--base-url`, and checks the folders. Problems here
/// stop the build before it starts (`ConfigurationError`, exit code 2).
struct ConfigStage: Stage {
    static let name = "config"
    let options: BuildOptions

    func run() throws -> Staged<BuildSetup> {
        let configURL = options.resolve(options.configFile).standardizedFileURL
        let inputs = InputFiles(stamps: options.pageMemory?.stamps
            ?? CacheStage.stamps(options, output: options.resolve(options.outputDirectory).standardizedFileURL))
        let loaded = try SiteConfig.load(file: configURL, displayPath: options.display(options.configFile), inputs: inputs)
        var config = loaded.value
        if let baseURL = options.baseURL {
            do {
                config.baseURL = try SiteConfig.normalizedBaseURL(baseURL)
            } catch let problem as SiteConfig.BaseURLProblem {
                throw ConfigurationError(SourceLocation(file: "--base-url"), .configBaseUrl, problem.message)
            }
        }
        let setup = BuildSetup(config: config,
                               contentURL: options.resolve(options.contentDirectory).standardizedFileURL,
                               layoutsURL: options.resolve(options.layoutsDirectory).standardizedFileURL,
                               outputURL: options.resolve(options.outputDirectory).standardizedFileURL,
                               configURL: configURL,
                               contentDisplay: options.display(options.contentDirectory),
                               layoutsDisplay: options.display(options.layoutsDirectory),
                               outputDisplay: options.display(options.outputDirectory),
                               jobs: max(1, options.jobs), today: options.today ?? Day.today,
                               history: ChangeHistory.read(contentDirectory: options.resolve(options.contentDirectory)
                                                               .standardizedFileURL),
                               inputs: inputs)
        try checkFolders(setup)
        return Staged(setup, loaded.diagnostics)
    }

    /// Refuses an output folder that is, contains or lies inside `content/` or `layouts/`, and one with files that
    /// Lathund did not make (unless `--force`).
    private func checkFolders(_ setup: BuildSetup) throws {
        var isFolder: ObjCBool = false
        for (url, name) in [(setup.contentURL, options.contentDirectory), (setup.layoutsURL, options.layoutsDirectory)] {
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw ConfigurationError(SourceLocation(file: options.display(name)), .folderMissing,
                                         "folder '\(options.display(name))' does not exist")
            }
        }
        let outputPath = setup.outputURL.resolvingSymlinksInPath().path
        // A folder Lathund did not make is never replaced: a mistyped --output would lose it.
        if options.write, !options.replaceAnyOutput, !StagedOutput.mayReplace(URL(fileURLWithPath: outputPath)) {
            throw ConfigurationError(SourceLocation(file: setup.outputDisplay), .outputNotLathund,
                                     "output folder '\(setup.outputDisplay)' holds files Lathund did not write (it has no \(StagedOutput.markerName)); refusing to replace it. Choose another --output, empty the folder, or pass --force to replace it")
        }
        for (url, name) in [(setup.contentURL, "content"), (setup.layoutsURL, "layouts")] {
            let path = url.resolvingSymlinksInPath().path
            if outputPath == path || path.hasPrefix(outputPath + "/") || outputPath.hasPrefix(path + "/")
                || outputPath == "/" {
                throw ConfigurationError(SourceLocation(file: setup.outputDisplay), .outputUnsafe,
                                         "output folder '\(setup.outputDisplay)' overlaps the \(name) folder; refusing to build there")
            }
        }
    }
}
