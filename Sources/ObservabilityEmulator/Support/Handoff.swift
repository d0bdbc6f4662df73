import CLinux
import Dispatch
import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging

/// One value passed to another thread, which takes it out so that its lifetime ends there.
///
/// `@unchecked Sendable`: the creating thread stops using the box once it hands it over, and
/// only the receiving thread calls `take`.
final class Handoff<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    func take() -> T? {
        defer { value = nil }
        return value
    }
}
