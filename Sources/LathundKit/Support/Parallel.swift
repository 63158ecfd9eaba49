import Dispatch
import Foundation

/// Runs per-item work on `jobs` threads and returns results in input order, so output never depends on
/// scheduling.
enum Parallel {
    static func map<Input, Output>(_ items: [Input], jobs: Int, _ transform: (Input) -> Output) -> [Output] {
        let count = items.count
        guard count > 0 else { return [] }
        let workers = max(1, min(jobs, count))
        if workers == 1 { return items.map(transform) }
        let buffer = UnsafeMutablePointer<Output?>.allocate(capacity: count)
        buffer.initialize(repeating: nil, count: count)
        defer {
            buffer.deinitialize(count: count)
            buffer.deallocate()
        }
        let next = AtomicCounter()
        let box = UnsafeBox(buffer)
        let inputs = UnsafeBox(items)
        withoutActuallyEscaping(transform) { transform in
            let work = UnsafeBox(transform)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.increment()
                    guard index < count else { break }
                    box.value[index] = work.value(inputs.value[index])
                }
            }
        }
        return (0..<count).map { buffer[$0]! }
    }
}

/// A counter shared by worker threads.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    /// Returns the value before incrementing.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}

/// Hands a value to worker threads that each touch a disjoint part of it.
struct UnsafeBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
