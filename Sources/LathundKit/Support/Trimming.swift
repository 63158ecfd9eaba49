extension String {
    /// Without white space (including line breaks) at either end; in Swift, without Foundation's
    /// `trimmingCharacters`, which bridges to `NSString` on Linux and showed up in profiles of the Markdown stage.
    func trimmingWhitespace() -> String {
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        var characters = Substring(self)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }
}
