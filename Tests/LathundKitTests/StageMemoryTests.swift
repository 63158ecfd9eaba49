import CLathundSystem
import Foundation
import Testing
@testable import LathundKit

/// What a stage freed is given back to the system before the next stage runs (`StageRunner`), and
/// `LATHUND_STAGE_STATS` reports each stage's time and memory (Benchmarks/: the 100 000-page build's memory).
@Suite(.serialized) struct StageMemoryTests {
    /// Resident memory of this process, in bytes (VmRSS).
    static func resident() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    /// A stage that leaves the heap full of holes, as the Markdown and Indexes stages do: it allocates 256 MiB
    /// in 32 KiB blocks (below glibc's mmap threshold, so they come from the heap), writes them, and frees all
    /// but every eighth, so the free memory is between live blocks and `free` alone keeps it.
    struct Fragmenting: Stage {
        static let name = "fragmenting"
        let kept: Locked<[UInt]>
        let residentAtEnd: Locked<Int>

        func run() -> Staged<Void> {
            let blocks = (0..<8192).map { _ in
                let block = malloc(32 * 1024)!
                memset(block, 1, 32 * 1024)
                return block
            }
            for (number, block) in blocks.enumerated() {
                if number % 8 == 7 { kept.withLock { $0.append(UInt(bitPattern: block)) } } else { free(block) }
            }
            residentAtEnd.withLock { $0 = StageMemoryTests.resident() }
            return Staged(())
        }
    }

    @Test func whatAStageFreedGoesBackToTheSystem() throws {
        let kept = Locked<[UInt]>([])
        let residentAtEnd = Locked(0)
        defer { kept.withLock { $0.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) } } }
        var stages = StageRunner()
        try stages.run(Fragmenting(kept: kept, residentAtEnd: residentAtEnd))
        let after = Self.resident()
        // 224 MiB were freed inside the stage; at least 128 MiB of them must have left the process. Without the
        // release, resident memory stays where it was (or grows, with the tests running beside this one).
        let released = residentAtEnd.withLock { $0 } - after
        #expect(released > 128 * 1024 * 1024, "released \(released / 1_048_576) MiB")
        #expect(stages.timings.map(\.stage) == ["fragmenting"])
    }

    /// A build whose process ends right after it (`endsProcess`: `lathund build`, `check`) leaves what it made to the
    /// system instead of releasing it object by object; any other build releases it. Red without the leftovers:
    /// the page memory was released after the `endsProcess` build too.
    @Test func aBuildThatEndsTheProcessLeavesItsValues() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        for ends in [false, true] {
            weak var memory: IncrementalPageMemory?
            var options = BuildOptions(projectRoot: root)
            options.today = TestSite.today
            options.endsProcess = ends
            options.useCache = false  // the second build is not answered from the cache
            options.pageMemory = IncrementalPageMemory()
            memory = options.pageMemory
            let result = try Builder(options: options).build()
            #expect(result.succeeded)
            options.pageMemory = nil
            #expect((memory != nil) == ends, "endsProcess: \(ends)")
        }
    }

    /// `LATHUND_STAGE_STATS=1`: one line per stage on stderr, in the pipeline's order, with wall and CPU time, the
    /// stage's peak and final resident memory and the heap in use.
    @Test func stageStatisticsNameEveryStage() throws {
        let root = try fixture("basic")
        defer { try? FileManager.default.removeItem(at: root) }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["build", "--quiet", "--today", TestSite.today.description]
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(["LATHUND_STAGE_STATS": "1"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let reader = PipeReader(err.fileHandleForReading)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = String(decoding: reader.wait(), as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("stage ") }
        let stages = lines.map { String($0.split(separator: " ")[1]) }
        #expect(stages == ["config", "cache", "content", "data", "markdown", "checks", "indexes", "render-plan", "output"])
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            for label in ["wall", "cpu", "peak", "rss", "heap"] {
                let value = fields.firstIndex(of: label).flatMap { fields.indices.contains($0 + 1) ? Double(fields[$0 + 1]) : nil }
                #expect(value != nil, "\(label) in \(line)")
            }
        }
        // Without the variable, nothing.
        let quiet = try CLI.run(["build", "--quiet", "--clean"], in: root)
        #expect(!quiet.stderr.contains("stage "))
    }
}
