import Dispatch

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
        diagnostics += staged.diagnostics
        clock.lap(S.name)
        return staged
    }
}

/// Wall time per stage.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) / 1e9))
        last = now
    }
}
