import CLinux
import Dispatch
import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging

/// A startup problem explained to the user (bad flag value, unreadable fixtures, bad database).
public struct EmulatorStartupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
