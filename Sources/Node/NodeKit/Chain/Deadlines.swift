/// Chain epochs are Go's `abi.ChainEpoch` (int64).
public typealias ChainEpoch = Int64

/// The WindowPoSt policy of a chain (node.md §4.1; go-state-types `builtin/v19/miner/policy.go`).
/// `challengeWindow` may be shortened on a devnet; the proving period is always
/// `periodDeadlines × challengeWindow`, as Lotus' `SetWPoStChallengeWindow` rescales both.
public struct ProvingPolicy: Sendable, Equatable, Codable {
    public var challengeWindow: ChainEpoch
    public var periodDeadlines: Int
    public var challengeLookback: ChainEpoch
    public var faultDeclarationCutoff: ChainEpoch

    public var provingPeriod: ChainEpoch { ChainEpoch(periodDeadlines) * challengeWindow }

    public init(challengeWindow: ChainEpoch = 60, periodDeadlines: Int = 48, challengeLookback: ChainEpoch = 20,
                faultDeclarationCutoff: ChainEpoch = 70) {
        self.challengeWindow = challengeWindow
        self.periodDeadlines = periodDeadlines
        self.challengeLookback = challengeLookback
        self.faultDeclarationCutoff = faultDeclarationCutoff
    }

    /// Mainnet: windows of 60 epochs, 48 deadlines, a 2880-epoch period, lookback 20, cutoff 70.
    public static let mainnet = ProvingPolicy()

    /// `PoStedPartitionsMax`: partitions one `SubmitWindowedPoSt` message may prove.
    public static let postedPartitionsMax = 3
    /// `MaxPreCommitRandomnessLookback` = EpochsInDay + ChainFinality: the oldest usable ticket.
    public static let maxPreCommitRandomnessLookback: ChainEpoch = 2880 + 900
    /// `MaxProveCommitDuration` = 30 days + PreCommitChallengeDelay (mainnet 150).
    public static let maxProveCommitDays: ChainEpoch = 30 * 2880

    /// The start of the proving period containing `epoch` for a miner whose periods start at
    /// `offset` modulo the period (Lotus' `QuantSpec{unit: period, offset}.QuantizeDown`).
    public func periodStart(offset: ChainEpoch, epoch: ChainEpoch) -> ChainEpoch {
        offset + floorDiv(epoch - offset, provingPeriod) * provingPeriod
    }
}

/// x / y rounded towards −∞ (y > 0).
func floorDiv(_ x: Int64, _ y: Int64) -> Int64 {
    let q = x / y
    return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q
}

/// x / y rounded towards +∞ (y > 0).
func ceilDiv(_ x: Int64, _ y: Int64) -> Int64 { -floorDiv(-x, y) }

/// go-state-types `dline.Info`: one WindowPoSt deadline as seen at `currentEpoch`. Encodes to
/// JSON with Lotus' field names (`StateMinerProvingDeadline`).
public struct DeadlineInfo: Sendable, Equatable, Codable, CustomStringConvertible {
    public var currentEpoch: ChainEpoch
    public var periodStart: ChainEpoch
    public var index: Int
    public var open: ChainEpoch
    public var close: ChainEpoch
    public var challenge: ChainEpoch
    public var faultCutoff: ChainEpoch
    public var periodDeadlines: Int
    public var provingPeriod: ChainEpoch
    public var challengeWindow: ChainEpoch
    public var challengeLookback: ChainEpoch
    public var faultDeclarationCutoff: ChainEpoch

    enum CodingKeys: String, CodingKey {
        case currentEpoch = "CurrentEpoch", periodStart = "PeriodStart", index = "Index", open = "Open", close = "Close"
        case challenge = "Challenge", faultCutoff = "FaultCutoff", periodDeadlines = "WPoStPeriodDeadlines"
        case provingPeriod = "WPoStProvingPeriod", challengeWindow = "WPoStChallengeWindow"
        case challengeLookback = "WPoStChallengeLookback", faultDeclarationCutoff = "FaultDeclarationCutoff"
    }

    /// `dline.NewInfo(periodStart, index, currentEpoch)`: Open = PeriodStart + i·window,
    /// Close = Open + window, Challenge = Open − lookback, FaultCutoff = Open − cutoff. Index
    /// `periodDeadlines` (48) is the empty deadline after the last one: Open = Close =
    /// Challenge = the next period start, FaultCutoff 0.
    public init(periodStart: ChainEpoch, index: Int, currentEpoch: ChainEpoch, policy: ProvingPolicy = .mainnet) {
        self.currentEpoch = currentEpoch
        self.periodStart = periodStart
        self.index = index
        periodDeadlines = policy.periodDeadlines
        provingPeriod = policy.provingPeriod
        challengeWindow = policy.challengeWindow
        challengeLookback = policy.challengeLookback
        faultDeclarationCutoff = policy.faultDeclarationCutoff
        if index < policy.periodDeadlines {
            open = periodStart + ChainEpoch(index) * policy.challengeWindow
            close = open + policy.challengeWindow
            challenge = open - policy.challengeLookback
            faultCutoff = open - policy.faultDeclarationCutoff
        } else {
            let after = periodStart + policy.provingPeriod
            open = after
            close = after
            challenge = after
            faultCutoff = 0
        }
    }

    /// The deadline open at `epoch` for a miner whose proving periods start at `offset`
    /// (Lotus `NewDeadlineInfoFromOffsetAndEpoch`; what `StateMinerProvingDeadline` returns).
    public static func current(periodStartOffset offset: ChainEpoch, epoch: ChainEpoch, policy: ProvingPolicy = .mainnet) -> DeadlineInfo {
        let start = policy.periodStart(offset: offset, epoch: epoch)
        let index = Int((epoch - start) / policy.challengeWindow) % policy.periodDeadlines
        return DeadlineInfo(periodStart: start, index: index, currentEpoch: epoch, policy: policy)
    }

    /// The next window of deadline `index` that has not closed at `epoch` (the current one if
    /// it is open): where a proof or a declaration for that deadline goes.
    public static func next(index: Int, periodStartOffset offset: ChainEpoch, epoch: ChainEpoch, policy: ProvingPolicy = .mainnet) -> DeadlineInfo {
        DeadlineInfo(periodStart: policy.periodStart(offset: offset, epoch: epoch), index: index, currentEpoch: epoch, policy: policy)
            .nextNotElapsed()
    }

    var policy: ProvingPolicy {
        ProvingPolicy(challengeWindow: challengeWindow, periodDeadlines: periodDeadlines, challengeLookback: challengeLookback,
                      faultDeclarationCutoff: faultDeclarationCutoff)
    }

    public var last: ChainEpoch { close - 1 }
    public var nextPeriodStart: ChainEpoch { periodStart + provingPeriod }
    public var periodEnd: ChainEpoch { periodStart + provingPeriod - 1 }
    public var periodStarted: Bool { currentEpoch >= periodStart }
    public var periodElapsed: Bool { currentEpoch >= nextPeriodStart }
    public var isOpen: Bool { currentEpoch >= open && currentEpoch < close }
    public var hasElapsed: Bool { currentEpoch >= close }
    public var faultCutoffPassed: Bool { currentEpoch >= faultCutoff }
    /// `PeriodStart mod WPoStProvingPeriod` (`proving info`'s "Proving Period Boundary").
    public var periodBoundary: ChainEpoch { ((periodStart % provingPeriod) + provingPeriod) % provingPeriod }

    /// `dline.Info.NextNotElapsed`: this deadline, or its window in the first later period that
    /// has not closed at `currentEpoch`.
    public func nextNotElapsed() -> DeadlineInfo {
        guard hasElapsed else { return self }
        let gap = currentEpoch - close
        let delta = (gap / provingPeriod + 1) * provingPeriod
        return DeadlineInfo(periodStart: periodStart + delta, index: index, currentEpoch: currentEpoch, policy: policy)
    }

    /// Lotus' JSON object (`StateMinerProvingDeadline`).
    public var json: [String: Any] {
        ["CurrentEpoch": currentEpoch, "PeriodStart": periodStart, "Index": index, "Open": open, "Close": close,
         "Challenge": challenge, "FaultCutoff": faultCutoff, "WPoStPeriodDeadlines": periodDeadlines,
         "WPoStProvingPeriod": provingPeriod, "WPoStChallengeWindow": challengeWindow,
         "WPoStChallengeLookback": challengeLookback, "FaultDeclarationCutoff": faultDeclarationCutoff]
    }

    public var description: String {
        "deadline \(index) of period \(periodStart) (open \(open), close \(close), challenge \(challenge), fault cutoff \(faultCutoff); epoch \(currentEpoch))"
    }
}
