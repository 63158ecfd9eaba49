#if canImport(Glibc)
import Glibc
#endif

/// The `Host` headers the preview answers: `localhost`, `127.0.0.1`, `[::1]` and the address it listens on, each
/// with its port (without one only on port 80). A web page elsewhere can make its own name point at 127.0.0.1
/// (DNS rebinding) and so read the preview, drafts included, with the browser's blessing; its requests carry its
/// own name, and are answered 421. Bound to every address (`0.0.0.0`, `::`), the preview also answers any IP
/// address written as such (other machines on the network open it by address); a name that is an address
/// cannot be rebound.
struct HostCheck: Sendable {
    let port: Int
    private let names: Set<String>
    private let anyAddress: Bool

    init(bind: String, port: Int) {
        self.port = port
        let bound = Self.bare(bind.lowercased())
        names = ["localhost", "127.0.0.1", "::1", bound]
        anyAddress = bound == "0.0.0.0" || bound == "::"
    }

    func allows(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        let name: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            name = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return false }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            name = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            name = Substring(authority)
        }
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
                  Int(portText) == port else { return false }
        } else if port != 80 {
            return false
        }
        let host = name.lowercased()
        // An IPv6 address only in brackets: `::1:8080` is not `[::1]:8080`.
        if host.contains(":") && !authority.hasPrefix("[") { return false }
        return names.contains(host) || (anyAddress && Self.isAddress(host))
    }

    /// `[::1]` → `::1`.
    private static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    private static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
