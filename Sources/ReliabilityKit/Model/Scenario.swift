/// A validated scenario: everything one study needs, typed. Built by `ScenarioLoader` from a
/// YAML file, or in code with `init(name:horizon:trials:seed:plant:catalog:repair:jobs:...)`
/// and `validated()` (the article "Building a scenario in code"); the engine relies on its
/// invariants, which the loader checks and `validated()` checks for a scenario built in code.
public struct Scenario: Sendable, Hashable {
  /// The scenario's name (`name:`), shown in reports and comparisons.
  public var name: String
  /// A free-text description (`description:`), or nil.
  public var description: String?
  /// Simulated time per trial, in hours.
  public var horizon: Hours
  /// Trials a run makes when the caller gives no count (`trials:`); at least 1.
  public var trials: Int
  /// The master seed a run uses when the caller gives none (`seed:`); trial i's draws depend
  /// on this seed and i alone.
  public var seed: UInt64
  /// What is being simulated: a fabric built from a preset, or a plain system.
  public var plant: Plant
  /// The part catalog with the scenario's overrides applied.
  public var catalog: PartCatalog
  /// Technicians, spares and workflows: how failures get fixed (``RepairSpec``).
  public var repair: RepairSpec
  /// The training jobs placed on the fabric (``JobSpec``); empty for a plain system.
  public var jobs: [JobSpec]
  /// Spare nodes and how failed nodes come back (fabrics).
  public var nodePool: NodePoolSpec = NodePoolSpec()
  /// Prices that turn counts into money (``CostSpec``).
  public var costs: CostSpec
  /// Whether units of a plain system keep ageing (and failing) while the system is down.
  public var ageingWhileDown: AgeingWhileDown
  /// The files the scenario was read from, in the order they were applied (base first).
  public var files: [String]
  /// The part catalog file, when one was read.
  public var catalogFile: String? = nil
  /// Every file the scenario was read from: its own files (base first) and the catalog. No
  /// output may name one of them.
  public var inputFiles: [String] { files + (catalogFile.map { [$0] } ?? []) }
  /// Inputs given as ranges, drawn per trial (two-level Monte Carlo); the scenario holds their
  /// central values.
  public var uncertainInputs: [UncertainInput] = []
  /// A posterior carried as joint draws (`posterior:`): each trial runs with one row; the
  /// scenario holds each key's median.
  public var posterior: PosteriorDraws? = nil
  /// Named sets of values for inputs no evidence constrains (`branches:`); `compare` runs each.
  public var branches: [ScenarioBranch] = []
  /// The scenario's resolved source, to build it again with drawn values (nil without ranges).
  public var template: ScenarioTemplate? = nil
  /// Tail probabilities the report gives: P(metric beyond a value).
  public var thresholds: [Threshold] = []
  /// Events that take many switches down together (a power domain, a firmware bug).
  public var commonCauses: [CommonCause] = []
  /// The fleet's age when the horizon starts.
  public var fleet = FleetSpec()
  /// Every low/high range that applies: the catalog's, for the parts the plant uses, and the
  /// scenario's own `ranges` (which win for the same key path). In file order.
  public var ranges: [InputRange] = []
  /// Every scalar input with its provenance (docs/inputs.md), catalog values first.
  public var inputs: [InputValue] = []

  /// What a scenario simulates.
  public enum Plant: Sendable, Hashable {
    /// A cluster network built from a preset (`FabricSpec`, expanded by `FabricBuilder`).
    case fabric(FabricSpec)
    /// Named units and a reliability structure.
    case system(SystemSpec)
  }

  /// A scenario built in code. The optional parts (`fleet`, `commonCauses`, `thresholds`) are
  /// properties to set afterwards; `files`, `inputs` and `ranges` describe where a loaded
  /// scenario came from and may stay empty. Call `validated()` before running it.
  ///
  /// `horizon` is the simulated time per trial in hours (`Units.hours(from: "5y")`); `trials`
  /// and `seed` are a run's defaults; `catalog` holds the parts (`PartCatalog.load(path:)` reads
  /// FailureData/parts.yaml); `files` and `catalogFile` name the files a scenario was read from
  /// (none for one built in code), whose SHA-256 reports record.
  public init(name: String, description: String? = nil, horizon: Hours, trials: Int, seed: UInt64, plant: Plant,
              catalog: PartCatalog, repair: RepairSpec, jobs: [JobSpec] = [], nodePool: NodePoolSpec = NodePoolSpec(),
              costs: CostSpec, ageingWhileDown: AgeingWhileDown = .continues, files: [String] = [], catalogFile: String? = nil) {
    self.name = name
    self.description = description
    self.horizon = horizon
    self.trials = trials
    self.seed = seed
    self.plant = plant
    self.catalog = catalog
    self.repair = repair
    self.jobs = jobs
    self.nodePool = nodePool
    self.costs = costs
    self.ageingWhileDown = ageingWhileDown
    self.files = files
    self.catalogFile = catalogFile
  }
}

/// Whether surviving units of a plain system age during system downtime (DESIGN.md §2).
public enum AgeingWhileDown: String, Sendable, Hashable, CaseIterable {
  /// Units keep ageing and can fail while the system is down (AvailSim4's convention: a series of
  /// N exponential units has availability (μ/(λ+μ))^N).
  case continues
  /// Units are frozen while the system is down (BlockSim's reference examples: availability
  /// 1/(1 + Nλ/μ)).
  case frozen
}

/// A plain system: named units with counts and a reliability structure.
public struct SystemSpec: Sendable, Hashable {
  /// `count` units of the catalog part `part`, named `name` in the structure.
  public struct Unit: Sendable, Hashable {
    /// The unit's name in the structure.
    public var name: String
    /// The catalog part the unit is (a ``PartCatalog`` id).
    public var part: String
    /// How many units of it (at least 1).
    public var count: Int

    /// `count` units of `part`, named `name`.
    public init(name: String, part: String, count: Int) {
      self.name = name
      self.part = part
      self.count = count
    }
  }

  /// The system's units, each a catalog part with a count.
  public var units: [Unit]
  /// How the units' states make the system's: series, parallel, k-of-n.
  public var structure: Topology

  /// A system of `units` whose states combine by `structure`.
  public init(units: [Unit], structure: Topology) {
    self.units = units
    self.structure = structure
  }
}

/// Technicians, spares, workflows and windows: how failures get fixed.
public struct RepairSpec: Sendable, Hashable {
  /// Time from a failure to someone knowing about it.
  public var detection: Distribution
  /// Time to verify a repair before the service is restored.
  public var verification: Distribution
  /// Technicians on shift; a repair waits when all are busy.
  public var technicians: Int
  /// When technicians work (``Shift``).
  public var shift: Shift
  /// The planned-work window that deferred repairs wait for, or nil (no window).
  public var maintenanceWindow: MaintenanceWindow?
  /// Spare pools by FRU id. FRUs without a pool are assumed always in stock.
  public var spares: [String: SparePool]
  /// Workflow by FRU id. FRUs without one use `Workflow.default(for:)`.
  public var workflows: [String: Workflow]
  /// Workflows for single failure modes, by FRU id and then mode (`mode` or `part/mode`),
  /// overriding the FRU's workflow for that mode.
  public var modeWorkflows: [String: [String: Workflow]] = [:]

  /// A scenario file's defaults are a detection of 5 min, a verification of 10 min and 2
  /// technicians on shift.
  public init(detection: Distribution, verification: Distribution, technicians: Int, shift: Shift = .twentyFourSeven,
              maintenanceWindow: MaintenanceWindow? = nil, spares: [String: SparePool] = [:], workflows: [String: Workflow] = [:],
              modeWorkflows: [String: [String: Workflow]] = [:]) {
    self.detection = detection
    self.verification = verification
    self.technicians = technicians
    self.shift = shift
    self.maintenanceWindow = maintenanceWindow
    self.spares = spares
    self.workflows = workflows
    self.modeWorkflows = modeWorkflows
  }

  /// When technicians work: around the clock or office hours.
  public enum Shift: String, Sendable, Hashable, CaseIterable {
    /// Around the clock.
    case twentyFourSeven = "24x7"
    /// 08:00–16:00, Monday to Friday (the horizon starts on a Monday at 00:00).
    case eightFive = "8x5"
  }

  /// A recurring window for planned work: every `every` hours, `duration` long, the first at
  /// `offset`.
  public struct MaintenanceWindow: Sendable, Hashable {
    /// Time between window starts, in hours.
    public var every: Hours
    /// Window length, in hours.
    public var duration: Hours
    /// Start of the first window after time 0, in hours.
    public var offset: Hours

    /// A window every `every` hours lasting `duration`, the first `offset` hours after time 0.
    public init(every: Hours, duration: Hours, offset: Hours = 0) {
      self.every = every
      self.duration = duration
      self.offset = offset
    }
  }

  /// A stock of spare FRUs with a reorder-point policy.
  public struct SparePool: Sendable, Hashable {
    /// Spares on hand at time 0.
    public var initial: Int
    /// Reorder when stock on hand plus on order falls to this level.
    public var reorderPoint: Int
    /// Spares per order.
    public var reorderQuantity: Int
    /// Time from an order to its arrival, in hours.
    public var leadTime: Hours

    /// A pool that starts with `initial` spares and orders `reorderQuantity` more, arriving after
    /// `leadTime` hours, whenever stock on hand plus on order falls to `reorderPoint`.
    public init(initial: Int, reorderPoint: Int, reorderQuantity: Int, leadTime: Hours) {
      self.initial = initial
      self.reorderPoint = reorderPoint
      self.reorderQuantity = reorderQuantity
      self.leadTime = leadTime
    }
  }
}

/// What happens after a FRU fails.
public struct Workflow: Sendable, Hashable {
  /// What the technician does to the failed FRU.
  public enum Action: String, Sendable, Hashable, CaseIterable {
    /// Pull the module and insert a spare, with the link live around it.
    case hotSwap = "hot-swap"
    /// Swap an external laser source module at the front panel.
    case laserSwap = "laser-swap"
    /// Drain the blast radius and replace the board or switch from spares.
    case boardReplace = "board-replace"
    /// Like board-replace, but the failed board goes for rework and returns to the spare pool.
    case rmaRework = "rma-rework"
  }

  /// When the action happens.
  public enum When: String, Sendable, Hashable, CaseIterable {
    /// As soon as a technician and a spare are available.
    case now
    /// At the next maintenance window; the failed element stays down until then.
    case maintenanceWindow = "maintenance-window"
    /// Leave it degraded (ports dark, rest in service) and fix it in the next window.
    case degradedUntilWindow = "degraded-until-window"
    /// Leave the failed engine's or laser's ports dark, move their links to the switch's spare
    /// ports when it has enough, and swap the FRU at the next window or as soon as its switch
    /// has more than `swapWhenDarkExceeds` dark ports.
    case leaveDark = "leave-dark"
  }

  /// What the technician does (``Action``).
  public var action: Action
  /// When it happens (``When``).
  public var when: When
  /// Technician hands-on time for the action.
  public var handsOn: Distribution
  /// Time to drain the blast radius first (planned: jobs checkpoint before it).
  public var drain: Distribution
  /// Try cleaning or reseating before replacing (pluggables).
  public var cleanFirst: Bool
  /// Probability a clean/reseat attempt fixes a failure that needs a replacement anyway
  /// is 0; this is the probability that a clean attempt succeeds on a contamination failure.
  public var cleanSuccess: Double
  /// Probability that the replaced unit turns out to have no fault.
  public var noFaultFound: Double
  /// Probability that handling disturbs a neighbouring link (collateral damage).
  public var collateral: Double
  /// Rework turnaround for `rma-rework`, after which the board returns to the spare pool.
  public var rmaTurnaround: Hours
  /// `leave-dark`: swap as soon as the switch has more dark ports than this (nil: only at windows).
  public var swapWhenDarkExceeds: Int? = nil
  /// `leave-dark`: time to move a dark port's link to a spare port of the same switch.
  public var remapTime: Hours = 1
  /// Fix a unit that flaps too often as planned work (lemon detection).
  public var proactive: Proactive? = nil
  /// Swap a unit whose degradation was detected (pre-FEC monitoring), as planned work.
  public var actOnDegradation = false

  /// A workflow with every field given; `Workflow.default(action:)` gives the loader's
  /// defaults for an action, to change a few fields of.
  public init(action: Action, when: When, handsOn: Distribution, drain: Distribution, cleanFirst: Bool, cleanSuccess: Double,
              noFaultFound: Double, collateral: Double, rmaTurnaround: Hours) {
    self.action = action
    self.when = when
    self.handsOn = handsOn
    self.drain = drain
    self.cleanFirst = cleanFirst
    self.cleanSuccess = cleanSuccess
    self.noFaultFound = noFaultFound
    self.collateral = collateral
    self.rmaTurnaround = rmaTurnaround
  }

  /// `proactive: {after_flaps: K, within: W, action: clean|replace, when: now|maintenance-window}`.
  public struct Proactive: Sendable, Hashable {
    /// Flaps that mark a lemon (1 to ``maximumFlaps``).
    public var afterFlaps: Int
    /// The window, in hours, the flaps must fall in.
    public var within: Hours
    /// Replace the lemon (true) or clean it (false).
    public var replace: Bool
    /// Act at the next maintenance window (true) or now (false).
    public var atWindow: Bool
    /// The largest `after_flaps` the engine tracks.
    public static let maximumFlaps = 8

    /// `afterFlaps` flaps (1 to `maximumFlaps`) within `within` hours mark a lemon, which is
    /// replaced (`replace`) or cleaned, at the next maintenance window (`atWindow`) or now.
    public init(afterFlaps: Int, within: Hours, replace: Bool, atWindow: Bool) {
      self.afterFlaps = afterFlaps
      self.within = within
      self.replace = replace
      self.atWindow = atWindow
    }
  }

  /// The workflow used when a scenario names none, by the FRU's role.
  public static func `default`(action: Action) -> Workflow {
    Workflow(
      action: action, when: .now,
      handsOn: .deterministic(try! Deterministic(value: action == .hotSwap || action == .laserSwap ? 0.25 : 2)),
      drain: .deterministic(try! Deterministic(value: action == .boardReplace || action == .rmaRework ? 0.5 : 0)),
      cleanFirst: action == .hotSwap, cleanSuccess: 0.5, noFaultFound: 0, collateral: 0, rmaTurnaround: 6 * 168)
  }
}

/// A training job that depends on the fabric, and how it fails and recovers (docs/scenarios.md,
/// "Jobs"; the Engine article, "Jobs and the node pool").
public struct JobSpec: Sendable, Hashable {
  /// The job's name, used in reports (`job_*` metrics).
  public var name: String
  /// GPUs the job uses; its nodes are these in groups of the fabric's GPUs per node.
  public var gpus: Int
  /// Interval between durable checkpoints (computing time).
  public var checkpointInterval: Hours
  /// Time a durable checkpoint write blocks training.
  public var checkpointWrite: Hours
  /// Re-initialisation plus loading the durable checkpoint after an interruption.
  public var restartOverhead: Hours
  /// What a GPU-hour of the job costs, in US dollars: lost and idle GPU-hours are priced at it.
  public var usdPerGPUHour: Double
  /// Host and GPU failures of the job's nodes, per node per hour (on the calendar: they strike
  /// whether the job runs, restarts or waits).
  public var backgroundRatePerNodeHour: Double
  /// Probability that a failed uplink (leaf–spine and above) interrupts the job; multipath
  /// absorbs the rest.
  public var uplinkInterruptProbability: Double
  /// Flaps of the job's NIC links (of every link, on a plain system) no longer than this do not
  /// interrupt the job.
  public var flapTolerance: Hours = 0
  /// Flaps of links above the leaves no longer than this do not interrupt the job (transport
  /// retries and multipath ride them out); nil: `flapTolerance`.
  public var uplinkFlapTolerance: Hours? = nil
  /// Time from a hard failure (a host, a NIC, a link or switch down) to the job noticing it and
  /// beginning its restart: a watchdog, health check or collective timeout. The job hangs
  /// meanwhile.
  public var detection: Hours = 0
  /// The same for a flap longer than the tolerance (often the collective timeout); nil: `detection`.
  public var flapDetection: Hours? = nil
  /// A second, fast checkpoint tier (in host memory with peer copies); nil: durable only.
  public var memoryCheckpoint: MemoryCheckpoint? = nil
  /// Where the job's nodes are on the fabric.
  public var placement: Placement = .contiguous
  /// Elastic restart: continue on this many nodes or more (at proportional throughput) while
  /// waiting for spares; nil: wait for the full set.
  public var minNodes: Int? = nil
  /// What a node that loses one plane's path (fabrics with planes) does to the job.
  public var planeLoss: DegradedPolicy = .interrupt
  /// What a node that loses one of its NICs (single-plane fabrics; the other NICs still work,
  /// traffic fails over to them) does to the job.
  public var nicLoss: DegradedPolicy = .interrupt
  /// Share of a training step spent in communication that compute does not hide. A job runs at
  /// the speed of its slowest node: a node left with a share s of its NIC bandwidth makes every
  /// step take (1 − c) + c/s of its time, so the job's throughput is 1 / ((1 − c) + c/s).
  public var communicationShare: Double = 1

  /// A job with the fields a scenario file must give; the others take the loader's defaults
  /// (no flap tolerance or detection delay, durable checkpoints only, contiguous placement,
  /// node losses interrupt).
  public init(name: String, gpus: Int, checkpointInterval: Hours, checkpointWrite: Hours, restartOverhead: Hours,
              usdPerGPUHour: Double, backgroundRatePerNodeHour: Double, uplinkInterruptProbability: Double) {
    self.name = name
    self.gpus = gpus
    self.checkpointInterval = checkpointInterval
    self.checkpointWrite = checkpointWrite
    self.restartOverhead = restartOverhead
    self.usdPerGPUHour = usdPerGPUHour
    self.backgroundRatePerNodeHour = backgroundRatePerNodeHour
    self.uplinkInterruptProbability = uplinkInterruptProbability
  }

  /// The in-memory (or peer-copy) checkpoint tier: every `interval` of computing the job saves
  /// its state in host memory with a copy on a peer, and every k-th of these (k =
  /// checkpoint interval / interval, a whole number) is the durable one. A restart loads from
  /// memory when the outage lost at most `survivesNodesLost` nodes (their copies live on
  /// peers), else from the durable tier.
  public struct MemoryCheckpoint: Sendable, Hashable {
    /// Computing time between in-memory checkpoints; divides the durable interval.
    public var interval: Hours
    /// Time an in-memory checkpoint blocks training.
    public var write: Hours
    /// Re-initialisation plus loading from memory.
    public var restart: Hours
    /// The most nodes an outage may take with the memory copies still restorable from peers.
    public var survivesNodesLost: Int

    /// An in-memory tier with the given interval, write and restart times (hours).
    public init(interval: Hours, write: Hours, restart: Hours, survivesNodesLost: Int) {
      self.interval = interval
      self.write = write
      self.restart = restart
      self.survivesNodesLost = survivesNodesLost
    }
  }

  /// How a job's nodes are chosen on the fabric.
  public enum Placement: String, Sendable, Hashable, CaseIterable {
    /// The next free nodes in order (jobs share leaves as little as possible).
    case contiguous
    /// One node per leaf block in turn (the job touches as many leaves as it can).
    case spread
  }

  /// What the job does when one of its nodes loses part of its bandwidth (some NICs or one
  /// plane's path cut, not all).
  public enum DegradedPolicy: String, Sendable, Hashable, CaseIterable {
    /// The node counts as lost: the job is interrupted and swaps it for a spare.
    case interrupt
    /// The job runs on at its slowest node's speed until the path comes back.
    case degrade
    /// The job runs on degraded until its next checkpoint, then swaps the node for a spare with
    /// a planned restart (nothing lost but the restart).
    case swapAtCheckpoint = "swap-at-checkpoint"
  }

  /// Flaps of links above the leaves no longer than this are ridden out.
  public var uplinkTolerance: Hours { uplinkFlapTolerance ?? flapTolerance }
  /// The hang before the restart after a flap longer than the tolerance.
  public var flapHang: Hours { flapDetection ?? detection }
  /// Durable checkpoints per in-memory one (1 without a memory tier).
  public var memoryCheckpointsPerDurable: Int {
    guard let m = memoryCheckpoint else { return 1 }
    return max(1, Int((checkpointInterval / m.interval).rounded()))
  }

  /// The throughput of a job whose slowest node has a share `s` of its bandwidth left.
  public func throughput(bandwidthShare s: Double) -> Double {
    guard s < 1 else { return 1 }
    guard s > 0 else { return 0 }
    return 1 / ((1 - communicationShare) + communicationShare / s)
  }

  /// Nodes of the job: GPUs in groups of `gpusPerNode`.
  public func nodes(gpusPerNode: Int) -> Int { (gpus + gpusPerNode - 1) / gpusPerNode }
}

/// The fabric's nodes outside the jobs: warm spares, and how failed nodes come back.
public struct NodePoolSpec: Sendable, Hashable {
  /// Nodes reserved as spares: a count, a share of the fabric's nodes, or nil for every node no
  /// job uses.
  public var spareNodes: SpareNodes? = nil
  /// Time to bring a spare into a job (warm: minutes; cold: longer), added to the restart.
  public var spareSwapTime: Hours = 5.0 / 60
  /// How long a node taken out by a host or GPU failure stays out.
  public var hostRepair: Distribution = .deterministic(try! Deterministic(value: 24))
  /// What an idle warm spare node costs, per GPU-hour (its capital or its rental price); nil:
  /// the first job's `usd_per_gpu_hour`.
  public var spareUSDPerGPUHour: Double? = nil

  /// How many nodes are reserved as spares.
  public enum SpareNodes: Sendable, Hashable {
    /// This many nodes.
    case count(Int)
    /// This share of the fabric's nodes (0 to 1), rounded up.
    case fraction(Double)
  }

  /// The loader's defaults: every node no job uses is a warm spare, swapped in 5 minutes; a host
  /// repair takes 24 hours.
  public init() {}

  /// The number of spare nodes out of `nodes`, given `inJobs` nodes in jobs.
  public func spares(nodes: Int, inJobs: Int) -> Int {
    switch spareNodes {
    case nil: max(0, nodes - inJobs)
    case let .count(n)?: n
    case let .fraction(f)?: Int((f * Double(nodes)).rounded(.up))
    }
  }
}

/// Prices that turn counts into money.
public struct CostSpec: Sendable, Hashable {
  /// Technician labour, US dollars per hands-on hour.
  public var technicianUSDPerHour: Double
  /// A fixed fee per repair visit, US dollars.
  public var dispatchFeeUSD: Double
  /// Electricity, US dollars per kWh at the meter.
  public var electricityUSDPerKWh: Double
  /// Power usage effectiveness: facility power per IT watt (at least 1).
  public var pue: Double
  /// Cost of holding spares, per year, as a fraction of the value of the stock on hand
  /// (capital, storage, insurance, obsolescence); the spares capital cost line (docs/inputs.md).
  public var sparesCarryingRatePerYear: Double = 0.25
  /// How the fabric's capital (every FRU the plant holds, at its unit price) is counted: nil
  /// leaves it out; `.life(L)` amortises it straight-line over L hours (the horizon carries h/L
  /// of it); `.oneOff` counts all of it once, whatever the horizon (docs/alternatives.md).
  public var capital: Capital? = nil

  /// The loader's defaults are $29.98/h (BLS median), no dispatch fee, $0.078/kWh and PUE 1.56.
  public init(technicianUSDPerHour: Double, dispatchFeeUSD: Double, electricityUSDPerKWh: Double, pue: Double,
              sparesCarryingRatePerYear: Double = 0.25, capital: Capital? = nil) {
    self.technicianUSDPerHour = technicianUSDPerHour
    self.dispatchFeeUSD = dispatchFeeUSD
    self.electricityUSDPerKWh = electricityUSDPerKWh
    self.pue = pue
    self.sparesCarryingRatePerYear = sparesCarryingRatePerYear
    self.capital = capital
  }

  /// How the fabric's capital is counted.
  public enum Capital: Sendable, Hashable {
    /// Straight-line over a life of this many hours.
    case life(Hours)
    /// All of it once, whatever the horizon.
    case oneOff

    /// The share of the installed capital a horizon of `h` hours carries.
    public func share(horizon h: Hours) -> Double {
      switch self {
      case let .life(life): h / life
      case .oneOff: 1
      }
    }
  }
}

/// A tail probability the report gives: the share of trials in which a metric is beyond a
/// value, such as `job_ettr < 0.9` or `job_worst_month_interruptions > 10`.
public struct Threshold: Sendable, Hashable {
  /// How the metric is compared with the value.
  public enum Comparison: String, Sendable, Hashable, CaseIterable {
    /// `<`, `<=`, `>`, `>=`.
    case below = "<", atMost = "<=", above = ">", atLeast = ">="
  }

  /// How the value was written: a plain number, a duration (in hours) or a percentage.
  public enum Written: Sendable, Hashable {
    /// A plain number, in the metric's unit.
    case number
    /// A duration (`30d`), compared in hours.
    case duration
    /// A percentage (`90%`), compared as a ratio.
    case percent
  }

  /// The metric compared (a ``TrialMetrics`` name).
  public let metric: String
  /// `<`, `<=`, `>` or `>=`.
  public let comparison: Comparison
  /// The value, in the metric's unit (hours for a duration, a ratio for a percentage).
  public let value: Double
  /// How the value was written.
  public let written: Written
  /// As written in the scenario, which is also its name in the report.
  public let text: String

  /// A threshold `metric comparison value`, written as `text`.
  public init(metric: String, comparison: Comparison, value: Double, written: Written, text: String) {
    self.metric = metric
    self.comparison = comparison
    self.value = value
    self.written = written
    self.text = text
  }

  /// Whether a trial's value `x` of the metric satisfies the threshold.
  public func holds(_ x: Double) -> Bool {
    switch comparison {
    case .below: x < value
    case .atMost: x <= value
    case .above: x > value
    case .atLeast: x >= value
    }
  }
}

/// An event that takes a group of switches down together: a rack or row power event, a
/// firmware bug in all switches of a model, a cooling zone. Events arrive as a Poisson process
/// per group.
public struct CommonCause: Sendable, Hashable {
  /// The cause's name, used in reports.
  public var name: String
  /// The tier whose switches form the groups (`leaf`, `spine`, `core`), or nil for every switch.
  public var tier: String?
  /// Switches per group (consecutive switches of the tier: a row); 0 for the whole tier at once.
  public var groupSize: Int
  /// Events per group per hour.
  public var ratePerHour: Double
  /// How long an event keeps the group down.
  public var duration: Distribution
  /// A planned event (a firmware rollback): the group is drained, so jobs checkpoint first.
  public var planned: Bool

  /// A common cause `name` striking groups of `groupSize` switches of `tier` (nil: every switch) at `ratePerHour` events per group per hour, each lasting a draw of `duration` hours; `planned` drains first.
  public init(name: String, tier: String?, groupSize: Int, ratePerHour: Double, duration: Distribution, planned: Bool) {
    self.name = name
    self.tier = tier
    self.groupSize = groupSize
    self.ratePerHour = ratePerHour
    self.duration = duration
    self.planned = planned
  }
}

/// How old the units are when the horizon starts: `installedAge`, plus a commissioning ramp
/// (each unit installed at a time drawn uniformly over `commissioningRamp` before that). Hazards
/// that change with age (Weibull, lognormal, mixtures) start where the fleet is.
public struct FleetSpec: Sendable, Hashable {
  /// Age of the units at the start of the horizon, in hours.
  public var installedAge: Hours = 0
  /// Spread of installation times before that, in hours (0: all installed together).
  public var commissioningRamp: Hours = 0
  /// A new fleet: every unit installed at time 0.
  public init() {}

  /// The age of the oldest units at the start.
  public var oldestAge: Hours { installedAge + commissioningRamp }
}
