import PropertyBased
import Testing
@testable import LathundKit

@Suite struct TrimmingTests {
    /// `trimmingWhitespace` (which returns text that starts and ends with printable ASCII as it is) equals trimming
    /// white-space characters one by one, on random text with ASCII, white space of every kind (CR LF, NEL, no-break
    /// and ideographic spaces), combining marks after a space, and a prepended scalar (U+0600) before ASCII.
    @Test func trimmingEqualsTrimmingCharacters() async {
        let pieces = ["a", "Z", "!", "~", "0", " ", "\t", "\n", "\r\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{A0}",
                      "\u{2028}", "\u{3000}", "\u{1680}", "\u{301}", " \u{301}", "\u{600}", "\u{600}a", "å", "Ö", "😀",
                      "\u{7F}", "\u{1F}", "\u{0}", "\u{200D}", "\u{FE0F}", "\u{1F1F8}\u{1F1EA}", "x y"]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 0...12)) { parts in
            let text = parts.map { $0 ?? "" }.joined()
            var characters = Substring(text)
            while let first = characters.first, first.isWhitespace { characters.removeFirst() }
            while let last = characters.last, last.isWhitespace { characters.removeLast() }
            #expect(text.trimmingWhitespace() == String(characters), "\(text.debugDescription)")
        }
    }
}
