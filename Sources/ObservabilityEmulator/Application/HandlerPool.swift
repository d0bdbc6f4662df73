import Foundation

/// A fixed set of threads running the handlers that may block, first come first served.
///
/// A concurrent Dispatch queue starts a new thread whenever one blocks (on the SQLite reader
/// pool, say), so under a burst of heavy requests dozens of threads share the cores and every
/// request finishes late together. A few workers taking requests in order keep the early ones
/// early: 256 clients asking for 100 000 ids each get their first answers in a fraction of a
/// second instead of after four.
///
/// `@unchecked Sendable`: `queue`, `head` and `stopping` are read and written only while
/// `condition` is held.
final class HandlerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var head = 0
    private var stopping = false

    init(workers: Int) {
        for index in 0..<max(1, workers) {
            let thread = Thread { [self] in work() }
            thread.name = "handler-\(index)"
            thread.start()
        }
    }

    func submit(_ task: @escaping () -> Void) {
        condition.withLock {
            queue.append(task)
            condition.signal()
        }
    }

    /// Lets the workers finish what is queued, then end.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func work() {
        while true {
            let next: (() -> Void)? = condition.withLock {
                while head == queue.count && !stopping { condition.wait() }
                if head == queue.count { return nil }
                let task = queue[head]
                head += 1
                // Drop what has run once the backlog is drained, or when it is mostly done.
                if head == queue.count || head > 1024 && head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
                return task
            }
            guard let next else { return }
            next()
        }
    }
}
