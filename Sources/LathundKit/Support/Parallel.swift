import Dispatch
import Foundation

/// Runs per-item work on `jobs` threads and returns results in input order, so output never depends on
/// scheduling. The transform is `@Sendable` and the items and results are `Sendable`: the compiler checks that
/// the work shares nothing it could race on.
enum Parallel {
    static func map<Input: Sendable, Output: Sendable>(_ items: [Input], jobs: Int,
                                                       _ transform: @Sendable (Input) -> Output) -> [Output] {
        let count = items.count
        guard count > 0 else { return [] }
        let workers = max(1, min(jobs, count))
        if workers == 1 { return items.map(transform) }
        let next = Locked(0)
        let done = Locked<[(index: Int, output: Output)]>([])
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var mine: [(index: Int, output: Output)] = []
            while true {
                let index = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard index < count else { break }
                mine.append((index, transform(items[index])))
            }
            done.withLock { $0 += mine }
        }
        var results = [Output?](repeating: nil, count: count)
        for (index, output) in done.withLock({ $0 }) { results[index] = output }
        return results.map { $0! }
    }
}

/// A value that threads share, read and changed only inside `withLock`. The package's one lock-guarded box
/// (`package`: LathundServe uses it too; it is not part of LathundKit's public API).
package final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is read and changed only while `lock` is held.
    private var value: Value
    private let lock = NSLock()

    package init(_ value: Value) { self.value = value }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
