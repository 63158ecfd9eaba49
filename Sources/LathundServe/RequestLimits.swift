import NIOCore

/// What `lathund serve` accepts of a request's head (docs/serve.md). A request over a limit is answered at once
/// with the status a browser understands and the connection is closed; nothing beyond the limit is kept.
public struct RequestLimits: Sendable, Equatable {
    /// The request line (`GET /path?query HTTP/1.1`), its CR LF not counted: 414 URI Too Long beyond it.
    public var requestLine = 8 * 1024
    /// One header line, its CR LF not counted: 431 Request Header Fields Too Large beyond it.
    public var headerLine = 8 * 1024
    /// The header lines of one request together: 431 beyond it.
    public var headerBlock = 64 * 1024

    public init() {}
}

/// A request refused on the bytes of its head.
enum RequestRefusal: Error, Equatable {
    case requestLineTooLong
    case headersTooLarge
    /// A control character (CR, LF on its own, NUL, TAB, DEL, …) in the request line: it would otherwise reach a
    /// `Location` header or a file name.
    case controlCharacter

    var status: Int {
        switch self {
        case .requestLineTooLong: return 414
        case .headersTooLarge: return 431
        case .controlCharacter: return 400
        }
    }
}

/// Measures each request head as its bytes arrive, in front of SwiftNIO's HTTP parser, so that a request over
/// `RequestLimits` is refused after at most a limit's worth of bytes, with 414 or 431 (SwiftNIO's own limits give
/// one error for both, and are kept as a second line behind these). The bytes before the refused request are passed
/// on, so requests already read are answered first and in order; the refusal follows as an error in the channel,
/// and everything after it is read and dropped until the connection closes.
///
/// A head ends at its empty line. The preview takes no request bodies (`PreviewServer` answers 413 and closes the
/// connection when a head announces one), so the next byte after a head is the next request's first.
final class RequestHeadMeter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Part { case requestLine, headers, refused }
    private let limits: RequestLimits
    private var part = Part.requestLine
    /// Bytes of the current line so far.
    private var line = 0
    /// Bytes of the current head's header lines so far.
    private var block = 0
    /// The previous byte was a CR (counted only when no LF follows it).
    private var carriageReturn = false

    init(limits: RequestLimits) {
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard part != .refused else { return }
        let buffer = unwrapInboundIn(data)
        var accepted = 0
        var refusal: RequestRefusal?
        for byte in buffer.readableBytesView {
            if let problem = take(byte) {
                refusal = problem
                break
            }
            accepted += 1
        }
        guard let refusal else {
            context.fireChannelRead(data)
            return
        }
        part = .refused
        if accepted > 0, let before = buffer.getSlice(at: buffer.readerIndex, length: accepted) {
            context.fireChannelRead(wrapInboundOut(before))
        }
        context.fireErrorCaught(refusal)
    }

    /// Takes one byte of the stream; returns why the request is refused, if it is.
    private func take(_ byte: UInt8) -> RequestRefusal? {
        if byte == UInt8(ascii: "\n") {
            let empty = line == 0
            line = 0
            carriageReturn = false
            switch part {
            case .requestLine where !empty:  // empty lines before a request line are allowed (RFC 9112 §2.2)
                part = .headers
                block = 0
            case .headers where empty:
                part = .requestLine
            default:
                break
            }
            return nil
        }
        if carriageReturn {
            carriageReturn = false
            if part == .requestLine { return .controlCharacter }
            if let problem = count() { return problem }
        }
        if byte == UInt8(ascii: "\r") {
            carriageReturn = true
            return nil
        }
        if part == .requestLine, byte < 0x20 || byte == 0x7F { return .controlCharacter }
        return count()
    }

    private func count() -> RequestRefusal? {
        line += 1
        switch part {
        case .requestLine:
            return line > limits.requestLine ? .requestLineTooLong : nil
        case .headers:
            block += 1
            return line > limits.headerLine || block > limits.headerBlock ? .headersTooLarge : nil
        case .refused:
            return nil
        }
    }
}
