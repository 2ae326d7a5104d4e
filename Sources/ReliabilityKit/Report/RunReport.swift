import Foundation

/// The JSON report of `cposim run`. The schema is `schemas/report.schema.json`; the meaning of
/// every field is in ReliabilityKit.docc/ReportSchema.md. Bump `schemaVersion` on any breaking
/// change.
public struct RunReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// A file read and its SHA-256.
  public struct FileHash: Codable, Sendable, Equatable {
    /// The path as the run named it.
    public let path: String
    /// The file's SHA-256, 64 lowercase hex digits.
    public let sha256: String
  }

  /// What made the report: the tool, its build, the generator, the seed and the trials.
  public struct RunProvenance: Encodable, Sendable {
    /// cposim's version (`ToolVersion.current`).
    public let toolVersion: String
    /// The git commit of the build that computed the trials (`ToolVersion.commit`).
    public let buildCommit: String
    /// The GNU Scientific Library's version.
    public let gslVersion: String
    /// The random number generator (`taus2`).
    public let generator: String
    /// The run's master seed.
    public let seed: UInt64
    /// Trials run.
    public let trials: Int
    /// Trials per block (the unit of threads, shards and checkpoints).
    public let blockSize: Int
    /// Every scenario file of the `extends` chain and the catalog, with their SHA-256.
    public let scenarioFiles: [FileHash]
  }

  /// Where the failures, repairs and spares went.
  public struct Breakdowns: Encodable, Sendable {
    /// Failures per trial by `part/mode` (hard failures, flaps and absorbed failures).
    public let failuresByMode: [String: Estimate]
    /// Repairs per trial by workflow action (`hot-swap`, `board-replace`, ...).
    public let repairsByAction: [String: Estimate]
    /// Spares used per trial by FRU.
    public let sparesUsedByFru: [String: Estimate]
    /// Per-job metrics by job name.
    public let jobs: [String: [String: Estimate]]
  }

  /// One month of a time series: the mean over trials with its 95 % interval.
  public struct MonthPoint: Encodable, Sendable {
    /// The month's index, 0 for the first.
    public let month: Int
    /// When the month starts, in hours from time 0.
    public let startHours: Double
    /// The mean over trials.
    public let mean: FiniteOrNull
    /// Lower bound of the mean's 95 % interval.
    public let ci95Low: FiniteOrNull
    /// Upper bound of the mean's 95 % interval.
    public let ci95High: FiniteOrNull
  }

  /// Metrics over the horizon, month by month.
  public struct TimeSeries: Encodable, Sendable {
    /// Failures per month (730 h), mean over trials with its interval.
    public let monthlyFailures: [MonthPoint]
  }

  /// One histogram bin: trials whose value fell in [`low`, `high`).
  public struct Bin: Encodable, Sendable {
    /// The bin's lower edge, in the metric's unit.
    public let low: Double
    /// The bin's upper edge.
    public let high: Double
    /// Trials in the bin.
    public let count: Int
  }

  /// Checkpoint advice for one job: the Young/Daly interval for the simulated mean time between
  /// interruptions, and the ETTR the job model gives at the current and the advised interval.
  public struct CheckpointAdvice: Encodable, Sendable {
    /// The job's durable checkpoint interval, in hours.
    public let currentIntervalHours: Double
    /// The time a durable checkpoint write blocks training, in hours.
    public let checkpointWriteHours: Double
    /// The restart overhead after an interruption, in hours.
    public let restartOverheadHours: Double
    /// Horizon over the mean number of interruptions per trial.
    public let meanTimeBetweenInterruptionsHours: FiniteOrNull
    /// Young's optimum interval for the simulated mean time between interruptions, in hours.
    public let youngIntervalHours: FiniteOrNull
    /// Daly's optimum interval, in hours.
    public let dalyIntervalHours: FiniteOrNull
    /// The job's mean effective training time ratio over the trials.
    public let simulatedEttr: FiniteOrNull
    /// `Checkpointing.exactETTR` with interruptions as a Poisson process at the simulated rate.
    public let modelEttrAtCurrentInterval: FiniteOrNull
    /// The same model's ETTR at Daly's interval.
    public let modelEttrAtDalyInterval: FiniteOrNull
    /// Time from a failure to the restart's beginning (the job hangs).
    public let detectionHours: Double
    /// The in-memory tier, for jobs that have one: the durable fields above then count only the
    /// interruptions that needed the durable tier.
    public let memoryTier: Nullable<MemoryTierAdvice>
    /// The advice in words.
    public let note: String
  }

  /// Young/Daly for the in-memory tier: its own write time and the interruptions it restarted.
  public struct MemoryTierAdvice: Encodable, Sendable {
    /// The in-memory checkpoint interval, in hours.
    public let currentIntervalHours: Double
    /// The time an in-memory checkpoint blocks training, in hours.
    public let checkpointWriteHours: Double
    /// The restart time from memory, in hours.
    public let restartHours: Double
    /// Share of interruptions restarted from memory.
    public let shareRestartedFromMemory: FiniteOrNull
    /// Horizon over the mean number of interruptions restarted from memory.
    public let meanTimeBetweenInterruptionsHours: FiniteOrNull
    /// Young's optimum interval for the memory tier, in hours.
    public let youngIntervalHours: FiniteOrNull
    /// Daly's optimum interval for the memory tier, in hours.
    public let dalyIntervalHours: FiniteOrNull
  }

  /// The report's `schema_version`.
  public let schemaVersion = RunReport.schemaVersion
  /// What made the report.
  public let provenance: RunProvenance
  /// The scenario as run: its fabric or system, parts, repairs, jobs and costs.
  public let scenario: ScenarioDescription
  /// Every metric by name (``TrialMetrics``): mean, interval, spread and quantiles over trials.
  public let metrics: [String: Estimate]
  /// Failures by mode, repairs by action, spares by FRU, per-job metrics.
  public let breakdowns: Breakdowns
  /// Failures month by month.
  public let timeseries: TimeSeries
  /// Histogram bins of every metric over trials (the quantile sketch's buckets).
  public let histograms: [String: [Bin]]
  /// Checkpoint advice by job name.
  public let checkpointAdvice: [String: CheckpointAdvice]
  /// Inputs given as ranges, by key path: the range and the values the trials drew.
  public let uncertainInputs: [String: UncertainInputDescription]
  /// The scenario's thresholds, as written (`job_ettr < 0.9`): the share of trials beyond each.
  public let tailProbabilities: [String: ComparisonReport.Probability]

  /// An input given as a range: its shape, bounds and the values the trials drew.
  public struct UncertainInputDescription: Encodable, Sendable {
    /// `uniform`, `triangular` or `lognormal`.
    public let shape: String
    /// The range's low bound, in `unit`.
    public let low: Double
    /// The range's high bound, in `unit`.
    public let high: Double
    /// The triangular shape's mode, in `unit`; null for the other shapes.
    public let mode: Nullable<Double>
    /// The value used when nothing is drawn (the geometric mean of the bounds for a lognormal,
    /// the midpoint for a uniform, the mode for a triangular).
    public let central: Double
    /// The unit as written (`h`, `%`, `/y`), empty for plain numbers.
    public let unit: String
    /// The values the trials drew.
    public let drawn: Estimate
  }

  /// The report of a run.
  /// - Parameters:
  ///   - simulation: the simulation that ran (its scenario is described in the report).
  ///   - definitions: `metrics`, the metrics collected (their names and units).
  ///   - s: `statistics`, what the trials gave (``RunStatistics``).
  ///   - seed: the run's master seed.
  ///   - buildCommit: the commit of the build that computed the trials: this one's, or
  ///     for merged shards, theirs.
  public init(simulation: Simulation, metrics definitions: TrialMetrics, statistics s: RunStatistics, seed: UInt64,
              buildCommit: String = ToolVersion.commit) {
    let scenario = simulation.scenario
    provenance = RunProvenance(
      toolVersion: ToolVersion.current, buildCommit: buildCommit, gslVersion: ToolVersion.gsl, generator: RandomSource.generatorName,
      seed: seed, trials: s.trials, blockSize: TrialBlocks.size,
      scenarioFiles: RunReport.hashes(scenario.files + (scenario.catalogFile.map { [$0] } ?? [])))
    self.scenario = ScenarioDescription(scenario)
    var metrics: [String: Estimate] = [:], histograms: [String: [Bin]] = [:]
    for (definition, accumulator) in zip(definitions.definitions, s.metrics) {
      metrics[definition.name] = Estimate(accumulator, unit: definition.unit)
      histograms[definition.name] = accumulator.sketch.bins.map { Bin(low: $0.low, high: $0.high, count: $0.count) }
    }
    self.metrics = metrics
    self.histograms = histograms
    let jobs = Dictionary(uniqueKeysWithValues: zip(scenario.jobs, s.jobs).map { spec, accumulators in
      (spec.name, Dictionary(uniqueKeysWithValues: zip(definitions.jobDefinitions, accumulators).map {
        ($0.name, Estimate($1, unit: $0.unit))
      }))
    })
    breakdowns = Breakdowns(
      failuresByMode: Dictionary(uniqueKeysWithValues: zip(s.modeKeys, s.failuresByMode).map { ($0, Estimate($1, unit: "count")) }),
      repairsByAction: Dictionary(uniqueKeysWithValues: zip(Workflow.Action.allCases, s.repairsByAction).map {
        ($0.rawValue, Estimate($1, unit: "count"))
      }),
      sparesUsedByFru: Dictionary(uniqueKeysWithValues: zip(simulation.spareFRUs, s.sparesByFRU).map { ($0, Estimate($1, unit: "count")) }),
      jobs: jobs)
    var advice: [String: CheckpointAdvice] = [:]
    let interruptionsIndex = definitions.jobDefinitions.firstIndex { $0.name == "job_interruptions" }!
    let plannedIndex = definitions.jobDefinitions.firstIndex { $0.name == "job_planned_interruptions" }!
    let memoryIndex = definitions.jobDefinitions.firstIndex { $0.name == "job_restarts_from_memory" }!
    let ettrIndex = definitions.jobDefinitions.firstIndex { $0.name == "job_ettr" }!
    for (spec, accumulators) in zip(scenario.jobs, s.jobs) {
      let horizon = scenario.horizon
      func meanTime(_ count: Double) -> Double { count > 0 ? horizon / count : .infinity }
      func optima(write w: Double, mtbi m: Double) -> (young: Double, daly: Double) {
        m.isFinite ? (Checkpointing.youngOptimum(writeTime: w, meanTimeBetweenInterruptions: m),
                      Checkpointing.dalyOptimum(writeTime: w, meanTimeBetweenInterruptions: m)) : (.nan, .nan)
      }
      // Unplanned interruptions lose work; planned ones checkpoint first.
      let unplanned = max(0, accumulators[interruptionsIndex].mean - accumulators[plannedIndex].mean)
      let fromMemory = spec.memoryCheckpoint == nil ? 0 : min(unplanned, accumulators[memoryIndex].mean)
      // Each tier's interval answers the interruptions that fall back to it (the multilevel
      // form of Young/Daly): the durable tier sees only those the memory tier could not serve.
      let m = meanTime(unplanned - fromMemory)
      let w = spec.checkpointWrite
      let (young, daly) = optima(write: w, mtbi: m)
      let d = spec.detection
      func model(_ interval: Double) -> Double {
        guard spec.memoryCheckpoint == nil, m.isFinite, interval > 0 else { return .nan }
        return Checkpointing.exactETTR(interruptionRate: 1 / m, restartOverhead: spec.restartOverhead, interval: interval,
                                       writeTime: w, detection: d)
      }
      var memoryTier: MemoryTierAdvice?
      var note: String
      if let tier = spec.memoryCheckpoint {
        let mm = meanTime(fromMemory)
        let (my, md) = optima(write: tier.write, mtbi: mm)
        memoryTier = MemoryTierAdvice(
          currentIntervalHours: tier.interval, checkpointWriteHours: tier.write, restartHours: tier.restart,
          shareRestartedFromMemory: FiniteOrNull(unplanned > 0 ? fromMemory / unplanned : .nan),
          meanTimeBetweenInterruptionsHours: FiniteOrNull(mm), youngIntervalHours: FiniteOrNull(my),
          dalyIntervalHours: FiniteOrNull(tier.write > 0 ? md : .nan))
        note = "two tiers: each interval is Young/Daly for the interruptions that restart from that tier (the durable one "
          + "sees only those the in-memory copies could not serve); the durable interval must stay a whole multiple of the "
          + "in-memory one; no closed-form ETTR is given for two tiers, the simulated one is the answer"
        if w == 0 || tier.write == 0 { note += "; a tier whose writes cost no time here is best written as often as it really can be" }
      } else {
        note = w == 0
          ? "checkpoint writes cost no time here, so shorter intervals always help; the optimum is limited by the real write time"
          : "Daly's interval for the simulated mean time between interruptions; the model ETTR assumes Poisson interruptions"
      }
      advice[spec.name] = CheckpointAdvice(
        currentIntervalHours: spec.checkpointInterval, checkpointWriteHours: w, restartOverheadHours: spec.restartOverhead,
        meanTimeBetweenInterruptionsHours: FiniteOrNull(m), youngIntervalHours: FiniteOrNull(young), dalyIntervalHours: FiniteOrNull(daly),
        simulatedEttr: FiniteOrNull(accumulators[ettrIndex].mean), modelEttrAtCurrentInterval: FiniteOrNull(model(spec.checkpointInterval)),
        modelEttrAtDalyInterval: FiniteOrNull(w > 0 ? model(daly) : .nan), detectionHours: d,
        memoryTier: Nullable(memoryTier), note: note)
    }
    checkpointAdvice = advice
    tailProbabilities = Dictionary(uniqueKeysWithValues: zip(scenario.thresholds, s.beyond).map { threshold, count in
      (threshold.text, ComparisonReport.Probability(share: count, of: s.trials))
    })
    uncertainInputs = Dictionary(uniqueKeysWithValues: zip(scenario.uncertainInputs, s.inputs).map { input, drawn in
      (input.keyPath, UncertainInputDescription(shape: input.shape.rawValue, low: input.low, high: input.high,
                                                mode: Nullable(input.mode), central: input.central, unit: input.suffix,
                                                drawn: Estimate(drawn, unit: input.suffix.isEmpty ? "value" : input.suffix)))
    })
    timeseries = TimeSeries(monthlyFailures: s.monthlyFailures.enumerated().map { month, a in
      MonthPoint(month: month, startHours: Double(month) * 730, mean: FiniteOrNull(a.count > 0 ? a.mean : .nan),
                 ci95Low: FiniteOrNull(a.ci95?.lowerBound ?? .nan), ci95High: FiniteOrNull(a.ci95?.upperBound ?? .nan))
    })
  }

  /// SHA-256 of each file's bytes (an unreadable file gets an empty hash).
  public static func hashes(_ paths: [String]) -> [FileHash] {
    paths.map { path in
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) }
      return FileHash(path: path, sha256: bytes.map(SHA256.hex) ?? "")
    }
  }
}

/// The resolved inputs of a scenario, as the report records them.
public struct ScenarioDescription: Encodable, Sendable {
  /// One failure mode of a part, as the scenario resolved it (a ``FailureMode``).
  public struct ModeDescription: Encodable, Sendable {
    /// The mode's id within its part (`laser-wearout`).
    public let id: String
    /// Time to failure from installation or renewal: family and parameters, in hours.
    public let distribution: DistributionDescription
    /// `hard` (down until repaired) or `flap` (clears by itself after `flap_duration`).
    public let effect: String
    /// How long a flap lasts, in hours; null for a hard mode.
    public let flapDuration: Nullable<DistributionDescription>
    /// What a technician does to fix it: `replace`, `clean`, `reseat` or `none` (flaps).
    public let fix: String
    /// The mode's source: a FailureData/SOURCES.md key, or `estimate`.
    public let source: String
  }

  /// A catalog part the scenario can use, with its prices and failure modes (a ``Part``).
  public struct PartDescription: Encodable, Sendable {
    /// Catalog id (`pluggable-800g`).
    public let id: String
    /// The field-replaceable unit the part belongs to; replacing the FRU renews the part.
    public let fru: String
    /// Electrical power of one unit, in watts (the energy cost line).
    public let powerW: Double
    /// Price of one spare, in US dollars.
    public let unitCostUsd: Double
    /// Warranty from installation or renewal, in hours; null: no warranty.
    public let warrantyHours: Nullable<Double>
    /// Price of reworking one unit outside its warranty (`rma-rework`), in US dollars; null: none given.
    public let reworkCostUsd: Nullable<Double>
    /// Cost of one RMA shipment (to the vendor and back), in US dollars.
    public let rmaLogisticsUsd: Double
    /// Power of the host SerDes lanes that drive one unit, in watts (the SerDes energy line).
    public let hostSerdesW: Double
    /// Vendor support contract per unit per year, in US dollars.
    public let supportUsdPerYear: Double
    /// The part's source: a FailureData/SOURCES.md key, or `estimate`.
    public let source: String
    /// Its competing failure modes, in catalog order.
    public let modes: [ModeDescription]
  }

  /// One FRU of the plant in the capital and contract lines: how many, at what price, with the
  /// provenance of each price (`sourced:<key>`, `estimate`, `calibrated` or `unstated`).
  public struct CapitalLine: Encodable, Sendable {
    /// The FRU's id.
    public let fru: String
    /// The part that carries the FRU's price and contract.
    public let part: String
    /// Units of the FRU the plant holds.
    public let count: Int
    /// Price of one unit, in US dollars (`part`'s `unit_cost_usd`).
    public let unitCostUsd: Double
    /// Provenance of the price: `sourced:<key>`, `estimate`, `calibrated` or `unstated`.
    public let unitCostSource: String
    /// `count` × `unit_cost_usd`: the installed capital of the FRU, in US dollars.
    public let installedUsd: Double
    /// Support contract per unit per year, in US dollars (0: none).
    public let supportUsdPerYear: Double
    /// Provenance of the support price, or `none` when there is no contract.
    public let supportSource: String
    /// Host SerDes power of one FRU (all its parts), and of all of them.
    public let hostSerdesW: Double
    /// Provenance of the SerDes power, or `none` when the FRU has none.
    public let hostSerdesSource: String
    /// `count` × `host_serdes_w`: the SerDes power of every unit of the FRU, in watts.
    public let totalHostSerdesW: Double
  }

  /// The fabric preset as resolved (a ``FabricSpec``); PSU and fan counts are not recorded.
  public struct FabricDescription: Encodable, Sendable {
    /// `leaf-spine` or `three-tier-clos`.
    public let topology: String
    /// GPUs in the cluster.
    public let gpus: Int
    /// GPUs per node, one NIC each.
    public let gpusPerNode: Int
    /// Ports per switch.
    public let switchRadix: Int
    /// Port speed, in Gb/s.
    public let portSpeedGbps: Int
    /// Leaf downlink-to-uplink ratio (1 = non-blocking).
    public let oversubscription: Double
    /// The switch ports' optics class: `pluggable`, `cpo` (with external laser sources), `cpo-internal-laser`, `lpo` or `lro`.
    public let optics: String
    /// Switch ports one co-packaged optical engine serves.
    public let portsPerOpticalEngine: Int
    /// Switch ports one external laser source module feeds.
    public let portsPerEls: Int
    /// Spare laser lanes per ELS: laser failures up to this count are absorbed.
    public let spareLaserLanes: Int
    /// Lasers in one pluggable module.
    public let lasersPerModule: Int
    /// Lasers in one ELS module.
    public let lasersPerEls: Int
    /// What carries the NIC–leaf links: `optical` or `copper`.
    public let nicLink: String
    /// Whether each node's NICs go to different leaves (one rail per NIC position).
    public let railOptimized: Bool
    /// Parallel fabrics (NIC r of every node joins plane r mod `planes`).
    public let planes: Int
    /// Links per NIC, each to a different leaf (2: dual-homed).
    public let nicHoming: Int
    /// Extra uplinks per leaf beyond what the oversubscription needs.
    public let uplinkOverbuild: Int
    /// Ports per switch left unused when wired, for dark links to move to.
    public let sparePorts: Int
    /// Nodes of the fabric: GPUs in groups of `gpus_per_node`, rounded up.
    public let nodes: Int
  }

  /// The fabric's nodes outside the jobs (a ``NodePoolSpec``).
  public struct NodePoolDescription: Encodable, Sendable {
    /// Reserved spare nodes, or null for every node no job uses.
    public let spareNodes: Nullable<Int>
    /// Time to bring a spare node into a job, added to the restart, in hours.
    public let spareSwapTimeHours: Double
    /// How long a node taken out by a host or GPU failure stays out, in hours.
    public let hostRepair: DistributionDescription
    /// What an idle spare node costs per GPU-hour (the spare nodes cost line).
    public let spareUsdPerGpuHour: Double
  }

  /// A plain system (a ``SystemSpec``): its units and structure.
  public struct SystemDescription: Encodable, Sendable {
    /// Units by name: how many of each.
    public let units: [String: Int]
    /// Units by name: the catalog part each is.
    public let unitParts: [String: String]
    /// How the units' states make the system's.
    public let structure: StructureDescription
  }

  /// A plain system's structure as JSON, written as in the scenario file: a unit name, or
  /// `{"series": [...]}`, `{"parallel": [...]}`, `{"k_of_n": {"k": 2, "of": [...], "downtime_metric": ...}}`.
  /// Each k-of-n block names the metric that reports its downtime.
  public indirect enum StructureDescription: Encodable, Sendable {
    /// A unit, by name.
    case unit(String)
    /// Up while every block is up.
    case series([StructureDescription])
    /// Up while any block is up.
    case parallel([StructureDescription])
    /// Up while at least `k` of the blocks are up; `downtimeMetric` names the metric of its downtime.
    case kOfN(k: Int, of: [StructureDescription], downtimeMetric: String)

    /// The description of `topology`, its k-of-n blocks numbered depth first as the engine numbers them.
    public init(_ topology: Topology) {
      var next = 0
      func describe(_ t: Topology) -> StructureDescription {
        switch t {
        case let .unit(name): return .unit(name)
        case let .series(blocks): return .series(blocks.map(describe))
        case let .parallel(blocks): return .parallel(blocks.map(describe))
        case let .kOutOfN(k, blocks):
          // Depth first, the group before the groups inside it (as the engine numbers them).
          let metric = TrialMetrics.groupDowntimeMetric(next)
          next += 1
          return .kOfN(k: k, of: blocks.map(describe), downtimeMetric: metric)
        }
      }
      self = describe(topology)
    }

    private struct KOfN: Encodable {
      let k: Int
      let of: [StructureDescription]
      let downtimeMetric: String
    }

    /// Writes the structure as in the scenario file (a name, or a one-key object).
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case let .unit(name): try container.encode(name)
      case let .series(blocks): try container.encode(["series": blocks])
      case let .parallel(blocks): try container.encode(["parallel": blocks])
      case let .kOfN(k, of, metric): try container.encode(["k_of_n": KOfN(k: k, of: of, downtimeMetric: metric)])
      }
    }
  }

  /// What happens after a FRU fails (a ``Workflow``).
  public struct WorkflowDescription: Encodable, Sendable {
    /// `hot-swap`, `laser-swap`, `board-replace` or `rma-rework`.
    public let action: String
    /// `now`, `maintenance-window`, `degraded-until-window` or `leave-dark`.
    public let when: String
    /// Technician hands-on time, in hours.
    public let handsOn: DistributionDescription
    /// Time to drain the blast radius first, in hours.
    public let drain: DistributionDescription
    /// Whether a clean or reseat is tried before replacing.
    public let cleanFirst: Bool
    /// Probability (0..1) that a clean attempt fixes a contamination failure.
    public let cleanSuccess: Double
    /// Probability (0..1) that the replaced unit has no fault.
    public let noFaultFound: Double
    /// Probability (0..1) that handling disturbs a neighbouring link.
    public let collateral: Double
    /// Rework turnaround for `rma-rework`, in hours.
    public let rmaTurnaroundHours: Double
    /// `leave-dark`: swap once the switch has more dark ports than this; null: only at windows.
    public let swapWhenDarkExceeds: Nullable<Int>
    /// `leave-dark`: time to move a dark port's link to a spare port, in hours.
    public let remapTimeHours: Double

    init(_ w: Workflow) {
      action = w.action.rawValue
      when = w.when.rawValue
      handsOn = DistributionDescription(w.handsOn)
      drain = DistributionDescription(w.drain)
      cleanFirst = w.cleanFirst
      cleanSuccess = w.cleanSuccess
      noFaultFound = w.noFaultFound
      collateral = w.collateral
      rmaTurnaroundHours = w.rmaTurnaround
      swapWhenDarkExceeds = Nullable(w.swapWhenDarkExceeds)
      remapTimeHours = w.remapTime
    }
  }

  /// A spare pool with a reorder-point policy (a ``RepairSpec/SparePool``).
  public struct SpareDescription: Encodable, Sendable {
    /// Spares on hand at time 0.
    public let initial: Int
    /// Reorder when stock on hand plus on order falls to this level.
    public let reorderPoint: Int
    /// Spares per order.
    public let reorderQuantity: Int
    /// Time from an order to its arrival, in hours.
    public let leadTimeHours: Double
  }

  /// How failures get fixed (a ``RepairSpec``).
  public struct RepairDescription: Encodable, Sendable {
    /// Time from a failure to someone knowing about it, in hours.
    public let detection: DistributionDescription
    /// Time to verify a repair before the service is restored, in hours.
    public let verification: DistributionDescription
    /// Technicians on shift.
    public let technicians: Int
    /// When technicians work: `24x7` or `8x5`.
    public let shift: String
    /// Time between maintenance window starts, in hours; null: no window.
    public let maintenanceWindowEveryHours: Nullable<Double>
    /// Window length, in hours; null: no window.
    public let maintenanceWindowDurationHours: Nullable<Double>
    /// Spare pools by FRU id; a FRU without a pool is always in stock.
    public let spares: [String: SpareDescription]
    /// Workflow by FRU id, for the FRUs the scenario names (the others use `Workflow.default(for:)`, by their role).
    public let workflows: [String: WorkflowDescription]
    /// Workflows refined for single failure modes, by FRU and mode.
    public let modeWorkflows: [String: [String: WorkflowDescription]]
  }

  /// A training job and how it fails and recovers (a ``JobSpec``).
  public struct JobDescription: Encodable, Sendable {
    /// The job's name.
    public let name: String
    /// GPUs the job uses.
    public let gpus: Int
    /// Computing time between durable checkpoints, in hours.
    public let checkpointIntervalHours: Double
    /// Time a durable checkpoint write blocks training, in hours.
    public let checkpointWriteHours: Double
    /// Re-initialisation plus loading the durable checkpoint, in hours.
    public let restartOverheadHours: Double
    /// What a GPU-hour of the job costs, in US dollars.
    public let usdPerGpuHour: Double
    /// Host and GPU failures of the job's nodes, per node per hour.
    public let backgroundRatePerNodeHour: Double
    /// Probability (0..1) that a failed uplink interrupts the job.
    public let uplinkInterruptProbability: Double
    /// NIC-link flaps no longer than this do not interrupt the job, in hours.
    public let flapToleranceHours: Double
    /// Flaps of links above the leaves no longer than this are ridden out, in hours (resolved: `flap_tolerance_hours` when not given).
    public let uplinkFlapToleranceHours: Double
    /// Time from a hard failure to the job beginning its restart (it hangs meanwhile), in hours.
    public let detectionHours: Double
    /// The same after a flap longer than the tolerance, in hours (resolved: `detection_hours` when not given).
    public let flapDetectionHours: Double
    /// The in-memory checkpoint tier; null: durable checkpoints only.
    public let memoryCheckpoint: Nullable<MemoryCheckpointDescription>
    /// Where the job's nodes are: `contiguous` or `spread`.
    public let placement: String
    /// Elastic restart: continue on this many nodes or more; null: wait for the full set.
    public let minNodes: Nullable<Int>
    /// What a node losing one plane's path does: `interrupt`, `degrade` or `swap-at-checkpoint`.
    public let planeLoss: String
    /// What a node losing one of its NICs does: `interrupt`, `degrade` or `swap-at-checkpoint`.
    public let nicLoss: String
    /// Share (0..1) of a training step spent in communication compute does not hide.
    public let communicationShare: Double
  }

  /// The in-memory checkpoint tier (a ``JobSpec/MemoryCheckpoint``).
  public struct MemoryCheckpointDescription: Encodable, Sendable {
    /// Computing time between in-memory checkpoints, in hours.
    public let intervalHours: Double
    /// Time an in-memory checkpoint blocks training, in hours.
    public let writeHours: Double
    /// Re-initialisation plus loading from memory, in hours.
    public let restartHours: Double
    /// The most nodes an outage may take with the memory copies still restorable.
    public let survivesNodesLost: Int
  }

  /// Prices that turn counts into money (a ``CostSpec``).
  public struct CostDescription: Encodable, Sendable {
    /// Technician labour, US dollars per hands-on hour.
    public let technicianUsdPerHour: Double
    /// A fixed fee per repair visit, in US dollars.
    public let dispatchFeeUsd: Double
    /// Electricity, US dollars per kWh.
    public let electricityUsdPerKwh: Double
    /// Power usage effectiveness: facility power per IT watt.
    public let pue: Double
    /// Cost of holding spares per year, as a fraction of the stock's value.
    public let sparesCarryingRate: Double
    /// `costs.capital_life` in hours (null: one-off or not counted), and whether capital is one-off.
    public let capitalLifeHours: Nullable<Double>
    /// Whether the capital is counted all at once (`capital_life: one-off`).
    public let capitalOneOff: Bool
    /// Every FRU the plant holds, priced: the capital, support and SerDes lines' inputs.
    public let capitalLines: [CapitalLine]
  }

  /// The scenario's name.
  public let name: String
  /// The scenario's free-text description, or null.
  public let description: Nullable<String>
  /// Simulated time per trial, in hours.
  public let horizonHours: Double
  /// Plain systems: `continues` (units age while the system is down) or `frozen`.
  public let ageingWhileDown: String
  /// The fabric, or null for a plain system.
  public let fabric: Nullable<FabricDescription>
  /// The plain system, or null for a fabric.
  public let system: Nullable<SystemDescription>
  /// Every part of the catalog, with the scenario's overrides, in catalog order.
  public let parts: [PartDescription]
  /// Technicians, spares and workflows.
  public let repair: RepairDescription
  /// The training jobs, in scenario order.
  public let jobs: [JobDescription]
  /// Spare nodes and host repair.
  public let nodePool: NodePoolDescription
  /// The prices.
  public let costs: CostDescription

  /// The description of scenario `s`.
  public init(_ s: Scenario) {
    name = s.name
    description = Nullable(s.description)
    horizonHours = s.horizon
    ageingWhileDown = s.ageingWhileDown.rawValue
    switch s.plant {
    case let .fabric(f):
      fabric = Nullable(FabricDescription(
        topology: f.topology.rawValue, gpus: f.gpus, gpusPerNode: f.gpusPerNode, switchRadix: f.switchRadix,
        portSpeedGbps: f.portSpeedGbps, oversubscription: f.oversubscription, optics: f.optics.rawValue,
        portsPerOpticalEngine: f.portsPerOpticalEngine, portsPerEls: f.portsPerELS, spareLaserLanes: f.spareLaserLanes,
        lasersPerModule: f.lasersPerModule, lasersPerEls: f.lasersPerELS, nicLink: f.nicLink.rawValue,
        railOptimized: f.railOptimized, planes: f.planes, nicHoming: f.nicHoming, uplinkOverbuild: f.uplinkOverbuild, sparePorts: f.sparePorts, nodes: f.nodes))
      system = Nullable(nil)
    case let .system(sys):
      fabric = Nullable(nil)
      system = Nullable(SystemDescription(
        units: Dictionary(uniqueKeysWithValues: sys.units.map { ($0.name, $0.count) }),
        unitParts: Dictionary(uniqueKeysWithValues: sys.units.map { ($0.name, $0.part) }),
        structure: StructureDescription(sys.structure)))
    }
    parts = s.catalog.parts.map { part in
      PartDescription(id: part.id, fru: part.fru, powerW: part.powerWatts, unitCostUsd: part.unitCostUSD,
                      warrantyHours: Nullable(part.warranty), reworkCostUsd: Nullable(part.reworkCostUSD),
                      rmaLogisticsUsd: part.rmaLogisticsUSD, hostSerdesW: part.hostSerDesWatts,
                      supportUsdPerYear: part.supportUSDPerYear, source: part.source,
                      modes: part.modes.map { mode in
        var flap: DistributionDescription?
        if case let .flap(duration) = mode.effect { flap = DistributionDescription(duration) }
        return ModeDescription(id: mode.id, distribution: DistributionDescription(mode.distribution),
                               effect: flap == nil ? "hard" : "flap", flapDuration: Nullable(flap), fix: mode.fix.rawValue, source: mode.source)
      })
    }
    let r = s.repair
    repair = RepairDescription(
      detection: DistributionDescription(r.detection), verification: DistributionDescription(r.verification),
      technicians: r.technicians, shift: r.shift.rawValue,
      maintenanceWindowEveryHours: Nullable(r.maintenanceWindow?.every), maintenanceWindowDurationHours: Nullable(r.maintenanceWindow?.duration),
      spares: r.spares.mapValues { SpareDescription(initial: $0.initial, reorderPoint: $0.reorderPoint, reorderQuantity: $0.reorderQuantity, leadTimeHours: $0.leadTime) },
      workflows: r.workflows.mapValues(WorkflowDescription.init),
      modeWorkflows: r.modeWorkflows.mapValues { $0.mapValues(WorkflowDescription.init) })
    jobs = s.jobs.map {
      JobDescription(name: $0.name, gpus: $0.gpus, checkpointIntervalHours: $0.checkpointInterval,
                     checkpointWriteHours: $0.checkpointWrite, restartOverheadHours: $0.restartOverhead,
                     usdPerGpuHour: $0.usdPerGPUHour, backgroundRatePerNodeHour: $0.backgroundRatePerNodeHour,
                     uplinkInterruptProbability: $0.uplinkInterruptProbability, flapToleranceHours: $0.flapTolerance,
                     uplinkFlapToleranceHours: $0.uplinkTolerance, detectionHours: $0.detection, flapDetectionHours: $0.flapHang,
                     memoryCheckpoint: Nullable($0.memoryCheckpoint.map {
                       MemoryCheckpointDescription(intervalHours: $0.interval, writeHours: $0.write, restartHours: $0.restart,
                                                   survivesNodesLost: $0.survivesNodesLost)
                     }),
                     placement: $0.placement.rawValue, minNodes: Nullable($0.minNodes), planeLoss: $0.planeLoss.rawValue,
                     nicLoss: $0.nicLoss.rawValue, communicationShare: $0.communicationShare)
    }
    var spareNodes: Int?
    if case let .fabric(f) = s.plant, s.nodePool.spareNodes != nil {
      spareNodes = s.nodePool.spares(nodes: f.nodes, inJobs: s.jobs.reduce(0) { $0 + $1.nodes(gpusPerNode: f.gpusPerNode) })
    }
    nodePool = NodePoolDescription(spareNodes: Nullable(spareNodes), spareSwapTimeHours: s.nodePool.spareSwapTime,
                                   hostRepair: DistributionDescription(s.nodePool.hostRepair),
                                   spareUsdPerGpuHour: s.nodePool.spareUSDPerGPUHour ?? s.jobs.first?.usdPerGPUHour ?? 0)
    costs = CostDescription(technicianUsdPerHour: s.costs.technicianUSDPerHour, dispatchFeeUsd: s.costs.dispatchFeeUSD,
                            electricityUsdPerKwh: s.costs.electricityUSDPerKWh, pue: s.costs.pue,
                            sparesCarryingRate: s.costs.sparesCarryingRatePerYear,
                            capitalLifeHours: Nullable({ if case let .life(h)? = s.costs.capital { return h } else { return nil } }()),
                            capitalOneOff: s.costs.capital == .oneOff, capitalLines: Self.capitalLines(s))
  }
}

extension ScenarioDescription {
  /// The FRUs a scenario's plant holds, priced, in the order the plant lists them (one line per FRU).
  static func capitalLines(_ s: Scenario) -> [CapitalLine] {
    var order: [String] = []
    var counts: [String: Int] = [:], serdes: [String: Double] = [:], first: [String: String] = [:], serdesParts: [String: [String]] = [:]
    func add(fru: String, count: Int, parts: [(String, Int)]) {
      if counts[fru] == nil { order.append(fru); first[fru] = parts.first?.0 }
      counts[fru, default: 0] += count
      let perUnit = parts.reduce(0.0) { $0 + Double($1.1) * (s.catalog[$1.0]?.hostSerDesWatts ?? 0) }
      serdes[fru, default: 0] += Double(count) * perUnit
      for (part, _) in parts where !(serdesParts[fru] ?? []).contains(part) { serdesParts[fru, default: []].append(part) }
    }
    switch s.plant {
    case let .fabric(spec):
      guard let fabric = try? FabricBuilder.build(spec, catalog: s.catalog) else { return [] }
      for p in fabric.populations { add(fru: p.fru, count: p.count, parts: p.parts.map { ($0.part, $0.count) }) }
    case let .system(system):
      for unit in system.units {
        if let part = s.catalog[unit.part] { add(fru: part.fru, count: unit.count, parts: [(part.id, 1)]) }
      }
    }
    func source(_ part: String, _ field: String) -> String {
      guard let input = s.inputs.first(where: { $0.part == part && $0.keyPath.hasSuffix(".\(field)") && $0.keyPath.hasPrefix("parts.\(part).") }) else {
        return "unstated"
      }
      if case let .sourced(key) = input.provenance { return "sourced:\(key)" }
      return input.provenance.className
    }
    return order.compactMap { fru in
      guard let id = first[fru], let part = s.catalog[id], let count = counts[fru] else { return nil }
      let serdesPart = (serdesParts[fru] ?? []).first { (s.catalog[$0]?.hostSerDesWatts ?? 0) > 0 } ?? id
      return CapitalLine(fru: fru, part: id, count: count, unitCostUsd: part.unitCostUSD, unitCostSource: source(id, "unit_cost_usd"),
                         installedUsd: Double(count) * part.unitCostUSD, supportUsdPerYear: part.supportUSDPerYear,
                         supportSource: part.supportUSDPerYear > 0 ? source(id, "support_usd_per_year") : "none",
                         hostSerdesW: count > 0 ? (serdes[fru] ?? 0) / Double(count) : 0,
                         hostSerdesSource: (serdes[fru] ?? 0) > 0 ? source(serdesPart, "host_serdes_w") : "none",
                         totalHostSerdesW: serdes[fru] ?? 0)
    }
  }
}
