import Foundation

/// The functions of a Swift source file (`func`, `init`, `deinit`, `subscript` with a body) and how many lines
/// each takes, from the line of its keyword to the line of its closing brace. Braces in comments, string literals
/// (plain, multi-line and raw, with their interpolations) and regex literals are not counted. Closures and nested
/// functions count towards the function they are in.
struct SwiftFunctionScanner {
    struct Function: Equatable, CustomStringConvertible {
        var name: String
        var line: Int
        var lines: Int
        var description: String { "\(name) (line \(line), \(lines) lines)" }
    }

    private let text: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    /// The last character of code before `position` that is not blank: decides whether `/` starts a regex literal.
    private var previous: Unicode.Scalar = "\n"

    /// Words that start a declaration: a function seen before one of them had no body.
    private static let declarations: Set<String> = ["var", "let", "case", "struct", "class", "enum", "protocol",
                                                    "extension", "typealias", "associatedtype", "actor"]

    static func functions(in source: String) -> [Function] {
        var scanner = SwiftFunctionScanner(text: Array(source.unicodeScalars))
        return scanner.scan()
    }

    private init(text: [Unicode.Scalar]) { self.text = text }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < text.count ? text[position + offset] : nil
    }

    private func starts(with string: String, at index: Int) -> Bool {
        let scalars = Array(string.unicodeScalars)
        guard index + scalars.count <= text.count else { return false }
        return Array(text[index..<index + scalars.count]) == scalars
    }

    private mutating func advance() {
        if text[position] == "\n" { line += 1 }
        position += 1
    }

    private mutating func scan() -> [Function] {
        var functions: [Function] = []
        // One entry per open brace: the function it is the body of, if it is one.
        var braces: [(name: String, line: Int)?] = []
        var pending: (name: String, line: Int)?
        var depth = 0
        while let scalar = peek() {
            if skipTrivia() || skipLiteral() { continue }
            if scalar.properties.isXIDStart || scalar == "_" {
                let word = identifier()
                if ["func", "init", "deinit", "subscript"].contains(word) && previous != "." {
                    let name = word == "func" ? functionName() : word
                    pending = (name.isEmpty ? "func" : name, line)
                    depth = 0
                } else if depth == 0, Self.declarations.contains(word) {
                    pending = nil  // a requirement without a body, followed by another declaration
                }
                previous = "a"
                continue
            }
            switch scalar {
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            case "{":
                braces.append(pending != nil && depth == 0 ? pending : nil)
                if depth == 0 { pending = nil }
            case "}":
                pending = nil
                if let function = braces.popLast() ?? nil {
                    functions.append(Function(name: function.name, line: function.line, lines: line - function.line + 1))
                }
            default: break
            }
            previous = scalar
            advance()
        }
        return functions
    }

    /// Skips blanks and comments; true when it skipped something.
    private mutating func skipTrivia() -> Bool {
        guard let scalar = peek() else { return false }
        if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
            advance()
            return true
        }
        if starts(with: "//", at: position) {
            while let next = peek(), next != "\n" { advance() }
            return true
        }
        if starts(with: "/*", at: position) {
            var nesting = 0
            repeat {
                if starts(with: "/*", at: position) { nesting += 1; advance(); advance() }
                else if starts(with: "*/", at: position) { nesting -= 1; advance(); advance() }
                else { advance() }
            } while nesting > 0 && peek() != nil
            return true
        }
        return false
    }

    /// Skips a string or regex literal; true when one started here.
    private mutating func skipLiteral() -> Bool {
        var hashes = 0
        while peek(hashes) == "#" { hashes += 1 }
        if peek(hashes) == "\"" {
            for _ in 0..<hashes { advance() }
            skipString(hashes: hashes)
            previous = "\""
            return true
        }
        if peek(hashes) == "/", hashes > 0 || "(,=:[{!&|?\n".unicodeScalars.contains(previous),
           let next = peek(hashes + 1), hashes > 0 || !" /*=".unicodeScalars.contains(next) {
            for _ in 0...hashes { advance() }
            while let scalar = peek(), scalar != "/" && (hashes > 0 || scalar != "\n") {
                if scalar == "\\" { advance() }
                else if scalar == "[" { while let inner = peek(), inner != "]" { if inner == "\\" { advance() }; advance() } }
                if peek() != nil { advance() }
            }
            for _ in 0...hashes where peek() != nil { advance() }
            previous = "/"
            return true
        }
        return false
    }

    /// From the opening quote(s): to after the closing quote(s) and `hashes` hashes, through interpolations.
    private mutating func skipString(hashes: Int) {
        let multiline = starts(with: "\"\"\"", at: position)
        let close = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
        for _ in 0..<(multiline ? 3 : 1) { advance() }
        while peek() != nil {
            if starts(with: close, at: position) {
                for _ in close.unicodeScalars { advance() }
                return
            }
            if peek() == "\\", starts(with: String(repeating: "#", count: hashes), at: position + 1) {
                for _ in 0...hashes { advance() }
                if peek() == "(" { skipInterpolation() } else if peek() != nil { advance() }
                continue
            }
            advance()
        }
    }

    /// From the `(` of `\(`: to after its `)`, skipping strings inside it.
    private mutating func skipInterpolation() {
        var nesting = 0
        while let scalar = peek() {
            if scalar == "\"" { skipString(hashes: 0); continue }
            if scalar == "(" { nesting += 1 } else if scalar == ")" { nesting -= 1 }
            advance()
            if nesting == 0 { return }
        }
    }

    private mutating func identifier() -> String {
        var word = ""
        while let scalar = peek(), scalar.properties.isXIDContinue || scalar == "_" {
            word.unicodeScalars.append(scalar)
            advance()
        }
        return word
    }

    /// The name after `func`: an identifier or an operator, up to `(` or `<`.
    private mutating func functionName() -> String {
        while let scalar = peek(), scalar == " " || scalar == "\t" { advance() }
        var name = ""
        while let scalar = peek(), !" \t\n(<".unicodeScalars.contains(scalar) {
            name.unicodeScalars.append(scalar)
            advance()
        }
        return name
    }
}
