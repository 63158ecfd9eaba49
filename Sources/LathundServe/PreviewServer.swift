import FlyingFox
import FlyingSocks
import Foundation

/// Serves the output folder over HTTP for the preview, with `/_lathund/` for live reload. Every response
/// forbids caching; HTML gets the reload script, and the build errors while the last build is failed.
final class PreviewServer: @unchecked Sendable {
    /// The CSP of the published site (`deploy/nginx/lathund.conf`; a test keeps the two equal): no inline
    /// scripts or styles. The preview sends it too, so a page that breaks under it breaks in the preview, and
    /// the preview's own script and styles are files.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

    let folder: SiteFolder
    let hub = ReloadHub()
    private let lock = NSLock()
    private var currentStatus: BuildStatus
    private var server: HTTPServer?
    private var runError: Error?
    private var keepAliveTask: Task<Void, Never>?

    init(folder: URL, generation: String) {
        self.folder = SiteFolder(root: folder)
        self.currentStatus = BuildStatus(generation: generation)
    }

    var status: BuildStatus { lock.withLock { currentStatus } }

    /// Records a build and tells every open page.
    func update(_ change: (inout BuildStatus) -> Void) {
        let status = lock.withLock {
            change(&currentStatus)
            return currentStatus
        }
        hub.broadcast(ReloadHub.event("build", data: status.eventData))
    }

    /// Binds to `host:port` (port 0: any free port) and returns the port.
    func start(host: String, port: UInt16) async throws -> UInt16 {
        let address: any SocketAddress = host.contains(":")
            ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        let server = HTTPServer(config: .init(address: address, timeout: 30, logger: .disabled), handler: self)
        lock.withLock { self.server = server }
        Task { [weak self] in
            do { try await server.run() } catch { self?.failed(error) }
        }
        for _ in 0..<1_000 {
            if await server.isListening, let address = await server.listeningAddress {
                switch address {
                case .ip4(_, let port), .ip6(_, let port):
                    startKeepAlive()
                    return port
                case .unix:
                    break
                }
            }
            if let error = lock.withLock({ runError }) { throw error }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw ServeError.notListening(host: host, port: port)
    }

    func stop() async {
        let (server, keepAlive) = lock.withLock {
            defer { self.server = nil; keepAliveTask = nil }
            return (self.server, keepAliveTask)
        }
        keepAlive?.cancel()
        hub.finish()
        await server?.stop(timeout: 1)
    }

    private func failed(_ error: Error) {
        lock.withLock { runError = error }
    }

    private func startKeepAlive() {
        let hub = self.hub
        let task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                hub.broadcast(ReloadHub.keepAlive)
            }
        }
        lock.withLock { keepAliveTask = task }
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

extension PreviewServer: HTTPHandler {
    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return response(.methodNotAllowed, text: "Bara GET och HEAD.\n", headers: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        let rawPath = request.target.path()
        if rawPath.hasPrefix("/_lathund/") {
            return preview(rawPath, request)
        }
        let status = self.status
        guard status.hasSite else {
            return html(status.phase == .starting ? .serviceUnavailable : .internalServerError,
                        PreviewHTML.standalone(status), request)
        }
        switch folder.resolve(rawPath: rawPath) {
        case .file(let path):
            return try file(path, status: .ok, request)
        case .redirect(let location):
            let query = request.target.query()
            return HTTPResponse(statusCode: .movedPermanently,
                                headers: headers([.location: query.isEmpty ? location : location + "?" + query]))
        case .notFound:
            if case .file(let path) = folder.resolve(rawPath: "/404.html") {
                return try file(path, status: .notFound, request)
            }
            return response(.notFound, text: "Sidan finns inte.\n")
        case .forbidden:
            return response(.forbidden, text: "Förbjuden sökväg.\n")
        case .badRequest:
            return response(.badRequest, text: "Ogiltig sökväg.\n")
        }
    }

    private func preview(_ rawPath: String, _ request: HTTPRequest) -> HTTPResponse {
        switch rawPath {
        case "/_lathund/events":
            let status = self.status
            let first = Data("retry: 1000\n\n".utf8) + ReloadHub.event("hello", data: status.eventData)
            let body = HTTPBodySequence(from: EventStreamBody(events: hub.subscribe(first: first)))
            return HTTPResponse(statusCode: .ok, headers: headers([.contentType: "text/event-stream"]), body: body)
        case "/_lathund/reload.js":
            return response(.ok, text: PreviewAssets.script, type: "text/javascript; charset=utf-8", request)
        case "/_lathund/reload.css":
            return response(.ok, text: PreviewAssets.stylesheet, type: "text/css; charset=utf-8", request)
        case "/_lathund/status":
            return response(.ok, text: status.eventData, type: "application/json; charset=utf-8", request)
        default:
            return response(.notFound, text: "Sidan finns inte.\n")
        }
    }

    private func file(_ path: String, status code: HTTPStatusCode, _ request: HTTPRequest) throws -> HTTPResponse {
        let type = ContentType.of(path: path)
        if ContentType.isHTML(path) {
            let page = PreviewHTML.inject(PreviewHTML.snippet(for: status), into: try Data(contentsOf: URL(fileURLWithPath: path)))
            return html(code, page, request)
        }
        let url = URL(fileURLWithPath: path)
        if request.method == .HEAD {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return HTTPResponse(statusCode: code, headers: headers([.contentType: type, .contentLength: String(size)]))
        }
        return HTTPResponse(statusCode: code, headers: headers([.contentType: type]), body: try HTTPBodySequence(file: url))
    }

    private func html(_ code: HTTPStatusCode, _ page: Data, _ request: HTTPRequest) -> HTTPResponse {
        body(code, page, type: "text/html; charset=utf-8", request)
    }

    private func response(_ code: HTTPStatusCode, text: String, type: String = "text/plain; charset=utf-8",
                          _ request: HTTPRequest? = nil, headers extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var response = body(code, Data(text.utf8), type: type, request)
        for (name, value) in extra { response.headers[name] = value }
        return response
    }

    private func body(_ code: HTTPStatusCode, _ data: Data, type: String, _ request: HTTPRequest?) -> HTTPResponse {
        if request?.method == .HEAD {
            return HTTPResponse(statusCode: code, headers: headers([.contentType: type, .contentLength: String(data.count)]))
        }
        return HTTPResponse(statusCode: code, headers: headers([.contentType: type]), body: data)
    }

    private func headers(_ extra: [HTTPHeader: String]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers[.cacheControl] = "no-store"
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        headers[HTTPHeader("Content-Security-Policy")] = Self.contentSecurityPolicy
        for (name, value) in extra { headers[name] = value }
        return headers
    }
}
