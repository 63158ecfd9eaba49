import Foundation
import Testing
@testable import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// The real binary is killed with SIGKILL at chosen points of its Output stage (`KillPoint`: the build stops
/// itself there and is killed while stopped): `site/` is then exactly the old site or exactly the new one, as
/// the point says, and the next build succeeds and removes what the killed one left behind.
@Suite(.serialized) struct KillSafetyTests {
    static let pages = 1_500
    /// The kill test's site: enough files that "during writing" is long, few enough for about 20 builds.
    static let killPages = 400

    /// Three versions of a generated site: every page differs (the title in its header), and each version has a
    /// page of its own, so a recycled staging folder always holds a file the next version does not write.
    static let versions = ["A", "B", "C"]

    static func use(_ version: String, in site: TestSite) throws {
        try site.write("lathund.yml", TestSite.config.replacingOccurrences(of: "Testbanken", with: "Testbanken \(version)"))
        for other in versions where other != version {
            try? site.remove("content/version-\(other.lowercased()).md")
        }
        try site.write("content/version-\(version.lowercased()).md", page("Version \(version)"))
    }

    static func leftovers(in root: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0.hasPrefix(".site.staging-") || $0.hasPrefix(".site.trash-") }.sorted()
    }

    /// The one-letter state of /proc/PID/stat ("T" when stopped), nil once the process is gone.
    static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[close...].dropFirst(2).first
    }

    /// The processes whose working folder is `folder`: after the test's builds have ended, the background
    /// removal of trash (forked by a build in its project folder, before and after it becomes `rm`).
    static func processes(workingIn folder: URL) -> [Int32] {
        let path = folder.resolvingSymlinksInPath().path
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = Int32(name), pid != getpid(),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(name)/cwd") else { return nil }
            return cwd == path ? pid : nil
        }
    }

    /// Runs a build of the current version with LATHUND_TEST_STOP_AT=`point`, waits until the build has stopped
    /// itself there, and kills it. False when the build ended without reaching the point.
    static func buildAndKill(at point: String, in site: TestSite) throws -> Bool {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["build", "--clean", "--quiet", "--jobs", "2", "--today", TestSite.today.description]
        process.currentDirectoryURL = site.root
        process.environment = ProcessInfo.processInfo.environment.merging(["LATHUND_TEST_STOP_AT": point]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // No time limit of its own: a build on a busy machine may take long to get there; it stops or ends.
        while process.isRunning, state(of: process.processIdentifier) != "T" {
            usleep(2_000)
        }
        let stopped = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return stopped && process.terminationReason == .uncaughtSignal
    }

    @Test func sigkillAtEachPointOfTheOutputStageLeavesTheOldOrTheNewSite() throws {
        let site = try DeterminismTests.generatedSite(pages: Self.killPages)
        defer { site.cleanUp() }
        var expected: [String: [String: TestSite.Entry]] = [:]
        for version in Self.versions {
            try Self.use(version, in: site)
            let reference = try CLI.run(["build", "--quiet", "--jobs", "2", "--output", "referens-\(version)"], in: site.root)
            #expect(reference.status == 0, "\(reference.stderr)")
            expected[version] = site.snapshot("referens-\(version)")
            try site.remove("referens-\(version)")
        }
        let files = try #require(expected["A"]).values.filter { $0.data != nil }.count
        #expect(files > Self.killPages)
        #expect(Set(Self.versions.map { expected[$0]?["index.html"] }).count == 3, "the versions differ on every page")

        // Each step builds the next version and kills it at a point; `site/` must then be the live version
        // (`old`) or the one being built. Except where a step says so, a normal build of that version follows:
        // it must succeed, write exactly that version and leave nothing behind (the recycled spare it leaves is
        // what makes the next build write over an old site and prune it).
        let steps: [(point: String, new: Bool, recover: Bool)] = [
            ("output-start", false, true),
            ("write:1", false, true),
            ("write:\(files / 2)", false, true),
            ("write:\(files)", false, true),
            ("prune", false, true),
            ("before-swap", false, true),
            // The swap is done: the old site is in the staging folder, which the killed build never kept.
            ("after-swap", true, false),
            // The next build removes that folder (the old site) first: killed there, the new site stays.
            ("discard", false, true),
        ]
        var live = "A"
        try Self.use(live, in: site)
        #expect(try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root).status == 0)
        try Self.use("B", in: site)
        #expect(try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root).status == 0, "leaves A as the spare")
        live = "B"
        for (number, step) in steps.enumerated() {
            let target = Self.versions[(Self.versions.firstIndex(of: live)! + 1) % Self.versions.count]
            try Self.use(target, in: site)
            #expect(try Self.buildAndKill(at: step.point, in: site), "step \(number): the build never reached \(step.point)")
            let now = site.snapshot()
            let state = Self.versions.first { now == expected[$0] } ?? "broken"
            let wanted = step.new ? target : live
            #expect(state == wanted, "step \(number), killed at \(step.point) building \(target) over \(live): site/ is \(state), not \(wanted); \(TestSite.differences(now, expected[wanted] ?? [:]).prefix(5))")
            live = wanted
            guard step.recover else { continue }
            let recovered = try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root)
            #expect(recovered.status == 0, "\(recovered.stderr)")
            #expect(TestSite.differences(site.snapshot(), expected[target] ?? [:]).isEmpty, "step \(number): the build after the kill")
            live = target
        }
        // Trash is deleted in the background (`rm -rf`, started in the project folder): wait while that process
        // runs, however long it takes, then nothing may be left. No deadline: a leftover that no process is
        // removing fails at once, and one being removed is awaited.
        while !Self.leftovers(in: site.root).isEmpty, !Self.processes(workingIn: site.root).isEmpty {
            usleep(10_000)
        }
        #expect(Self.leftovers(in: site.root).isEmpty, "left behind: \(Self.leftovers(in: site.root))")
    }

    /// The test-sized scale run: 1 500 generated pages build without errors, and twice to the same bytes
    /// whatever the number of threads.
    @Test func generatedSiteOf1500PagesBuildsDeterministically() throws {
        let site = try DeterminismTests.generatedSite(pages: Self.pages)
        defer { site.cleanUp() }
        let serial = try site.build { $0.jobs = 1 }
        #expect(serial.succeeded)
        #expect(serial.diagnostics.errorCount == 0)
        #expect(serial.pages.count == Self.pages + 5)
        let one = site.snapshot()
        let parallel = try site.build { $0.jobs = 2 }
        #expect(parallel.diagnostics == serial.diagnostics)
        #expect(site.snapshot() == one)
    }
}
