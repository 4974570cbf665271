import Foundation
import Kernels

/// Where the project's files are: the working directory, else beside the executable.
public enum Paths {
    /// The package root: the nearest directory with Package.swift and Fixtures/, searched
    /// from the working directory, then from the executable up.
    public static func packageRoot() -> String? {
        var starts = [FileManager.default.currentDirectoryPath]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append((exe as NSString).deletingLastPathComponent)
        }
        starts.append(((#filePath as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent)
        for s in starts {
            var dir = s
            for _ in 0..<6 {
                if FileManager.default.fileExists(atPath: dir + "/Package.swift"),
                   FileManager.default.fileExists(atPath: dir + "/Fixtures") { return dir }
                let up = (dir as NSString).deletingLastPathComponent
                if up == dir { break }
                dir = up
            }
        }
        return nil
    }

    public static func fixturesDirectory() -> String {
        if FileManager.default.fileExists(atPath: "Fixtures") { return "Fixtures" }
        return (packageRoot() ?? ".") + "/Fixtures"
    }

    public static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// The machine a result was measured on.
public enum Host {
    public static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    static func cpuinfoField(_ name: String) -> String? {
        for line in read("/proc/cpuinfo").split(separator: "\n") where line.hasPrefix(name) {
            if let r = line.range(of: ":") { return line[r.upperBound...].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static func run(_ args: [String], cwd: String? = nil) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Flags that matter to the kernels, as /proc/cpuinfo names them.
    static let relevantFlags = ["sha_ni", "adx", "bmi2", "avx2", "avx512f", "avx512ifma", "avx512vl", "avx512vbmi2"]

    public static var info: [String: Any] {
        let flags = Set((cpuinfoField("flags") ?? "").split(separator: " ").map(String.init))
        let mem = read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { UInt64($0) }.map { $0 * 1024 } ?? 0
        let os = read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst(12)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "unknown"
        var uts = utsname()
        uname(&uts)
        let kernel = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let swift = run(["swift", "--version"])?.split(separator: "\n").first.map(String.init) ?? "unknown (swift not on PATH)"
        return [
            "cpu_model": cpuinfoField("model name") ?? "unknown",
            "cpu_flags": relevantFlags.filter(flags.contains),
            "kernel_features_present": BenchKernels.featuresPresent,
            "kernel_features_used": BenchKernels.featuresUsed,
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "memory_bytes": mem,
            "os": os,
            "kernel": kernel,
            "swift": swift,
            "openssl": BenchKernels.openSSLVersion,
        ]
    }

    /// The git commit of the package, and whether the tree has uncommitted changes.
    public static var git: [String: Any] {
        guard let root = Paths.packageRoot(), let commit = run(["git", "rev-parse", "HEAD"], cwd: root) else {
            return ["commit": "unknown", "dirty": NSNull()]
        }
        let dirty = !(run(["git", "status", "--porcelain", "--untracked-files=no"], cwd: root) ?? "").isEmpty
        return ["commit": commit, "dirty": dirty]
    }
}

/// JSON text of Foundation objects, keys sorted.
public func jsonString(_ object: Any) -> String { jsonText(object) }

extension VerifyReport {
    public var jsonString: String { jsonText(json) }
}
