import Foundation
import LathundKit
@testable import LathundServe
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway project (`lathund.yml`, `content/`, `layouts/`) served by a real `PreviewSession` on a free port.
final class ServedProject: @unchecked Sendable {
    let root: URL
    private(set) var session: PreviewSession!
    private(set) var port: UInt16 = 0
    private var watching: Task<Void, Never>?

    static let layouts: [String: String] = [
        "base.mustache": """
        <!DOCTYPE html><html lang="sv"><head><title>{{page.title}}</title></head>
        <body>{{$main}}{{/main}}</body></html>

        """,
        "page.mustache": "{{<base}}{{$main}}<main><h1>{{page.title}}</h1>{{{page.content}}}</main>{{/main}}{{/base}}\n",
        "section.mustache": "{{<base}}{{$main}}<main><h1>{{page.title}}</h1>{{{page.content}}}</main>{{/main}}{{/base}}\n",
        "home.mustache": "{{<base}}{{$main}}<main><h1>Start</h1>{{{page.content}}}</main>{{/main}}{{/base}}\n",
        "404.mustache": "{{<base}}{{$main}}<main><h1>Sidan finns inte</h1></main>{{/main}}{{/base}}\n",
        "glossary.mustache": "{{<base}}{{$main}}<dl>{{#terms}}<dt>{{term}}</dt>{{/terms}}</dl>{{/main}}{{/base}}\n",
        "assets/site.css": "body { margin: 0; }\n",
    ]

    init(files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-serve-\(UUID().uuidString)")
        try write("lathund.yml", "title: \"Testbanken\"\nbase_url: \"https://test.example/\"\n")
        for (path, text) in Self.layouts { try write("layouts/" + path, text) }
        for (path, text) in files { try write("content/" + path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Starts the server on a free port, builds (which must succeed when `requireBuilt`), and (when `watch`)
    /// starts watching.
    func start(watch: Bool = false, requireBuilt: Bool = true,
               configure: (inout PreviewSession.Settings) -> Void = { _ in }) async throws {
        var options = BuildOptions(projectRoot: root)
        options.outputDirectory = ".lathund-preview"
        options.jobs = 2
        options.today = Day("2026-11-23")  // never the real clock
        var settings = PreviewSession.Settings()
        configure(&settings)
        settings.port = 0
        settings.pollInterval = .milliseconds(50)
        settings.quietPeriod = .milliseconds(50)
        session = PreviewSession(options: options, settings: settings)
        let url = try await session.start()
        port = UInt16(url.port!)
        if requireBuilt {
            let status = try await get("/_lathund/status")
            guard status.body.contains("\"ok\":true") else { throw Failure("the first build failed: \(status.body)") }
        }
        if watch { watching = Task { [session] in await session!.watch() } }
    }

    /// Stops watching (waiting for a build under way to finish), stops the server and removes the project.
    func stop() async {
        watching?.cancel()
        await watching?.value
        await session?.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `body` with a project of `files` and stops it afterwards, also when `body` throws: the server never
    /// outlives its test.
    static func with(files: [String: String], _ body: (ServedProject) async throws -> Void) async throws {
        let project = try ServedProject(files: files)
        do {
            try await body(project)
        } catch {
            await project.stop()
            throw error
        }
        await project.stop()
    }

    func get(_ rawPath: String, method: String = "GET", host: String? = nil) async throws -> RawResponse {
        try await RawHTTP.request(port: port, method: method, rawPath: rawPath, host: host)
    }
}

struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// HTTP over a plain socket, so the request line goes out exactly as written (`/../`, `%2e%2e`); blocking
/// reads run on a thread of their own, never on a pool the server uses.
enum RawHTTP {
    /// One request with `Connection: close`; the Host header is `127.0.0.1:PORT`, as a browser sends it, unless given.
    static func request(port: UInt16, method: String, rawPath: String, host: String? = nil) async throws -> RawResponse {
        try await offPool {
            let socket = try connect(port: port)
            defer { close(socket) }
            let request = "\(method) \(rawPath) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n\r\n"
            try send(socket, request)
            var data = Data()
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                guard let chunk = try receive(socket) else { break }
                data.append(chunk)
            }
            return try parse(data)
        }
    }

    /// Sends `bytes` exactly as given, on a thread of its own so that an answer that comes before the last byte
    /// is read at once, and reads until the server closes (or `timeout`). Returns the response and the seconds from
    /// the first byte sent to the end of the status line (nil when none came).
    static func exchange(port: UInt16, _ bytes: [UInt8], timeout: TimeInterval = 30) async throws
        -> (response: RawResponse, statusAfter: TimeInterval?)
    {
        try await offPool {
            let socket = try connect(port: port)
            defer { close(socket) }
            let sent = DispatchSemaphore(value: 0)
            let started = Date()
            Thread {
                var offset = 0
                while offset < bytes.count {
                    let count = bytes[offset...].withUnsafeBytes {
                        Glibc.send(socket, $0.baseAddress, Swift.min($0.count, 65_536), Int32(MSG_NOSIGNAL))
                    }
                    if count <= 0 { break }
                    offset += count
                }
                sent.signal()
            }.start()
            var data = Data()
            var statusAfter: TimeInterval?
            while Date().timeIntervalSince(started) < timeout {
                guard let chunk = try? receive(socket) else { break }
                data.append(chunk)
                if statusAfter == nil, data.range(of: Data("\r\n".utf8)) != nil {
                    statusAfter = Date().timeIntervalSince(started)
                }
            }
            shutdown(socket, Int32(SHUT_RDWR))
            sent.wait()
            return (try parse(data), statusAfter)
        }
    }

    /// True when the server has closed the connection within `timeout` seconds (what it sends meanwhile is read).
    static func closedByServer(_ socket: Int32, within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? receive(socket)) == nil { return true }
        }
        return false
    }

    static func parse(_ data: Data) throws -> RawResponse {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure("no header in \(text)") }
        var lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure("bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    static func connect(port: UInt16) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure("socket") }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { close(socket); throw Failure("connect: \(errno)") }
        return socket
    }

    static func send(_ socket: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure("send") }
            sent += count
        }
    }

    /// Bytes that arrived, empty when none arrived within the socket's timeout; nil at the end of the stream.
    static func receive(_ socket: Int32) throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let count = recv(socket, &buffer, buffer.count, 0)
        if count > 0 { return Data(buffer[..<count]) }
        if count == 0 { return nil }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return Data() }
        throw Failure("recv: \(errno)")
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

/// The live-reload stream of a served project, read event by event.
final class EventStream: @unchecked Sendable {
    struct Event: Equatable { var name: String; var data: String }
    private let socket: Int32
    private var buffer = ""

    init(port: UInt16) async throws {
        socket = try await RawHTTP.offPool {
            let socket = try RawHTTP.connect(port: port)
            try RawHTTP.send(socket, "GET /_lathund/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
            return socket
        }
    }

    deinit { close(socket) }

    /// The server has not closed the stream (nothing is read from it).
    var isOpen: Bool {
        var byte: UInt8 = 0
        let count = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count > 0 || (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    }

    /// The next event whose name and data satisfy `match`, or nil when none came within `timeout` seconds.
    func next(timeout: TimeInterval = 60, where match: @escaping @Sendable (Event) -> Bool) async throws -> Event? {
        try await RawHTTP.offPool { [self] in
            let deadline = ContinuousClock.now + .seconds(timeout)
            while ContinuousClock.now < deadline {
                while let event = takeEvent() {
                    if match(event) { return event }
                }
                guard let chunk = try RawHTTP.receive(socket) else { return nil }
                buffer += String(decoding: chunk, as: UTF8.self)
            }
            return nil
        }
    }

    /// Removes and returns the first complete `event:`/`data:` pair in the buffer.
    private func takeEvent() -> Event? {
        guard let eventRange = buffer.range(of: "event: ") else { return nil }
        let rest = buffer[eventRange.upperBound...]
        guard let end = rest.range(of: "\n\n") else { return nil }
        let lines = rest[..<end.lowerBound].split(separator: "\n")
        buffer = String(rest[end.upperBound...])
        let name = String(lines.first ?? "")
        let data = lines.first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) } ?? ""
        return Event(name: name, data: data)
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A page with front matter.
func page(_ title: String, _ body: String = "", extra: String = "") -> String {
    "---\ntitle: \"\(title)\"\n\(extra)---\n\(body)"
}

/// The `generation` of a `hello` or `build` event.
func generation(of event: EventStream.Event) -> String? {
    guard let range = event.data.range(of: "\"generation\":\"") else { return nil }
    return String(event.data[range.upperBound...].prefix { $0 != "\"" })
}
