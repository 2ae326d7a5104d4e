import Foundation

/// Everything the report needs from a set of trials, as mergeable accumulators.
///
/// Every accumulator merges exactly (exact sums, integer counts, minima and maxima, sketch
/// counts), so the same trials give bit-identical statistics however they were split across
/// blocks, threads, processes or machines, and in whatever order the parts are merged.
public struct RunStatistics: Sendable, Equatable, Codable {
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
  /// The drawn values of each uncertain input, in the scenario's order.
  public private(set) var inputs: [MetricAccumulator] = []
  /// Per threshold of the scenario: the trials in which it held.
  public private(set) var beyond: [Int] = []
  /// The metric index of each threshold.
  let thresholdMetric: [Int]
  let modeIndex: [[Int]]

  public init(metrics: TrialMetrics, simulation: Simulation) {
    self.metrics = metrics.definitions.map { MetricAccumulator(nearOne: $0.nearOne) }
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
    jobs = simulation.scenario.jobs.map { _ in metrics.jobDefinitions.map { MetricAccumulator(nearOne: $0.nearOne) } }
    let months = TimeUnits.months(in: simulation.scenario.horizon)
    monthlyFailures = Array(repeating: MetricAccumulator(), count: months)
    inputs = simulation.scenario.uncertainInputs.map { _ in MetricAccumulator() }
    let names = metrics.definitions.map(\.name)
    thresholdMetric = simulation.scenario.thresholds.map { names.firstIndex(of: $0.metric) ?? -1 }
    beyond = thresholdMetric.map { _ in 0 }
  }

  /// Adds one trial.
  public mutating func add(_ outcome: TrialOutcome, metrics definitions: TrialMetrics) {
    trials += 1
    let values = definitions.values(outcome)
    for (i, value) in values.enumerated() { metrics[i].add(value) }
    let thresholds = definitions.simulation.scenario.thresholds
    for (t, m) in thresholdMetric.enumerated() where m >= 0 && thresholds[t].holds(values[m]) { beyond[t] += 1 }
    var byMode = [Double](repeating: 0, count: modeKeys.count)
    for (p, counts) in outcome.failures.enumerated() {
      for (m, count) in counts.enumerated() { byMode[modeIndex[p][m]] += Double(count) }
    }
    for (i, value) in byMode.enumerated() { failuresByMode[i].add(value) }
    for i in repairsByAction.indices { repairsByAction[i].add(Double(i < outcome.repairsByAction.count ? outcome.repairsByAction[i] : 0)) }
    for (i, used) in outcome.sparesUsed.enumerated() { sparesByFRU[i].add(Double(used)) }
    for (j, job) in outcome.jobs.enumerated() {
      for (k, value) in definitions.jobValueList(job, index: j, in: outcome).enumerated() { jobs[j][k].add(value) }
    }
    for (i, value) in outcome.inputs.enumerated() where i < inputs.count { inputs[i].add(value) }
    for (m, count) in outcome.monthlyFailures.enumerated() where m < monthlyFailures.count { monthlyFailures[m].add(Double(count)) }
  }

  /// Adds the trials of `other` (exact: the order of merges does not matter).
  public mutating func merge(_ other: RunStatistics) {
    trials += other.trials
    func mergeAll(_ a: inout [MetricAccumulator], _ b: [MetricAccumulator]) { for i in a.indices { a[i].merge(b[i]) } }
    mergeAll(&metrics, other.metrics)
    mergeAll(&failuresByMode, other.failuresByMode)
    mergeAll(&repairsByAction, other.repairsByAction)
    mergeAll(&sparesByFRU, other.sparesByFRU)
    for j in jobs.indices { mergeAll(&jobs[j], other.jobs[j]) }
    mergeAll(&monthlyFailures, other.monthlyFailures)
    mergeAll(&inputs, other.inputs)
    for t in beyond.indices { beyond[t] += other.beyond[t] }
  }
}

extension RunStatistics: BlockStatistics {}

extension Simulation {
  /// A block worker for `BlockRun`: runs each trial of a block, adds it to the block's
  /// statistics and, with `perTrialLine`, turns it into a line of output. Each worker thread
  /// gets its own copy of the plant layout.
  public func blockWorker(seed: UInt64, metrics: TrialMetrics, clampedTo range: Range<Int>? = nil,
                          perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil) -> @Sendable () -> BlockRun<RunStatistics>.Worker {
    let shared = self
    let first = FirstCaller()
    return {
      let simulation = first.isFirst() ? shared : shared.workerCopy()
      return { trials in
        var block = RunStatistics(metrics: metrics, simulation: simulation)
        var lines = Data()
        for trial in range.map({ trials.clamped(to: $0) }) ?? trials {
          let outcome = simulation.runTrial(trial, seed: seed)
          block.add(outcome, metrics: metrics)
          if let perTrialLine { lines.append(perTrialLine(trial, outcome)) }
        }
        return (block, lines)
      }
    }
  }

  /// Runs trials `range` on `threads` threads and returns their statistics, identical whatever
  /// the thread count and however the range is split (the accumulators merge exactly).
  /// - Parameters:
  ///   - lines: with `perTrialLine`, receives the output lines in trial order.
  ///   - progress: called with the number of trials done, after each block.
  public func statistics(trials range: Range<Int>, seed: UInt64, metrics: TrialMetrics, threads: Int = 1,
                         perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil, lines: (@Sendable (Data) -> Void)? = nil,
                         progress: (@Sendable (Int) -> Void)? = nil) -> RunStatistics {
    let run = BlockRun(trials: range.upperBound, empty: RunStatistics(metrics: metrics, simulation: self))
    guard !range.isEmpty else { return run.statistics }
    let blocks = (range.lowerBound / TrialBlocks.size)..<run.blocks.count
    run.run(blocks, threads: threads,
            makeWorker: blockWorker(seed: seed, metrics: metrics, clampedTo: range, perTrialLine: perTrialLine),
            lines: lines, blockDone: progress)
    return run.statistics
  }
}

/// True for the first caller only (the first worker uses the shared layout, the others copies).
final class FirstCaller: @unchecked Sendable {
  private let lock = NSLock()
  private var called = false

  func isFirst() -> Bool {
    lock.lock(); defer { lock.unlock() }
    defer { called = true }
    return !called
  }
}
