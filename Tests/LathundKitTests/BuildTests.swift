import Foundation
import PropertyBased
import Testing
@testable import LathundKit

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testsFolder = packageRoot.appendingPathComponent("Tests/LathundKitTests")

/// Copies a fixture project to a temporary folder.
func fixture(_ name: String) throws -> URL {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-fixture-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: testsFolder.appendingPathComponent("Fixtures/\(name)"), to: target)
    return target
}

@Suite struct GoldenBuildTests {
    /// The fixture site, search index included, builds to exactly the reviewed files in `Golden/basic` (see
    /// `Golden`: `make update-golden` takes a reviewed change).
    @Test func basicFixtureMatchesGolden() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = BuildOptions(projectRoot: root)
        options.jobs = 3
        options.today = TestSite.today
        let result = try Builder(options: options).build()
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(result.diagnostics.map(\.description) == [
            "content/regelverk/sgi.md:14:31: warning: link 'sjukpenning.md#dag-190': no heading with id '#dag-190' on /regelverk/sjukpenning/; did you mean 'dag-1-90'? [broken-anchor]",
        ])
        let built = TestSite.snapshot(of: root.appendingPathComponent("site"))
        // Git keeps files, not folders or modes: the site has nothing but files and the folders that hold them.
        let unusual = built.filter { if case .file = $0.value { return false }; if case .folder = $0.value { return false }; return true }
        #expect(unusual.isEmpty, "\(unusual)")
        #expect(built.keys.contains { $0.hasPrefix("search/terms/") } && built["search/index.json"] != nil)
        Golden.expect(built.compactMapValues(\.data), equalsFolder: "Golden/basic")
    }

    @Test func fixtureShowsNavigationTOCBacklinksAndSiteFiles() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = BuildOptions(projectRoot: root)
        options.today = TestSite.today
        _ = try Builder(options: options).build()
        func read(_ path: String) throws -> String {
            String(decoding: try Data(contentsOf: root.appendingPathComponent("site/" + path)), as: UTF8.self)
        }
        let sjukpenning = try read("regelverk/sjukpenning/index.html")
        #expect(sjukpenning.contains("<html lang=\"sv\">"))
        #expect(sjukpenning.contains("<a href=\"#dag-1-90\">Dag 1–90</a><ol><li><a href=\"#undantag\">Undantag</a></li></ol>"))
        #expect(sjukpenning.contains("Kontrollerad mot källorna nedan <time datetime=\"2026-11-23\">2026-11-23</time> av Redaktionen"))
        #expect(sjukpenning.contains("<a class=\"next\" href=\"/regelverk/sgi/\" rel=\"next\">SGI och SGI-skydd →</a>"))
        #expect(sjukpenning.contains("<h2 id=\"lankar_hit\">Sidor som länkar hit</h2>"))
        #expect(sjukpenning.contains("<li><a href=\"/regelverk/sgi/\">SGI och SGI-skydd</a></li>"))
        let sgi = try read("regelverk/sgi/index.html")
        #expect(sgi.contains("<h2 id=\"sgi-skydd\">") && sgi.contains("<h2 id=\"sgi-skydd-2\">"))
        #expect(!sgi.contains("<b>"))
        let faq = try read("faq/sgi/index.html")
        #expect(faq.contains("<h2 id=\"relaterat_lista\">Relaterat</h2>"))
        let sitemap = try read("sitemap.xml")
        #expect(sitemap.contains("<url><loc>https://fixtur.example/regelverk/sgi/</loc><lastmod>2026-11-20</lastmod></url>"))
        #expect(sitemap.contains("<loc>https://fixtur.example/ordlista/</loc>"))
        #expect(!sitemap.contains("404"))
        let feed = try read("feed.xml")
        #expect(feed.contains("<updated>2026-11-20T00:00:00Z</updated>"))
        let entries = feed.components(separatedBy: "<entry>").dropFirst().map { $0.components(separatedBy: "<title>")[1].components(separatedBy: "</title>")[0] }
        #expect(entries == ["SGI och SGI-skydd", "Vad händer med SGI:n?", "Sjukpenning i korthet"])
        #expect(try read("robots.txt") == "User-agent: *\nAllow: /\nSitemap: https://fixtur.example/sitemap.xml\n")
        #expect(try read("404.html").contains("Sidan finns inte"))
        #expect(try read("sjukpenning/index.html").contains("url=/regelverk/sjukpenning/"))
        #expect(try read("regelverk/bild.png") == "PNG-fake-bytes\n")
    }
}

@Suite struct DeterminismTests {
    /// A site with what cmark-gfm's extensions drop when they race: tables, strikethrough, autolinks.
    static func generatedSite(pages: Int) throws -> TestSite {
        var files: [String: String] = ["_index.md": page("Start")]
        for section in 0..<4 { files["avsnitt-\(section)/_index.md"] = page("Avsnitt \(section)") }
        for number in 0..<pages {
            let section = number % 4
            files["avsnitt-\(section)/sida-\(number).md"] = page("Sida \(number)", """
            ## Rubrik \(number)

            Text med ~~struket \(number)~~ och www.exempel\(number).se och [nästa](sida-\(number + 4).md).

            | Kolumn | Värde |
            |--------|------:|
            | a\(number) | \(number),5 |

            ## Rubrik \(number)
            """, extra: "weight: \(number % 7)\ndate: 2026-01-\(String(format: "%02d", number % 28 + 1))\n")
        }
        return try TestSite(files: files)
    }

    @Test func sameInputSameBytesWhateverJobs() throws {
        let site = try Self.generatedSite(pages: 240)
        defer { site.cleanUp() }
        // Without the cache: the builds must not skip or reuse anything.
        try site.build { $0.jobs = 1; $0.useCache = false }
        let serial = site.snapshot()
        try site.build { $0.jobs = 4; $0.useCache = false }
        let parallel = site.snapshot()
        try site.build { $0.jobs = 4; $0.useCache = false }
        let again = site.snapshot()
        #expect(serial.count > 240)
        let differing = serial.keys.filter { serial[$0] != parallel[$0] }.sorted()
        #expect(differing.isEmpty, "parallel build differs in \(differing.prefix(5))")
        #expect(parallel == again)
        let sample = String(decoding: try #require(parallel["avsnitt-1/sida-5/index.html"]?.data), as: UTF8.self)
        #expect(sample.contains("<del>struket 5</del>"))
        #expect(sample.contains("<td class=\"align-right\">5,5</td>"))
        #expect(sample.contains("<a href=\"http://www.exempel5.se\">"))
    }
}

@Suite struct AtomicOutputTests {
    @Test func failingAfterSomeWritesLeavesTheOldSiteIntact() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        try site.build()
        let before = site.snapshot()
        try site.write("content/avsnitt-0/ny.md", page("Ny sida"))
        let result = try site.build { $0.failAfterWrites = 20 }
        #expect(!result.succeeded)
        #expect(result.messages("output-write").first?.message.contains("previous site is unchanged") == true)
        #expect(site.snapshot() == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".site.staging-") }
        #expect(leftovers.isEmpty)
    }

    @Test func contentErrorsLeaveTheOldSiteIntact() throws {
        let site = try TestSite(files: ["a.md": page("A", "Gammal")])
        defer { site.cleanUp() }
        try site.build()
        let before = site.snapshot()
        try site.write("content/a.md", "---\ntitle: [trasig\n---\nNy")
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(site.snapshot() == before)
    }

    @Test func leftoverStagingFoldersAreCleanedByTheNextBuild() throws {
        let site = try TestSite(files: ["a.md": page("A")])
        defer { site.cleanUp() }
        try site.write(".site.staging-99999/half/index.html", "halvfärdig")
        try site.build()
        #expect(!site.exists(".site.staging-99999"))
        #expect(site.exists("site/a/index.html"))
    }

    @Test func aNewBuildReplacesTheOldCompletely() throws {
        let site = try TestSite(files: ["a.md": page("A"), "b.md": page("B")])
        defer { site.cleanUp() }
        try site.build()
        try site.remove("content/b.md")
        try site.build()
        #expect(site.exists("site/a/index.html"))
        #expect(!site.exists("site/b/index.html"))
    }

    @Test func checkWritesNothing() throws {
        let site = try TestSite(files: ["a.md": page("A")])
        defer { site.cleanUp() }
        let result = try site.build { $0.write = false }
        #expect(result.succeeded)
        #expect(!site.exists("site"))
    }

    @Test func stagedOutputRefusesPathsThatLeaveIt() {
        for path in ["../x", "/etc/passwd", "a/../../x", "a//b", "", "a/./b"] {
            #expect(!StagedOutput.isSafe(path), "\(path)")
        }
        #expect(StagedOutput.isSafe("regelverk/sgi/index.html"))
    }

    /// Paths are judged by their bytes, as the file system reads them, not by `Character`: a `/` or a `\\`
    /// followed by a combining mark is one `Character` with it. Red before: `../\u{301}x` (which writes beside the
    /// output folder), `a/..\u{301}/../../x` and `a\\\u{301}b` were safe.
    @Test func stagedOutputJudgesPathsByTheirBytes() async {
        for path in ["../\u{301}x", "a/../\u{301}../x", "a\\\u{301}b", "\u{0}\u{301}", "/\u{301}etc"] {
            #expect(!StagedOutput.isSafe(path), "\(path.unicodeScalars.map(\.value))")
        }
        for path in ["...", "a/.../b", ".x/..y/x..", "e\u{301}/\u{301}"] {
            #expect(StagedOutput.isSafe(path), "\(path.unicodeScalars.map(\.value))")
        }
        /// What the file system does: names between `/` bytes; none empty, `.` or `..`; no NUL, no backslash.
        func reference(_ path: String) -> Bool {
            let scalars = Array(path.unicodeScalars)
            guard !scalars.contains(where: { $0 == "\u{0}" || $0 == "\\" }) else { return false }
            return scalars.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { name in
                !name.isEmpty && !name.allSatisfy { $0 == "." } || name.count > 2
            }
        }
        let pieces = ["a", "é", "e\u{301}", ".", "..", "/", "\u{301}", "\\", "\u{0}", "😀", "-"]
        await propertyCheck(count: 2_000, input: Gen.element(of: pieces).array(of: 0...8)) { parts in
            let path = parts.map { $0 ?? "" }.joined()
            #expect(StagedOutput.isSafe(path) == reference(path), "\(path.unicodeScalars.map(\.value))")
        }
    }
}

/// The previous site is kept as `.site.spare` and the next build writes over it in place (StagedOutput).
@Suite struct RecycledOutputTests {
    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Whatever the spare holds (files where folders go, folders where files go, links out of it, stray and
    /// longer files), the build writes exactly the new site and nothing outside the spare changes.
    @Test func theSpareIsWrittenOverAndPruned() throws {
        let site = try TestSite(files: ["a.md": page("A", "Text a"), "b.md": page("B"), "c.md": page("C", "Kort")])
        defer { site.cleanUp() }
        try site.build { $0.useCache = false }
        try site.build { $0.useCache = false }
        #expect(site.exists(".site.spare/a/index.html"), "the previous site is kept as the spare")
        try site.write("outside.txt", "utanför")
        try site.write("outside-folder/keep.txt", "utanför")
        let spare = site.root.appendingPathComponent(".site.spare").path
        try site.write(".site.spare/d", "a file where the new page's folder goes")
        try site.remove(".site.spare/robots.txt")
        try site.write(".site.spare/robots.txt/inside.txt", "a folder where a file goes")
        try site.remove(".site.spare/a/index.html")
        #expect(symlink(site.root.appendingPathComponent("outside.txt").path, spare + "/a/index.html") == 0)
        try site.remove(".site.spare/b")
        #expect(symlink(site.root.appendingPathComponent("outside-folder").path, spare + "/b") == 0)
        try site.write(".site.spare/stray.html", "gammal")
        try site.write(".site.spare/gammal-mapp/x/index.html", "gammal")
        try site.write(".site.spare/c/index.html", String(repeating: "lång gammal text ", count: 5_000))
        // Modes changed by hand, and an empty folder.
        #expect(chmod(spare + "/c/index.html", 0o600) == 0 && chmod(spare + "/c", 0o700) == 0)
        try FileManager.default.createDirectory(atPath: spare + "/tom/mapp", withIntermediateDirectories: true)
        try site.write("content/d.md", page("D"))

        let result = try site.build { $0.useCache = false }
        #expect(result.succeeded)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean" }
        let differing = TestSite.differences(site.snapshot(), site.snapshot("clean"))
        #expect(differing.isEmpty, "\(differing.map { "\($0): \(site.snapshot()[$0].map(\.description) ?? "missing")" })")
        #expect(site.read("outside.txt") == "utanför")
        #expect(site.files("outside-folder") == ["keep.txt": Data("utanför".utf8)])
        #expect(site.exists(".site.spare/a/index.html"))
    }

    /// After an incremental build the spare's files are hard links of the live site's. Writing over them would
    /// change the live site; they must be replaced instead. The failing build leaves the live site as it was.
    @Test func writingOverTheSpareNeverChangesTheLiveSite() throws {
        let site = try DeterminismTests.generatedSite(pages: 40)
        defer { site.cleanUp() }
        try site.build()
        try site.write("content/avsnitt-0/ny.md", page("Ny sida", "Första"))
        try site.build()  // links the unchanged files from the first site
        let live = site.root.appendingPathComponent("site").path
        let spare = site.root.appendingPathComponent(".site.spare").path
        let shared = site.files().keys.filter { Self.inode(live + "/" + $0) == Self.inode(spare + "/" + $0) }
        #expect(shared.count > 20, "precondition: the spare shares files with the live site")
        let before = site.snapshot()

        // A page that did not change in the last build: its file in the spare is a link of the live one.
        #expect(shared.contains("avsnitt-1/sida-1/index.html"))
        try site.write("content/avsnitt-1/sida-1.md", page("Sida 1", "Ändrad"))
        let failed = try site.build { $0.useCache = false; $0.failAfterWrites = site.files().count - 5 }
        #expect(!failed.succeeded)
        let after = site.snapshot()
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        #expect(changed.isEmpty, "the live site changed: \(changed.prefix(5))")

        try site.build { $0.useCache = false }
        try site.build { $0.useCache = false; $0.outputDirectory = "clean" }
        #expect(site.snapshot() == site.snapshot("clean"))
        #expect(site.read("site/avsnitt-1/sida-1/index.html")?.contains("Ändrad") == true)
    }
}

/// `TestSite.snapshot`, what "byte-identical" means in these tests: files with their bytes and modes, folders
/// (empty ones too) with their modes, and symbolic links by their targets, never followed.
@Suite struct SnapshotTests {
    @Test func foldersLinksAndModesCount() throws {
        let site = try TestSite()
        defer { site.cleanUp() }
        try site.write("a/fil.txt", "text")
        try site.write("b/fil.txt", "text")
        #expect(site.snapshot("a") == site.snapshot("b"))
        let a = site.root.appendingPathComponent("a").path
        func expectDifference(_ change: () throws -> Void, _ what: String) throws {
            let before = site.snapshot("a")
            try change()
            #expect(site.snapshot("a") != before, "\(what) is seen")
            #expect(site.files("a") == site.files("b"), "the bytes of the files alone do not show \(what)")
        }
        try expectDifference({ try FileManager.default.createDirectory(atPath: a + "/tom", withIntermediateDirectories: false) }, "an empty folder")
        try expectDifference({ #expect(chmod(a + "/fil.txt", 0o600) == 0) }, "a file's mode")
        try expectDifference({ #expect(chmod(a + "/tom", 0o700) == 0) }, "a folder's mode")
        try expectDifference({ #expect(symlink("fil.txt", a + "/länk") == 0) }, "a link to a file")
        try expectDifference({ #expect(symlink("/finns-inte", a + "/trasig") == 0) }, "a dangling link")
        #expect(site.snapshot("a")["länk"] == .link("fil.txt"))
        #expect(site.snapshot("finns-inte").isEmpty)
    }
}
