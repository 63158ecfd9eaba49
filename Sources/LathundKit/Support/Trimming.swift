extension String {
    /// Without white space (including line breaks) at either end; in Swift, without Foundation's
    /// `trimmingCharacters`, which bridges to `NSString` on Linux and showed up in profiles of the Markdown stage.
    func trimmingWhitespace() -> String {
        // Most text starts and ends with printable ASCII, and then has nothing to trim: a `Character` is white space
        // when its first scalar is, the first character starts with the first byte, and a last byte of printable
        // ASCII is a character of its own or follows a prepended scalar (Unicode's GB9b), which is no white space.
        // Looking at the two bytes saves breaking the text into characters at both ends (1 500 instructions a heading).
        if let firstByte = utf8.first, let lastByte = utf8.last, firstByte &- 0x21 < 0x5E, lastByte &- 0x21 < 0x5E {
            return self
        }
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        var characters = Substring(self)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }
}
