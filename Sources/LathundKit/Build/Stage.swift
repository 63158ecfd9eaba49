import CLathundSystem
import Dispatch
import Foundation

/// A value with the diagnostics found while making it: what every stage returns, and every step of a stage that
/// can find problems. The value's own properties read through (`staged.html` for `staged.value.html`).
@dynamicMemberLookup
struct Staged<Value> {
    var value: Value
    var diagnostics: [Diagnostic]

    init(_ value: Value, _ diagnostics: [Diagnostic] = []) {
        self.value = value
        self.diagnostics = diagnostics
    }

    subscript<Property>(dynamicMember property: KeyPath<Value, Property>) -> Property {
        value[keyPath: property]
    }
}

/// One step of the pipeline (DESIGN.md, *The pipeline*): takes the values of the stages before it and returns its
/// own with its diagnostics. `name` is the stage's name in the timings and the JSON report.
protocol Stage {
    associatedtype Output
    static var name: String { get }
    func run() throws -> Staged<Output>
}

/// Runs stages in order: keeps every stage's diagnostics, in stage order, and times each under its name.
struct StageRunner {
    private(set) var diagnostics: [Diagnostic] = []
    private var clock = StageClock()

    var timings: [(stage: String, seconds: Double)] { clock.laps }

    mutating func run<S: Stage>(_ stage: S) throws -> S.Output {
        try runStaged(stage).value
    }

    /// The stage's value with its own diagnostics (which are also kept with the others).
    mutating func runStaged<S: Stage>(_ stage: S) throws -> Staged<S.Output> {
        let staged = try stage.run()
        // What the stage freed goes back to the system before the next one runs: the C heap keeps freed memory
        // (per thread arena, in holes between live blocks), and the next stage allocates in other patterns, so
        // peak memory grew by what earlier stages had used (100 000 pages: 1,1 GiB more resident than in use).
        lathund_release_free_memory()
        diagnostics += staged.diagnostics
        clock.lap(S.name)
        return staged
    }
}

/// Wall time per stage.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []
    private var statistics = StageStatistics.requested ? StageStatistics() : nil

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) / 1e9))
        statistics?.lap(stage, seconds: Double(now - last) / 1e9)
        last = now
    }
}

/// With `LATHUND_STAGE_STATS=1` in the environment, one line per stage on stderr: wall and CPU time, the peak
/// and final resident memory during the stage, and the C heap in use at its end. For profiling the build's memory
/// (Benchmarks/); nothing else reads it. The peak is per stage: it is reset at each lap (Linux `clear_refs`), which
/// also resets what `/usr/bin/time` reports as the process's maximum: with the variable set, take the largest peak.
struct StageStatistics {
    static let requested = ProcessInfo.processInfo.environment["LATHUND_STAGE_STATS"] != nil
    private var cpu = Self.cpuSeconds()

    init() { Self.resetPeak() }

    mutating func lap(_ stage: String, seconds: Double) {
        let now = Self.cpuSeconds()
        let memory = Self.memory()
        let line = String(format: "stage %@ wall %7.2f s  cpu %7.2f s  peak %6.0f MiB  rss %6.0f MiB  heap %6.0f MiB\n",
                          stage.padding(toLength: 12, withPad: " ", startingAt: 0), seconds, now - cpu, memory.peak, memory.current,
                          Double(lathund_heap_in_use()) / 1_048_576)
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))  // write(_:) traps when it fails (a full disk)
        cpu = now
        Self.resetPeak()
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM and VmRSS from /proc/self/status, in MiB.
    private static func memory() -> (peak: Double, current: Double) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
        }
        return (field("VmHWM:"), field("VmRSS:"))
    }

    private static func resetPeak() {
        if let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            try? file.write(contentsOf: Data("5".utf8))
            try? file.close()
        }
    }
}
