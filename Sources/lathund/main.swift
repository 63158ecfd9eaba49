import ArgumentParser
import Foundation
import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `build` and `check`.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Content folder.") var content = "content"
    @Option(help: "Layouts folder.") var layouts = "layouts"
    @Option(help: "Output folder.") var output = "site"
    @Option(help: "Configuration file.") var config = "lathund.yml"
    @Flag(help: "Treat warnings as errors (the nightly build uses this).") var strict = false
    @Flag(help: "Include pages with draft: true.") var drafts = false
    @Option(name: .customLong("base-url"), help: "Absolute base URL, overriding lathund.yml.") var baseURL: String?
    @Option(help: "Worker threads (default: all cores).") var jobs: Int?
    @Flag(help: "Print only diagnostics.") var quiet = false
    @Option(help: "Write a JSON build report to this file.") var report: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func buildOptions(write: Bool) -> BuildOptions {
        var options = BuildOptions(projectRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        options.contentDirectory = content
        options.layoutsDirectory = layouts
        options.outputDirectory = output
        options.configFile = config
        options.strict = strict
        options.includeDrafts = drafts
        options.baseURL = baseURL
        if let jobs { options.jobs = jobs }
        options.write = write
        options.directives = StandardDirectives.registry
        if !quiet, isatty(STDERR_FILENO) == 1 { options.progress = ProgressLine.update }
        return options
    }
}

/// Redraws one status line on a terminal during long stages.
enum ProgressLine {
    static func update(stage: String, done: Int, total: Int) {
        guard total >= 500, done % 100 == 0 || done == total else { return }
        let line = "\r\(stage): \(done)/\(total)" + (done == total ? "\r\u{1B}[K" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Runs the pipeline, prints diagnostics and the summary, writes the report; returns the exit code.
func runPipeline(_ options: PipelineOptions, write: Bool) -> Int32 {
    let builder = Builder(options: options.buildOptions(write: write))
    let result: BuildResult
    do {
        result = try builder.build()
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        return 2
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 2
    }
    for diagnostic in result.diagnostics {
        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
    }
    if let path = options.report {
        do {
            try BuildReport(result).json().write(to: URL(fileURLWithPath: path))
        } catch {
            FileHandle.standardError.write(Data("error: cannot write report \(path): \(error)\n".utf8))
            return 2
        }
    }
    if !options.quiet {
        let seconds = String(format: "%.2f", result.totalSeconds)
        let errors = result.diagnostics.errorCount
        let warnings = result.diagnostics.warningCount
        let verb = write ? (result.succeeded ? "Built" : "Build failed:") : (result.succeeded ? "Checked" : "Check failed:")
        var line = "\(verb) \(result.pageCount) pages, \(result.assetCount) assets, \(warnings) warnings"
        if errors > 0 { line += ", \(errors) errors" }
        line += " in \(seconds) s"
        if write { line += result.succeeded ? " → \(result.outputPath)/" : "; \(result.outputPath)/ left unchanged" }
        print(line)
    }
    return result.succeeded ? 0 : 1
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build the site into the output folder.")
    @OptionGroup var pipeline: PipelineOptions
    func run() throws { throw ExitCode(runPipeline(pipeline, write: true)) }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every check of a build without writing anything.")
    @OptionGroup var pipeline: PipelineOptions
    func run() throws { throw ExitCode(runPipeline(pipeline, write: false)) }
}

struct Lathund: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lathund",
        abstract: "Builds Kunskapsbanken om sjukförsäkringen from Markdown into a static site.",
        discussion: "Exit codes: 0 built, 1 content errors, 2 usage or configuration error.",
        subcommands: [Build.self, Check.self],
        defaultSubcommand: Build.self
    )
}

// Usage errors exit with 2 (argument-parser's default is 64).
do {
    var command = try Lathund.parseAsRoot()
    try command.run()
} catch {
    let code = Lathund.exitCode(for: error)
    if code == .success || error is ExitCode {
        Lathund.exit(withError: error)
    }
    FileHandle.standardError.write(Data((Lathund.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
