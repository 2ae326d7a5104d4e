/// Everything the report needs from a set of trials, as mergeable accumulators.
///
/// Trials are grouped in blocks of `blockSize` consecutive indices. A block is always
/// accumulated alone, from its first trial to its last, and blocks are merged in index order.
/// So the same trials give bit-identical statistics however they were split across threads,
/// processes or machines.
public struct RunStatistics: Sendable, Equatable {
  /// Trials per block; part of the determinism contract (a different size may change the last bits).
  public static let blockSize = 64

  public private(set) var trials = 0
  public private(set) var metrics: [MetricAccumulator]
  /// Failures by `part/mode`, in `modeKeys` order.
  public private(set) var failuresByMode: [MetricAccumulator]
  public let modeKeys: [String]
  public private(set) var repairsByAction: [MetricAccumulator]
  public private(set) var sparesByFRU: [MetricAccumulator]
  /// Per job, per job metric.
  public private(set) var jobs: [[MetricAccumulator]]
  public private(set) var monthlyFailures: [MetricAccumulator]
  let modeIndex: [[Int]]

  public init(metrics: TrialMetrics, simulation: Simulation) {
    self.metrics = Array(repeating: MetricAccumulator(), count: metrics.definitions.count)
    var keys: [String] = []
    var index: [[Int]] = []
    for names in simulation.modeNames {
      index.append(names.map { name in
        if let i = keys.firstIndex(of: name) { return i }
        keys.append(name)
        return keys.count - 1
      })
    }
    modeKeys = keys
    modeIndex = index
    failuresByMode = Array(repeating: MetricAccumulator(), count: keys.count)
    repairsByAction = Array(repeating: MetricAccumulator(), count: Workflow.Action.allCases.count)
    sparesByFRU = Array(repeating: MetricAccumulator(), count: simulation.spareFRUs.count)
    jobs = simulation.scenario.jobs.map { _ in Array(repeating: MetricAccumulator(), count: TrialMetrics.jobDefinitions.count) }
    let months = max(1, Int((simulation.scenario.horizon / 730).rounded(.up)))
    monthlyFailures = Array(repeating: MetricAccumulator(), count: months)
  }

  /// Adds one trial.
  public mutating func add(_ outcome: TrialOutcome, metrics definitions: TrialMetrics) {
    trials += 1
    for (i, value) in definitions.values(outcome).enumerated() { metrics[i].add(value) }
    var byMode = [Double](repeating: 0, count: modeKeys.count)
    for (p, counts) in outcome.failures.enumerated() {
      for (m, count) in counts.enumerated() { byMode[modeIndex[p][m]] += Double(count) }
    }
    for (i, value) in byMode.enumerated() { failuresByMode[i].add(value) }
    for (i, action) in Workflow.Action.allCases.enumerated() { repairsByAction[i].add(Double(outcome.repairsByAction[action] ?? 0)) }
    for (i, used) in outcome.sparesUsed.enumerated() { sparesByFRU[i].add(Double(used)) }
    for (j, job) in outcome.jobs.enumerated() {
      let spec = definitions.simulation.scenario.jobs[j]
      for (k, value) in definitions.jobValues(job, spec: spec, horizon: outcome.horizon).enumerated() { jobs[j][k].add(value) }
    }
    for (m, count) in outcome.monthlyFailures.enumerated() where m < monthlyFailures.count { monthlyFailures[m].add(Double(count)) }
  }

  /// Appends the trials of `other`, which must come after these in trial order.
  public mutating func merge(_ other: RunStatistics) {
    trials += other.trials
    func mergeAll(_ a: inout [MetricAccumulator], _ b: [MetricAccumulator]) { for i in a.indices { a[i].merge(b[i]) } }
    mergeAll(&metrics, other.metrics)
    mergeAll(&failuresByMode, other.failuresByMode)
    mergeAll(&repairsByAction, other.repairsByAction)
    mergeAll(&sparesByFRU, other.sparesByFRU)
    for j in jobs.indices { mergeAll(&jobs[j], other.jobs[j]) }
    mergeAll(&monthlyFailures, other.monthlyFailures)
  }
}

extension Simulation {
  /// Runs trials `range` block by block and returns their statistics.
  /// - Parameter progress: called after each block with the number of trials done.
  public func statistics(trials range: Range<Int>, seed: UInt64, metrics: TrialMetrics,
                         perTrial: ((Int, TrialOutcome) -> Void)? = nil,
                         progress: ((Int) -> Void)? = nil) -> RunStatistics {
    var total = RunStatistics(metrics: metrics, simulation: self)
    var start = range.lowerBound
    while start < range.upperBound {
      let end = min((start / RunStatistics.blockSize + 1) * RunStatistics.blockSize, range.upperBound)
      var block = RunStatistics(metrics: metrics, simulation: self)
      for trial in start..<end {
        let outcome = runTrial(trial, seed: seed)
        perTrial?(trial, outcome)
        block.add(outcome, metrics: metrics)
      }
      total.merge(block)
      progress?(end - range.lowerBound)
      start = end
    }
    return total
  }
}
