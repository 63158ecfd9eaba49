/// Valid UTF-8 (from a `String`), decoded one scalar at a time: the byte-level loops of the LIX counter and the
/// search tokenizer share it.
struct UTF8Text {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The scalar starting at `index` and its length in bytes; (0, 1) past the end.
    @inline(__always) func scalar(at index: Int) -> (UInt32, Int) {
        guard index < bytes.count else { return (0, 1) }
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | continuation(1), 2) }
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3) }
        return ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
    }
}
