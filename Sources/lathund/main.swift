import ArgumentParser
import Foundation
import LathundKit
import LathundServe
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `build`, `check` and `serve`.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Content folder.") var content = "content"
    @Option(help: "Layouts folder.") var layouts = "layouts"
    @Option(help: "Output folder (default: site; for serve: .lathund-preview).") var output: String?
    @Option(help: "Configuration file.") var config = "lathund.yml"
    @Flag(help: "Treat warnings as errors (the nightly build uses this).") var strict = false
    @Flag(help: "Include pages with draft: true.") var drafts = false
    @Option(name: .customLong("base-url"), help: "Absolute base URL, overriding lathund.yml.") var baseURL: String?
    @Option(help: "Worker threads (default: all cores).") var jobs: Int?
    @Flag(help: "Build everything anew, ignoring the build cache (.lathund-cache/); a fresh cache is still saved.") var clean = false
    @Flag(help: "Print only diagnostics.") var quiet = false
    @Option(help: "Write a JSON build report to this file.") var report: String?
    @Option(name: .customLong("report-html"), help: "Write the editorial report (Swedish HTML: reviews, old sources, LIX, warnings, latest changes) to this file.")
    var reportHTML: String?
    @Option(help: "Date (ÅÅÅÅ-MM-DD) review intervals are measured against (default: today).") var today: String?
    @Flag(help: "Replace the output folder even if Lathund did not make it (it has files and no .lathund-site).")
    var force = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let today, Day(today) == nil { throw ValidationError("--today must be a date ÅÅÅÅ-MM-DD") }
    }

    func buildOptions(write: Bool, defaultOutput: String = "site") -> BuildOptions {
        var options = BuildOptions(projectRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        options.contentDirectory = content
        options.layoutsDirectory = layouts
        options.outputDirectory = output ?? defaultOutput
        options.configFile = config
        options.strict = strict
        options.includeDrafts = drafts
        options.baseURL = baseURL
        if let jobs { options.jobs = jobs }
        options.today = today.flatMap(Day.init)
        options.write = write
        options.useCache = !clean
        options.replaceAnyOutput = force
        options.directives = StandardDirectives.registry
        if !quiet, isatty(STDERR_FILENO) == 1 { options.progress = ProgressLine.update }
        return options
    }
}

/// Writes to standard error: the one place the command does (diagnostics, errors, the progress line). A failed
/// write (standard error sent to a file on a full disk) loses the text and nothing else: the exit status still
/// tells. `FileHandle.write(_:)` would stop the process there (a trap, SIGILL in a release build).
func writeToStandardError(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}

/// Writes a line to standard error.
func printError(_ line: String) {
    writeToStandardError(line + "\n")
}

/// Redraws one status line on a terminal during long stages.
enum ProgressLine {
    static func update(stage: String, done: Int, total: Int) {
        guard total >= 500, done % 100 == 0 || done == total else { return }
        let line = "\r\(stage): \(done)/\(total)" + (done == total ? "\r\u{1B}[K" : "")
        writeToStandardError(line)
    }
}

/// Runs the pipeline, prints diagnostics and the summary, writes the report; returns the exit code.
func runPipeline(_ options: PipelineOptions, write: Bool) -> Int32 {
    var buildOptions = options.buildOptions(write: write)
    buildOptions.endsProcess = true  // the process exits once the report is printed
    let builder = Builder(options: buildOptions)
    let result: BuildResult
    do {
        result = try builder.build()
    } catch let error as ConfigurationError {
        printError(error.description)
        return 2
    } catch {
        printError("error: \(error)")
        return 2
    }
    for diagnostic in result.diagnostics {
        printError(diagnostic.description)
    }
    if !options.quiet { result.notes.forEach { printError("note: " + $0) } }
    let report = BuildReport(result)
    let files: [(path: String?, make: () throws -> Data)] = [(options.report, { try report.json() }),
                                                              (options.reportHTML, { Data(report.html().utf8) })]
    for case let (path?, make) in files {
        do {
            try make().write(to: buildOptions.resolve(path))
        } catch {
            printError("error: cannot write report \(path): \(error)")
            return 2
        }
    }
    if !options.quiet && !write {
        printReadability(result.pages)
    }
    if !options.quiet { print(summary(result, write: write)) }
    return result.succeeded ? 0 : 1
}

/// The last line of a build: `Built 109 pages, 16 assets, 0 warnings in 0.32 s → site/` (`1 error`, `1 page`).
func summary(_ result: BuildResult, write: Bool) -> String {
    func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
    let seconds = String(format: "%.2f", result.totalSeconds)
    let errors = result.diagnostics.errorCount
    let verb = write ? (result.succeeded ? "Built" : "Build failed:") : (result.succeeded ? "Checked" : "Check failed:")
    var line = "\(verb) \(counted(result.pageCount, "page")), \(counted(result.assetCount, "asset")), "
        + counted(result.diagnostics.warningCount, "warning")
    if errors > 0 { line += ", \(counted(errors, "error"))" }
    line += " in \(seconds) s"
    if write { line += result.succeeded ? " → \(result.outputPath)/" : "; \(result.outputPath)/ left unchanged" }
    return line
}

/// `lathund check`: one line per page with its LIX, by file.
func printReadability(_ pages: [BuildResult.PageSummary]) {
    var text = ""
    for page in pages.sorted(by: { $0.file < $1.file }) {
        guard let lix = page.lix, let band = page.lixBand else { continue }
        text += "\(page.file): LIX \(Int(lix.rounded())) (\(band)), \(page.words) ord\n"
    }
    try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
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

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, serve and rebuild on every change, reloading the open pages.",
        discussion: """
        Builds into .lathund-preview/ (not site/) with the base URL set to the server's address, serves it on \
        127.0.0.1 and watches content/, layouts/ and lathund.yml. Drafts are left out unless --drafts. A failed \
        build keeps the last good site and shows the errors on every page. Stop with Ctrl-C.
        """
    )
    @OptionGroup var pipeline: PipelineOptions
    @Option(help: "Port to listen on (0: any free port).") var port: UInt16 = 8080
    @Option(help: "Address to listen on. Anything but 127.0.0.1 or ::1 lets other machines read the preview.")
    var bind = "127.0.0.1"

    func validate() throws {
        if pipeline.baseURL != nil { throw ValidationError("serve sets the base URL to its own address; leave out --base-url") }
        if pipeline.report != nil || pipeline.reportHTML != nil {
            throw ValidationError("--report and --report-html are for build and check")
        }
    }

    func run() async throws {
        if bind != "127.0.0.1" && bind != "::1" {
            printError("warning: listening on \(bind): other machines on the network can read the preview, drafts included")
        }
        var options = pipeline.buildOptions(write: true, defaultOutput: ".lathund-preview")
        options.progress = nil
        var settings = PreviewSession.Settings()
        settings.host = bind
        settings.port = port
        let quiet = pipeline.quiet
        let session = PreviewSession(options: options, settings: settings) { outcome in
            if !outcome.changes.isEmpty, !quiet {
                let shown = outcome.changes.prefix(3).joined(separator: ", ")
                say("Changed: \(shown)" + (outcome.changes.count > 3 ? " and \(outcome.changes.count - 3) more" : ""))
            }
            switch outcome.result {
            case .success(let result):
                for diagnostic in result.diagnostics {
                    printError(diagnostic.description)
                }
                if !quiet || !result.succeeded { say(summary(result, write: true)) }
            case .failure(let error):
                printError(error.description)
            }
        }
        let url: URL
        do {
            url = try await session.start()
        } catch {
            printError("error: cannot serve on \(bind):\(port): \(error)")
            throw ExitCode(2)
        }
        say("Serving \(options.outputDirectory)/ at \(url.absoluteString) (Ctrl-C stops)")
        // Runs until Ctrl-C ends the process: a build cut short leaves the served folder as it was.
        await session.watch()
    }
}

/// A line on standard output, unbuffered (`print` holds lines back when the output is not a terminal); lost,
/// not a crash, when it cannot be written.
func say(_ line: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new page with the front matter its kind needs, as a draft.",
        discussion: """
        faq: content/faq/SLUG.md with question and category; page: content/[SECTION/]SLUG.md; report: \
        content/rapporter/SLUG.md with the report fields. The file name is the title's slug. The page is a \
        draft (see it with lathund serve --drafts; remove draft: true to publish). An existing file is never \
        replaced (exit code 2).
        """
    )
    @Argument(help: "faq, page or report.") var kind: NewPage.Kind
    @Argument(help: "The page's title (for faq: the question).") var title: String
    @Option(help: "Section folder for a page, e.g. regelverk.") var section: String?
    @Option(help: "FAQ category (default: Övrigt).") var category: String?
    @Option(help: "Content folder.") var content = "content"
    @Option(help: "Date (ÅÅÅÅ-MM-DD) written as the page's date and reviewed (default: today).") var today: String?

    func validate() throws {
        if let today, Day(today) == nil { throw ValidationError("--today must be a date ÅÅÅÅ-MM-DD") }
    }

    func run() throws {
        if category != nil && kind != .faq { throw ValidationError("--category is for faq entries") }
        let page = NewPage(kind: kind, title: title, section: section, category: category,
                           today: today.flatMap(Day.init) ?? .today)
        let folder = BuildOptions(projectRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).resolve(content)
        do {
            let path = try page.write(into: folder, displayRoot: content)
            print("Wrote \(content)/\(path) (a draft: lathund serve --drafts shows it; remove draft: true to publish)")
        } catch let problem as NewPage.Problem {
            printError("error: \(problem.description)")
            throw ExitCode(2)
        }
    }
}

extension NewPage.Kind: ExpressibleByArgument {}

struct Lathund: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lathund",
        abstract: "Builds Kunskapsbanken om sjukförsäkringen from Markdown into a static site.",
        discussion: "Exit codes: 0 built, 1 content errors, 2 usage or configuration error.",
        subcommands: [Build.self, Check.self, Serve.self, New.self],
        defaultSubcommand: Build.self
    )
}

/// Runs an async command (its synchronous `run` only prints help).
func runAsync(_ command: some AsyncParsableCommand) async throws {
    var command = command
    try await command.run()
}

// Usage errors exit with 2 (argument-parser's default is 64).
do {
    var command = try Lathund.parseAsRoot()
    if let asynchronous = command as? AsyncParsableCommand {
        try await runAsync(asynchronous)
    } else {
        try command.run()
    }
} catch {
    let code = Lathund.exitCode(for: error)
    if code == .success || error is ExitCode {
        Lathund.exit(withError: error)
    }
    printError(Lathund.fullMessage(for: error))
    exit(2)
}
