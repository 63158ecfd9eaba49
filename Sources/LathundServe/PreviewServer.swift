import Foundation
import LathundKit
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix

/// Serves the output folder over HTTP for the preview, with `/_lathund/` for live reload. Every response
/// forbids caching; HTML gets the reload script, and the build errors while the last build is failed.
///
/// The connections are Hummingbird's server core on SwiftNIO (`PreviewChannel`): request heads are bounded
/// (`RequestLimits`), a connection that sends no complete request within `idleTimeout` is closed, and at most
/// `maxConnections` are open at once. Only the loopback names and the bind address are answered (`HostCheck`).
final class PreviewServer: Sendable {
    /// The CSP of the published site (`deploy/nginx/lathund.conf`; a test keeps the two equal): no inline
    /// scripts or styles. The preview sends it too, so a page that breaks under it breaks in the preview, and
    /// the preview's own script and styles are files.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    /// The CSP of every served file that is not one of Lathund's pages (`index.html`, `/404.html`): what is copied
    /// from `content/`, the search index, assets. Opened on its own, such a file is sandboxed and runs no script,
    /// even an HTML or SVG file that `allow_file_types:` let through (as nginx does; a test keeps the two equal).
    static let fileContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + "frame-ancestors 'none'"

    struct Limits: Sendable {
        var request = RequestLimits()
        /// A connection is closed when it has sent no complete request head for this long (a header that never
        /// ends, a keep-alive connection left open). A live-reload stream is a response in progress: it stays.
        var idleTimeout: Duration = .seconds(10)
        /// Connections open at once; more wait in the kernel's queue until one closes.
        var maxConnections = 256
    }

    let folder: SiteFolder
    let hub = ReloadHub()
    let limits: Limits
    /// What requests, builds and start/stop share.
    private struct State {
        var status: BuildStatus
        /// The names answered, known once the server is bound.
        var hosts: HostCheck?
        var server: Server<PreviewChannel>?
        var running: Task<Void, Never>?
        var keepAlive: Task<Void, Never>?
    }
    private let state: Locked<State>

    init(folder: URL, generation: String, limits: Limits = Limits()) {
        self.folder = SiteFolder(root: folder)
        state = Locked(State(status: BuildStatus(generation: generation)))
        self.limits = limits
    }

    var status: BuildStatus { state.withLock { $0.status } }

    /// Records a build and tells every open page.
    func update(_ change: (inout BuildStatus) -> Void) {
        let status = state.withLock { state in
            change(&state.status)
            return state.status
        }
        hub.broadcast(ReloadHub.event("build", data: status.eventData))
    }

    /// Binds to `host:port` (port 0: any free port) and returns the port.
    func start(host: String, port: UInt16) async throws -> UInt16 {
        let started = Started()
        var logger = Logger(label: "lathund.serve")
        logger.logLevel = .critical
        let server = Server(
            childChannelSetup: PreviewChannel(server: self, limits: limits),
            configuration: ServerConfiguration(address: .hostname(host, port: Int(port)),
                                               availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
            onServerRunning: { [weak self] channel in
                let bound = channel.localAddress?.port ?? Int(port)
                self?.state.withLock { $0.hosts = HostCheck(bind: host, port: bound) }
                started.finish(.success(bound))
            },
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        let running = Task(executorPreference: ConnectionExecutor.shared) {
            do {
                try await server.run()
                started.finish(.failure(ServeError.notListening(host: host, port: port)))
            } catch {
                started.finish(.failure(error))
            }
        }
        state.withLock {
            $0.server = server
            $0.running = running
        }
        let bound = try await started.value()
        startKeepAlive()
        return UInt16(bound)
    }

    /// Ends the live-reload streams, lets the open connections finish (at most 2 s) and stops listening.
    func stop() async {
        let (server, running, keepAlive) = state.withLock { state in
            defer { state.server = nil; state.running = nil; state.keepAlive = nil }
            return (state.server, state.running, state.keepAlive)
        }
        keepAlive?.cancel()
        hub.finish()
        guard let server, let running else { return }
        let graceful = Task { try? await server.shutdownGracefully() }
        let deadline = Task {
            try? await Task.sleep(for: .seconds(2))
            running.cancel()
        }
        await running.value
        deadline.cancel()
        graceful.cancel()
    }

    private func startKeepAlive() {
        let hub = self.hub
        let task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                hub.broadcast(ReloadHub.keepAlive)
            }
        }
        state.withLock { $0.keepAlive = task }
    }
}

/// Where the server's tasks run (its accept loop and each connection's, which inherit the preference): threads
/// of a queue of its own, not the shared pool of Swift's concurrency. That pool has one thread per core, and work
/// that blocks it elsewhere in the process (an embedding program's synchronous builds, a test run's suites) would
/// otherwise hold up every answer until it ends: on 2 cores a request waited over 30 s.
final class ConnectionExecutor: TaskExecutor {
    static let shared = ConnectionExecutor()
    /// A concurrent queue of its own: libdispatch gives it threads beyond the shared pool's.
    private let queue = DispatchQueue(label: "lathund.serve.connections", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// The port the server bound, handed from the server's start-up to `start()` once.
private final class Started: Sendable {
    private struct State {
        var result: Result<Int, Error>?
        var waiter: CheckedContinuation<Int, Error>?
    }
    private let state = Locked(State())

    func finish(_ outcome: Result<Int, Error>) {
        let waiter: CheckedContinuation<Int, Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, Error>? = state.withLock { state in
                if state.result == nil { state.waiter = continuation }
                return state.result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

public enum ServeError: Error, CustomStringConvertible {
    case notListening(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .notListening(let host, let port): return "cannot listen on \(host):\(port)"
        }
    }
}

/// One response, as `PreviewChannel` writes it.
struct Reply: Sendable {
    enum Body: Sendable {
        case bytes(Data)
        /// A live-reload stream: each element is sent as it comes, until the stream ends.
        case events(AsyncStream<Data>)
    }

    var status: HTTPResponse.Status
    var fields: HTTPFields
    var body: Body
    /// Close the connection after this response.
    var closes = false
}

extension PreviewServer {
    /// The response to a request head. A request with a body is refused: the preview only reads.
    func reply(to request: HTTPRequest) -> Reply {
        guard request.method == .get || request.method == .head else {
            var reply = text(.methodNotAllowed, "Bara GET och HEAD.\n")
            reply.fields[.allow] = "GET, HEAD"
            return reply
        }
        if request.headerFields[.transferEncoding] != nil || (request.headerFields[.contentLength] ?? "0") != "0" {
            var reply = text(.contentTooLarge, "Förhandsvisningen tar inte emot data.\n")
            reply.closes = true
            return reply
        }
        guard let hosts = state.withLock({ $0.hosts }), hosts.allows(request.authority) else {
            var reply = text(.misdirectedRequest, "Förhandsvisningen svarar bara på localhost, 127.0.0.1 och [::1] (och "
                             + "adressen den lyssnar på), med sin port.\n")
            reply.closes = true
            return reply
        }
        let target = request.path ?? ""
        guard !target.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return text(.badRequest, "Ogiltig sökväg.\n")
        }
        let rawPath = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let query = target.dropFirst(rawPath.count + 1)
        if rawPath.hasPrefix("/_lathund/") {
            return preview(rawPath, head: request.method == .head)
        }
        let status = self.status
        guard status.hasSite else {
            return html(status.phase == .starting ? .serviceUnavailable : .internalServerError, PreviewHTML.standalone(status))
        }
        do {
            switch folder.resolve(rawPath: rawPath) {
            case .file(let path):
                // Lathund's pages: every index.html and the 404 page (as nginx's $lathund_csp map has it).
                var isPage = path.hasSuffix("/index.html")
                if !isPage, case .file(let notFound) = folder.resolve(rawPath: "/404.html") { isPage = path == notFound }
                return try file(path, status: .ok, isPage: isPage)
            case .redirect(let location):
                var reply = Reply(status: .movedPermanently, fields: headers(), body: .bytes(Data()))
                reply.fields[.location] = query.isEmpty ? location : location + "?" + query
                return reply
            case .notFound:
                if case .file(let path) = folder.resolve(rawPath: "/404.html") {
                    return try file(path, status: .notFound, isPage: true)
                }
                return text(.notFound, "Sidan finns inte.\n")
            case .forbidden:
                return text(.forbidden, "Förbjuden sökväg.\n")
            case .badRequest:
                return text(.badRequest, "Ogiltig sökväg.\n")
            }
        } catch {
            return text(.notFound, "Sidan finns inte.\n")
        }
    }

    /// The response to a request refused on its head's bytes or by the HTTP parser; the connection closes after it.
    func refusal(_ status: Int) -> Reply {
        let reply: Reply
        switch status {
        case 414: reply = text(.uriTooLong, "Adressen är för lång.\n")
        case 431: reply = text(.requestHeaderFieldsTooLarge, "Begärans huvud är för stort.\n")
        default: reply = text(.badRequest, "Felaktig begäran.\n")
        }
        var closing = reply
        closing.closes = true
        return closing
    }

    private func preview(_ rawPath: String, head: Bool) -> Reply {
        switch rawPath {
        case "/_lathund/events":
            var fields = headers()
            fields[.contentType] = "text/event-stream"
            guard !head else { return Reply(status: .ok, fields: fields, body: .bytes(Data())) }
            let first = Data("retry: 1000\n\n".utf8) + ReloadHub.event("hello", data: status.eventData)
            return Reply(status: .ok, fields: fields, body: .events(hub.subscribe(first: first)))
        case "/_lathund/reload.js":
            return text(.ok, PreviewAssets.script, type: "text/javascript; charset=utf-8")
        case "/_lathund/reload.css":
            return text(.ok, PreviewAssets.stylesheet, type: "text/css; charset=utf-8")
        case "/_lathund/status":
            return text(.ok, status.eventData, type: "application/json; charset=utf-8")
        default:
            return text(.notFound, "Sidan finns inte.\n")
        }
    }

    /// A file of the site; Lathund's pages get the live-reload snippet and the site's CSP, every other file the
    /// sandboxing one.
    private func file(_ path: String, status code: HTTPResponse.Status, isPage: Bool) throws -> Reply {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if isPage, ContentType.isHTML(path) {
            return html(code, PreviewHTML.inject(PreviewHTML.snippet(for: status), into: data))
        }
        var fields = headers()
        if !isPage { fields[.contentSecurityPolicy] = Self.fileContentSecurityPolicy }
        fields[.contentType] = ContentType.of(path: path)
        return Reply(status: code, fields: fields, body: .bytes(data))
    }

    private func html(_ code: HTTPResponse.Status, _ page: Data) -> Reply {
        var fields = headers()
        fields[.contentType] = "text/html; charset=utf-8"
        return Reply(status: code, fields: fields, body: .bytes(page))
    }

    private func text(_ code: HTTPResponse.Status, _ text: String, type: String = "text/plain; charset=utf-8") -> Reply {
        var fields = headers()
        fields[.contentType] = type
        return Reply(status: code, fields: fields, body: .bytes(Data(text.utf8)))
    }

    private func headers() -> HTTPFields {
        var fields = HTTPFields()
        fields[.cacheControl] = "no-store"
        fields[.xContentTypeOptions] = "nosniff"
        fields[.contentSecurityPolicy] = Self.contentSecurityPolicy
        return fields
    }
}
