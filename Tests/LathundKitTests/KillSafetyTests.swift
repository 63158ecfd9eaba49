import Foundation
import Testing
@testable import LathundKit
#if canImport(Glibc)
import Glibc
#endif

/// The real binary is killed with SIGKILL at random moments of a build of a generated 1 500-page site:
/// `site/` is always the complete old site or the complete new one, and the next build removes what the
/// killed builds left behind.
@Suite(.serialized) struct KillSafetyTests {
    static let pages = 1_500

    static func config(_ version: String) -> String {
        TestSite.config.replacingOccurrences(of: "Testbanken", with: "Testbanken \(version)")
    }

    static func staging(in root: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasPrefix(".site.staging-") }.sorted()
    }

    @Test func sigkillAtRandomPointsLeavesOldOrNewSite() throws {
        let site = try DeterminismTests.generatedSite(pages: Self.pages)
        defer { site.cleanUp() }
        try site.write("lathund.yml", Self.config("A"))
        let first = try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root)
        #expect(first.status == 0, "\(first.stderr)")
        let siteA = site.snapshot()
        try site.write("lathund.yml", Self.config("B"))
        let started = Date()
        let reference = try CLI.run(["build", "--quiet", "--jobs", "2", "--output", "referens-b"], in: site.root)
        let buildSeconds = Date().timeIntervalSince(started)
        #expect(reference.status == 0, "\(reference.stderr)")
        let siteB = site.snapshot("referens-b")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("referens-b"))
        #expect(siteA.count > Self.pages && siteA.count == siteB.count)
        #expect(siteA["index.html"] != siteB["index.html"], "the versions differ on every page")

        var generator = SystemRandomNumberGenerator()
        var killedMidBuild = 0
        var outcomes: [String] = []
        for iteration in 0..<8 {
            try site.write("lathund.yml", Self.config(iteration % 2 == 0 ? "B" : "A"))
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["build", "--clean", "--quiet", "--jobs", "2"]  // a full build each time, as long as the timed one
            process.currentDirectoryURL = site.root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let delay = Double.random(in: 0...(buildSeconds * 1.1), using: &generator)
            usleep(UInt32(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killedMidBuild += 1 }
            let now = site.snapshot()
            let state = now == siteA ? "A" : (now == siteB ? "B" : "broken")
            outcomes.append(String(format: "%.2f s → %@", delay, state))
            #expect(state != "broken", "after a kill at \(delay) s site/ is neither version (\(now.count) files)")
        }
        #expect(killedMidBuild >= 4, "most kills should land during a build: \(outcomes)")

        let final = try CLI.run(["build", "--quiet", "--jobs", "2"], in: site.root)  // last config written: A
        #expect(final.status == 0, "\(final.stderr)")
        #expect(Self.staging(in: site.root).isEmpty, "leftover staging folders: \(Self.staging(in: site.root))")
        #expect(site.snapshot() == siteA)
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
