import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The package root (three levels above this file).
let nodePackageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built spnode executable beside the test bundle (swift build builds every product).
func spnodeBinary() -> String? {
    for config in ["debug", "release"] {
        let p = nodePackageRoot.appendingPathComponent(".build/\(config)/spnode").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

extension Process {
    /// SIGKILL (no cleanup, as a crash) and wait for the exit.
    func kill9() {
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
    }

    /// SIGTERM and wait, if still running.
    func stop() {
        if isRunning {
            terminate()
            waitUntilExit()
        }
    }
}
