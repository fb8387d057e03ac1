import Dispatch
import Synchronization

/// A few dedicated threads for CPU-bound XML work, kept off Swift's cooperative pool and
/// off NIO event loops.
public final class XMLWorkerPool: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)

    /// Creates a pool of `threads` serial queues (at least one).
    public init(threads: Int = 2, label: String = "partnerhub.xml") {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "\(label).\($0)") }
    }

    /// Runs `work` on one of the pool's threads and resumes with its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        let index = next.add(1, ordering: .relaxed).newValue & Int.max
        let queue = queues[index % queues.count]
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
