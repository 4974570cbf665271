import Foundation

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
