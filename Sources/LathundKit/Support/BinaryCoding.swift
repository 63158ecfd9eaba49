/// A compact binary form of `Codable` values, for what the build keeps on disk between builds (`PageStore`).
/// Values are written in the order they are encoded, without keys, so they must be read back by the same
/// code: a keyed container reads its fields in the order they were written, which synthesized `Codable` does.
/// Optional fields carry a presence byte; arrays their count. Keyed containers cannot list their keys
/// (`allKeys` is empty), so an enum with associated values needs a hand-written `Codable` (as
/// `SiteLinks.Target` has); dictionaries are not supported. Arrays of strings and of fixed-width integers are
/// written in one step each. Reading bytes that were not written this way throws, never traps.
enum BinaryCoding {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let writer = Writer()
        try writer.write(value)
        return writer.bytes
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: UnsafeRawBufferPointer) throws -> Value {
        let reader = Reader(bytes)
        let value = try reader.read(type)
        guard reader.position == bytes.count else { throw Failure(description: "\(bytes.count - reader.position) bytes left over") }
        return value
    }

    // MARK: Writing

    final class Writer: Encoder {
        var bytes: [UInt8] = []
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        func integer(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

        func fixed(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }

        func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                varint(UInt64(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }

        /// Chooses by the static type, not by casting the value: an empty array casts to an array of any type.
        func write<Value: Encodable>(_ value: Value) throws {
            let type = Value.self
            if type == String.self { string(value as! String) }
            else if type == Bool.self { bytes.append(value as! Bool ? 1 : 0) }
            else if type == Int.self { integer(Int64(value as! Int)) }
            else if type == UInt64.self { fixed(value as! UInt64) }
            else if type == UInt32.self { varint(UInt64(value as! UInt32)) }
            else if type == UInt8.self { bytes.append(value as! UInt8) }
            else if type == Double.self { fixed((value as! Double).bitPattern) }
            else if type == [String].self {
                let list = value as! [String]
                varint(UInt64(list.count))
                for text in list { string(text) }
            } else if type == [UInt8].self {
                let list = value as! [UInt8]
                varint(UInt64(list.count))
                bytes.append(contentsOf: list)
            } else if type == [UInt32].self {
                let list = value as! [UInt32]
                varint(UInt64(list.count))
                for number in list { varint(UInt64(number)) }
            } else if type == [UInt64].self {
                let list = value as! [UInt64]
                varint(UInt64(list.count))
                for number in list { fixed(number) }
            } else if type == [Bool].self {
                let list = value as! [Bool]
                varint(UInt64(list.count))
                for flag in list { bytes.append(flag ? 1 : 0) }
            } else {
                try value.encode(to: self)
            }
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(KeyedWriter<Key>(writer: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedWriter(writer: self) }
        func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(writer: self) }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { writer.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try writer.write(value) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            guard let value else { return writer.bytes.append(0) }
            writer.bytes.append(1)
            try writer.write(value)
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
            guard let value else { return writer.bytes.append(0) }
            writer.bytes.append(1)
            writer.string(value)
        }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
            guard let value else { return writer.bytes.append(0) }
            writer.bytes.append(1)
            writer.integer(Int64(value))
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
            guard let value else { return writer.bytes.append(0) }
            writer.bytes.append(value ? 2 : 1)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey> { writer.container(keyedBy: keyType) }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { writer.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { writer }
        mutating func superEncoder(forKey key: Key) -> any Encoder { writer }
    }

    /// Writes its count in a fixed slot before the items, updated as they are added.
    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let writer: Writer
        let slot: Int
        var count = 0
        var codingPath: [any CodingKey] { [] }

        init(writer: Writer) {
            self.writer = writer
            slot = writer.bytes.count
            writer.bytes += [0, 0, 0, 0]
        }

        private mutating func counted() {
            count += 1
            for index in 0..<4 { writer.bytes[slot + index] = UInt8(truncatingIfNeeded: count >> (8 * index)) }
        }

        mutating func encodeNil() throws {
            writer.bytes.append(0)
            counted()
        }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try writer.write(value)
            counted()
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            counted()
            return writer.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            counted()
            return writer.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { writer }
    }

    struct SingleWriter: SingleValueEncodingContainer {
        let writer: Writer
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { writer.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T) throws { try writer.write(value) }
    }

    // MARK: Reading

    final class Reader: Decoder {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func byte() throws -> UInt8 {
            guard position < bytes.count else { throw Failure(description: "unexpected end") }
            defer { position += 1 }
            return bytes[position]
        }

        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw Failure(description: "varint too long") }
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
            }
        }

        func integer() throws -> Int64 {
            let raw = try varint()
            return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }

        func fixed() throws -> UInt64 {
            guard position + 8 <= bytes.count else { throw Failure(description: "unexpected end") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
            position += 8
            return value
        }

        func count() throws -> Int {
            let count = try varint()
            guard count <= UInt64(bytes.count - position) else { throw Failure(description: "count beyond the end") }
            return Int(count)
        }

        func string() throws -> String {
            let length = try count()
            defer { position += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)]), as: UTF8.self)
        }

        func flag() throws -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            default: throw Failure(description: "not a Bool")
            }
        }

        func list<Item>(_ item: () throws -> Item) throws -> [Item] {
            let count = try count()
            var list: [Item] = []
            list.reserveCapacity(count)
            for _ in 0..<count { list.append(try item()) }
            return list
        }

        func read<Value: Decodable>(_ type: Value.Type) throws -> Value {
            func cast<T>(_ value: T) throws -> Value {
                guard let value = value as? Value else { throw Failure(description: "type") }
                return value
            }
            if type == String.self { return try cast(try string()) }
            if type == Bool.self { return try cast(try flag()) }
            if type == Int.self {
                let value = try integer()
                guard let number = Int(exactly: value) else { throw Failure(description: "Int out of range") }
                return try cast(number)
            }
            if type == UInt64.self { return try cast(try fixed()) }
            if type == UInt32.self {
                guard let number = UInt32(exactly: try varint()) else { throw Failure(description: "UInt32 out of range") }
                return try cast(number)
            }
            if type == UInt8.self { return try cast(try byte()) }
            if type == Double.self { return try cast(Double(bitPattern: try fixed())) }
            if type == [String].self { return try cast(try list(string)) }
            if type == [UInt8].self {
                let count = try count()
                defer { position += count }
                return try cast([UInt8](UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])))
            }
            if type == [UInt32].self {
                return try cast(try list {
                    guard let number = UInt32(exactly: try varint()) else { throw Failure(description: "UInt32 out of range") }
                    return number
                })
            }
            if type == [UInt64].self { return try cast(try list(fixed)) }
            if type == [Bool].self { return try cast(try list(flag)) }
            return try Value(from: self)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(KeyedReader<Key>(reader: self))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try UnkeyedReader(reader: self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(reader: self) }
    }

    struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: Reader
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { try reader.byte() == 0 }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.read(type) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            switch try reader.byte() {
            case 0: return nil
            case 1: return try reader.read(type)
            default: throw Failure(description: "not a presence byte")
            }
        }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            try reader.flag() ? try reader.string() : nil
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            try reader.flag() ? try reader.read(Int.self) : nil
        }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            switch try reader.byte() {
            case 0: return nil
            case 1: return false
            case 2: return true
            default: throw Failure(description: "not an optional Bool")
            }
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> { try reader.container(keyedBy: type) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try reader.unkeyedContainer() }
        func superDecoder() throws -> any Decoder { reader }
        func superDecoder(forKey key: Key) throws -> any Decoder { reader }
    }

    struct UnkeyedReader: UnkeyedDecodingContainer {
        let reader: Reader
        let count: Int?
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var isAtEnd: Bool { currentIndex >= count! }

        init(reader: Reader) throws {
            self.reader = reader
            var value = 0
            for index in 0..<4 { value |= Int(try reader.byte()) << (8 * index) }
            count = value
        }

        private mutating func next() throws {
            guard !isAtEnd else { throw Failure(description: "no more items") }
            currentIndex += 1
        }

        mutating func decodeNil() throws -> Bool {
            // Only an item written by `encodeNil` is nil; nothing else is asked this way by the types stored.
            guard !isAtEnd, reader.position < reader.bytes.count, reader.bytes[reader.position] == 0 else { return false }
            try next()
            reader.position += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next()
            return try reader.read(type)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next()
            return try reader.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next()
            return try reader.unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { reader }
    }

    struct SingleReader: SingleValueDecodingContainer {
        let reader: Reader
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.read(type) }
    }
}
