/// The primitives of the plain byte layouts the build keeps on disk between builds (`PageRecord`, `PageStore`):
/// unsigned LEB128 varints, zig-zag signed integers, little-endian 8-byte words, strings as a varint length and
/// their UTF-8, optionals as a presence byte, lists as a varint count. No keys and no type names: the layout is
/// what the hand-written reader and writer of each type agree on (`PageRecord`), and a change to it changes
/// `PageRecord.version`. Reading bytes that were not written this way throws, never traps.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func count(_ value: Int) { varint(UInt64(value)) }

    /// Zig-zag: small negative numbers stay short.
    mutating func int(_ value: Int) {
        let value = Int64(value)
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fixed(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func raw(_ value: UnsafeRawBufferPointer) { bytes.append(contentsOf: value) }

    mutating func optional<Value>(_ value: Value?, _ write: (inout ByteWriter, Value) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        write(&self, value)
    }

    mutating func list<Value>(_ values: [Value], _ write: (inout ByteWriter, Value) -> Void) {
        count(values.count)
        for value in values { write(&self, value) }
    }
}

/// Reads what `ByteWriter` wrote, from bytes it does not own (a mapped pack file or an array kept alive by the
/// caller). Every read checks the bounds and throws `ByteReader.Failure` past the end or on a value out of range.
struct ByteReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure(description: "unexpected end at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let other: throw Failure(description: "\(other) is not a flag (byte \(position - 1))")
        }
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Failure(description: "varint too long (byte \(position - 1))") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    mutating func count() throws -> Int {
        let count = try varint()
        guard count <= UInt64(bytes.count - position) else { throw Failure(description: "count \(count) beyond the end") }
        return Int(count)
    }

    mutating func int() throws -> Int {
        let raw = try varint()
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    mutating func fixed() throws -> UInt64 {
        guard bytes.count - position >= 8 else { throw Failure(description: "unexpected end at byte \(position)") }
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func raw(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, bytes.count - position >= count else { throw Failure(description: "unexpected end at byte \(position)") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func string() throws -> String {
        String(decoding: try raw(try count()), as: UTF8.self)
    }

    mutating func optional<Value>(_ read: (inout ByteReader) throws -> Value) throws -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func list<Value>(_ read: (inout ByteReader) throws -> Value) throws -> [Value] {
        let count = try count()
        var values: [Value] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}
