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

extension Parallel {
    /// Runs body(0..<count) on `threads` POSIX threads that take indices in order, for
    /// work that waits on I/O (more reads in flight than cores); returns when all are done.
    public static func io(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let n = max(1, min(threads, count))
        if n == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { b in
            final class Work: @unchecked Sendable {
                let body: (Int) -> Void
                let count: Int
                var next = 0
                var lock = pthread_mutex_t()
                init(_ body: @escaping (Int) -> Void, _ count: Int) {
                    self.body = body
                    self.count = count
                    pthread_mutex_init(&lock, nil)
                }
                deinit { pthread_mutex_destroy(&lock) }
                func take() -> Int? {
                    pthread_mutex_lock(&lock)
                    defer { pthread_mutex_unlock(&lock) }
                    guard next < count else { return nil }
                    next += 1
                    return next - 1
                }
            }
            let work = Work(b, count)
            var tids: [pthread_t] = []
            for _ in 0..<n {
                var tid = pthread_t()
                let ctx = Unmanaged.passRetained(work).toOpaque()
                let rc = pthread_create(&tid, nil, { raw in
                    guard let raw else { return nil }
                    let w = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
                    while let i = w.take() { w.body(i) }
                    return nil
                }, ctx)
                if rc == 0 {
                    tids.append(tid)
                } else {
                    Unmanaged<Work>.fromOpaque(ctx).release()
                }
            }
            // Whatever no thread took (thread creation failed) runs here.
            while let i = work.take() { work.body(i) }
            for t in tids { pthread_join(t, nil) }
        }
    }
}
