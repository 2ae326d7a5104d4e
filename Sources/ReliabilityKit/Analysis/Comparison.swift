import Foundation

/// Paired comparison of scenarios: trial i of every scenario runs with the same seed, so
/// failure draws of the populations the scenarios share are the same (common random numbers),
/// and the per-trial differences have a much tighter interval than two independent runs.
public struct Comparison: Sendable {
  /// The scenarios compared, baseline first.
  public let simulations: [Simulation]
  /// Each scenario's metrics, in `simulations` order.
  public let metrics: [TrialMetrics]
  /// Metric names every scenario has, in the baseline's order.
  public let sharedMetrics: [TrialMetrics.Definition]

  /// A comparison of `simulations` (at least two), the first the baseline.
  public init(simulations: [Simulation]) {
    self.simulations = simulations
    metrics = simulations.map(TrialMetrics.init)
    let names = metrics.dropFirst().map { Set($0.definitions.map(\.name)) }
    sharedMetrics = metrics[0].definitions.filter { d in names.allSatisfy { $0.contains(d.name) } }
  }

  /// What the paired trials gave: each scenario's statistics and the paired differences;
  /// merges exactly, so it does not depend on threads or blocks.
  public struct Statistics: BlockStatistics, Equatable {
    /// Each scenario's own statistics, in `simulations` order.
    public var perScenario: [RunStatistics]
    /// differences[k][m]: scenario k+1 minus the baseline, for shared metric m.
    public var differences: [[MetricAccumulator]]
    /// below[k][m], above[k][m]: trials in which scenario k+1's metric m was below (above) the baseline's.
    public var below: [[Int]]
    /// above[k][m]: trials in which scenario k+1's metric m was above the baseline's.
    public var above: [[Int]]
    /// cheapest[k]: trials in which scenario k alone had the lowest `total_cost_usd` (a paired
    /// trial of every scenario); `cheapestTies`: trials in which two or more shared the lowest.
    public var cheapest: [Int] = []
    /// Trials in which two or more scenarios shared the lowest `total_cost_usd`.
    public var cheapestTies = 0

    /// Adds the trials of `other` (other blocks); the order of merges does not matter.
    public mutating func merge(_ other: Statistics) {
      for k in perScenario.indices { perScenario[k].merge(other.perScenario[k]) }
      for k in cheapest.indices { cheapest[k] += other.cheapest[k] }
      cheapestTies += other.cheapestTies
      for k in differences.indices {
        for m in differences[k].indices {
          differences[k][m].merge(other.differences[k][m])
          below[k][m] += other.below[k][m]
          above[k][m] += other.above[k][m]
        }
      }
    }
  }

  /// The statistics of no trials.
  public func emptyStatistics() -> Statistics {
    Statistics(perScenario: zip(simulations, metrics).map { RunStatistics(metrics: $1, simulation: $0) },
               differences: Array(repeating: Array(repeating: MetricAccumulator(), count: sharedMetrics.count),
                                  count: simulations.count - 1),
               below: Array(repeating: Array(repeating: 0, count: sharedMetrics.count), count: simulations.count - 1),
               above: Array(repeating: Array(repeating: 0, count: sharedMetrics.count), count: simulations.count - 1),
               cheapest: Array(repeating: 0, count: simulations.count), cheapestTies: 0)
  }

  /// The metric P(each cheapest) ranks scenarios by.
  public static let costMetric = "total_cost_usd"

  /// Adds one paired trial's costs (one per scenario) to the cheapest counts: the scenario with
  /// the strictly lowest cost, or a tie when two or more share it.
  public static func countCheapest(_ costs: [Double], into statistics: inout Statistics) {
    guard let low = costs.min(), low.isFinite else { return }
    let at = costs.indices.filter { costs[$0] == low }
    if at.count == 1 { statistics.cheapest[at[0]] += 1 } else { statistics.cheapestTies += 1 }
  }

  /// A block worker for `BlockRun`: runs trial i of every scenario with the same seed and adds
  /// the paired differences. Each worker thread gets its own copies of the plant layouts.
  /// - Parameter perTrial: when given, writes the block's output from each trial's values of
  ///   the shared metrics, one array per scenario (`values[k][m]`, in `sharedMetrics` order).
  package func blockWorker(seed: UInt64, perTrial: (@Sendable (Int, [[Double]]) -> Data)? = nil) -> @Sendable () -> BlockRun<Statistics>.Worker {
    let indices = metrics.map { m in sharedMetrics.map { d in m.definitions.firstIndex(of: d)! } }
    let cost = sharedMetrics.firstIndex { $0.name == Self.costMetric }
    let comparison = self
    let first = FirstCaller()
    return {
      let simulations = first.isFirst() ? comparison.simulations : comparison.simulations.map { $0.workerCopy() }
      return { trials in
        var local = comparison.emptyStatistics()
        var output = Data()
        for trial in trials {
          var values: [[Double]] = []
          for (k, simulation) in simulations.enumerated() {
            let outcome = simulation.runTrial(trial, seed: seed)
            local.perScenario[k].add(outcome, metrics: comparison.metrics[k])
            let all = comparison.metrics[k].values(outcome)
            values.append(indices[k].map { all[$0] })
          }
          if let cost { Comparison.countCheapest(values.map { $0[cost] }, into: &local) }
          for k in 1..<comparison.simulations.count {
            for m in comparison.sharedMetrics.indices {
              local.differences[k - 1][m].add(values[k][m] - values[0][m])
              if values[k][m] < values[0][m] { local.below[k - 1][m] += 1 }
              if values[k][m] > values[0][m] { local.above[k - 1][m] += 1 }
            }
          }
          if let perTrial { output.append(perTrial(trial, values)) }
        }
        return (local, output)
      }
    }
  }

  /// Runs trials `0..<trials` of every scenario on `threads` threads. The result does not
  /// depend on the thread count.
  /// - Parameters:
  ///   - trials: paired trials; trial i of every scenario draws from `seed` and i alone.
  ///   - seed: the master seed.
  ///   - threads: worker threads; the statistics do not depend on it.
  ///   - progress: called with the number of paired trials done, after each block.
  ///   - perTrial: makes each trial's output from its values (see `blockWorker`).
  ///   - lines: receives the outputs in trial order, one block at a time.
  public func run(trials: Int, seed: UInt64, threads: Int = 1, progress: (@Sendable (Int) -> Void)? = nil,
                  perTrial: (@Sendable (Int, [[Double]]) -> Data)? = nil, lines: (@Sendable (Data) -> Void)? = nil) -> Statistics {
    let run = BlockRun(trials: trials, empty: emptyStatistics())
    run.run(0..<run.blocks.count, threads: threads, makeWorker: blockWorker(seed: seed, perTrial: perTrial), lines: lines, blockDone: progress)
    return run.statistics
  }
}
