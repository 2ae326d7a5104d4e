/// A scenario made ready to run: its plant layout resolved once, and its trials.
/// (Parallel, sharded and resumed runs go through `BlockRunner`.)
public struct Simulation: Sendable {
  public let scenario: Scenario
  let layout: PlantLayout

  /// - Throws: `ModelError` when the scenario's plant cannot be built.
  public init(scenario: Scenario) throws(ModelError) {
    self.scenario = scenario
    layout = try PlantLayout(scenario: scenario)
    let expected = expectedEventsPerTrial
    if expected > Self.eventLimit {
      throw .eventVolume(file: scenario.files.last ?? scenario.name, expected: expected, limit: Self.eventLimit)
    }
    let flaps = expectedAggregatedFlapsPerTrial
    if flaps > Self.aggregatedFlapLimit {
      throw .flapVolume(file: scenario.files.last ?? scenario.name, expected: flaps, limit: Self.aggregatedFlapLimit)
    }
  }

  /// The k-of-n groups of a plain system's structure (0 for a fabric).
  public var kOfNGroupCount: Int {
    if case let .system(structure) = layout.kind { return structure.groups.count }
    return 0
  }

  /// The most events a trial may be expected to hold: about ten minutes of one core. Beyond it
  /// a scenario is refused (an input error), not left to run for hours.
  public static let eventLimit = 1e8
  /// The expected event volume above which `cposim validate` warns (far beyond any real
  /// fabric's: the 1M-GPU presets expect about 1.3 to 1.5 million, mostly host failures and
  /// restarts of their jobs).
  public static let eventWarning = 5e6
  /// The most flaps a trial may count without simulating them (those shorter than every job's
  /// tolerance): a million units flapping a hundred times an hour for a year. The counts are
  /// drawn in pieces the generator holds (2^32), so their number stays small.
  public static let aggregatedFlapLimit = 1e12

  /// The expected number of flaps a trial counts without simulating them.
  public var expectedAggregatedFlapsPerTrial: Double {
    layout.aggregatedFlaps.reduce(0) { $0 + $1.rate * Double($1.units) * scenario.horizon }
  }

  /// The expected number of events a trial simulates: failures of every simulated mode
  /// (horizon / mean per unit, a renewal estimate; flaps aggregated below a job's tolerance do
  /// not count), jobs' background interruptions, and two per switch of a common cause's group
  /// and event (each switch is taken down and restored: an event over a group of 16 costs 32).
  public var expectedEventsPerTrial: Double {
    let horizon = scenario.horizon
    var total = 0.0
    for population in layout.populations {
      for mode in population.model.modes where !mode.never {
        let mean = mode.distribution.mean
        guard mean > 0, mean.isFinite else { continue }
        total += Double(population.count) * Double(mode.multiplicity) * horizon / mean
      }
    }
    if case let .fabric(fabric) = scenario.plant {
      for job in scenario.jobs {
        total += job.backgroundRatePerNodeHour * Double(job.nodes(gpusPerNode: fabric.gpusPerNode)) * horizon
      }
    }
    for cause in layout.commonCauses {
      total += cause.cause.ratePerHour * horizon * 2 * Double(cause.groups.reduce(0) { $0 + $1.count })
    }
    return total
  }

  private init(scenario: Scenario, layout: PlantLayout) {
    self.scenario = scenario
    self.layout = layout
  }

  /// A copy whose plant layout has objects of its own, for one worker thread. The layout's
  /// objects are read on every event; reference counting on objects shared between threads
  /// makes the cores contend for the same cache lines (the results are the same).
  func workerCopy() -> Simulation {
    Simulation(scenario: scenario, layout: layout.workerCopy())
  }

  /// Runs trial `index` of the master seed `seed`. The outcome depends only on
  /// (scenario, seed, index, tool version), never on which thread runs it or in what order.
  ///
  /// With a posterior (`posterior:`) the trial runs with its row `PosteriorDraws.rowIndex`.
  /// With uncertain inputs the trial first draws them (each from a stream of its own, so a
  /// compared scenario with the same key and range draws the same value) and runs the scenario
  /// built with those values; its outcome records them and the prices they give.
  /// - Parameters:
  ///   - index: the trial's number, from 0; trial i of a run, a shard or a resumed run is the
  ///     same trial.
  ///   - seed: the run's master seed (`SeedSequence(master:)` derives every stream from it).
  ///   - trace: receives every event of the trial, in order, when given.
  ///   - shouldStop: asked every few thousand events; when it answers true the trial ends early
  ///     and its outcome is incomplete (the caller discards it).
  public func runTrial(_ index: Int, seed: UInt64, trace: ((TraceRecord) -> Void)? = nil,
                       shouldStop: (@Sendable () -> Bool)? = nil) -> TrialOutcome {
    let seeds = SeedSequence(master: seed)
    guard !scenario.uncertainInputs.isEmpty || scenario.posterior != nil, let template = scenario.template else {
      var trial = Trial(layout: layout, scenario: scenario, seeds: seeds, trial: index, trace: trace)
      trial.shouldStop = shouldStop
      return trial.run()
    }
    let inputs = scenario.uncertainInputs
    let values = inputs.map { input in
      let value = input.draw(trial: index, seeds: seeds)
      return input.integer ? value.rounded() : value
    }
    let drawn: Scenario, drawnLayout: PlantLayout
    do {
      // A posterior's row: one joint draw of its keys, the same row in the same trial of every
      // scenario that carries the same posterior.
      let row = scenario.posterior.map { $0.overrides(row: $0.rowIndex(trial: index, seeds: seeds)) } ?? []
      drawn = try template.scenario(overrides: zip(inputs, values).map { ($0.keyPath, $0.text($1)) } + row)
      drawnLayout = try PlantLayout(scenario: drawn, reusing: layout)
    } catch {
      // Both ends of every range were checked when the scenario was loaded.
      preconditionFailure("a drawn input gave an invalid scenario: \(error)")
    }
    var trial = Trial(layout: drawnLayout, scenario: drawn, seeds: seeds, trial: index, trace: trace)
    trial.shouldStop = shouldStop
    var outcome = trial.run()
    outcome.inputs = values
    outcome.economics = Self.economics(drawn, layout: drawnLayout)
    return outcome
  }

  /// The prices and sizes of a scenario's cost lines.
  static func economics(_ scenario: Scenario, layout: PlantLayout) -> TrialEconomics {
    TrialEconomics(
      costs: scenario.costs,
      sparePrices: layout.spareFRUs.map { fru in layout.populations.first { $0.fru == fru }?.parts.first?.part.unitCostUSD ?? 0 },
      reworkPrices: layout.spareFRUs.map { layout.fruPart($0)?.reworkCostUSD ?? 0 },
      logisticsCosts: layout.spareFRUs.map { layout.fruPart($0)?.rmaLogisticsUSD ?? 0 },
      powerWatts: layout.powerWatts, jobGPUs: scenario.jobs.map(\.gpus), usdPerGPUHour: scenario.jobs.map(\.usdPerGPUHour),
      technicians: scenario.repair.technicians,
      spareGPUs: layout.fabric.map { JobBoard.spareNodes(specs: scenario.jobs, pool: scenario.nodePool, fabric: $0) * $0.gpusPerNode } ?? 0,
      spareUSDPerGPUHour: scenario.jobs.isEmpty ? 0 : scenario.nodePool.spareUSDPerGPUHour ?? scenario.jobs[0].usdPerGPUHour,
      // A FRU's price and support contract are its first part's (as for spares); SerDes power
      // belongs to every part the FRU holds.
      capitalUSD: layout.populations.reduce(0) { $0 + Double($1.count) * ($1.parts.first?.part.unitCostUSD ?? 0) },
      supportUSDPerYear: layout.populations.reduce(0) { $0 + Double($1.count) * ($1.parts.first?.part.supportUSDPerYear ?? 0) },
      serDesWatts: layout.populations.reduce(0) { total, p in
        total + Double(p.count) * p.parts.reduce(0) { $0 + Double($1.count) * $1.part.hostSerDesWatts }
      })
  }

  /// The prices and sizes of this scenario's cost lines (at the central values of uncertain inputs).
  public var economics: TrialEconomics { Self.economics(scenario, layout: layout) }

  /// Names of the FRU populations, in the order of `TrialOutcome.failures`.
  public var populationNames: [String] { layout.populations.map(\.name) }

  /// `part/mode` names of each population's failure modes, in the order of `TrialOutcome.failures`.
  public var modeNames: [[String]] {
    layout.populations.map { population in
      population.model.modes.indices.map { let m = population.mode($0); return "\(m.part.id)/\(m.mode.id)" }
    }
  }

  /// FRU ids of the spare pools, in the order of `TrialOutcome.sparesUsed`.
  public var spareFRUs: [String] { layout.spareFRUs }

  /// Price of one spare of each pool's FRU: the price of the FRU's first part.
  public var sparePrices: [Double] { economics.sparePrices }

  /// Rework price outside warranty of each pool's FRU (0 when none is given), in the order of `spareFRUs`.
  public var spareReworkPrices: [Double] { economics.reworkPrices }

  /// Cost of one RMA shipment of each pool's FRU, in the order of `spareFRUs`.
  public var spareLogisticsCosts: [Double] { economics.logisticsCosts }

  /// Electrical power the energy cost line counts, in watts: the optics of a fabric (modules,
  /// optical engines, laser sources), or every unit of a plain system.
  public var powerWatts: Double { layout.powerWatts }

  /// Whether the plant is a fabric (link metrics apply) or a plain system.
  public var isFabric: Bool { if case .fabric = scenario.plant { true } else { false } }
  /// GPUs per node of a fabric (1 for a plain system, whose job is one "node").
  public var gpusPerNode: Int { layout.fabric?.gpusPerNode ?? 1 }
}
