import Foundation
import Testing
import ReliabilityKit

@Suite("Block sets")
struct BlockSetTests {
  @Test("inserting in any order gives the same sorted, merged ranges")
  func insertOrder() {
    let blocks = [5, 0, 1, 9, 3, 2, 8, 4, 12]
    var forward = BlockSet(), backward = BlockSet()
    for b in blocks { forward.insert(b) }
    for b in blocks.reversed() { backward.insert(b) }
    #expect(forward == backward)
    #expect(forward.ranges == [0..<6, 8..<10, 12..<13])
    #expect(forward.count == 9)
    #expect(forward.contains(4) && !forward.contains(6) && !forward.contains(11) && forward.contains(12))
    forward.insert(3)
    #expect(forward.count == 9)
  }

  @Test("the blocks missing from a range")
  func missing() {
    let set = BlockSet([2, 3, 7])
    #expect(set.missing(from: 0..<10) == [0..<2, 4..<7, 8..<10])
    #expect(set.missing(from: 2..<4) == [])
    #expect(BlockSet().missing(from: 3..<5) == [3..<5])
  }

  @Test("encodes as [first, end) pairs and refuses malformed pairs")
  func coding() throws {
    let set = BlockSet([0, 1, 2, 6])
    let data = try JSONEncoder().encode(set)
    #expect(String(decoding: data, as: UTF8.self) == "[[0,3],[6,7]]")
    #expect(try JSONDecoder().decode(BlockSet.self, from: data) == set)
    for bad in ["[[3,1]]", "[[-1,2]]", "[[1]]"] {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(BlockSet.self, from: Data(bad.utf8)) }
    }
  }

  @Test("shards own contiguous, disjoint blocks that cover the run")
  func shards() {
    let blocks = TrialBlocks(trials: 1003)
    #expect(blocks.count == 126)
    #expect(blocks.trials(ofBlock: 125) == 1000..<1003)
    var covered = BlockSet()
    for i in 0..<7 {
      let mine = blocks.blocks(ofShard: i, of: 7)
      for b in mine { #expect(!covered.contains(b)); covered.insert(b) }
    }
    #expect(covered.ranges == [0..<126])
    #expect(blocks.trialCount(of: 0..<126) == 1003 && blocks.trialCount(of: 3..<5) == 16)
  }
}

/// Output lines collected from worker callbacks.
final class CollectedLines: @unchecked Sendable {
  private let lock = NSLock()
  private var stored = Data()
  func append(_ data: Data) { lock.lock(); stored.append(data); lock.unlock() }
  var data: Data { lock.lock(); defer { lock.unlock() }; return stored }
}

@Suite("Block runs and threads")
struct BlockRunTests {
  static let line: @Sendable (Int, TrialOutcome) -> Data = { trial, outcome in
    Data("\(trial) \(outcome.failures.joined().reduce(0, +)) \(outcome.linkDownHours)\n".utf8)
  }

  @Test("the report and the per-trial lines are byte-identical for 1, 2 and 3 threads")
  func threadsDoNotChangeResults() throws {
    let small = try SmallScenario(optics: "cpo")
    let simulation = try small.simulation()
    let metrics = TrialMetrics(simulation: simulation)
    var reports: [String] = [], lines: [Data] = []
    for threads in [1, 2, 3] {
      let collected = CollectedLines()
      let statistics = simulation.statistics(trials: 0..<150, seed: 12, metrics: metrics, threads: threads,
                                             perTrialLine: Self.line, lines: { collected.append($0) })
      reports.append(try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 12)))
      lines.append(collected.data)
    }
    #expect(reports[0] == reports[1] && reports[0] == reports[2])
    #expect(lines[0] == lines[1] && lines[0] == lines[2])
    let first = String(decoding: lines[0], as: UTF8.self).split(separator: "\n")
    #expect(first.count == 150 && first.first?.hasPrefix("0 ") == true && first.last?.hasPrefix("149 ") == true)
  }

  @Test("a comparison is identical for 1 and 2 threads")
  func comparisonThreads() throws {
    let a = try SmallScenario(optics: "pluggable"), b = try SmallScenario(optics: "cpo")
    let comparison = Comparison(simulations: [try a.simulation(), try b.simulation()])
    let one = comparison.run(trials: 70, seed: 3, threads: 1)
    let two = comparison.run(trials: 70, seed: 3, threads: 2)
    #expect(one == two)
  }

  @Test("a run restored from some blocks and continued equals the run in one go")
  func restoreAndContinue() throws {
    let small = try SmallScenario(optics: "pluggable")
    let simulation = try small.simulation()
    let metrics = TrialMetrics(simulation: simulation)
    let whole = simulation.statistics(trials: 0..<45, seed: 1, metrics: metrics)
    let first = BlockRun(trials: 45, empty: RunStatistics(metrics: metrics, simulation: simulation))
    first.run(0..<6, threads: 1, makeWorker: simulation.blockWorker(seed: 1, metrics: metrics), shouldStop: { first.completed.count >= 2 })
    let saved = first.snapshot()
    #expect(saved.completed.count == 2 && saved.statistics.trials == 16)
    let second = BlockRun(trials: 45, empty: RunStatistics(metrics: metrics, simulation: simulation))
    second.restore(saved.statistics, completed: saved.completed)
    second.run(0..<6, threads: 2, makeWorker: simulation.blockWorker(seed: 1, metrics: metrics))
    #expect(second.statistics == whole)
    #expect(second.completed.ranges == [0..<6])
  }
}
