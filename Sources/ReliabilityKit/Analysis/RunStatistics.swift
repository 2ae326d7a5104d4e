import Foundation

/// Everything the report needs from a set of trials, as mergeable accumulators.
///
/// Every accumulator merges exactly (exact sums, integer counts, minima and maxima, sketch
/// counts), so the same trials give bit-identical statistics however they were split across
/// blocks, threads, processes or machines, and in whatever order the parts are merged.
public struct RunStatistics: Sendable, Equatable, Codable {
  /// Trials added so far.
  public private(set) var trials = 0
  /// One accumulator per metric, in ``TrialMetrics/definitions`` order.
  public private(set) var metrics: [MetricAccumulator]
  /// Failures by `part/mode`, in `modeKeys` order.
  public private(set) var failuresByMode: [MetricAccumulator]
  /// The `part/mode` keys of `failuresByMode`, in catalog order.
  public let modeKeys: [String]
  /// Repairs per trial by workflow action, in ``Workflow/Action`` order.
  public private(set) var repairsByAction: [MetricAccumulator]
  /// Spares used per trial by FRU, one accumulator per FRU of the plant, in the order its
  /// populations first name them.
  public private(set) var sparesByFRU: [MetricAccumulator]
  /// Per job, per job metric.
  public private(set) var jobs: [[MetricAccumulator]]
  /// Failures per month of the horizon (months of `TimeUnits.hoursPerMonth`), one accumulator
  /// per month.
  public private(set) var monthlyFailures: [MetricAccumulator]
  /// The drawn values of each uncertain input, in the scenario's order.
  public private(set) var inputs: [MetricAccumulator] = []
  /// Per threshold of the scenario: the trials in which it held.
  public private(set) var beyond: [Int] = []
  /// The metric index of each threshold.
  let thresholdMetric: [Int]
  let modeIndex: [[Int]]

  /// The keys of a partial report's `statistics` are these names in snake_case (`sparesByFru`
  /// becomes `spares_by_fru` and reads back as `sparesByFru`).
  enum CodingKeys: String, CodingKey {
    case trials, metrics, failuresByMode, modeKeys, repairsByAction, sparesByFRU = "sparesByFru", jobs, monthlyFailures, inputs, beyond,
         thresholdMetric, modeIndex
  }

  /// Empty statistics for trials of `simulation` collecting `metrics`.
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

extension RunStatistics {
  /// The lengths of every array, by name: two statistics of one run have the same shape.
  var shape: [(String, Int)] {
    [("metrics", metrics.count), ("failures_by_mode", failuresByMode.count), ("mode_keys", modeKeys.count),
     ("repairs_by_action", repairsByAction.count), ("spares_by_fru", sparesByFRU.count), ("jobs", jobs.count)]
      + jobs.enumerated().map { ("jobs[\($0.offset)]", $0.element.count) }
      + [("monthly_failures", monthlyFailures.count), ("inputs", inputs.count), ("beyond", beyond.count),
         ("threshold_metric", thresholdMetric.count), ("mode_index", modeIndex.count)]
      + modeIndex.enumerated().map { ("mode_index[\($0.offset)]", $0.element.count) }
  }

  /// Why these statistics cannot come from a run (read back from a file that was edited or
  /// truncated), or nil. With `expected` (the empty statistics of the run they claim to
  /// belong to), every array must have its length.
  public func problem(expected: RunStatistics? = nil) -> String? {
    if let expected {
      for ((name, have), (_, want)) in zip(shape, expected.shape) where have != want {
        return "'\(name)' has \(have) entries where the scenario has \(want)"
      }
      if shape.count != expected.shape.count { return "'jobs' or 'mode_index' do not match the scenario" }
      if modeKeys != expected.modeKeys { return "'mode_keys' do not match the scenario's failure modes" }
    } else if jobs.contains(where: { $0.count != jobs.first?.count }) {
      return "the jobs' metric lists differ in length"
    }
    guard trials >= 0 else { return "'trials' is negative (\(trials))" }
    func check(_ name: String, _ list: [MetricAccumulator], exact: Bool) -> String? {
      for (i, a) in list.enumerated() {
        if let why = a.problem(trials: trials, exact: exact) { return "\(name)[\(i)] \(why)" }
      }
      return nil
    }
    if let why = check("metrics", metrics, exact: true) ?? check("failures_by_mode", failuresByMode, exact: true)
      ?? check("repairs_by_action", repairsByAction, exact: true) ?? check("spares_by_fru", sparesByFRU, exact: false)
      ?? check("monthly_failures", monthlyFailures, exact: false) ?? check("inputs", inputs, exact: false) {
      return why
    }
    for (j, job) in jobs.enumerated() { if let why = check("jobs[\(j)]", job, exact: true) { return why } }
    if let t = beyond.firstIndex(where: { $0 < 0 || $0 > trials }) { return "beyond[\(t)] is \(beyond[t]), outside 0...\(trials)" }
    if beyond.count != thresholdMetric.count { return "'beyond' and 'threshold_metric' differ in length" }
    if thresholdMetric.contains(where: { $0 < -1 || $0 >= metrics.count }) { return "'threshold_metric' names a metric that is not there" }
    if modeIndex.contains(where: { $0.contains { $0 < 0 || $0 >= modeKeys.count } }) { return "'mode_index' names a mode that is not there" }
    return nil
  }
}

extension MetricAccumulator {
  /// Why this accumulator cannot hold `trials` trials, or nil.
  /// - Parameter exact: every trial adds one value (else at most one).
  func problem(trials: Int, exact: Bool) -> String? {
    if count < 0 { return "has a negative count (\(count))" }
    if exact ? count != trials : count > trials { return "holds \(count) values for \(trials) trials" }
    if let why = sketch.problem(values: count) { return why }
    guard count > 0 else { return nil }
    if sketch.count > 0, sketch.minimum != minimum || sketch.maximum != maximum {
      return "has a quantile sketch whose minimum and maximum (\(sketch.minimum) ... \(sketch.maximum)) differ from its own (\(minimum) ... \(maximum))"
    }
    guard minimum <= maximum else { return "has its minimum (\(minimum)) above its maximum (\(maximum))" }
    let m = mean
    if minimum.isFinite, maximum.isFinite {
      let slack = 1e-9 * max(1, abs(minimum), abs(maximum))
      guard m.isFinite, m >= minimum - slack, m <= maximum + slack else {
        return "has a mean (\(m)) outside its minimum and maximum (\(minimum) ... \(maximum))"
      }
    }
    return nil
  }
}

extension QuantileSketch {
  /// Why this sketch cannot summarise at most `values` values, or nil.
  func problem(values: Int) -> String? {
    let buckets = Array(positive.values) + Array(negative.values) + [zeros] + Array(lowPositive.values) + Array(lowNegative.values) + [lowZeros]
    if buckets.contains(where: { $0 < 0 }) { return "has a negative count in its quantile sketch" }
    if buckets.reduce(0, { $0 &+ $1 }) != count || count > values || count < 0 { return "has a quantile sketch whose counts do not add up" }
    if !complement, !(lowPositive.isEmpty && lowNegative.isEmpty && lowZeros == 0) { return "has a quantile sketch with values below 1/2 kept apart though it keeps no complement" }
    if count > 0, !(minimum <= maximum) { return "has a quantile sketch whose minimum (\(minimum)) is not at most its maximum (\(maximum))" }
    return nil
  }
}

extension Simulation {
  /// A block worker for `BlockRun`: runs each trial of a block, adds it to the block's
  /// statistics and, with `perTrialLine`, turns it into a line of output. Each worker thread
  /// gets its own copy of the plant layout.
  /// With `shouldStop`, a trial checks it as it runs (SIGINT at any event rate); the block a
  /// stop cuts short is incomplete, and `BlockRun` discards it.
  package func blockWorker(seed: UInt64, metrics: TrialMetrics, clampedTo range: Range<Int>? = nil,
                          perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil,
                          shouldStop: (@Sendable () -> Bool)? = nil) -> @Sendable () -> BlockRun<RunStatistics>.Worker {
    let shared = self
    let first = FirstCaller()
    return {
      let simulation = first.isFirst() ? shared : shared.workerCopy()
      return { trials in
        var block = RunStatistics(metrics: metrics, simulation: simulation)
        var lines = Data()
        for trial in range.map({ trials.clamped(to: $0) }) ?? trials {
          if let shouldStop, shouldStop() { break }
          let outcome = simulation.runTrial(trial, seed: seed, shouldStop: shouldStop)
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
  ///   - range: the trials run (trial i is the same whatever else runs: its draws come from
  ///     `seed` and i alone).
  ///   - seed: the run's seed.
  ///   - metrics: the metrics collected per trial (``TrialMetrics``).
  ///   - threads: worker threads; the statistics do not depend on it.
  ///   - perTrialLine: when given, makes one output line from each trial's outcome.
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
