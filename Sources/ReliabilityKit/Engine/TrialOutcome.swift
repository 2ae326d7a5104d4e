/// The raw record of one trial: counts and time integrals, before any statistics.
/// The analyzer turns these into metrics; keeping them raw keeps trials mergeable.
public struct TrialOutcome: Sendable, Equatable {
  public var horizon: Hours = 0
  /// Failures by population, then by failure mode index of the population's model.
  public var failures: [[Int]] = []
  public var flaps = 0
  /// Common-cause events (each takes a group of switches down).
  public var commonCauseEvents = 0
  /// Lemon units at the start, flaps of lemons, units fixed by lemon detection, and failures
  /// swapped as planned work because their degradation was seen first.
  public var lemonUnits = 0
  public var lemonFlaps = 0
  public var proactiveRepairs = 0
  public var degradationsCaught = 0
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
  /// Of `sparesUsed`, units replaced inside their FRU's warranty (the vendor replaces them: an RMA).
  public var warrantyReplacements: [Int] = []
  /// Of `reworked`, boards reworked inside their warranty (logistics only).
  public var warrantyReworks: [Int] = []
  /// Unit-hours of stock on hand, by spare-pool index (pools listed in `repair.spares`).
  public var spareStockHours: [Hours] = []
  /// Repairs that had to wait for a spare.
  public var stockouts = 0
  /// Links moved to spare ports while their engine was left dark.
  public var remappedLinks = 0
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
  /// Nodes of the fabric, and node-hours they spent unusable (host down or a NIC cut off).
  public var nodeCount = 0
  public var unusableNodeHours: Hours = 0
  public var switchDownHours: Hours = 0
  /// Plain systems: hours the system was down.
  public var systemDownHours: Hours = 0
  public var systemFailures = 0
  /// Plain systems: the downtime of each k-of-n group, in structure order (depth first).
  public var groupDownHours: [Hours] = []
  public var jobs: [JobOutcome] = []
  /// Events processed (a measure of work for benchmarks).
  public var events = 0
  /// The values drawn for the scenario's uncertain inputs, in their order (empty without any).
  public var inputs: [Double] = []
  /// The prices and sizes the trial's cost lines use, when its inputs were drawn (nil: the
  /// scenario's own).
  public var economics: TrialEconomics? = nil

  public init() {}
}

/// What turns a trial's counts into money and ratios: the scenario's prices, power and sizes.
public struct TrialEconomics: Sendable, Equatable {
  public var costs: CostSpec
  /// Price of one spare of each spare pool's FRU, in `Simulation.spareFRUs` order; the price of
  /// a rework outside warranty, and of an RMA shipment.
  public var sparePrices: [Double]
  public var reworkPrices: [Double]
  public var logisticsCosts: [Double]
  /// Power the energy line counts, in watts.
  public var powerWatts: Double
  /// Per job: its GPUs and their price per hour.
  public var jobGPUs: [Int]
  public var usdPerGPUHour: [Double]
  public var technicians: Int
  /// GPUs of the warm spare nodes, and what one costs per hour while it waits.
  public var spareGPUs: Int = 0
  public var spareUSDPerGPUHour: Double = 0
  /// Every FRU the plant holds at its unit price (the installed capital), in US dollars.
  public var capitalUSD: Double = 0
  /// Support contracts of every FRU the plant holds, per year.
  public var supportUSDPerYear: Double = 0
  /// Host SerDes power driving the plant's modules, engines and cables, in watts.
  public var serDesWatts: Double = 0
}

/// One job's time budget over the horizon: the seven parts add up to the horizon.
public struct JobOutcome: Sendable, Equatable {
  /// Work kept at the horizon (unsaved work at the horizon counts).
  public var productiveHours: Hours = 0
  /// Work since the checkpoint the job restarted from, lost at unplanned interruptions.
  public var lostWorkHours: Hours = 0
  /// Hung between an unplanned failure and the job noticing it (`detection`, `flap_detection`).
  public var hangHours: Hours = 0
  /// Restarting: re-initialisation, checkpoint load and swapping in spare nodes.
  public var restartHours: Hours = 0
  /// Waiting for a repair or for spare nodes.
  public var waitingHours: Hours = 0
  /// Time spent writing checkpoints (blocking).
  public var checkpointHours: Hours = 0
  /// Compute time lost to running below full throughput (elastic on fewer nodes, or a plane's
  /// path lost): (1 − rate) of the compute time.
  public var degradedLossHours: Hours = 0
  /// Wall-clock hours the job ran below full throughput (not part of the sum above).
  public var degradedHours: Hours = 0
  /// Interruptions by cause, indexed by `InterruptionCause.rawValue`: unplanned failures and
  /// planned stops that struck the job while it ran.
  public var interruptions = [Int](repeating: 0, count: InterruptionCause.allCases.count)
  /// Unplanned failures that struck the job whatever it was doing (running, restarting,
  /// waiting), by cause: hardware fails on the calendar. A hit while restarting starts the
  /// restart over; while waiting, it takes another node.
  public var hits = [Int](repeating: 0, count: InterruptionCause.allCases.count)
  /// Restarts that loaded the in-memory checkpoint tier.
  public var restartsFromMemory = 0
  /// Degraded nodes swapped for spares at a checkpoint (`swap-at-checkpoint`).
  public var degradedSwaps = 0
  /// Restarts that replaced lost nodes with spares from the pool (interruptions the spares absorbed).
  public var spareSwaps = 0
  /// Times the job needed spare nodes and the pool had too few.
  public var stockouts = 0
  /// Planned restarts of an elastic job to grow back to full size.
  public var regrows = 0
  /// Interruptions in each month (`TimeUnits.hoursPerMonth`) of the horizon.
  public var monthlyInterruptions: [Int] = []

  public init() {}

  public func interruptions(_ cause: InterruptionCause) -> Int { interruptions[cause.rawValue] }
  public func hits(_ cause: InterruptionCause) -> Int { hits[cause.rawValue] }

  /// All interruptions.
  public var totalInterruptions: Int { interruptions.reduce(0, +) }
  /// Unplanned interruptions that did not come from hosts: the network (and a plain system's structure).
  public var networkInterruptions: Int { totalInterruptions - interruptions(.host) - interruptions(.planned) }
  public var plannedInterruptions: Int { interruptions(.planned) }
  public var backgroundInterruptions: Int { interruptions(.host) }
  /// All unplanned hits, whatever the job was doing.
  public var totalHits: Int { hits.reduce(0, +) }

  /// Effective training time ratio: productive time over wall time.
  public func ettr(horizon: Hours) -> Double { productiveHours / horizon }
}
