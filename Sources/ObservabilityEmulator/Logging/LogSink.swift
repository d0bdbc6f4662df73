#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// A buffered writer for log lines, after nginx's `access_log … buffer= flush=`: lines are
/// appended to a buffer in memory and a background thread writes it out at least every
/// `interval`, at once when it passes `threshold`, and on `flush()` (shutdown, and any line of
/// level warning or above). A request never waits for a `write(2)` to stderr.
///
/// Order is kept: the buffer is swapped out and written while `writing` is held, so two flushes
/// never overtake each other.
public final class LogSink: Sendable {
    /// Standard error, where every log line of the emulator goes.
    public static let standardError = LogSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    private let writing = Mutex<Void>(())
    private let wake = DispatchSemaphore(value: 0)
    let interval: Double
    let threshold: Int

    public init(fileDescriptor: Int32, interval: Double = 1.0, threshold: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.interval = interval
        self.threshold = threshold
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + interval)
                flush()
            }
        }
        thread.name = "log-writer"
        thread.start()
    }

    /// Appends one line (it must end in a newline).
    public func write(_ line: some Collection<UInt8>) {
        let size = pending.withLock { buffer in
            buffer.append(contentsOf: line)
            return buffer.count
        }
        afterAppend(size)
    }

    public func write(_ line: String) { write(line.utf8) }

    /// Appends a line written straight into the buffer by `build`, with no copy in between.
    func append(_ build: (inout [UInt8]) -> Void) {
        let size = pending.withLock { buffer in
            build(&buffer)
            return buffer.count
        }
        afterAppend(size)
    }

    /// Wakes the writer past the threshold. Far past it (the writer is stuck: stderr is a pipe
    /// nobody reads), the caller writes itself and so waits, as an unbuffered logger would,
    /// rather than letting the buffer grow without bound.
    private func afterAppend(_ size: Int) {
        if size >= threshold * 64 {
            flush()
        } else if size >= threshold {
            wake.signal()
        }
    }

    /// Writes out everything appended so far; returns when it is written.
    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { buffer -> [UInt8] in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
