/// The checks that read a content file's raw bytes (front matter and body): personnummer
/// (`PersonnummerGuard`) and internal labels (`InternalLabels`). The Content stage runs them on each Markdown file
/// while it has the bytes, so no stage reads a page's file again; the Checks stage runs them on the other text
/// files. `key` is what besides the bytes decides the result (the allowed numbers), for the page memory.
struct ContentScan: Sendable {
    let guardian: PersonnummerGuard
    let key: UInt64

    init(allowed: Set<String>) {
        guardian = PersonnummerGuard(allowed: allowed)
        var chain = HashChain()
        chain.add(1)  // bump when a scan finds more or other things
        for number in allowed.sorted() { chain.add(number) }
        key = chain.value
    }

    func diagnostics(in bytes: [UInt8], file: String) -> [Diagnostic] {
        guardian.diagnostics(in: bytes, file: file) + InternalLabels.diagnostics(in: bytes, file: file)
    }
}
