import Foundation
import Testing
@testable import LathundServe
#if canImport(Glibc)
import Glibc
#endif

/// `lathund serve` against what an attacker sends (issue 18): oversized request heads, other hosts (DNS
/// rebinding), `//` paths, idle and half-sent connections, too many connections, control characters.
@Suite struct PreviewHardeningTests {
    static let files: [String: String] = [
        "_index.md": page("Start", "Välkommen."),
        "regelverk/_index.md": page("Regelverk"),
        "regelverk/sgi.md": page("SGI", "Sjukpenninggrundande inkomst."),
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The limits hold exactly: a request line, one header line and the header block each at their limit are
    /// answered; one byte more is refused with 414 or 431, and the connection is closed.
    @Test func requestHeadsOverTheLimitsAreRefused() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        let host = "Host: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        let limits = RequestLimits()

        func requestLine(_ length: Int) -> String {
            let path = "/" + String(repeating: "a", count: length - "GET / HTTP/1.1".count)
            return "GET \(path) HTTP/1.1"
        }
        func header(_ length: Int) -> String { "X-Big: " + String(repeating: "b", count: length - "X-Big: ".count) }

        let cases: [(String, String, Int)] = [
            ("a request line at the limit", requestLine(limits.requestLine) + "\r\n" + host + "\r\n", 404),
            ("a request line one byte over", requestLine(limits.requestLine + 1) + "\r\n" + host + "\r\n", 414),
            ("a 100 KB path", requestLine(100 * 1024) + "\r\n" + host + "\r\n", 414),
            ("a header line at the limit", "GET / HTTP/1.1\r\n" + host + header(limits.headerLine) + "\r\n\r\n", 200),
            ("a header line one byte over", "GET / HTTP/1.1\r\n" + host + header(limits.headerLine + 1) + "\r\n\r\n", 431),
            // 16 lines of 4 000 bytes: none too long, together over 64 KB.
            ("a header block over the limit", "GET / HTTP/1.1\r\n" + host
                + (0..<17).map { "X-Part-\($0): " + String(repeating: "c", count: 4_000) + "\r\n" }.joined() + "\r\n", 431),
        ]
        for (name, request, status) in cases {
            let (response, _) = try await RawHTTP.exchange(port: port, Self.bytes(request))
            #expect(response.status == status, "\(name): \(response.status)")
            if status != 200 && status != 404 {
                #expect(response.headers["connection"] == "close", "\(name)")
                #expect(response.headers["content-security-policy"] == PreviewServer.contentSecurityPolicy)
            }
        }
    }

    /// A 1 MB header is refused with 431 after its first 8 KB, and the server answers other clients meanwhile.
    /// (FlyingFox 0.27.1, the server before, took about 2,5 minutes of CPU over such a header and stalled the rest.)
    @Test func aOneMegabyteHeaderIsRefusedAtOnceWhileOthersAreServed() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        let big = Self.bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Big: " + String(repeating: "a", count: 1 << 20)
                             + "\r\n\r\n")
        async let refused = RawHTTP.exchange(port: port, big)
        var others: [Int] = []
        for _ in 0..<5 {
            others.append(try await project.get("/regelverk/sgi/").status)
        }
        let (response, statusAfter) = try await refused
        #expect(response.status == 431)
        #expect(response.body.contains("för stort"))
        #expect(others == [200, 200, 200, 200, 200], "other clients are answered while the big header comes in")
        // Benchmarks/serve_limits.py measures the time (milliseconds); this bound only catches a server that reads
        // the whole megabyte first, and is generous because the test machine is shared and may be loaded.
        let seconds = try #require(statusAfter, "no status line")
        #expect(seconds < 10, "431 came after \(seconds) s")
    }

    /// What synchronous work does to the thread it runs on.
    static func blockThisThread(seconds: TimeInterval) { Thread.sleep(forTimeInterval: seconds) }

    /// Requests are answered at once while other work in the process blocks every thread of Swift's shared pool
    /// (a test run's synchronous suites do, and an embedding program's builds may): the server's tasks run on
    /// threads of their own (`ConnectionExecutor`).
    @Test func answersWhileTheSharedPoolIsBlocked() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        // Twice as many as the pool has threads, each blocking its thread for 4 s.
        for _ in 0..<(2 * ProcessInfo.processInfo.activeProcessorCount) {
            Task.detached { Self.blockThisThread(seconds: 4) }
        }
        let request = "GET /regelverk/sgi/ HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        let (response, statusAfter) = try await RawHTTP.exchange(port: port, Self.bytes(request))
        #expect(response.status == 200)
        #expect(response.body.contains("Sjukpenninggrundande"))
        let seconds = try #require(statusAfter, "no status line")
        #expect(seconds < 3, "answered after \(seconds) s, when the pool was free again")
    }

    /// DNS rebinding: a page on evil.example whose name points at 127.0.0.1 sends `Host: evil.example:PORT`.
    @Test func onlyLoopbackHostsAreAnswered() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        for host in ["evil.example:\(port)", "EVIL.example:\(port)", "localhost.evil.example:\(port)", "127.0.0.1",
                     "127.0.0.1:\(port + 1)", "localhost:\(port)x", "[::1]", "::1:\(port)", "127.0.0.1:\(port):\(port)"] {
            for path in ["/regelverk/sgi/", "/_lathund/status", "/_lathund/events"] {
                let response = try await project.get(path, host: host)
                #expect(response.status == 421, "\(host) \(path) gave \(response.status)")
                #expect(!response.body.contains("Sjukpenninggrundande"))
                #expect(!response.body.contains("generation"))
            }
        }
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LocalHost:\(port)", "[::1]:\(port)"] {
            #expect(try await project.get("/regelverk/sgi/", host: host).status == 200, "\(host)")
        }
        // No Host header at all (HTTP/1.0). A wrong host is not kept waiting on the connection either.
        let (bare, _) = try await RawHTTP.exchange(port: port, Self.bytes("GET / HTTP/1.0\r\n\r\n"))
        #expect(bare.status == 421)
        #expect(bare.headers["connection"] == "close")
    }

    @Test func hostCheckByBindAddress() {
        let loopback = HostCheck(bind: "127.0.0.1", port: 8080)
        #expect(loopback.allows("127.0.0.1:8080") && loopback.allows("localhost:8080") && loopback.allows("[::1]:8080"))
        #expect(!loopback.allows("192.168.1.5:8080"))
        #expect(!loopback.allows(nil) && !loopback.allows(""))
        // Bound to one LAN address: that address too.
        let lan = HostCheck(bind: "192.168.1.5", port: 8080)
        #expect(lan.allows("192.168.1.5:8080") && !lan.allows("192.168.1.6:8080"))
        // Bound to every address: any address written as one, never a name.
        let every = HostCheck(bind: "0.0.0.0", port: 8080)
        #expect(every.allows("192.168.1.5:8080") && every.allows("[fe80::1]:8080") && every.allows("localhost:8080"))
        #expect(!every.allows("evil.example:8080") && !every.allows("192.168.1.5.nip.io:8080"))
        let v6 = HostCheck(bind: "::1", port: 8080)
        #expect(v6.allows("[::1]:8080") && !v6.allows("[::2]:8080"))
        // Port 80: the browser leaves the port out.
        #expect(HostCheck(bind: "127.0.0.1", port: 80).allows("localhost"))
    }

    /// `//regelverk` is a folder without its slash; the redirect goes to `/regelverk/`, never to `//regelverk/`
    /// (a browser reads that as the host `regelverk`).
    @Test func redirectsStayOnTheSite() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let expected = [
            "//regelverk": "/regelverk/", "//regelverk?q=1": "/regelverk/?q=1", "///regelverk": "/regelverk/",
            "/regelverk//sgi": "/regelverk/sgi/", "//regelverk//sgi?x=%0d%0a": "/regelverk/sgi/?x=%0d%0a",
        ]
        for (path, location) in expected {
            let response = try await project.get(path)
            #expect(response.status == 301, "\(path)")
            #expect(response.headers["location"] == location, "\(path) → \(response.headers["location"] ?? "-")")
        }
        #expect(SiteFolder(root: project.root.appendingPathComponent(".lathund-preview")).resolve(rawPath: "//regelverk")
            == .redirect("/regelverk/"))
    }

    /// A raw CR (or another control character) in the request target is refused before it can reach a header.
    @Test func controlCharactersInTheTargetAreRefused() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        for target in ["/regelverk/sgi?x=1\rSet-Cookie: stulen=1", "/regelverk/sgi?x=\r", "/regelverk\r/sgi",
                       "/regelverk/sgi?x=\u{0}", "/regelverk/sgi?x=\t1", "/regelverk/sgi?x=\u{7F}", "/regelverk\u{1B}"] {
            let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n"
            let (response, _) = try await RawHTTP.exchange(port: port, Self.bytes(request))
            #expect(response.status == 400, "\(target.debugDescription) gave \(response.status)")
            #expect(response.headers["location"] == nil)
            #expect(response.headers["set-cookie"] == nil)
        }
        // Percent-encoded, they are only characters of the query.
        #expect(try await project.get("/regelverk/sgi?x=%0d").headers["location"] == "/regelverk/sgi/?x=%0d")
    }

    /// A connection that sends nothing, one that sends half a header and a keep-alive connection left idle are
    /// closed after the idle timeout; a live-reload stream, a response in progress, stays open.
    @Test func idleConnectionsAreClosed() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start { $0.idleTimeout = .seconds(1) }
        let port = project.port
        let events = try await EventStream(port: port)
        _ = try #require(try await events.next { $0.name == "hello" })

        let closed = try await RawHTTP.offPool { () -> [String: Bool] in
            let silent = try RawHTTP.connect(port: port)
            let partial = try RawHTTP.connect(port: port)
            try RawHTTP.send(partial, "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Slow: ")
            let kept = try RawHTTP.connect(port: port)
            try RawHTTP.send(kept, "GET /_lathund/status HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            defer { [silent, partial, kept].forEach { close($0) } }
            // Generous: each closes about 1 s after its last complete request; the server never closed them before.
            return ["silent": RawHTTP.closedByServer(silent, within: 15),
                    "partial": RawHTTP.closedByServer(partial, within: 15),
                    "keep-alive": RawHTTP.closedByServer(kept, within: 15)]
        }
        #expect(closed == ["silent": true, "partial": true, "keep-alive": true])
        #expect(events.isOpen, "the live-reload stream outlives the idle timeout")
    }

    /// At most `maxConnections` connections are served at once; the others wait until one closes.
    @Test func connectionsAreCapped() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        let cap = 8
        try await project.start {
            $0.maxConnections = cap
            $0.idleTimeout = .seconds(120)
        }
        let port = project.port
        let (answered, waiting, later) = try await RawHTTP.offPool { () -> (Int, Int, Bool) in
            let sockets = try (0..<40).map { _ in try RawHTTP.connect(port: port) }
            defer { sockets.forEach { close($0) } }
            for socket in sockets {
                try RawHTTP.send(socket, "GET /_lathund/status HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            }
            // Read until at least `cap` connections were answered (a loaded machine may take long for that) and
            // then no new one has been answered for 2 s; give up after 60 s.
            var served = Set<Int32>()
            var quietSince = ContinuousClock.now
            let giveUp = ContinuousClock.now + .seconds(60)
            while (served.count < cap || ContinuousClock.now - quietSince < .seconds(2)) && ContinuousClock.now < giveUp {
                for socket in sockets where !served.contains(socket) {
                    var byte: UInt8 = 0
                    if recv(socket, &byte, 1, Int32(MSG_DONTWAIT)) > 0 {
                        served.insert(socket)
                        quietSince = ContinuousClock.now
                    }
                }
                usleep(10_000)
            }
            // Closing the served ones lets the waiting ones in.
            for socket in served { shutdown(socket, Int32(SHUT_RDWR)) }
            let rest = sockets.filter { !served.contains($0) }
            var next = false
            let deadline = ContinuousClock.now + .seconds(20)
            while !next && ContinuousClock.now < deadline {
                next = rest.contains { socket in
                    var byte: UInt8 = 0
                    return recv(socket, &byte, 1, Int32(MSG_DONTWAIT)) > 0
                }
                usleep(10_000)
            }
            return (served.count, rest.count, next)
        }
        // SwiftNIO accepts up to 4 connections per read of the listening socket, so a few more than the cap may
        // get in before the cap is seen.
        #expect(answered >= cap && answered <= cap + 4, "\(answered) of 40 connections were served at once")
        #expect(waiting >= 40 - cap - 4)
        #expect(later, "a waiting connection is served once others close")
    }

    /// The preview only reads: a request that announces a body is refused and its connection closed.
    @Test func requestBodiesAreRefused() async throws {
        let project = try ServedProject(files: Self.files)
        defer { Task { await project.stop() } }
        try await project.start()
        let port = project.port
        for framing in ["Content-Length: 5\r\n\r\nhallo", "Transfer-Encoding: chunked\r\n\r\n5\r\nhallo\r\n0\r\n\r\n"] {
            let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + framing
            let (response, _) = try await RawHTTP.exchange(port: port, Self.bytes(request))
            #expect(response.status == 413, "\(framing)")
            #expect(response.headers["connection"] == "close")
        }
    }
}
