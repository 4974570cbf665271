import Foundation

/// A bounded closed-loop load test of one RPC method, for loopback measurements
/// (`spnode ... rpc-load`, tests): `concurrency` callers each issue one call at a time,
/// back to back, for `duration`.
public enum RPCLoad {
    /// Upper bound on callers, whatever is asked.
    public static let maxConcurrency = 1024

    /// Runs the load and reports:
    /// - `requests`: calls that returned a result,
    /// - `perSecond`: `requests` divided by the wall time of the run,
    /// - `p50`, `p99`: latency percentiles of successful calls in milliseconds
    ///   (nearest rank; 0 when there were none),
    /// - `errors`: calls that failed (any `RPCClientError`).
    ///
    /// All callers share one client whose pool holds `concurrency` keep-alive connections,
    /// which for HTTP/1.1 is the same load as that many separate clients.
    public static func run(
        url: String, token: String?, method: String = "Filecoin.Version", params: [NodeJSON] = [],
        concurrency: Int = 32, duration: Duration = .seconds(1)
    ) async -> (requests: Int, perSecond: Double, p50: Double, p99: Double, errors: Int) {
        let workers = min(max(1, concurrency), maxConcurrency)
        let client = RPCClient(url: url, token: token, timeoutSeconds: 30, maxConnections: workers)
        let clock = ContinuousClock()
        let start = clock.now
        let end = start.advanced(by: duration)

        let perWorker = await withTaskGroup(of: (latencies: [Double], errors: Int).self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    while clock.now < end, !Task.isCancelled {
                        let t0 = clock.now
                        do {
                            _ = try await client.call(method, params)
                            let d = clock.now - t0
                            latencies.append(RPCLoad.milliseconds(d))
                        } catch {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            var all: [(latencies: [Double], errors: Int)] = []
            for await r in group { all.append(r) }
            return all
        }
        let elapsed = RPCLoad.milliseconds(clock.now - start) / 1000
        await client.shutdown()

        var latencies = perWorker.flatMap(\.latencies)
        latencies.sort()
        let errors = perWorker.reduce(0) { $0 + $1.errors }
        let rate = elapsed > 0 ? Double(latencies.count) / elapsed : 0
        return (latencies.count, rate, percentile(latencies, 0.50), percentile(latencies, 0.99), errors)
    }

    /// Nearest-rank percentile of sorted values (0 for none).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func milliseconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
