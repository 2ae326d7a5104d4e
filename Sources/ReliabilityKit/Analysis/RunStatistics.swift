import Foundation

/// Everything the report needs from a set of trials, as mergeable accumulators.
///
/// Trials are grouped in blocks of `blockSize` consecutive indices. A block is always
/// accumulated alone, from its first trial to its last, and blocks are merged in index order.
/// So the same trials give bit-identical statistics however they were split across threads,
/// processes or machines.
public struct RunStatistics: Sendable, Equatable {
  /// Trials per block: the unit of work handed to a thread. Results do not depend on it.
  public static let blockSize = 8

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
  /// The blocks of `range`: consecutive trials, cut at multiples of `RunStatistics.blockSize`.
  static func blocks(of range: Range<Int>) -> [Range<Int>] {
    var blocks: [Range<Int>] = []
    var start = range.lowerBound
    while start < range.upperBound {
      let end = min((start / RunStatistics.blockSize + 1) * RunStatistics.blockSize, range.upperBound)
      blocks.append(start..<end)
      start = end
    }
    return blocks
  }

  /// Runs trials `range` on `threads` threads and returns their statistics, identical whatever
  /// the thread count (the accumulators are exactly associative).
  /// - Parameters:
  ///   - perTrialLine: turns each trial into a line of output; the lines come back in trial order.
  ///   - progress: called with the number of trials done, after each block.
  /// - Complexity: memory is one running accumulator per thread plus the pending output lines,
  ///   whatever the number of trials.
  public func statistics(trials range: Range<Int>, seed: UInt64, metrics: TrialMetrics, threads: Int = 1,
                         perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil,
                         progress: (@Sendable (Int) -> Void)? = nil) -> (statistics: RunStatistics, lines: Data) {
    let blocks = Self.blocks(of: range)
    let shared = BlockScheduler<RunStatistics>(blocks: blocks.count, workers: max(1, min(threads, blocks.count)))
    let simulation = self
    DispatchQueue.concurrentPerform(iterations: shared.workers) { worker in
      var local = RunStatistics(metrics: metrics, simulation: simulation)
      while let b = shared.next() {
        var block = RunStatistics(metrics: metrics, simulation: simulation)
        var lines = Data()
        for trial in blocks[b] {
          let outcome = simulation.runTrial(trial, seed: seed)
          block.add(outcome, metrics: metrics)
          if let perTrialLine { lines.append(perTrialLine(trial, outcome)) }
        }
        local.merge(block)
        shared.finish(block: b, trials: blocks[b].count, lines: lines, progress: progress)
      }
      shared.store(local, worker: worker)
    }
    var total = RunStatistics(metrics: metrics, simulation: simulation)
    for partial in shared.results { if let partial { total.merge(partial) } }
    return (total, shared.output)
  }

  /// Sequential convenience without output lines.
  public func statistics(trials range: Range<Int>, seed: UInt64, metrics: TrialMetrics) -> RunStatistics {
    statistics(trials: range, seed: seed, metrics: metrics, threads: 1).statistics
  }
}

/// Hands out blocks to worker threads and collects their results and output in block order.
final class BlockScheduler<Result: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private let blockCount: Int
  let workers: Int
  private var nextBlock = 0
  private var done = 0
  private var pendingLines: [Int: Data] = [:]
  private var nextToWrite = 0
  private(set) var output = Data()
  private(set) var results: [Result?]

  init(blocks: Int, workers: Int) {
    blockCount = blocks
    self.workers = workers
    results = Array(repeating: nil, count: workers)
  }

  func next() -> Int? {
    lock.lock(); defer { lock.unlock() }
    guard nextBlock < blockCount else { return nil }
    nextBlock += 1
    return nextBlock - 1
  }

  func finish(block: Int, trials: Int, lines: Data, progress: (@Sendable (Int) -> Void)?) {
    lock.lock(); defer { lock.unlock() }
    pendingLines[block] = lines
    while let ready = pendingLines.removeValue(forKey: nextToWrite) {
      output.append(ready)
      nextToWrite += 1
    }
    done += trials
    progress?(done)
  }

  func store(_ result: Result, worker: Int) {
    lock.lock(); defer { lock.unlock() }
    results[worker] = result
  }
}
