import Foundation
import LathundKit

/// What the preview knows about the latest build. A failed build leaves the last good site in the output
/// folder; the status carries the errors, which the server shows on top of every page.
struct BuildStatus: Sendable {
    enum Phase: Sendable, Equatable {
        /// The first build has not finished: nothing to serve yet.
        case starting
        case built
        case failed([Diagnostic])
    }

    var phase: Phase = .starting
    /// Changes after every build; pages reload when the one they were served with is out of date.
    var generation: String
    /// True once a build has written the site (it stays in place through later failed builds).
    var hasSite = false

    var errors: [Diagnostic] {
        if case .failed(let diagnostics) = phase { return diagnostics }
        return []
    }

    /// The `build` event's data.
    var eventData: String {
        var ok = "null"
        switch phase {
        case .starting: break
        case .built: ok = "true"
        case .failed: ok = "false"
        }
        return "{\"generation\":\"\(generation)\",\"ok\":\(ok),\"errors\":\(errors.count)}"
    }
}

/// The HTML the preview adds to pages: the reload script, and the build errors when the last build failed.
enum PreviewHTML {
    /// How many diagnostics the panel lists; the terminal has them all.
    static let panelLimit = 50

    static func snippet(for status: BuildStatus) -> String {
        var html = ""
        let errors = status.errors
        if !errors.isEmpty || status.phase == .starting {
            html += "<link rel=\"stylesheet\" href=\"/_lathund/reload.css\">\n" + panel(status)
        }
        html += "<script src=\"/_lathund/reload.js\" data-generation=\"\(HTML.escape(status.generation))\" defer></script>\n"
        return html
    }

    static func panel(_ status: BuildStatus) -> String {
        guard case .failed(let diagnostics) = status.phase else {
            return """
            <aside class="lathund-errors" role="status"><h2>Bygger webbplatsen …</h2>
            <p>Sidan laddas om när bygget är klart.</p></aside>

            """
        }
        let errors = diagnostics.filter { $0.severity == .error }
        let shown = (errors.isEmpty ? diagnostics : errors).prefix(panelLimit)
        let count = errors.isEmpty ? diagnostics.count : errors.count
        var html = """
        <aside class="lathund-errors" role="alert" aria-labelledby="lathund-errors-title">
        <h2 id="lathund-errors-title">Bygget misslyckades: \(count) fel</h2>
        <p>\(status.hasSite ? "Du ser den senaste fungerande versionen av webbplatsen." : "Det finns ingen fungerande version av webbplatsen än.") Rätta felen och spara, så laddas sidan om.</p>
        <ul>

        """
        for diagnostic in shown {
            html += "<li><code>\(HTML.escape(diagnostic.description))</code></li>\n"
        }
        html += "</ul>\n"
        if count > shown.count {
            html += "<p>… och \(count - shown.count) till. Alla står i terminalen.</p>\n"
        }
        html += "<button type=\"button\" data-lathund-close>Stäng</button>\n</aside>\n"
        return html
    }

    /// Puts the snippet before the last `</body>` (or at the end).
    static func inject(_ snippet: String, into page: Data) -> Data {
        let closing = Array("</body".utf8)
        let bytes = [UInt8](page)
        var index = bytes.count - closing.count
        while index >= 0 {
            var matches = true
            for offset in 0..<closing.count {
                var byte = bytes[index + offset]
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if byte != closing[offset] { matches = false; break }
            }
            if matches { break }
            index -= 1
        }
        let at = index >= 0 ? index : bytes.count
        var result = Data(bytes[..<at])
        result.append(Data(snippet.utf8))
        result.append(Data(bytes[at...]))
        return result
    }

    /// A whole page, for when there is no site to show: before the first build, and when it failed.
    static func standalone(_ status: BuildStatus) -> Data {
        let title = status.phase == .starting ? "Bygger webbplatsen" : "Bygget misslyckades"
        return Data("""
        <!DOCTYPE html>
        <html lang="sv">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) – lathund serve</title></head>
        <body class="lathund-error-page">
        \(snippet(for: status))</body>
        </html>

        """.utf8)
    }
}
