import Foundation

/// Everything the report needs from a set of trials, as mergeable accumulators.
///
/// Trials are grouped in blocks of `blockSize` consecutive indices. A block is always
/// accumulated alone, from its first trial to its last, and blocks are merged in index order.
/// So the same trials give bit-identical statistics however they were split across threads,
/// processes or machines.
public struct RunStatistics: Sendable, Equatable, Codable {
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
  public static func blocks(of range: Range<Int>) -> [Range<Int>] {
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
    let collector = BlockCollector(statistics: RunStatistics(metrics: metrics, simulation: self))
    runBlocks(Array(blocks.indices), of: range, seed: seed, metrics: metrics, threads: threads, perTrialLine: perTrialLine) {
      b, block, lines, done in
      collector.add(block, lines: lines, index: b)
      progress?(done)
    }
    return (collector.statistics, collector.orderedLines(blocks: blocks.count))
  }

  /// Runs the blocks `indices` of `range` (see `blocks(of:)`) on `threads` threads.
  /// - Parameters:
  ///   - shouldStop: checked before each block; when it returns true no new block starts.
  ///   - blockDone: called once per finished block, one call at a time, with the block index,
  ///     its statistics, its output lines and the number of trials finished so far.
  public func runBlocks(_ indices: [Int], of range: Range<Int>, seed: UInt64, metrics: TrialMetrics, threads: Int,
                        perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil,
                        shouldStop: (@Sendable () -> Bool)? = nil,
                        blockDone: @escaping @Sendable (Int, RunStatistics, Data, Int) -> Void) {
    let blocks = Self.blocks(of: range)
    let scheduler = BlockScheduler(indices: indices, workers: max(1, min(threads, indices.count)))
    let shared = self
    DispatchQueue.concurrentPerform(iterations: scheduler.workers) { worker in
      let simulation = worker == 0 ? shared : shared.workerCopy()
      while shouldStop?() != true, let b = scheduler.next() {
        var block = RunStatistics(metrics: metrics, simulation: simulation)
        var lines = Data()
        for trial in blocks[b] {
          let outcome = simulation.runTrial(trial, seed: seed)
          block.add(outcome, metrics: metrics)
          if let perTrialLine { lines.append(perTrialLine(trial, outcome)) }
        }
        scheduler.finish(trials: blocks[b].count) { done in blockDone(b, block, lines, done) }
      }
    }
  }

  /// Sequential convenience without output lines.
  public func statistics(trials range: Range<Int>, seed: UInt64, metrics: TrialMetrics) -> RunStatistics {
    statistics(trials: range, seed: seed, metrics: metrics, threads: 1).statistics
  }
}

/// Hands out block indices to worker threads and serialises their completion callbacks.
final class BlockScheduler: @unchecked Sendable {
  private let lock = NSLock()
  private let indices: [Int]
  let workers: Int
  private var position = 0
  private var done = 0

  init(indices: [Int], workers: Int) {
    self.indices = indices
    self.workers = workers
  }

  func next() -> Int? {
    lock.lock(); defer { lock.unlock() }
    guard position < indices.count else { return nil }
    position += 1
    return indices[position - 1]
  }

  /// Runs `body` under the lock with the running count of finished trials.
  func finish(trials: Int, _ body: (Int) -> Void) {
    lock.lock(); defer { lock.unlock() }
    done += trials
    body(done)
  }
}

/// Merges finished blocks (in any order: the merge is exact) and keeps their lines by block.
public final class BlockCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var merged: RunStatistics
  private var lines: [Int: Data] = [:]
  private var nextLine = 0

  public init(statistics: RunStatistics) { merged = statistics }

  public func add(_ block: RunStatistics, lines blockLines: Data = Data(), index: Int? = nil) {
    lock.lock(); defer { lock.unlock() }
    merged.merge(block)
    if !blockLines.isEmpty {
      lines[index ?? nextLine] = blockLines
      if index == nil { nextLine += 1 }
    }
  }

  public var statistics: RunStatistics {
    lock.lock(); defer { lock.unlock() }
    return merged
  }

  func orderedLines(blocks: Int) -> Data {
    lock.lock(); defer { lock.unlock() }
    var out = Data()
    for b in 0..<max(blocks, (lines.keys.max() ?? -1) + 1) { if let l = lines[b] { out.append(l) } }
    return out
  }
}
