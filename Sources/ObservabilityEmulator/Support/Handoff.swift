import CLinux
import Dispatch
import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging

/// One value passed to another thread, which takes it out so that its lifetime ends there.
final class Handoff<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    func take() -> T? {
        defer { value = nil }
        return value
    }
}
