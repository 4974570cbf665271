import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Explicit fork-join parallelism for the kernels (synchronous to the caller).
public enum Parallel {
    /// Online CPUs.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Runs body(0..<count) on up to `threads` threads and returns when all are done.
    static func run(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        if count == 1 || threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { b in
            let box = UncheckedSendable(b)
            DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
        }
    }
}

/// Carries a value across the fork-join boundary of Parallel.run, whose callers hand each
/// iteration its own disjoint slice of memory.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}
