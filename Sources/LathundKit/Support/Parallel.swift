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
        // Each result goes straight to its place in the one array returned: no per-thread lists copied into a
        // list of optionals and that into the result (three copies of every result, all alive at the stage's end:
        // 100 000 pages' Markdown results are hundreds of MiB).
        return [Output](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.withLock { value in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count else { break }
                    (slots.base + index).initialize(to: transform(items[index]))
                }
            }
            initialized = count
        }
    }

    /// The result array's storage, shared by the workers.
    private struct Slots<Output>: @unchecked Sendable {
        // @unchecked: each index is taken from `next` under its lock by one worker only, which initializes that
        // slot alone, and `concurrentPerform` returns only after every worker is done.
        let base: UnsafeMutablePointer<Output>
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

/// A value made on another thread: `value` waits until it is made.
final class Pending<Value: Sendable>: Sendable {
    private let made: Locked<Value?>
    private let group = DispatchGroup()

    /// A value already made.
    init(_ value: Value) { made = Locked(value) }

    /// Starts making the value on another thread.
    init(making make: @escaping @Sendable () -> Value) {
        made = Locked(nil)
        DispatchQueue.global().async(group: group) { [made] in
            let value = make()
            made.withLock { $0 = value }
        }
    }

    var value: Value {
        group.wait()
        return made.withLock { $0! }
    }
}
