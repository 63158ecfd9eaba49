import Foundation
import Testing
@testable import LathundServe

@Suite struct PreviewServerTests {
    static let files: [String: String] = [
        "_index.md": page("Start", "Välkommen."),
        "regelverk/_index.md": page("Regelverk"),
        "regelverk/sgi.md": page("SGI", "Sjukpenninggrundande inkomst."),
        "regelverk/bild.png": "\u{89}PNG fake",
        "regelverk/figur.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "regelverk/tal.csv": "år,tal\n2024,11,1\n",
        "regelverk/stil.css": "p { margin: 0; }\n",
    ]

    @Test func servesFilesWithTheirContentTypes() async throws { try await ServedProject.with(files: Self.files) { project in
        try await project.start()

        let expected: [(String, String)] = [
            ("/", "text/html; charset=utf-8"),
            ("/regelverk/sgi/", "text/html; charset=utf-8"),
            ("/regelverk/stil.css", "text/css; charset=utf-8"),
            ("/_lathund/reload.js", "text/javascript; charset=utf-8"),
            ("/search/index.json", "application/json; charset=utf-8"),
            ("/sitemap.xml", "application/xml; charset=utf-8"),
            ("/feed.xml", "application/xml; charset=utf-8"),
            ("/robots.txt", "text/plain; charset=utf-8"),
            ("/regelverk/bild.png", "image/png"),
            ("/regelverk/figur.svg", "image/svg+xml"),
            ("/regelverk/tal.csv", "text/csv; charset=utf-8"),
        ]
        for (path, type) in expected {
            let response = try await project.get(path)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["content-type"] == type, "\(path)")
            #expect(response.headers["cache-control"] == "no-store", "\(path)")
        }
        let sgi = try await project.get("/regelverk/sgi/")
        #expect(sgi.body.contains("Sjukpenninggrundande inkomst."))
        #expect(sgi.body.contains("<script src=\"/_lathund/reload.js\" data-generation=\""))
        #expect(sgi.headers["content-security-policy"] == PreviewServer.contentSecurityPolicy)
        #expect(try await project.get("/regelverk/tal.csv").body == "år,tal\n2024,11,1\n")

        // The reload script is added to served pages only, never to the built files.
        let built = try String(contentsOf: project.root.appendingPathComponent(".lathund-preview/regelverk/sgi/index.html"), encoding: .utf8)
        #expect(built.contains("Sjukpenninggrundande inkomst."))
        #expect(!built.contains("_lathund"))

        let head = try await project.get("/regelverk/sgi/", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(try await project.get("/regelverk/sgi/", method: "POST").status == 405)
    } }

    /// Issue 18: a file copied from content/ that `allow_file_types:` let through (HTML that loads the site's
    /// script, an SVG) is sandboxed and gets no live-reload script; Lathund's pages and the 404 page keep the
    /// site's policy.
    @Test func filesThatAreNotPagesAreSandboxed() async throws {
        var files = Self.files
        files["x/raw.html"] = "<!DOCTYPE html><title>r</title><script src=\"/x/evil.js\"></script>\n"
        files["x/evil.js"] = "document.title = 'pwned';\n"
        try await ServedProject.with(files: files) { project in
            try project.write("lathund.yml", "title: \"Testbanken\"\nbase_url: \"https://test.example/\"\nallow_file_types: [html, js]\n")
            try await project.start()
            for path in ["/x/raw.html", "/x/evil.js", "/regelverk/figur.svg", "/regelverk/bild.png", "/search/index.json", "/feed.xml"] {
                let response = try await project.get(path)
                #expect(response.status == 200, "\(path)")
                #expect(response.headers["content-security-policy"] == PreviewServer.fileContentSecurityPolicy, "\(path)")
                #expect(!response.body.contains("_lathund"), "\(path)")
            }
            #expect(try await project.get("/x/raw.html").body == files["x/raw.html"])
            for path in ["/", "/regelverk/", "/regelverk/sgi/index.html", "/finns-inte/"] {
                let response = try await project.get(path)
                #expect(response.headers["content-security-policy"] == PreviewServer.contentSecurityPolicy, "\(path)")
                #expect(response.body.contains("/_lathund/reload.js"), "\(path)")
            }
        }
    }

    @Test func prettyURLsAndThe404Page() async throws { try await ServedProject.with(files: Self.files) { project in
        try await project.start()

        let redirect = try await project.get("/regelverk/sgi?x=1")
        #expect(redirect.status == 301)
        #expect(redirect.headers["location"] == "/regelverk/sgi/?x=1")
        #expect(try await project.get("/regelverk/sgi/index.html").status == 200)

        for path in ["/finns-inte/", "/finns-inte", "/regelverk/sgi.md", "/regelverk/bild.png/", "/.lathund-preview.lock"] {
            let missing = try await project.get(path)
            #expect(missing.status == 404, "\(path)")
            #expect(missing.body.contains("<h1>Sidan finns inte</h1>"), "\(path)")
            #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
        }
    } }

    @Test func refusesEveryPathOutOfTheSite() async throws { try await ServedProject.with(files: Self.files) { project in
        try project.write("hemlig.txt", "HEMLIGT")
        try await project.start()
        let site = project.root.appendingPathComponent(".lathund-preview")
        // Symlinks inside the served folder that lead out of it: to a file and to a folder.
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("ut.txt").path,
                                                   withDestinationPath: project.root.appendingPathComponent("hemlig.txt").path)
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("projekt").path,
                                                   withDestinationPath: project.root.path)
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("relativ").path,
                                                   withDestinationPath: "../")

        let attempts = [
            "/../hemlig.txt", "/../../hemlig.txt", "/regelverk/../../hemlig.txt", "/./../hemlig.txt",
            "/%2e%2e/hemlig.txt", "/%2E%2E/hemlig.txt", "/regelverk/%2e%2e/%2e%2e/hemlig.txt",
            "/..%2fhemlig.txt", "/..%2Fhemlig.txt", "/regelverk%2F..%2F..%2Fhemlig.txt", "/%2e%2e%2fhemlig.txt",
            "/..%5chemlig.txt", "/%252e%252e/hemlig.txt", "/hemlig.txt%00.html",
            "/ut.txt", "/projekt/hemlig.txt", "/projekt/", "/relativ/hemlig.txt", "/relativ/lathund.yml",
            "..%2fhemlig.txt",
        ]
        for path in attempts {
            let response = try await project.get(path)
            #expect([400, 403, 404].contains(response.status), "\(path) gave \(response.status)")
            #expect(!response.body.contains("HEMLIGT"), "\(path)")
            #expect(!response.body.contains("base_url"), "\(path)")
        }
        #expect(try await project.get("/../hemlig.txt").status == 403)
        #expect(try await project.get("/%2e%2e/hemlig.txt").status == 403)
        #expect(try await project.get("/ut.txt").status == 403)
        // A symlink that stays inside the site is followed.
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("kopia.css").path,
                                                   withDestinationPath: "regelverk/stil.css")
        #expect(try await project.get("/kopia.css").body == "p { margin: 0; }\n")
    } }

    @Test func anEditReloadsTheOpenPages() async throws { try await ServedProject.with(files: Self.files) { project in
        try await project.start(watch: true)

        let events = try await EventStream(port: project.port)
        let hello = try #require(try await events.next { $0.name == "hello" })
        let first = try #require(generation(of: hello))
        #expect(hello.data.contains("\"ok\":true"))

        try project.write("content/regelverk/sgi.md", page("SGI", "Ny text om SGI-skydd."))
        let build = try #require(try await events.next { $0.name == "build" }, "no build event after the edit")
        #expect(generation(of: build) != first)
        #expect(build.data.contains("\"ok\":true"))
        #expect(try await project.get("/regelverk/sgi/").body.contains("Ny text om SGI-skydd."))

        // A page served now carries the new generation, so its script does not reload it again.
        let served = try await project.get("/regelverk/sgi/").body
        #expect(served.contains("data-generation=\"\(generation(of: build)!)\""))
    } }

    @Test func aBrokenEditShowsTheErrorsOverTheLastGoodSite() async throws { try await ServedProject.with(files: Self.files) { project in
        try await project.start(watch: true)
        let events = try await EventStream(port: project.port)
        _ = try #require(try await events.next { $0.name == "hello" })

        try project.write("content/regelverk/sgi.md", page("SGI", "Trasig sida.", extra: "date: \"<script>alert(1)</script>\"\n"))
        let failed = try #require(try await events.next { $0.name == "build" }, "no build event after the broken edit")
        #expect(failed.data.contains("\"ok\":false"))

        let shown = try await project.get("/regelverk/sgi/")
        #expect(shown.status == 200)
        #expect(shown.body.contains("Sjukpenninggrundande inkomst."), "the last good page is still served")
        #expect(!shown.body.contains("Trasig sida."))
        #expect(shown.body.contains("Bygget misslyckades: 1 fel"))
        #expect(shown.body.contains("content/regelverk/sgi.md:3:7: error: &#39;date&#39; is &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"))
        #expect(!shown.body.contains("<script>alert(1)"))
        #expect(shown.body.contains("<link rel=\"stylesheet\" href=\"/_lathund/reload.css\">"))
        #expect(try await project.get("/").body.contains("Bygget misslyckades"), "every page shows the errors")
        #expect(try await project.get("/finns-inte/").body.contains("Bygget misslyckades"))

        try project.write("content/regelverk/sgi.md", page("SGI", "Lagad sida."))
        let fixed = try #require(try await events.next { $0.name == "build" }, "no build event after the fix")
        #expect(fixed.data.contains("\"ok\":true"))
        let after = try await project.get("/regelverk/sgi/")
        #expect(after.body.contains("Lagad sida."))
        #expect(!after.body.contains("Bygget misslyckades"))
    } }

    /// The server stops before `stop()` returns: afterwards its port refuses connections and the project is gone.
    @Test func aStoppedServerNoLongerAnswers() async throws {
        var port: UInt16 = 0
        var root: URL?
        try await ServedProject.with(files: Self.files) { project in
            try await project.start(watch: true)
            port = project.port
            root = project.root
            #expect(try await project.get("/").status == 200)
        }
        #expect(port != 0)
        #expect(throws: (any Error).self, "port \(port) still answers") { _ = try RawHTTP.connect(port: port) }
        #expect(root.map { FileManager.default.fileExists(atPath: $0.path) } == false)
    }

    @Test func aFirstBuildThatFailsShowsAnErrorPage() async throws { try await ServedProject.with(files: ["_index.md": "---\ntitle: [\n---\n"]) { project in
        try await project.start(requireBuilt: false)
        let response = try await project.get("/")
        #expect(response.status == 500)
        #expect(response.body.contains("Bygget misslyckades"))
        #expect(response.body.contains("content/_index.md:"))
        #expect(response.body.contains("<script src=\"/_lathund/reload.js\""))
    } }
}

@Suite struct PreviewPartsTests {
    /// The preview sends the CSP of the published site, so what breaks there breaks in the preview.
    @Test func contentSecurityPoliciesAreTheOnesNginxSends() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try String(contentsOf: root.appendingPathComponent("deploy/nginx/lathund.conf"), encoding: .utf8)
        #expect(config.contains("add_header Content-Security-Policy $lathund_csp always;"))
        // The values of the `map $uri $lathund_csp` block: pages first, then every other file.
        let map = try #require(config.components(separatedBy: "map $uri $lathund_csp {").dropFirst().first?
            .components(separatedBy: "\n}").first)
        let values = map.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
            return parts.count >= 3 ? String(parts[parts.count - 2]) : nil
        }
        #expect(values == [PreviewServer.contentSecurityPolicy, PreviewServer.fileContentSecurityPolicy])
    }

    @Test func injectsBeforeTheLastClosingBody() {
        let page = Data("<html><body><p>&lt;/body&gt;</p></BODY></html>".utf8)
        let result = String(decoding: PreviewHTML.inject("<x>", into: page), as: UTF8.self)
        #expect(result == "<html><body><p>&lt;/body&gt;</p><x></BODY></html>")
        #expect(String(decoding: PreviewHTML.inject("<x>", into: Data("text".utf8)), as: UTF8.self) == "text<x>")
    }

    @Test func watcherSeesAddedChangedAndRemovedFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try Data("1".utf8).write(to: root.appendingPathComponent("a/x.md"))
        try Data("1".utf8).write(to: root.appendingPathComponent("a/y.md"))
        let watcher = FileWatcher(paths: [root.path])
        let before = watcher.snapshot()
        try Data("22".utf8).write(to: root.appendingPathComponent("a/x.md"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("a/y.md"))
        try Data("1".utf8).write(to: root.appendingPathComponent("a/z.md"))
        try Data("1".utf8).write(to: root.appendingPathComponent("a/.x.md.swp"))
        try Data("1".utf8).write(to: root.appendingPathComponent("a/x.md~"))
        // Deeper folders are watched; hidden folders are not.
        for folder in ["a/b/c", "a/.git"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("1".utf8).write(to: root.appendingPathComponent("a/b/c/w.md"))
        try Data("1".utf8).write(to: root.appendingPathComponent("a/.git/index"))
        #expect(FileWatcher.changes(from: before, to: watcher.snapshot())
            == ["b/c/w.md", "x.md", "y.md", "z.md"].map { root.path + "/a/" + $0 })
        // A single watched file, as lathund.yml is.
        let file = FileWatcher(paths: [root.path + "/a/x.md"])
        #expect(Array(file.snapshot().keys) == [root.path + "/a/x.md"])
    }

    /// The kernel's events name the files that changed, at any depth and in folders made after the watch started;
    /// what they cannot name for sure (a folder made or removed) is unclear, and the watcher walks everything.
    @Test func folderEventsNameTheFilesThatChanged() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content/a/b"), withIntermediateDirectories: true)
        try Data("title: x\n".utf8).write(to: root.appendingPathComponent("lathund.yml"))
        let watcher = FileWatcher(paths: [root.path + "/content", root.path + "/lathund.yml"])
        let events = try #require(watcher.events(), "inotify is available on Linux")
        #expect(events.drain() == .quiet)
        try Data("1".utf8).write(to: root.appendingPathComponent("content/a/b/x.md"))
        #expect(events.drain() == .files([root.path + "/content/a/b/x.md"]))
        #expect(events.drain() == .quiet)
        // Editor leftovers and files beside lathund.yml are not news.
        try Data("1".utf8).write(to: root.appendingPathComponent("content/a/.x.md.swp"))
        try Data("1".utf8).write(to: root.appendingPathComponent("content/a/x.md~"))
        try Data("1".utf8).write(to: root.appendingPathComponent("notes.txt"))
        #expect(events.drain() == .quiet)
        // A new folder is unclear; then a file in it is named.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content/c"), withIntermediateDirectories: true)
        #expect(events.drain() == .unclear)
        try Data("1".utf8).write(to: root.appendingPathComponent("content/c/y.md"))
        #expect(events.drain() == .files([root.path + "/content/c/y.md"]))
        // A file moved from one folder to another: both names.
        try FileManager.default.moveItem(at: root.appendingPathComponent("content/c/y.md"),
                                         to: root.appendingPathComponent("content/a/y.md"))
        #expect(events.drain() == .files([root.path + "/content/c/y.md", root.path + "/content/a/y.md"]))
        // The configuration file, saved by writing a new file and renaming it over the old one.
        try Data("title: y\n".utf8).write(to: root.appendingPathComponent("lathund.yml"), options: .atomic)
        #expect(events.drain() == .files([root.path + "/lathund.yml"]))
        // A folder removed or renamed is unclear, and so is the watched folder itself moved.
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/c"))
        #expect(events.drain() == .unclear)
        try FileManager.default.moveItem(at: root.appendingPathComponent("content/a"), to: root.appendingPathComponent("content/d"))
        #expect(events.drain() == .unclear)
        // The moved folder's watch has its new path.
        try Data("2".utf8).write(to: root.appendingPathComponent("content/d/b/x.md"))
        #expect(events.drain() == .files([root.path + "/content/d/b/x.md"]))
        try FileManager.default.moveItem(at: root.appendingPathComponent("content"), to: root.appendingPathComponent("moved"))
        #expect(events.drain() == .unclear)
        #expect(events.drain() == .quiet)
    }

    /// Each kind of event the names cannot be trusted for is unclear.
    @Test func eventsThatNameNoFileForSureAreUnclear() {
        let tree = (folder: "/p/content/a", inTree: true)
        let beside = (folder: "/p", inTree: false)
        let files: Set<String> = ["/p/lathund.yml"]
        let trees = ["/p/content"]
        func read(_ mask: UInt32, _ name: String?, _ watch: (folder: String, inTree: Bool)?) -> FolderEvents.Event {
            FolderEvents.read(mask: mask, name: name, watch: watch, files: files, trees: trees)
        }
        let modify: UInt32 = 0x2
        #expect(read(modify, "x.md", tree) == .file("/p/content/a/x.md"))
        #expect(read(modify, ".x.md.swp", tree) == .nothing)
        #expect(read(modify, "lathund.yml", beside) == .file("/p/lathund.yml"))
        #expect(read(modify, "other.yml", beside) == .nothing)
        #expect(read(FolderEvents.Mask.overflow, nil, nil) == .unclear, "events dropped (watch -1)")
        #expect(read(modify, "x.md", nil) == .unclear, "a watch not known")
        #expect(read(FolderEvents.Mask.ignored, "", tree) == .unclear, "a watch removed")
        #expect(read(FolderEvents.Mask.deleteSelf, "", tree) == .unclear)
        #expect(read(FolderEvents.Mask.moveSelf, "", tree) == .unclear)
        #expect(read(0x4, "", tree) == .unclear, "the folder itself")
        #expect(read(0x100 | FolderEvents.Mask.folder, "b", tree) == .unclear, "a folder made")
        #expect(read(0x200 | FolderEvents.Mask.folder, ".git", tree) == .nothing, "a hidden folder is not watched")
        #expect(read(0x40 | FolderEvents.Mask.folder, "content", beside) == .unclear, "a watched folder moved away")
        #expect(read(0x100 | FolderEvents.Mask.folder, "site", beside) == .nothing)
        #expect(read(modify, nil, tree) == .unclear, "a name that is not UTF-8")
    }

    /// The watcher stamps again only the files the events name, when it can; files whose stamp can change with no
    /// event for their own name (links, several names of one file) make it walk every time.
    @Test func theWatcherStampsTheNamedFilesOrWalks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-look-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        for name in ["x.md", "y.md"] { try Data("1".utf8).write(to: root.appendingPathComponent("a/" + name)) }
        let watcher = FileWatcher(paths: [root.path])
        let (stamps, byName) = watcher.walk()
        #expect(byName)
        var files = FileWatcher.Files(stamps: stamps, byName: byName)
        let x = root.path + "/a/x.md", y = root.path + "/a/y.md", z = root.path + "/a/z.md"
        try Data("22".utf8).write(to: URL(fileURLWithPath: x))
        try Data("22".utf8).write(to: URL(fileURLWithPath: y))  // changed, but not named: not looked at
        try Data("1".utf8).write(to: URL(fileURLWithPath: z))
        #expect(watcher.look(after: .files([x, z, root.path + "/a/gone.md"]), at: &files) == [x, z])
        #expect(files.stamps[y] == stamps[y])
        try FileManager.default.removeItem(atPath: z)
        #expect(watcher.look(after: .files([z]), at: &files) == [z])
        #expect(files.stamps[z] == nil)
        // Unclear news, and polling (no events): everything is walked.
        #expect(watcher.look(after: .unclear, at: &files) == [y])
        try Data("333".utf8).write(to: URL(fileURLWithPath: x))
        #expect(watcher.look(after: nil, at: &files) == [x])
        #expect(files.stamps == watcher.snapshot())
        // A hard link: written under one name, the other changes too. A link to a file, likewise.
        try FileManager.default.linkItem(atPath: x, toPath: root.path + "/a/hard.md")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/a/soft.md", withDestinationPath: y)
        #expect(watcher.look(after: .files([root.path + "/a/hard.md"]), at: &files)
            == [root.path + "/a/hard.md", root.path + "/a/soft.md"], "a file with two names is not stamped by name")
        #expect(!files.byName)
        try Data("4444".utf8).write(to: URL(fileURLWithPath: x))
        #expect(watcher.look(after: .files([x]), at: &files) == [root.path + "/a/hard.md", x])
        try Data("55555".utf8).write(to: URL(fileURLWithPath: y))
        #expect(watcher.look(after: .files([y]), at: &files) == [root.path + "/a/soft.md", y])
        #expect(files.stamps == watcher.snapshot())
        // Without them, names are enough again.
        try FileManager.default.removeItem(atPath: root.path + "/a/hard.md")
        try FileManager.default.removeItem(atPath: root.path + "/a/soft.md")
        _ = watcher.look(after: .unclear, at: &files)
        #expect(files.byName)
    }
}
