import Foundation
import Yams

/// A data file — `lathund.yml`, the glossary, the synonyms file, the writing aid's rules, a dataset's CSV and
/// metadata — read one way: a file that cannot be read is `readCode` at the file, with the reason; bytes that are
/// not UTF-8 are `utf8Code` at the first bad byte, named as for pages (`MarkdownSource`); a byte-order mark is
/// dropped.
enum DataFile {
    static func text(path: String, displayPath: String, readCode: DiagnosticCode,
                     utf8Code: DiagnosticCode = .utf8, inputs: InputFiles = InputFiles()) -> Staged<String?> {
        let data: Data
        do {
            data = try inputs.data(path)
        } catch {
            return Staged(nil, [.error(SourceLocation(file: displayPath), readCode,
                                       "cannot read the file: \(error.localizedDescription)")])
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let offset = MarkdownSource.firstInvalidUTF8Offset(bytes) {
            let (line, column) = MarkdownSource.lineAndColumn(of: offset, in: bytes)
            return Staged(nil, [.error(SourceLocation(file: displayPath, line: line, column: column), utf8Code,
                                       "file is not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)))")])
        }
        return Staged(String(decoding: bytes, as: UTF8.self))
    }
}

extension YAMLFields {
    /// A data file's YAML document (`DataFile.text`, then `composeDocument`). The value is nil when the file is
    /// empty or has a problem (then there is a diagnostic).
    static func readDocument(path: String, displayPath: String, readCode: DiagnosticCode,
                             utf8Code: DiagnosticCode = .utf8, inputs: InputFiles = InputFiles()) -> Staged<Node?> {
        let text = DataFile.text(path: path, displayPath: displayPath, readCode: readCode, utf8Code: utf8Code, inputs: inputs)
        guard let value = text.value else { return Staged(nil, text.diagnostics) }
        return composeDocument(value, displayPath: displayPath)
    }

    /// The YAML document of a data file's text (a byte-order mark dropped), or the YAML error where Yams found it.
    static func composeDocument(_ text: String, displayPath: String) -> Staged<Node?> {
        do {
            return Staged(try compose(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text))
        } catch {
            return Staged(nil, [diagnostic(for: error, file: displayPath, lineOffset: 0)])
        }
    }
}
