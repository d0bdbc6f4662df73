import CLinux
import Dispatch
import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging

/// Who sent a request: its Bearer token and the workspace the token stands for.
struct Caller {
    let token: String
    let workspace: Workspace
}
