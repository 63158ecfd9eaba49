import Foundation
import LathundKit

/// `lathund serve`: builds the site, serves it, and rebuilds and reloads the open pages whenever a watched
/// file changes. A failed build keeps the last good site in place and shows its errors on every page.
/// An actor: the build count, the address, the watched files' baseline and the events are changed by one task
/// at a time, however `start`, `watch` and `build(changes:)` are called.
public actor PreviewSession {
    public struct Settings: Sendable {
        public var host = "127.0.0.1"
        public var port: UInt16 = 8080
        /// How often the watched files are compared when the kernel does not report changes (`FolderEvents`).
        public var pollInterval: Duration = .milliseconds(250)
        /// With kernel events: how often they are read, and how often the files are compared all the same (in case
        /// an event was missed, say on a network file system).
        public var eventInterval: Duration = .milliseconds(25)
        public var fullCompareInterval: Duration = .seconds(4)
        /// A change is built once the files have been quiet this long (editors write in several steps).
        public var quietPeriod: Duration = .milliseconds(100)
        /// The largest request line, header line and header block answered (414 and 431 beyond them).
        public var requestLimits = RequestLimits()
        /// A connection that sends no complete request head for this long is closed (live-reload streams stay).
        public var idleTimeout: Duration = .seconds(10)
        /// Connections open at once; more wait until one closes.
        public var maxConnections = 256
        public init() {}
    }

    /// One finished build, for the command line to print.
    public struct Outcome: Sendable {
        /// Watched paths that changed, relative to the project; empty for the first build.
        public var changes: [String]
        public var result: Result<BuildResult, ConfigurationError>
    }

    private let options: BuildOptions
    private let settings: Settings
    private let report: @Sendable (Outcome) -> Void
    private let server: PreviewServer
    private let watcher: FileWatcher
    private let instance = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private var builds = 0
    /// Each page's Content and Markdown results from the last build: a change rebuilds only what it touched.
    private let memory = IncrementalPageMemory()
    /// The watched files as the last build saw them.
    private var baseline: FileWatcher.Snapshot = [:]
    /// Whether the baseline's files may be stamped again by the names kernel events give (`FileWatcher.walk`).
    private var baselineByName = false
    /// Set up before the first snapshot, so no change after it is missed.
    private var events: FolderEvents?
    public private(set) var url: URL?

    /// - Parameters:
    ///   - options: the build; its output folder is what is served. The base URL is set to the server's own
    ///     address.
    ///   - report: called after every build.
    public init(options: BuildOptions, settings: Settings = Settings(),
                report: @escaping @Sendable (Outcome) -> Void = { _ in }) {
        self.options = options
        self.settings = settings
        self.report = report
        server = PreviewServer(folder: options.resolve(options.outputDirectory).standardizedFileURL,
                               generation: instance + "-0",
                               limits: PreviewServer.Limits(request: settings.requestLimits, idleTimeout: settings.idleTimeout,
                                                            maxConnections: settings.maxConnections))
        watcher = FileWatcher(paths: [options.contentDirectory, options.layoutsDirectory, options.configFile]
            .map { options.resolve($0).standardizedFileURL.path })
    }

    /// Starts listening and runs the first build; returns the address pages are served at.
    public func start() async throws -> URL {
        let port = try await server.start(host: settings.host, port: settings.port)
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        let url = URL(string: "http://\(host):\(port)/")!
        self.url = url
        events = watcher.events()
        (baseline, baselineByName) = watcher.walk()
        await build(changes: [])
        return url
    }

    /// Watches until the task is cancelled, building after every change (also one made during the first
    /// build). Call it once, after `start()`.
    public func watch() async {
        var current = FileWatcher.Files(stamps: baseline, byName: baselineByName)
        var sinceWalk = Duration.zero
        while !Task.isCancelled {
            let interval = events == nil ? settings.pollInterval : settings.eventInterval
            do { try await Task.sleep(for: interval) } catch { return }
            sinceWalk += interval
            // The files are walked when the events are unclear, and at `fullCompareInterval` all the same.
            var news = events?.drain()
            if news == .quiet {
                guard sinceWalk >= settings.fullCompareInterval else { continue }
                news = .unclear
            }
            var changed = watcher.look(after: news, at: &current)
            if news == nil || news == .unclear || !current.byName { sinceWalk = .zero }
            guard !changed.isEmpty else { continue }
            // Wait until the files are quiet, collecting every change. With kernel events, quiet means no event
            // since the last look (events are read before each look, so none is lost between them).
            while true {
                do { try await Task.sleep(for: settings.quietPeriod) } catch { return }
                let news = events?.drain()
                if news == .quiet { break }
                let more = watcher.look(after: news, at: &current)
                if more.isEmpty { break }
                changed = Array(Set(changed).union(more)).sorted()
            }
            // The files the watcher saw unchanged since the last build are not stamped again by this one.
            let seen = current.stamps
            let moved = Set(changed)
            await build(changes: changed.map(options.display), changed: changed,
                        unchanged: { seen[$0] != nil && !moved.contains($0) },
                        present: { seen[$0] != nil }, count: { folder in seen.keys.count { $0.hasPrefix(folder + "/") } })
        }
    }

    public func stop() async {
        await server.stop()
        await withCheckedContinuation { continuation in
            Thread { [memory] in
                memory.settle()
                continuation.resume()
            }.start()
        }
    }

    /// Builds once and tells the open pages.
    public func build(changes: [String]) async {
        await build(changes: changes, changed: [], unchanged: nil)
    }

    /// `changed`: the absolute paths the watcher saw change; `unchanged`: whether it saw a file with the same stamp
    /// since the last build (`IncrementalPageMemory.watched`), nil when it cannot say.
    /// `present`, `count`: whether a path is in the watcher's snapshot, and how many files it has under a folder.
    private func build(changes: [String], changed: [String], unchanged: (@Sendable (String) -> Bool)?,
                       present: (@Sendable (String) -> Bool)? = nil, count: (@Sendable (String) -> Int)? = nil) async {
        memory.watched(unchanged: unchanged, changed: changed, present: present, count: count)
        var options = self.options
        if let url { options.baseURL = url.absoluteString }
        options.pageMemory = memory
        // Changed files straight into the preview folder, each by rename (`BuildOptions.writeInPlace`).
        options.writeInPlace = true
        let builder = Builder(options: options)
        let configFile = options.configFile
        let result: Result<BuildResult, ConfigurationError> = await withCheckedContinuation { continuation in
            // A thread of its own: a build blocks for as long as it takes, and must not hold up the server.
            Thread { [memory] in
                memory.settle()  // what the last build left to do after it was reported
                do {
                    continuation.resume(returning: .success(try builder.build()))
                } catch let error as ConfigurationError {
                    continuation.resume(returning: .failure(error))
                } catch {
                    let problem = ConfigurationError(SourceLocation(file: configFile), .build, "\(error)")
                    continuation.resume(returning: .failure(problem))
                }
            }.start()
        }
        builds += 1
        let generation = "\(instance)-\(builds)"
        server.update { status in
            status.generation = generation
            switch result {
            case .success(let built) where built.succeeded:
                status.phase = .built
                status.hasSite = true
            case .success(let built):
                status.phase = .failed(built.diagnostics)
            case .failure(let problem):
                status.phase = .failed([problem.diagnostic])
            }
        }
        report(Outcome(changes: changes, result: result))
    }
}
