#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Dispatch
import Foundation

/// Something registered with an event loop: it hears about readiness of its descriptor and gets
/// a periodic tick for its deadlines. Called only on the loop's thread.
protocol EventLoopChannel: AnyObject {
    func handle(events: UInt32)
    func tick(now: UInt64)
}

/// One thread running `epoll_wait` over the descriptors it owns.
///
/// Everything registered with a loop is touched only on its thread, so connections need no locks.
/// Other threads hand it work with `execute` (a locked task list and an `eventfd` to wake it).
/// Level-triggered: a channel that stops wanting input removes `EPOLLIN` from its interest.
///
/// `@unchecked Sendable`: `tasks`, `wakeRequested` and `thread` are guarded by `lock`; `channels`,
/// `timers`, `stopping` and `started` are touched only on the loop's own thread (or before it starts).
final class EventLoop: @unchecked Sendable {
    static let readable = UInt32(EPOLLIN.rawValue)
    static let writable = UInt32(EPOLLOUT.rawValue)
    static let failed = UInt32(EPOLLERR.rawValue) | UInt32(EPOLLHUP.rawValue)
    private static let wakeToken = UInt64.max

    let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    private let lock = NSLock()
    private var tasks: [() -> Void] = []
    /// The eventfd has been written and the loop has not yet taken the tasks (under `lock`).
    private var wakeRequested = false
    private var channels: [UInt64: EventLoopChannel] = [:]
    private var timers: [(deadline: UInt64, task: () -> Void)] = []
    private var stopping = false
    private var started = false
    private var thread: pthread_t?
    private let stopped = DispatchSemaphore(value: 0)

    init(index: Int) throws {
        self.index = index
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw HTTPServerError.bind("epoll_create1(): \(SocketOS.errorText(errno))") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let code = errno
            SocketOS.closeSocket(epollFD)
            throw HTTPServerError.bind("eventfd(): \(SocketOS.errorText(code))")
        }
        var event = epoll_event()
        event.events = Self.readable
        event.data.u64 = Self.wakeToken
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    /// A loop that never ran (the server failed to start) still owns its two descriptors.
    deinit {
        if !started {
            SocketOS.closeSocket(wakeFD)
            SocketOS.closeSocket(epollFD)
        }
    }

    /// Starts the loop's thread, which keeps the loop alive until it stops.
    func start() {
        started = true
        let thread = Thread { [self] in run() }
        thread.name = "http-loop-\(index)"
        thread.start()
    }

    /// Under `lock`.
    private func isLoopThread() -> Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `task` on the loop's thread, after the events it is handling now.
    func execute(_ task: @escaping () -> Void) {
        let wake = lock.withLock {
            tasks.append(task)
            // From the loop's own thread the task runs before the next wait; no wake-up is needed.
            let wake = !wakeRequested && !isLoopThread()
            if wake { wakeRequested = true }
            return wake
        }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Runs `task` on the loop's thread after `milliseconds`. Loop thread only.
    func schedule(afterMilliseconds milliseconds: Int, _ task: @escaping () -> Void) {
        timers.append((DispatchTime.now().uptimeNanoseconds + UInt64(milliseconds) * 1_000_000, task))
    }

    // MARK: Registration (loop thread only)

    func register(_ channel: EventLoopChannel, token: UInt64, fd: Int32, events: UInt32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else { return false }
        channels[token] = channel
        return true
    }

    func modify(token: UInt64, fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Forgets a channel; call before closing its descriptor. Stale events for the token that
    /// are already in this round's batch find no channel and are dropped.
    func deregister(token: UInt64, fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
        channels[token] = nil
    }

    // MARK: Running

    /// Asks the loop to finish its current round and exit; waits up to `timeout` seconds.
    func stop(timeout: Double) {
        execute { [self] in stopping = true }
        _ = stopped.wait(timeout: .now() + timeout)
    }

    private func run() {
        lock.withLock { thread = pthread_self() }
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer {
            events.deallocate()
            SocketOS.closeSocket(wakeFD)
            SocketOS.closeSocket(epollFD)
            stopped.signal()
        }
        var nextTick = DispatchTime.now().uptimeNanoseconds + 1_000_000_000
        while !stopping {
            let now = DispatchTime.now().uptimeNanoseconds
            var wakeAt = nextTick
            for timer in timers where timer.deadline < wakeAt { wakeAt = timer.deadline }
            let timeout = wakeAt <= now ? 0 : Int32(min((wakeAt - now) / 1_000_000 + 1, 1000))
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            if count < 0 && errno != EINTR { usleep(1000) }
            for position in 0..<max(0, Int(count)) {
                let event = events[position]
                let token = event.data.u64
                if token == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                channels[token]?.handle(events: event.events)
            }
            let after = DispatchTime.now().uptimeNanoseconds
            if !timers.isEmpty { fireTimers(now: after) }
            if after >= nextTick {
                nextTick = after + 1_000_000_000
                for channel in Array(channels.values) { channel.tick(now: after) }
            }
            // Last, so tasks queued by events, timers and ticks all run before the next wait.
            runTasks()
        }
    }

    /// Runs queued tasks, including those they queue, until none is left.
    private func runTasks() {
        while true {
            let batch = lock.withLock {
                defer { tasks = []; wakeRequested = false }
                return tasks
            }
            if batch.isEmpty { return }
            for task in batch { task() }
        }
    }

    private func fireTimers(now: UInt64) {
        let due = timers.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.task() }
    }
}
