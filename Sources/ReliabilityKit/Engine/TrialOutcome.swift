/// The raw record of one trial: counts and time integrals, before any statistics.
/// The analyzer turns these into metrics; keeping them raw keeps trials mergeable.
public struct TrialOutcome: Sendable, Equatable {
  public var horizon: Hours = 0
  /// Failures by population, then by failure mode index of the population's model.
  public var failures: [[Int]] = []
  public var flaps = 0
  /// Failures absorbed by redundancy inside a FRU (spare laser lanes).
  public var absorbed = 0
  /// Completed repairs by workflow action, in the order of `Workflow.Action.allCases`.
  public var repairsByAction: [Int] = []
  /// Failures fixed by cleaning or reseating, without a spare.
  public var cleaned = 0
  public var replaced = 0
  public var noFaultFound = 0
  public var collateral = 0
  /// Planned drains (board replacements, laser swaps, deferrals).
  public var drains = 0
  public var reworks = 0
  /// Boards sent to rework, by spare-pool index (FRU).
  public var reworked: [Int] = []
  /// Spares consumed, by spare-pool index (FRU).
  public var sparesUsed: [Int] = []
  /// Repairs that had to wait for a spare.
  public var stockouts = 0
  public var detectionHours: Hours = 0
  public var technicianWaitHours: Hours = 0
  public var spareWaitHours: Hours = 0
  /// Time failed units waited for a maintenance window.
  public var deferralHours: Hours = 0
  public var technicianBusyHours: Hours = 0
  /// Technician hands-on hours (labour), drains excluded.
  public var handsOnHours: Hours = 0
  /// Dispatches of a technician (for per-dispatch fees).
  public var dispatches = 0
  /// Hours from failure to restoration, summed over completed repairs.
  public var repairDowntimeHours: Hours = 0
  public var linkCount = 0
  public var linkDownHours: Hours = 0
  /// NIC–leaf links (one switch port each; the rest have two).
  public var nicLinkCount = 0
  public var nicLinkDownHours: Hours = 0
  /// Failures (hard, flaps and absorbed) in each month (`TimeUnits.hoursPerMonth`).
  public var monthlyFailures: [Int] = []
  public var switchCount = 0
  public var switchDownHours: Hours = 0
  /// Plain systems: hours the system was down.
  public var systemDownHours: Hours = 0
  public var systemFailures = 0
  public var jobs: [JobOutcome] = []
  /// Events processed (a measure of work for benchmarks).
  public var events = 0

  public init() {}
}

/// One job's time budget over the horizon: the five parts add up to the horizon.
public struct JobOutcome: Sendable, Equatable {
  public var productiveHours: Hours = 0
  /// Work since the last checkpoint, lost at unplanned interruptions.
  public var lostWorkHours: Hours = 0
  public var restartHours: Hours = 0
  /// Waiting for a repair or for spare nodes.
  public var waitingHours: Hours = 0
  /// Time spent writing checkpoints (blocking).
  public var checkpointHours: Hours = 0
  /// Unplanned interruptions caused by the network (failures and flaps).
  public var networkInterruptions = 0
  /// Interruptions for planned drains (the job checkpointed first).
  public var plannedInterruptions = 0
  /// Interruptions from non-network causes.
  public var backgroundInterruptions = 0

  public var interruptions: Int { networkInterruptions + plannedInterruptions + backgroundInterruptions }

  /// Effective training time ratio: productive time over wall time.
  public func ettr(horizon: Hours) -> Double { productiveHours / horizon }
}
