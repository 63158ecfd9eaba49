import Foundation
import LathundKit
import Testing
@testable import LathundServe

/// Builds started by the file watcher take what it saw (`IncrementalPageMemory.watched`): after each kind of change
/// the served folder holds exactly the files of a clean build of the same input.
@Suite struct WatchedBuildTests {
    static let files: [String: String] = [
        "_index.md": page("Start", "Välkommen. Läs om [SGI](regelverk/sgi.md)."),
        "regelverk/_index.md": page("Regelverk", "Regler."),
        "regelverk/sgi.md": page("SGI", "Sjukpenninggrundande inkomst."),
        "regelverk/karens.md": page("Karensavdrag", "Avdrag första dagen. Se [SGI](sgi.md#sgi)."),
        "regelverk/fk7804.md": page("Läkarintyg", "Intyget FK 7804."),
        "regelverk/bild.png": "\u{89}PNG fake",
    ]

    /// Every file under `folder`, by relative path.
    func files(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            files[String(url.path.dropFirst(folder.path.count + 1))] = try? Data(contentsOf: url)
        }
        return files
    }

    /// Builds the project anew, without cache or memory, with the serve's base URL, and compares.
    func expectCleanBuild(_ project: ServedProject, _ step: String) throws {
        var options = BuildOptions(projectRoot: project.root)
        options.outputDirectory = ".clean"
        options.cacheDirectory = nil
        options.useCache = false
        options.jobs = 2
        options.today = Day("2026-11-23")
        options.baseURL = "http://127.0.0.1:\(project.port)/"
        let clean = try Builder(options: options).build()
        #expect(clean.succeeded, "\(step): \(clean.diagnostics)")
        let served = files(project.root.appendingPathComponent(".lathund-preview"))
        let expected = files(project.root.appendingPathComponent(".clean"))
        #expect(served.keys.sorted() == expected.keys.sorted(), "\(step): the same files")
        for (path, data) in expected where served[path] != data {
            Issue.record("\(step): \(path) differs from a clean build")
        }
        try FileManager.default.removeItem(at: project.root.appendingPathComponent(".clean"))
    }

    /// Each change waits out the stamps' settle time (1 s) first, so that the files the watcher saw unchanged are
    /// the memory's and are taken from it without a stat.
    @Test func watchedBuildsEqualCleanBuilds() async throws { try await ServedProject.with(files: Self.files) { project in
        try await Task.sleep(for: .milliseconds(1_100))
        try await project.start(watch: true)
        let events = try await EventStream(port: project.port)
        _ = try #require(try await events.next { $0.name == "hello" })
        try expectCleanBuild(project, "first build")

        let steps: [(String, () throws -> Void)] = [
            ("body edited", { try project.write("content/regelverk/sgi.md", page("SGI", "Ny text om SGI-skydd.")) }),
            ("title edited", { try project.write("content/regelverk/karens.md", page("Karens", "Avdrag första dagen.")) }),
            ("page added", { try project.write("content/regelverk/ny.md", page("Ny sida", "Se [karens](karens.md).")) }),
            ("page deleted", { try FileManager.default.removeItem(at: project.root.appendingPathComponent("content/regelverk/fk7804.md")) }),
            ("page renamed", {
                try FileManager.default.moveItem(at: project.root.appendingPathComponent("content/regelverk/ny.md"),
                                                 to: project.root.appendingPathComponent("content/regelverk/nyare.md"))
            }),
            ("two saves at once", {
                try project.write("content/regelverk/sgi.md", page("SGI", "Första sparningen."))
                try project.write("content/_index.md", page("Start", "Andra sparningen, [SGI](regelverk/sgi.md)."))
            }),
            // New folders and folders renamed are kernel events that name no file: the watcher walks everything.
            ("folder added", {
                try project.write("content/nytt/_index.md", page("Nytt", "Nya sidor."))
                try project.write("content/nytt/sida.md", page("Sida", "En sida i en ny mapp."))
            }),
            ("page moved to another folder", {
                try FileManager.default.moveItem(at: project.root.appendingPathComponent("content/nytt/sida.md"),
                                                 to: project.root.appendingPathComponent("content/regelverk/sida.md"))
            }),
            ("folder renamed", {
                try FileManager.default.moveItem(at: project.root.appendingPathComponent("content/nytt"),
                                                 to: project.root.appendingPathComponent("content/nyare"))
            }),
            ("page in the renamed folder edited", { try project.write("content/nyare/_index.md", page("Nyare", "Annan text.")) }),
            ("layout edited", {
                try project.write("layouts/page.mustache",
                                  "{{<base}}{{$main}}<main><h1>{{page.title}}!</h1>{{{page.content}}}</main>{{/main}}{{/base}}\n")
            }),
            ("configuration edited", {
                try project.write("lathund.yml", "title: \"Testbanken 2\"\nbase_url: \"https://test.example/\"\n")
            }),
            ("asset edited", { try project.write("content/regelverk/bild.png", "\u{89}PNG other") }),
        ]
        for (step, change) in steps {
            try await Task.sleep(for: .milliseconds(1_100))
            try change()
            let build = try #require(try await events.next { $0.name == "build" }, "\(step): no build event")
            #expect(build.data.contains("\"ok\":true"), "\(step)")
            try expectCleanBuild(project, step)
        }
    } }
}
