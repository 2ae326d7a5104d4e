/// A scenario made ready to run: its plant layout resolved once, and its trials.
/// (Parallel, sharded and resumed runs go through `BlockRunner`.)
public struct Simulation: Sendable {
  public let scenario: Scenario
  let layout: PlantLayout

  /// - Throws: `ModelError` when the scenario's plant cannot be built.
  public init(scenario: Scenario) throws(ModelError) {
    self.scenario = scenario
    layout = try PlantLayout(scenario: scenario)
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
  /// - Parameter trace: receives every event of the trial, in order, when given.
  public func runTrial(_ index: Int, seed: UInt64, trace: ((TraceRecord) -> Void)? = nil) -> TrialOutcome {
    var trial = Trial(layout: layout, scenario: scenario, seeds: SeedSequence(master: seed), trial: index, trace: trace)
    return trial.run()
  }

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
  public var sparePrices: [Double] {
    layout.spareFRUs.map { fru in layout.populations.first { $0.fru == fru }?.parts.first?.part.unitCostUSD ?? 0 }
  }

  /// Rework price outside warranty of each pool's FRU (0 when none is given), in the order of `spareFRUs`.
  public var spareReworkPrices: [Double] { layout.spareFRUs.map { layout.fruPart($0)?.reworkCostUSD ?? 0 } }

  /// Cost of one RMA shipment of each pool's FRU, in the order of `spareFRUs`.
  public var spareLogisticsCosts: [Double] { layout.spareFRUs.map { layout.fruPart($0)?.rmaLogisticsUSD ?? 0 } }

  /// Electrical power the energy cost line counts, in watts: the optics of a fabric (modules,
  /// optical engines, laser sources), or every unit of a plain system.
  public var powerWatts: Double { layout.powerWatts }

  /// Whether the plant is a fabric (link metrics apply) or a plain system.
  public var isFabric: Bool { if case .fabric = scenario.plant { true } else { false } }
}
