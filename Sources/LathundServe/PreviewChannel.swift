import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// One preview connection: Hummingbird's HTTP/1 channel (SwiftNIO's parser with its header limits, and the idle
/// timeout) behind `RequestHeadMeter`, and a loop that answers its requests in order with `PreviewServer.reply`.
/// A request refused on its head gets 414, 431 or 400 and the connection is closed once the client has gone (or
/// the idle timeout passed): the rest of what it sends is read and dropped, so the answer is not lost to a reset.
struct PreviewChannel: ServerChildChannel {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let server: PreviewServer
    let limits: RequestLimits
    let http: HTTP1Channel

    init(server: PreviewServer, limits: PreviewServer.Limits) {
        self.server = server
        self.limits = limits.request
        // SwiftNIO counts the target and each header name and value, separators not included: it never reaches
        // these before the meter's own limits do.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: max(limits.request.requestLine, limits.request.headerLine),
            maxHeaderListSize: limits.request.requestLine + limits.request.headerBlock,
            maxHeaderFieldCount: 1_000)
        http = HTTP1Channel(responder: { _, _, _ in },
                            configuration: .init(idleTimeout: TimeAmount(limits.idleTimeout), httpDecoderConfiguration: decoder))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadMeter(limits: limits))
        }.flatMap {
            http.setup(channel: channel, logger: logger)
        }
    }

    func handle(value channel: Value, logger: Logger) async {
        let server = self.server
        await withTaskCancellationHandler {
            try? await channel.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                do {
                    while let part = try await parts.next() {
                        // Body parts are never read: a request that announces a body is answered 413 and closed.
                        guard case .head(let request) = part else { continue }
                        let reply = server.reply(to: request)
                        try await Self.write(reply, head: request.method == .head, to: outbound)
                        if reply.closes || request.headerFields[.connection]?.lowercased() == "close" { break }
                    }
                } catch let refusal as RequestRefusal {
                    try? await Self.write(server.refusal(refusal.status), head: false, to: outbound)
                } catch HTTPParserError.headerOverflow {
                    try? await Self.write(server.refusal(431), head: false, to: outbound)
                } catch is HTTPParserError {
                    try? await Self.write(server.refusal(400), head: false, to: outbound)
                } catch {
                    // The connection failed or closed; nothing to answer.
                }
                outbound.finish()
                try await channel.channel.closeFuture.get()
            }
        } onCancel: {
            channel.channel.close(mode: .input, promise: nil)
        }
    }

    static func write(_ reply: Reply, head: Bool, to outbound: NIOAsyncChannelOutboundWriter<HTTPResponsePart>) async throws {
        var fields = reply.fields
        if reply.closes { fields[.connection] = "close" }
        switch reply.body {
        case .bytes(let data):
            fields[.contentLength] = String(data.count)
            let response = HTTPResponse(status: reply.status, headerFields: fields)
            if head || data.isEmpty {
                try await outbound.write(contentsOf: [.head(response), .end(nil)])
            } else {
                try await outbound.write(contentsOf: [.head(response), .body(ByteBuffer(bytes: data)), .end(nil)])
            }
        case .events(let events):
            try await outbound.write(.head(HTTPResponse(status: reply.status, headerFields: fields)))
            for await event in events {
                try await outbound.write(.body(ByteBuffer(bytes: event)))
            }
            try await outbound.write(.end(nil))
        }
    }
}
