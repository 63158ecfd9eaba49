/// How bad a diagnostic is. Warnings fail the build only under `--strict`.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning

    private var rank: Int { self == .error ? 0 : 1 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A place in a file: 1-based line and column (0 when unknown).
public struct SourceLocation: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// A message about the input, printed like a compiler: `content/faq/sgi.md:3:7: error: message [code]`.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation
    public var code: String
    public var message: String

    public init(_ severity: Severity, _ location: SourceLocation, code: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.code = code
        self.message = message
    }

    /// An error with a code of the engine's catalogue.
    static func error(_ location: SourceLocation, _ code: DiagnosticCode, _ message: String) -> Diagnostic {
        Diagnostic(.error, location, code: code.rawValue, message)
    }

    /// A warning with a code of the engine's catalogue.
    static func warning(_ location: SourceLocation, _ code: DiagnosticCode, _ message: String) -> Diagnostic {
        Diagnostic(.warning, location, code: code.rawValue, message)
    }

    /// An error with a code of its own, for a custom directive (the engine's codes are `DiagnosticCode`).
    public static func error(_ location: SourceLocation, code: String, _ message: String) -> Diagnostic {
        Diagnostic(.error, location, code: code, message)
    }

    /// A warning with a code of its own, for a custom directive.
    public static func warning(_ location: SourceLocation, code: String, _ message: String) -> Diagnostic {
        Diagnostic(.warning, location, code: code, message)
    }

    /// The same diagnostic as an error (`--strict`).
    var promoted: Diagnostic {
        var promoted = self
        promoted.severity = .error
        return promoted
    }

    public var description: String {
        var place = location.file
        if location.line > 0 {
            place += ":\(location.line)"
            if location.column > 0 { place += ":\(location.column)" }
        }
        return "\(place): \(severity.rawValue): \(message) [\(code)]"
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by file, line, column, then message, so output does not depend on thread timing.
    func sortedForOutput() -> [Diagnostic] {
        sorted {
            ($0.location.file, $0.location.line, $0.location.column, $0.message)
                < ($1.location.file, $1.location.line, $1.location.column, $1.message)
        }
    }

    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
}

/// Thrown for problems that stop a build before it starts: a bad `lathund.yml`, a missing folder, an unsafe
/// output folder. The command line exits with code 2 for these.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var diagnostic: Diagnostic

    public init(_ location: SourceLocation, _ code: DiagnosticCode, _ message: String) {
        diagnostic = .error(location, code, message)
    }

    init(diagnostic: Diagnostic) {
        self.diagnostic = diagnostic.promoted
    }
    public var description: String { diagnostic.description }
}
